"""Every failure class is proven: each is produced from a real exchange over a real socket.

The cases drive the engine as a run does (``Target`` + ``Transport`` + ``Judge``, or a suite
function with its ``ProbeCase``) against a server that answers wrongly in exactly one way: a
small Starlette app on loopback (one path per defect, Flowbrite-shaped answers), the hostile
server (a connection reset mid-body) or an embedded reference API with one of its faults.
Each case asserts the class raised, its typed fields and its title line; the conforming
answer on the same path passes, so the defect, not the case, is what the engine reports.
A failure class without a case fails ``test_every_failure_class_has_a_case``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import suites.test_idempotency as idempotency_suite
import suites.test_rate_limits as rate_limit_suite
from conformance import reference
from conformance.catalog import load_catalog
from conformance.catalog.model import Burst, Catalog, HeaderEcho
from conformance.engine import failures as F
from conformance.engine.build import Variables
from conformance.engine.case import ProbeCase
from conformance.engine.target import Target
from conformance.engine.transport import Transport
from conformance.reference._machinery.server import start_in_process

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hostile"))
from hostile_server import HostileServer  # noqa: E402

KEY = "every-failure-class-key-0123456789"
ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
OTHER_ULID = "01BX5ZZKBKACTAV9WEVGEMMVRZ"
VALIDATION = "api.common.validationFailed"
DETAIL = [{"property": "currency", "message": "unsupported", "attemptedValue": "XTS"}]


def _error(status: int, code: str | None, *, message: str = "no", body_status: int | None = None,
           media_type: str = "application/json", headers: dict[str, str] | None = None, **members: Any) -> Response:
    error: dict[str, Any] = {"status": body_status if body_status is not None else status, "message": message, **members}
    if code is not None:
        error["code"] = code
    if code == VALIDATION:
        error.setdefault("validationErrors", DETAIL)
    return JSONResponse({"error": error}, status_code=status, media_type=media_type,
                        headers={"X-Correlation-Id": ULID} if headers is None else headers)


# One path per defect; "conforming" is the answer the catalog asks for.
ANSWERS: dict[str, Callable[[], Response]] = {
    "conforming": lambda: _error(400, VALIDATION),
    "wrong-status": lambda: _error(422, VALIDATION),
    "wrong-code": lambda: _error(403, "api.common.forbidden"),
    "unknown-code": lambda: _error(400, "api.common.validationfailed"),
    "no-code": lambda: _error(400, None),
    "server-error": lambda: _error(500, "api.common.internalServerError"),
    "envelope": lambda: JSONResponse({"error": {"status": 400, "code": VALIDATION, "validationErrors": DETAIL}},
                                     status_code=400, headers={"X-Correlation-Id": ULID}),
    "media-type": lambda: _error(400, VALIDATION, media_type="text/plain"),
    "body-status": lambda: _error(400, VALIDATION, body_status=422),
    "missing-header": lambda: _error(400, VALIDATION, headers={}),
    "header-echo": lambda: _error(400, VALIDATION, correlationId=OTHER_ULID),
    "header-echo-agreeing": lambda: _error(400, VALIDATION, correlationId=ULID),
    "accepted": lambda: JSONResponse({"data": {"id": "wal_" + ULID}}, status_code=201, headers={"X-Correlation-Id": ULID}),
    "html": lambda: Response(b"<html><body>Bad request</body></html>", status_code=400, media_type="text/html",
                             headers={"X-Correlation-Id": ULID}),
    "leak": lambda: _error(400, VALIDATION, message='Traceback (most recent call last):\n  File "app.py", line 3'),
    "wallets": lambda: JSONResponse({"data": []}, headers={"X-Correlation-Id": ULID}),  # never rate-limited
}


async def _answer(request):
    return ANSWERS[request.path_params["defect"]]()


MISBEHAVING = Starlette(routes=[Route("/v1/{defect}", _answer, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def flowbrite() -> Catalog:
    return load_catalog("flowbrite")


@pytest.fixture(scope="module")
def misbehaving():
    server = start_in_process("misbehaving", MISBEHAVING, fault=None, port=0)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def hostile():
    server = HostileServer().start()
    yield server
    server.stop()


@dataclass
class Servers:
    flowbrite: Catalog
    misbehaving: str
    hostile: HostileServer


@pytest.fixture
def servers(flowbrite, misbehaving, hostile) -> Servers:
    return Servers(flowbrite, misbehaving, hostile)


def _target(catalog: Catalog, base_url: str, credentials: dict[str, str] | None = None) -> Target:
    return Target(catalog, base_url, credentials or {"primary": KEY}, Transport(timeout=5.0))


def judged(catalog: Catalog, base_url: str, defect: str) -> F.ConformanceFailure | None:
    """Send the Flowbrite currency probe's request to ``/v1/<defect>`` and judge the answer
    as the probe must be answered (``api.common.validationFailed``); the failure raised."""
    target = _target(catalog, base_url)
    probe = next(probe for probe in catalog.probes if probe.id == "wallets.create.currency")
    step = probe.request.model_copy(update={"path": "/" + defect})
    try:
        exchange = target.send(step, Variables(), probe=probe)
        target.check(exchange, probe, probe.expected_codes)
    except F.ConformanceFailure as failure:
        return failure
    finally:
        target.transport.close()
    return None


def _echoing(catalog: Catalog) -> Catalog:
    """Flowbrite with an ``echo`` rule: ``/error/correlationId`` must equal X-Correlation-Id."""
    envelope = catalog.envelopes["default"]
    echo = [HeaderEcho(header="X-Correlation-Id", pointer="/error/correlationId")]
    return catalog.model_copy(update={"envelopes": {**catalog.envelopes, "default": envelope.model_copy(update={"echo": echo})}})


def _on_misbehaving(defect: str) -> Callable[[Servers], F.ConformanceFailure | None]:
    return lambda servers: judged(servers.flowbrite, servers.misbehaving, defect)


def _header_mismatch(servers: Servers) -> F.ConformanceFailure | None:
    return judged(_echoing(servers.flowbrite), servers.misbehaving, "header-echo")


def _transport_failure(servers: Servers) -> F.ConformanceFailure | None:
    return judged(servers.flowbrite, servers.hostile.url("reset").removesuffix("/"), "wallets")


def _burst_without_limit(servers: Servers) -> F.ConformanceFailure | None:
    """The rate-limit suite against an API that never limits (a burst of three requests)."""
    probe = next(probe for probe in servers.flowbrite.probes if probe.kind == "rate-limit")
    probe = probe.model_copy(update={"burst": Burst(max_requests=3, credential="primary")})
    target = _target(servers.flowbrite, servers.misbehaving)
    try:
        rate_limit_suite.test_burst_hits_rate_limit(ProbeCase(target, probe))
    except F.ConformanceFailure as failure:
        return failure
    finally:
        target.transport.close()
    return None


def _replay_ignored(servers: Servers) -> F.ConformanceFailure | None:
    """The idempotency suite's replay against Customer Verification with ``replay-ignored``."""
    name = "customer-verification"
    catalog = load_catalog(name)
    probe = next(probe for probe in catalog.probes if probe.id == "idempotency.replay")
    with reference.start(name, fault="replay-ignored") as server:
        target = _target(catalog, server.url, reference.credentials(name))
        try:
            idempotency_suite.test_idempotency(ProbeCase(target, probe))
        except F.ConformanceFailure as failure:
            return failure
        finally:
            target.transport.close()
    return None


