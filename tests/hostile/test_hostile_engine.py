"""The hostile matrix at engine level: each misbehaviour becomes the right conformance
failure, in bounded time and memory, with no connection anywhere but the target."""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from conformance.catalog import load_catalog
from conformance.engine import failures as F
from conformance.engine import target as target_module
from conformance.engine.build import Variables
from conformance.engine.target import Target, retry_after_seconds
from conformance.engine.transport import OutgoingRequest, Transport

sys.path.insert(0, str(Path(__file__).parent))
from hostile_server import HUGE_SIZE, REDIRECT_AWAY  # noqa: E402

TIMEOUT = 2.0
MAX_BODY = 1 << 20
KEY = "sk_live_SECRET_7f3a9c41d2e8b6a0f5c3e1d9"

# mode -> (failure class, status the exchange carries or None when nothing usable came back)
MATRIX = {
    "always-200": (F.InvalidInputAccepted, 200),
    "html": (F.ServerError, 500),  # a 500 to a request that deserves a 4xx; "Also: Unparseable error body"
    "invalid-json": (F.UnparseableBody, 400),
    "truncated": (F.UnparseableBody, 400),
    "huge": (F.UnparseableBody, 400),
    "bad-utf8": (F.UnparseableBody, 400),
    "deep-json": (F.UnparseableBody, 400),
    "drip": (F.TransportFailure, 400),
    "drip-headers": (F.TransportFailure, None),
    "silent": (F.TransportFailure, None),
    "reset": (F.TransportFailure, 400),
    "wrong-length": (F.TransportFailure, 400),
    "short-length": (F.UnparseableBody, 400),
    "gzip-bomb": (F.UnparseableBody, 400),
    "redirect-loop": (F.WrongStatus, 302),
    "redirect-away": (F.WrongStatus, 301),
    "echo": (F.UnparseableBody, 400),
}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog("flowbrite")


def make_target(catalog, server, mode: str, **transport_args) -> Target:
    transport = Transport(timeout=transport_args.pop("timeout", TIMEOUT), max_body=transport_args.pop("max_body", MAX_BODY), **transport_args)
    return Target(catalog, server.url(mode), {"primary": KEY}, transport)


def probe_of(catalog, probe_id: str):
    return next(probe for probe in catalog.probes if probe.id == probe_id)


@pytest.mark.parametrize("mode", list(MATRIX))
def test_hostile_mode_is_a_conformance_failure(mode, server, catalog, connects):
    expected, status = MATRIX[mode]
    target = make_target(catalog, server, mode)
    probe = probe_of(catalog, "wallets.create.currency")
    server.reset()
    tracemalloc.start()
    started = time.monotonic()
    try:
        exchange = target.send(probe.request, Variables(), probe=probe, vary=probe.vary, value="XTS")
        with pytest.raises(F.ConformanceFailure) as caught:
            target.check(exchange, probe, probe.expected_codes, value="XTS")
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        target.transport.close()
    failure = caught.value
    print(f"{mode}: {type(failure).__name__} in {elapsed:.2f} s, peak {peak / 1e6:.1f} MB, status {exchange.status}")
    assert type(failure) is expected, str(failure)
    assert exchange.status == status
    assert elapsed < TIMEOUT + 2
    assert peak < 8 * MAX_BODY, f"peak {peak} bytes"
    assert len(exchange.body) <= MAX_BODY
    # Exactly one request reached the target; no connection went anywhere else.
    assert [(req.method, req.mode) for req in server.seen()] == [("POST", mode)]
    assert connects and set(connects) == {("127.0.0.1", server.port)}
    assert "Reproduce: curl" in str(failure)
    assert KEY not in str(failure)


def test_huge_and_bomb_bodies_stop_at_the_cap(server, catalog):
    """The cap applies to the decoded body: 60 MB streamed and 4 GiB of gzip read as 1 MiB."""
    transport = Transport(timeout=TIMEOUT, max_body=MAX_BODY)
    try:
        for mode in ("huge", "gzip-bomb"):
            exchange = transport.send(OutgoingRequest("POST", server.url(mode) + "/v1/wallets", {}, b"{}"))
            assert exchange.truncated and len(exchange.body) == MAX_BODY and exchange.error is None
        assert HUGE_SIZE > 50 * MAX_BODY
    finally:
        transport.close()


def test_redirect_away_is_never_followed(server, catalog, connects):
    target = make_target(catalog, server, "redirect-away")
    server.reset()
    try:
        exchange = target.transport.send(OutgoingRequest("GET", server.url("redirect-away") + "/v1/wallets"))
    finally:
        target.transport.close()
    assert exchange.status == 301 and exchange.headers["location"] == REDIRECT_AWAY
    assert "198.51.100.7" not in {host for host, _ in connects}
    assert len(server.seen("redirect-away")) == 1


def test_redirect_loop_is_one_request(server, catalog):
    transport = Transport(timeout=TIMEOUT)
    server.reset()
    try:
        exchange = transport.send(OutgoingRequest("GET", server.url("redirect-loop") + "/v1/wallets"))
    finally:
        transport.close()
    assert exchange.status == 302 and len(server.seen("redirect-loop")) == 1


