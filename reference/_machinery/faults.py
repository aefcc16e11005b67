"""Fault injection: the generic kinds and the per-API declaration of what each one changes.

Each API module declares ``FAULTS: dict[str, Fault]`` (one entry per kind in
:data:`FAULT_KINDS`; ``applies=False`` with a ``reason`` for kinds that make no sense for it).
The machinery (``api.py``) implements every kind generically from the ``Fault`` parameters and
the API's :class:`~reference._machinery.envelope.Envelope` member paths; the only kind that
needs cooperation from handlers is ``accept-invalid`` (handlers check ``ctx.skip_validation``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: kind -> generic summary (what the defect is, independently of the API).
FAULT_KINDS: dict[str, str] = {
    "wrong-status": "a chosen error code is sent with a wrong HTTP status (body status follows it)",
    "code-case": "a chosen error code is misspelled (wrong case or a changed letter)",
    "unknown-code": "a chosen error code is replaced by one that is not in the documented list",
    "missing-member": "a required envelope member (e.g. message) is removed from error bodies",
    "wrong-media-type": "error responses are sent with the wrong Content-Type",
    "body-status-mismatch": "the status member of the error body differs from the HTTP status",
    "missing-header": "a required response header is missing (request/correlation id on errors, Retry-After on 429)",
    "accept-invalid": "field validation is skipped on one operation: invalid input is accepted with a 2xx",
    "html-500": "malformed JSON bodies crash the handler: 500 with an HTML error page",
    "replay-ignored": "an idempotent replay is processed again as new (a second resource with a new id)",
    "missing-detail-member": "the per-field detail member (validationErrors / param / field / errors) is missing from validation errors",
    "stack-trace": "a stack trace leaks into the message of 500s and validation errors",
    "sql-leak": "a database error text leaks into the message of 500s and validation errors",
}


@dataclass(frozen=True)
class Fault:
    """One API's version of one fault kind.

    * ``codes``: error codes affected (``None`` = every error response).
    * ``statuses``: restrict to these HTTP statuses (``None`` = any).
    * ``operations``: operation ids affected (``accept-invalid``; informational elsewhere).
    * ``param``: kind-specific value: the wrong status (``wrong-status``), the replacement code
      (``code-case``, ``unknown-code``), the wrong media type (``wrong-media-type``), the body
      status to report (``body-status-mismatch``: an int, or None for "400, or 422 when the
      HTTP status is 400"), the member path(s) to remove (``missing-member``) or headers to drop
      (``missing-header``, a tuple of names; the request-id header is dropped when listed).
    * ``affects``: human-readable statement of exactly what changes (shown by --list-faults).
    * ``applies`` / ``reason``: ``applies=False`` documents why a kind does not apply.
    """

    kind: str
    affects: str = ""
    codes: tuple[str, ...] | None = None
    statuses: tuple[int, ...] | None = None
    operations: tuple[str, ...] | None = None
    param: Any = None
    applies: bool = True
    reason: str = ""

    def matches(self, code: str | None, status: int) -> bool:
        if self.codes is not None and code not in self.codes:
            return False
        if self.statuses is not None and status not in self.statuses:
            return False
        return True


@dataclass(frozen=True)
class FaultInfo:
    """Public description returned by :func:`reference.faults`."""

    kind: str
    summary: str
    api: str | None = None
    applies: bool = True
    affects: str = ""
    codes: tuple[str, ...] | None = None
    operations: tuple[str, ...] | None = None
    reason: str = ""
    extra: dict = field(default_factory=dict)


def not_applicable(kind: str, reason: str) -> Fault:
    return Fault(kind=kind, applies=False, reason=reason)


def check_declared(api: str, faults: dict[str, Fault]) -> None:
    unknown = set(faults) - set(FAULT_KINDS)
    if unknown:
        raise ValueError(f"{api}: unknown fault kinds {sorted(unknown)}")


def resolve(api: str, faults: dict[str, Fault], kind: str | None) -> Fault | None:
    """The active :class:`Fault` for ``kind`` (None for a conforming server)."""
    if kind is None or kind in ("", "none"):
        return None
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
    fault = faults.get(kind)
    if fault is None or not fault.applies:
        why = fault.reason if fault is not None else "not declared"
        raise ValueError(f"fault {kind!r} does not apply to {api}: {why}")
    return fault


def describe(api: str, faults: dict[str, Fault]) -> list[FaultInfo]:
    out = []
    for kind, summary in FAULT_KINDS.items():
        f = faults.get(kind) or Fault(kind, applies=False, reason="not declared")
        out.append(FaultInfo(kind=kind, summary=summary, api=api, applies=f.applies,
                             affects=f.affects, codes=f.codes, operations=f.operations,
                             reason=f.reason))
    return out


HTML_500_PAGE = (
    "<!DOCTYPE html>\n<html>\n<head><title>500 Internal Server Error</title></head>\n"
    "<body>\n<center><h1>500 Internal Server Error</h1></center>\n"
    "<hr><center>nginx</center>\n</body>\n</html>\n"
)

FAKE_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/handlers.py", line 212, in dispatch\n'
    "    return await handler(request)\n"
    '  File "/srv/app/validation.py", line 88, in validate\n'
    "    raise ValidationError(errors)\n"
    "app.validation.ValidationError: request validation failed"
)

# What a handler that passes its database driver's exception text on to the client sends:
# the PostgreSQL driver's error for a query built from unsanitised input.
FAKE_SQL_ERROR = (
    'psycopg2.errors.SyntaxError: syntax error at or near "WHERE"\n'
    "LINE 1: SELECT * FROM accounts WHERE WHERE id = '';\n"
    "                                     ^"
)