@dataclass
class Case:
    provoke: Callable[[Servers], F.ConformanceFailure | None]
    fields: dict[str, object]  # typed fields the failure must carry
    check: Callable[[F.ConformanceFailure], bool] = lambda failure: True  # what exact values cannot say


CASES: dict[type[F.ConformanceFailure], Case] = {
    F.WrongStatus: Case(_on_misbehaving("wrong-status"), {
        "code": VALIDATION, "expected_status": "400", "received_status": 422,
        "catalog_entry": f"flowbrite {VALIDATION} (400, status seed, name seed)"}),
    F.WrongCode: Case(_on_misbehaving("wrong-code"), {
        "expected_code": VALIDATION, "received_code": "api.common.forbidden", "received_status": 403}),
    F.UnknownCode: Case(_on_misbehaving("unknown-code"), {
        "received_code": "api.common.validationfailed", "received_status": 400, "did_you_mean": VALIDATION,
        "expected_code": VALIDATION, "expected_status": "400"}),
    F.NoErrorCode: Case(_on_misbehaving("no-code"), {"code_locator": "pointer /error/code", "received_status": 400}),
    F.ServerError: Case(_on_misbehaving("server-error"), {
        "received_status": 500, "received_code": "api.common.internalServerError",
        "expected_code": VALIDATION, "expected_status": "400"}),
    F.EnvelopeViolation: Case(_on_misbehaving("envelope"), {
        "schema": "envelope default", "at": "/error", "problem": "'message' is a required property", "code": VALIDATION}),
    F.WrongMediaType: Case(_on_misbehaving("media-type"), {
        "expected_media_type": "application/json", "received_media_type": "text/plain", "received_status": 400}),
    F.BodyStatusMismatch: Case(_on_misbehaving("body-status"), {"http_status": 400, "body_status": 422}),
    F.MissingHeader: Case(_on_misbehaving("missing-header"), {"header": "X-Correlation-Id", "received_status": 400}),
    F.HeaderMismatch: Case(_header_mismatch, {
        "header": f"X-Correlation-Id: {ULID}", "body": f"/error/correlationId: {OTHER_ULID}", "code": VALIDATION}),
    F.InvalidInputAccepted: Case(_on_misbehaving("accepted"), {
        "expected_code": VALIDATION, "expected_status": "400", "received_status": 201}),
    F.UnparseableBody: Case(_on_misbehaving("html"), {"received_status": 400, "received_media_type": "text/html"},
                            lambda failure: failure.problem.startswith("not JSON")),
    F.TransportFailure: Case(_transport_failure, {"received_status": 400}, lambda failure: bool(failure.error)),
    F.ReplayNotHonoured: Case(_replay_ignored, {"first_status": 201, "replay_status": 409},  # processed again: a duplicate
                              lambda failure: failure.first_body != failure.replay_body),
    F.ExpectedErrorNotProduced: Case(_burst_without_limit, {
        "expected_code": "api.common.rateLimitExceeded", "scenario": "3 requests in a burst, no 429"}),
    F.InternalDetailsLeaked: Case(_on_misbehaving("leak"), {"code": VALIDATION},
                                  lambda failure: failure.found.startswith("Traceback")),
}