def test_poisoned_connection_is_not_reused(server):
    """A Content-Length shorter than the body leaves bytes on the connection: the next
    request must not read them as its answer."""
    transport = Transport(timeout=TIMEOUT)
    try:
        first = transport.send(OutgoingRequest("POST", server.url("short-length") + "/v1/wallets", {}, b"{}"))
        second = transport.send(OutgoingRequest("GET", server.url("always-200") + "/v1/wallets"))
    finally:
        transport.close()
    assert first.status == 400 and len(first.body) == 20
    assert second.status == 200 and second.error is None and second.body.startswith(b'{"data"')


def test_retry_after_is_honoured_outside_rate_limit_probes(server, catalog):
    """A 429 with Retry-After: 1 met by an ordinary probe: judged, waited for, retried."""
    target = make_target(catalog, server, "retry-after")
    probe = probe_of(catalog, "wallets.create.currency")
    server.reset()
    try:
        exchange = target.send(probe.request, Variables(), probe=probe)
    finally:
        target.transport.close()
    seen = server.seen("retry-after")
    assert exchange.status == 200
    assert len(seen) == 2
    gap = seen[1].at - seen[0].at
    print(f"retry-after: retried after {gap:.2f} s (server clock)")
    assert 0.95 <= gap < 2.0
    assert target.recorder.observations[0].status == 429 and target.recorder.observations[0].passed


def test_rate_limit_probes_do_not_wait(server, catalog):
    target = make_target(catalog, server, "retry-after")
    probe = probe_of(catalog, "rate-limit.burst")
    server.reset()
    started = time.monotonic()
    try:
        exchange = target.send(probe.request, Variables(), probe=probe, allow_429=True)
    finally:
        target.transport.close()
    assert exchange.status == 429 and len(server.seen("retry-after")) == 1
    assert time.monotonic() - started < 0.5


def test_hostile_retry_after_is_capped(server, catalog, monkeypatch):
    """Retry-After: 999999 waits MAX_RETRY_AFTER at most, and all waits of a target together
    stop at MAX_RETRY_WAIT; then the probe is reported as a setup problem."""
    assert retry_after_seconds("999999") == target_module.MAX_RETRY_AFTER == 10.0
    assert retry_after_seconds("9" * 5000) == target_module.MAX_RETRY_AFTER
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("-5") == 1.0 and retry_after_seconds("soon") == 1.0
    monkeypatch.setattr(target_module, "MAX_RETRY_AFTER", 0.2)
    monkeypatch.setattr(target_module, "MAX_RETRY_WAIT", 0.5)
    target = make_target(catalog, server, "retry-forever")
    probe = probe_of(catalog, "wallets.create.currency")
    server.reset()
    started = time.monotonic()
    try:
        # a target that keeps limiting is a setup problem, never the probe's failure
        with pytest.raises(F.ProbeSetupError, match=r"kept answering 429 \(Retry-After: 999999; waited 0.4 s here"):
            target.send(probe.request, Variables(), probe=probe)
        with pytest.raises(F.ProbeSetupError, match=r"waited 0.0 s here, 0.4 of 0.5 s allowed per target"):
            target.send(probe.request, Variables(), probe=probe)
    finally:
        target.transport.close()
    elapsed = time.monotonic() - started
    assert target.retry_waited <= 0.5 + 1e-9
    assert elapsed < 1.5
    # first: 1 + 2 retries (0.4 s waited), second: 1 try and no more room to wait
    assert len(server.seen("retry-forever")) == 4


def test_deadline_bounds_a_dripping_body_whatever_the_read_timeout(server):
    """Each byte arrives within any per-read timeout; only the overall deadline stops it."""
    transport = Transport(timeout=1.5)
    started = time.monotonic()
    try:
        exchange = transport.send(OutgoingRequest("POST", server.url("drip") + "/v1/wallets", {}, b"{}"))
    finally:
        transport.close()
    elapsed = time.monotonic() - started
    assert exchange.status == 400 and "1.5 s" in exchange.error
    assert 1.4 < elapsed < 2.5
    assert 0 < len(exchange.body) <= 3  # what dripped in before the deadline is kept


def test_reprs_never_show_the_key(server):
    transport = Transport(timeout=TIMEOUT)
    try:
        exchange = transport.send(OutgoingRequest("POST", server.url("echo") + "/v1/wallets", {"X-API-KEY": KEY}, b"{}"))
    finally:
        transport.close()
    from conformance.engine import secrets

    secrets.register(KEY)
    assert KEY.encode() in exchange.body  # the server echoed it
    assert KEY not in repr(exchange) and KEY[:12] not in repr(exchange)


@pytest.mark.parametrize("mode", ["gzip-bomb", "drip", "redirect-away", "deep-json"])
def test_openapi_document_fetch_is_bounded(server, mode, connects):
    """The OpenAPI route fetches its document through the same bounded transport."""
    from conformance.openapi.run import fetch_document

    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises((ValueError, RecursionError)):
            fetch_document(server.url(mode) + "/openapi.json", timeout=TIMEOUT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < TIMEOUT + 2
    assert peak < 64 << 20
    assert set(connects) == {("127.0.0.1", server.port)}
