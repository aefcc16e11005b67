"""Drive schemathesis from Python (the pytest route and the bench), bounded in examples and time.

One Hypothesis search per operation and generation mode, each capped by ``max_examples``
and by a shared wall-clock budget; every request goes through the suite's transport
(:mod:`.send`: budget, pace, body cap, deadline, no redirects, the base-path gate), every
response through the chosen checks
(schemathesis built-ins by name, plus any check functions such as
:func:`.checks.catalog_check`). Failures are collected, not raised, so one run reports
every operation that broke a contract.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode

from ..engine.failures import BudgetExhausted
from ..engine.transport import Transport
from .document import DEFAULT_MAX_BODY, DEFAULT_TIMEOUT, load_document
from .send import Refused, SuiteSender

__all__ = [
    "BUILTIN_CHECKS",
    "NEGATIVE_CHECKS",
    "Finding",
    "RunResult",
    "builtin_checks",
    "fetch_document",
    "run_schema",
]

# Built-in checks meaningful for error contracts. Left out on purpose:
# - positive_data_acceptance: an OpenAPI document cannot say that an id must name an existing
#   resource of the caller, or that a transfer's currency must match its wallet's; schema-valid
#   requests that break such rules are rightly rejected with 400 (schemathesis' opinion, not a defect).
# - missing_required_header / ignored_auth / unsupported_method / allow_header_conformance,
#   use_after_free, ensure_resource_availability, object_level_authorization: they send extra
#   requests of their own or test authorization and resource life cycles, not error bodies.
BUILTIN_CHECKS: tuple[str, ...] = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
# negative_data_rejection only makes sense for requests generated to break the schema.
NEGATIVE_CHECKS: tuple[str, ...] = (*BUILTIN_CHECKS, "negative_data_rejection")


def builtin_checks(names: Iterable[str]) -> list[Callable[..., Any]]:
    load_all_checks()
    return [CHECKS.get_one(name) for name in names]


def fetch_document(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_body: int = DEFAULT_MAX_BODY) -> dict:
    """The OpenAPI document (JSON or YAML) at ``url``, read by :func:`.document.load_document`:
    through the engine's transport (one deadline, a size cap, no redirects, never through a
    proxy). Raises :class:`.document.DocumentError` (a ``ValueError``)."""
    return load_document(url, timeout=timeout, max_body=max_body)


@dataclass
class Finding:
    operation: str
    mode: str
    checks: list[str]
    titles: list[str]
    text: str


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    operations: int = 0
    examples: int = 0
    refused: int = 0  # requests the gate refused (they would have left the API): not sent
    out_of_time: bool = False
    stopped: BaseException | None = None  # BudgetExhausted: the run's --max-requests was reached

    def lines(self) -> list[str]:
        return [f"{f.operation} [{f.mode}]: {'; '.join(f.titles)}" for f in self.findings]


def _failures(exc: BaseException) -> list[Failure]:
    if isinstance(exc, FailureGroup):
        return list(exc.exceptions)
    if isinstance(exc, Failure):
        return [exc]
    return []


def run_schema(
    document: dict,
    *,
    base_url: str,
    headers: dict[str, str] | None = None,
    checks: Sequence[Callable[..., Any]],
    negative_checks: Sequence[Callable[..., Any]] | None = None,
    modes: Sequence[GenerationMode] = (GenerationMode.NEGATIVE, GenerationMode.POSITIVE),
    max_examples: int = 6,
    budget_seconds: float = 60.0,
    seed: int | None = 0,
    transport: Transport | None = None,
    gate: Callable[[str], None] | None = None,
    part: tuple[int, int] = (0, 1),
) -> RunResult:
    """Run ``checks`` over every operation of ``document`` served at ``base_url`` (with
    ``part=(i, n)``: the i-th of n parts, every n-th operation from the i-th, so that n tests
    on n workers share one document's operations).

    Every request goes through ``transport`` (the run's: its budget, pace, body cap and
    deadline; else one of its own with the defaults) after ``gate`` accepted its URL; a refused
    request is counted in ``RunResult.refused``, never sent. ``BudgetExhausted`` from the
    transport stops the search and is raised once the examples already judged are recorded.
    """
    schema = schemathesis.openapi.from_dict(document)
    result = RunResult()
    deadline = time.monotonic() + budget_seconds
    own = transport is None
    sender = SuiteSender(transport or Transport(), gate=gate)
    try:
        operations = [op.ok() for op in schema.get_all_operations() if _is_ok(op)]
        index, parts = part
        operations = operations[index::parts]
        result.operations = len(operations)
        for mode in modes:
            mode_checks = list(negative_checks if (mode == GenerationMode.NEGATIVE and negative_checks is not None) else checks)
            for operation in operations:
                if time.monotonic() > deadline:
                    result.out_of_time = True
                    return result
                try:
                    strategy = operation.as_strategy(generation_mode=mode)
                except Exception:  # noqa: BLE001 - an operation schemathesis cannot generate for is skipped
                    continue
                seen = _search(strategy, mode_checks, result, deadline, max_examples=max_examples, seed=seed,
                               send=lambda case: sender.send(case, base_url=base_url, headers=headers))
                if seen:
                    unique = list(dict.fromkeys(seen))
                    result.findings.append(
                        Finding(
                            operation=operation.label,
                            mode=mode.value,
                            checks=sorted({type(f).__name__ for f in unique}),
                            titles=list(dict.fromkeys(f.title for f in unique)),
                            text="\n\n".join(str(f) for f in unique),
                        )
                    )
                if result.stopped is not None:
                    raise result.stopped
    finally:
        if own:
            sender.transport.close()
    return result


class Unanswered(Failure):
    """No HTTP answer to judge (refused, reset, timed out, broken framing): a finding."""

    kind_title = "No answer"


def _validate(case: Any, checks: Sequence[Callable[..., Any]], exchange, kwargs: dict, prepared, headers) -> None:
    """Run ``checks`` on the answer; raise the failures (a FailureGroup), as schemathesis does."""
    if exchange.status is None:
        # A check that judges unanswered requests (the catalog check) records its own verdict.
        for check in checks:
            unanswered = getattr(check, "unanswered", None)
            if unanswered is not None:
                raise unanswered(exchange, case)
        raise Unanswered(operation=case.operation.label, message=f"Error: {exchange.error}")
    response = SuiteSender.response(exchange, prepared)
    try:
        case.validate_response(response, checks=list(checks), headers=headers, transport_kwargs=kwargs)
    finally:
        SuiteSender.release(response)


def _search(strategy, checks, result: RunResult, deadline: float, *, max_examples: int, seed: int | None, send) -> list[Failure]:
    """One bounded Hypothesis search; the failures the checks raised, in order."""
    seen: list[Failure] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=seed is not None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: keep it fast
        report_multiple_bugs=False,
    )
    @given(case=strategy)
    def probe(case):
        if time.monotonic() > deadline or result.stopped is not None:
            return
        try:
            exchange, kwargs, prepared = send(case)
        except Refused:
            result.refused += 1  # would leave the API: never sent
            return
        except BudgetExhausted as exc:
            result.stopped = exc
            return
        result.examples += 1
        try:
            _validate(case, checks, exchange, kwargs, prepared, dict(exchange.request.headers))
        except (Failure, FailureGroup) as exc:
            seen.extend(_failures(exc))
            raise

    try:
        probe()
    except (Failure, FailureGroup, AssertionError):
        pass
    return seen


def _is_ok(result: Any) -> bool:
    try:
        result.ok()
    except Exception:  # noqa: BLE001 - an operation with a broken definition is skipped
        return False
    return True