def test_every_failure_class_has_a_case():
    assert tuple(CASES) == F.ALL_FAILURES


@pytest.mark.parametrize("failure_class", F.ALL_FAILURES, ids=lambda cls: cls.__name__)
def test_every_failure_class_is_produced_from_a_real_exchange(failure_class, servers):
    case = CASES[failure_class]
    failure = case.provoke(servers)
    assert type(failure) is failure_class, str(failure)
    lines = str(failure).splitlines()
    assert lines[0] == failure_class.title
    for name, expected in case.fields.items():
        assert getattr(failure, name) == expected, name
    assert case.check(failure), str(failure)
    # Each typed field renders as its own "Label: value" line, in the class's order.
    own = [f"{label}: {value}" for label, value in failure.lines if "\n" not in str(value)]
    assert [line for line in lines if line in own] == own
    assert failure.value("Reproduce").startswith("curl ")  # recorded and annotated by the engine


def test_the_conforming_answer_passes(flowbrite, misbehaving):
    """The control of the misbehaving app: the answer the catalog asks for raises nothing,
    with or without the echo rule, so each case's failure is its defect's."""
    assert judged(flowbrite, misbehaving, "conforming") is None
    assert judged(_echoing(flowbrite), misbehaving, "header-echo-agreeing") is None
