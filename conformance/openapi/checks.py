"""Schemathesis checks that judge every error response against a catalog.

The rules live in the verdict engine (:mod:`conformance.engine.judge`); this module only
turns a schemathesis response into an :class:`~conformance.engine.transport.Exchange`,
asks the engine for a verdict and hands the first failure back to schemathesis as a
:class:`CatalogViolation` (a schemathesis ``Failure`` carrying the engine's title and
"Label: value" lines). Nothing here is registered on import: :mod:`.hooks` registers the
command-line check, and :func:`catalog_check` builds an unregistered one for pytest, which
given the run's target records each verdict where the run's reports read them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import httpx
from schemathesis.core.failures import Failure, Severity

from ..catalog import load_catalog
from ..catalog.model import Catalog, Probe
from ..engine import failures as F
from ..engine import secrets
from ..engine.judge import Judge, Verdict
from ..engine.target import Target
from ..engine.transport import Exchange, OutgoingRequest
from .send import exchange_of

__all__ = ["CATALOG_ENV", "CatalogViolation", "catalog_check", "exchange_from_response", "judge_response", "resolve_catalog"]

CATALOG_ENV = "CONFORMANCE_CATALOG"
STRICT_PLANNED_ENV = "CONFORMANCE_STRICT_PLANNED"
STRICT_SHOULD_ENV = "CONFORMANCE_STRICT_SHOULD"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")

_SEVERITY = {
    F.UnknownCode: Severity.HIGH,
    F.WrongStatus: Severity.HIGH,
    F.WrongCode: Severity.HIGH,
    F.InternalDetailsLeaked: Severity.HIGH,
}


class CatalogViolation(Failure):
    """An error response that breaks the catalog, as the verdict engine judged it.

    ``title`` is the engine failure's title; ``message`` its "Label: value" lines. One
    finding per operation, engine failure kind and code (schemathesis deduplicates on
    ``_unique_key``).
    """

    kind_title = "Catalog violation"
    __slots__ = ("failure", "catalog_code")

    def __init__(self, *, operation: str | None, failure: F.ConformanceFailure, catalog_code: str | None = None):
        lines = failure.render().split("\n", 1)
        super().__init__(
            operation=operation,
            title=f"{failure.title} (catalog)",
            message=lines[1] if len(lines) > 1 else "",
            severity=_SEVERITY.get(type(failure), Severity.MEDIUM),
        )
        self.failure = failure
        self.catalog_code = catalog_code

    @property
    def _unique_key(self) -> str:
        return f"{self.failure.kind}|{self.catalog_code}"


def resolve_catalog(catalog: Catalog | str | None = None) -> Catalog:
    """The catalog object for ``catalog`` (a name, a path, a loaded catalog), else $CONFORMANCE_CATALOG."""
    if isinstance(catalog, Catalog):
        return catalog
    arg = catalog or os.environ.get(CATALOG_ENV, "").strip()
    if not arg:
        raise RuntimeError(f"no catalog for the catalog checks: set {CATALOG_ENV}=NAME|PATH (e.g. {CATALOG_ENV}=flowbrite)")
    if "," in arg:
        raise RuntimeError(f"{CATALOG_ENV} must name one catalog for a schemathesis run (got {arg!r})")
    return load_catalog(arg)


def exchange_from_response(response: Any) -> Exchange:
    """An engine ``Exchange`` from a schemathesis ``Response`` (its ``request`` is a prepared request)."""
    prepared = getattr(response, "request", None)
    body = getattr(prepared, "body", None)
    if isinstance(body, str):
        body = body.encode("utf-8")
    request = OutgoingRequest(
        method=str(getattr(prepared, "method", "") or ""),
        url=str(getattr(prepared, "url", "") or ""),
        headers={str(k): str(v) for k, v in dict(getattr(prepared, "headers", None) or {}).items()},
        content=body if isinstance(body, bytes) else None,
    )
    headers = httpx.Headers([(name, value) for name, values in response.headers.items() for value in values])
    size = getattr(response, "content_size", None)
    return Exchange(
        request=request,
        status=response.status_code,
        headers=headers,
        body=response.content or b"",
        truncated=bool(size is not None and size > len(response.content or b"")),
        elapsed=float(getattr(response, "elapsed", 0.0) or 0.0),
    )


def judge_response(judge: Judge, response: Any) -> Verdict | None:
    """The engine's verdict on an error response (4xx/5xx); None for anything else. The
    exchange the suite's transport recorded, where it sent the request (truncation, a broken
    body encoding), else one rebuilt from the response."""
    if response.status_code < 400:
        return None
    return judge.judge(exchange_of(response) or exchange_from_response(response), expect=())


_WARNED: set[str] = set()


def _warn(verdict: Verdict, case: Any) -> None:
    """A SHOULD rule broken (RFC 2119), outside a pytest run: schemathesis has no warnings of
    its own, so each distinct one goes to stderr once, with its lines (CONFORMANCE_STRICT_SHOULD=1
    makes it a failure instead)."""
    for warning in verdict.warnings:
        text = secrets.redact(warning.render())
        key = f"{case.operation.label}|{text.splitlines()[0]}"
        if key not in _WARNED:
            _WARNED.add(key)
            print(f"conformance warning (should), {case.operation.label}:\n{text}", file=sys.stderr)


def catalog_check(
    catalog: Catalog | str | None = None,
    *,
    strict_planned: bool | None = None,
    target: Target | None = None,
    probe_id: str = "openapi",
) -> Callable[..., None]:
    """A schemathesis check function ``(ctx, response, case)`` bound to one catalog (not registered).

    With ``target`` (the pytest route), the target's judge gives the verdicts and each one goes
    through ``Target.conclude``, the one path of every verdict of a run: it is recorded as an
    observation of pseudo-probe ``probe_id`` (kind ``openapi``), so the terminal coverage and
    the reports count the answers this check judged, as they count the probes'.
    """
    if target is not None:
        resolved, judge = target.catalog, target.judge
        probe = Probe.model_construct(id=probe_id, kind="openapi", expect=None, setup=[], markers=[])
    else:
        resolved = resolve_catalog(catalog)
        if strict_planned is None:
            strict_planned = _env_flag(STRICT_PLANNED_ENV)
        judge = Judge(resolved, strict_planned=strict_planned, strict_should=_env_flag(STRICT_SHOULD_ENV))

    def catalog_conformance(ctx: Any, response: Any, case: Any) -> None:
        """Every 4xx/5xx answer is a catalog code with its status, envelope, media type and headers."""
        verdict = judge_response(judge, response)
        if verdict is None:
            return None
        conclude(verdict, case)

    def unanswered(exchange: Exchange, case: Any) -> CatalogViolation:
        """The verdict on a request that got no usable answer (a transport failure), recorded
        as any other; the violation for run_schema to raise."""
        try:
            conclude(judge.judge(exchange, expect=()), case)
        except CatalogViolation as violation:
            return violation
        raise AssertionError("a request without an answer passed the judge")  # the judge always fails it

    def conclude(verdict: Verdict, case: Any) -> None:
        if target is not None:
            try:
                target.conclude(probe, (), verdict)
            except F.ConformanceFailure as failure:
                # conclude added the probe's context (Probe, Reproduce) and the other failures' titles
                failure.add_context(("Catalog", resolved.api.name))
                raise CatalogViolation(operation=case.operation.label, failure=failure, catalog_code=verdict.code) from None
            return None
        _warn(verdict, case)
        if verdict.passed:
            return None
        first = verdict.failures[0]
        others = [failure.title for failure in verdict.failures[1:]]
        if others:
            first.add_also(others)
        first.add_context(("Catalog", resolved.api.name))
        raise CatalogViolation(operation=case.operation.label, failure=first, catalog_code=verdict.code)

    catalog_conformance.unanswered = unanswered  # type: ignore[attr-defined]
    catalog_conformance.judge = judge  # type: ignore[attr-defined]
    catalog_conformance.catalog = resolved  # type: ignore[attr-defined]
    return catalog_conformance
