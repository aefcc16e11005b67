"""The verdict engine: every response of a run passes through ``Judge.judge``.

It identifies the error code (from the body or a header, as the envelope says), then
checks, in order: transport, body syntax, media type, code known, code expected, HTTP
status, body status, envelope schema, required headers, header echoes, leaked internals.
The first violation is raised as its failure class; the others are listed under "Also".
Schemas are compiled once per catalog.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from ..catalog.model import Catalog, Envelope, ErrorEntry, HeaderRule, Locator
from . import failures as F
from . import leaks
from .locate import MISSING, locate, resolve_pointer, strict_json as _strict_json  # noqa: F401 (re-exported)
from .transport import Exchange


# The note of an error whose body was in another format than the envelope (``other_formats``);
# the report counts them.
NOTE_OTHER_FORMAT = "error body without the envelope, in another format"


@dataclass
class Verdict:
    """What the engine concluded about one response."""

    exchange: Exchange
    code: str | None = None
    entry: ErrorEntry | None = None
    failures: list[F.ConformanceFailure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Violations of a rule at level "should" (RFC 2119): shown and counted, not failed.
    warnings: list[F.ConformanceFailure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def raise_first(self) -> None:
        if not self.failures:
            return
        first = self.failures[0]
        others = [failure.title for failure in self.failures[1:]]
        if others and first.also is None:
            first.add_also(others)  # after the failure's own lines, before the probe's context
        raise first


class Judge:
    """Holds one catalog's compiled checks."""

    def __init__(self, catalog: Catalog, *, strict_planned: bool = False, strict_should: bool = False):
        self.catalog = catalog
        self.strict_planned = strict_planned
        self.strict_should = strict_should
        self._envelope_validators = {
            name: Draft202012Validator(envelope.schema_) for name, envelope in catalog.envelopes.items() if envelope.schema_
        }
        self._entry_validators = {
            entry.code: Draft202012Validator(entry.schema_) for entry in catalog.errors if entry.schema_
        }
        self._header_res: dict[str, re.Pattern[str]] = {}
        self._json_envelopes = [(name, env) for name, env in catalog.envelopes.items() if env.body == "json"]
        self._codes_lower = {entry.code.lower(): entry.code for entry in catalog.errors}

    # -- public -------------------------------------------------------------------------

    def judge(self, exchange: Exchange, expect: tuple[str, ...] = (), *, statuses: tuple[int, ...] = ()) -> Verdict:
        """Judge one response. ``expect``: the codes the request must produce (empty: any
        answer is fine, but an error answer must still conform); ``statuses``: the statuses
        this request must answer with (a probe's ``expect_status``), empty: any status of the
        code received."""
        verdict = Verdict(exchange=exchange)
        if exchange.error is not None and exchange.status is None:
            verdict.failures.append(F.TransportFailure(error=exchange.error))
            return verdict
        if exchange.error is not None:
            verdict.failures.append(F.TransportFailure(error=exchange.error, received_status=exchange.status))
        self._check_headers(verdict, self.catalog.headers.every_response)
        status = exchange.status or 0
        if status < 400:
            if expect:
                cls = F.InvalidInputAccepted if 200 <= status < 300 else F.WrongStatus
                verdict.failures.append(cls(**self._expected(expect), received_status=status))
            elif statuses and status not in statuses:
                verdict.failures.append(self._not_pinned_status(statuses, status))
            return verdict
        if exchange.request.method == "HEAD":
            self._judge_head(verdict, expect)
        else:
            self._judge_error(verdict, expect)
        if statuses and status not in statuses and not any(isinstance(f, F.WrongStatus) for f in verdict.failures):
            verdict.failures.append(self._not_pinned_status(statuses, status))
        if status >= 500 and expect and self._unlicensed_5xx(expect, status):
            verdict.failures.append(
                F.ServerError(
                    received_status=status,
                    received_code=verdict.code if verdict.code is not None else "<none>",
                    **self._expected(expect),
                )
            )
        verdict.failures.sort(key=_rank)
        return verdict

    def suggest(self, code: str) -> str | None:
        """'Did you mean': a catalog code equal but for case, or close in spelling."""
        if code.lower() in self._codes_lower:
            return self._codes_lower[code.lower()]
        close = difflib.get_close_matches(code, [entry.code for entry in self.catalog.errors], n=1, cutoff=0.75)
        return close[0] if close else None

    # -- error responses ----------------------------------------------------------------

    def _judge_error(self, verdict: Verdict, expect: tuple[str, ...]) -> None:
        exchange = verdict.exchange
        body: Any = MISSING
        envelope_name: str | None = None
        if exchange.truncated:
            verdict.failures.append(F.UnparseableBody(problem=f"body larger than the {len(exchange.body)}-byte cap", received_status=exchange.status))
            return
        if exchange.body and (lenient := self._other_format_entries(exchange, expect)):
            self._judge_other_format(verdict, expect, lenient)
            return
        if not exchange.body:
            envelope_name, code = self._identify_bodyless(exchange)
            if envelope_name is None:
                verdict.failures.append(
                    F.UnparseableBody(problem="empty body, but no catalog entry for this status has a bodiless envelope",
                                      received_status=exchange.status, **self._expected(expect))
                )
                return
        else:
            envelope_name, code, body = self._identify_json(verdict)
            if envelope_name is None:
                return
            if isinstance(code, tuple):  # an array of errors: every code known, the expected one among them
                code = self._judge_elements(verdict, self.catalog.envelopes[envelope_name], code, expect)
        verdict.code = code
        if code is None:
            verdict.failures.append(
                F.NoErrorCode(code_locator=_locator_text(self.catalog.envelopes[envelope_name].code), received_status=exchange.status,
                              **self._expected(expect))
            )
            return
        entry = self.catalog.code(code) if isinstance(code, str) else None
        if entry is None and envelope_name is not None and code is not None and not self.catalog.envelopes[envelope_name].code:
            entry = self._bodyless_entry(exchange.status)
        if not self._judge_code(verdict, code, entry, expect):
            return
        envelope = self.catalog.envelopes[entry.envelope]
        if body is not MISSING:
            self._check_body_status(verdict, envelope, body)
            self._check_schema(verdict, entry, body)
            self._check_leak(verdict, envelope, body)
        elif envelope.body == "json":
            verdict.failures.append(F.EnvelopeViolation(problem=f"no body; envelope '{entry.envelope}' requires {envelope.media_type}", code=entry.code))
        self._check_headers(verdict, self.catalog.headers.every_error, entry)
        self._check_headers(verdict, entry.headers, entry)
        if body is not MISSING:
            for echo in envelope.echo:
                in_body = resolve_pointer(body, echo.pointer)
                in_header = exchange.headers.get(echo.header)
                if in_body is not MISSING and in_header is not None and str(in_body) != in_header:
                    verdict.failures.append(
                        F.HeaderMismatch(header=f"{echo.header}: {in_header}", body=f"{echo.pointer}: {in_body}", code=entry.code)
                    )

    def _identify_bodyless(self, exchange: Exchange) -> tuple[str | None, str | None]:
        for name, envelope in self.catalog.envelopes.items():
            if envelope.body != "none":
                continue
            if envelope.code is not None:
                code = locate(envelope.code, None, exchange.headers)
                if code is not MISSING:
                    return name, code
            entry = self._bodyless_entry(exchange.status, name)
            if entry is not None:
                return name, entry.code
        return None, None

    def _bodyless_entry(self, status: int | None, envelope_name: str | None = None) -> ErrorEntry | None:
        for entry in self.catalog.errors:
            if status in entry.statuses and self.catalog.envelopes.get(entry.envelope, None) is not None:
                if self.catalog.envelopes[entry.envelope].body == "none" and envelope_name in (None, entry.envelope):
                    if self.catalog.envelopes[entry.envelope].code is None:
                        return entry
        return None

    def _identify_json(self, verdict: Verdict) -> tuple[str | None, Any, Any]:
        exchange = verdict.exchange
        if not self._json_envelopes:
            verdict.failures.append(F.UnparseableBody(problem="a body where the catalog's envelopes have none", received_status=exchange.status))
            return None, None, MISSING
        try:
            body = _strict_json(exchange.body)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: nested past the parser's depth
            verdict.failures.append(
                F.UnparseableBody(
                    problem=f"not JSON: {exc}"[:300],
                    received_status=exchange.status,
                    received_media_type=exchange.media_type,
                    body=_preview(exchange.body),
                )
            )
            return None, None, MISSING
        for name, envelope in self._json_envelopes:
            code = self._locate_codes(envelope, body, exchange.headers)
            if code is not MISSING:
                self._check_media_type(verdict, envelope)
                return name, code, body
        name, envelope = self._json_envelopes[0]
        self._check_media_type(verdict, envelope)
        self._check_schema(verdict, None, body, envelope_name=name)
        verdict.failures.append(
            F.NoErrorCode(
                code_locator=" or ".join(_locator_text(env.code, env.errors) for _, env in self._json_envelopes if env.code) or "<none in the catalog>",
                received_status=exchange.status,
                body=_preview(exchange.body),
            )
        )
        return None, None, body

    @staticmethod
    def _locate_codes(envelope: Envelope, body: Any, headers) -> Any:
        """The code an envelope locates; with ``errors``, the tuple of every element's code
        (``None`` for an element without one); MISSING if there is none or no array."""
        if envelope.code is None:
            return MISSING
        if envelope.errors is None:
            return locate(envelope.code, body, headers)
        elements = resolve_pointer(body, envelope.errors)
        if not isinstance(elements, list) or not elements:
            return MISSING
        codes = tuple(locate(envelope.code, element, headers) for element in elements)
        return tuple(None if c is MISSING else c for c in codes)

    def _judge_elements(self, verdict: Verdict, envelope: Envelope, codes: tuple, expect: tuple[str, ...]) -> Any:
        """Every element of an array of errors is judged: an element without a code and an
        unknown code each fail; the code returned (judged as the answer's code, its status
        included) is the first expected one present, else the first."""
        surfacing = {entry.planned.surfaces_as for c in expect if (entry := self.catalog.code(c)) and entry.planned}
        for index, code in enumerate(codes):
            if code is None:
                verdict.failures.append(
                    F.NoErrorCode(code_locator=f"pointer {envelope.errors}/{index}{envelope.code.pointer}",
                                  received_status=verdict.exchange.status, **self._expected(expect)))
            elif not isinstance(code, str) or self.catalog.code(code) is None:
                verdict.failures.append(
                    F.UnknownCode(received_code=code, received_status=verdict.exchange.status,
                                  did_you_mean=self.suggest(str(code)), **self._expected(expect)))
        present = [code for code in codes if isinstance(code, str) and self.catalog.code(code) is not None]
        if len(codes) > 1:
            verdict.notes.append(f"errors array: {len(codes)} elements, codes {', '.join(map(str, codes))}")
        chosen = next((c for c in present if c in expect), None) or next((c for c in present if c in surfacing), None)
        return chosen or (present[0] if present else next((c for c in codes if c is not None), None))

    def _other_format_entries(self, exchange: Exchange, expect: tuple[str, ...]) -> list[ErrorEntry]:
        """The codes (the expected ones, else all) whose envelope allows a body in any format
        (``other_formats``), if this body is not JSON; empty otherwise. A JSON media type
        (RFC 8259 section 11, RFC 6839 ``+json``) is JSON; without one, a body that parses is."""
        entries = [e for e in (self.catalog.code(c) for c in expect) if e] if expect else self.catalog.errors
        entries = [e for e in entries if (env := self.catalog.envelopes.get(e.envelope)) is not None and env.other_formats]
        if not entries:
            return []
        media_type = exchange.media_type
        if media_type:
            return [] if media_type == "application/json" or media_type.endswith("+json") else entries
        try:
            _strict_json(exchange.body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return entries
        return []

    def _judge_other_format(self, verdict: Verdict, expect: tuple[str, ...], entries: list[ErrorEntry]) -> None:
        """A body the envelope does not govern: its status (one of ``entries``', the codes whose
        envelope allows it) and the headers of every error are still judged, and it is counted."""
        exchange = verdict.exchange
        verdict.notes.append(f"{NOTE_OTHER_FORMAT} ({exchange.media_type or 'no media type'})")
        self._check_headers(verdict, self.catalog.headers.every_error)
        if not any(exchange.status in entry.statuses for entry in entries):
            verdict.failures.append(
                F.WrongStatus(expected_status=self._statuses(tuple(e.code for e in entries)), received_status=exchange.status,
                              expected_code=" or ".join(expect) or None,
                              note="a body in another format than JSON (other_formats): judged by status and headers"))

    def _check_media_type(self, verdict: Verdict, envelope: Envelope) -> None:
        received = verdict.exchange.media_type
        if envelope.media_type and received != envelope.media_type.lower():
            verdict.failures.append(
                F.WrongMediaType(expected_media_type=envelope.media_type, received_media_type=received or "<none>",
                                 received_status=verdict.exchange.status)
            )

    def _check_expected(self, verdict: Verdict, entry: ErrorEntry, expect: tuple[str, ...]) -> None:
        if not expect or entry.code in expect:
            return
        for wanted in expect:
            planned = self.catalog.code(wanted)
            if planned is not None and planned.planned is not None and planned.planned.surfaces_as == entry.code:
                if self.strict_planned:
                    verdict.failures.append(
                        F.WrongCode(expected_code=wanted, received_code=entry.code,
                                    note=f"{wanted} is planned and surfaces as {entry.code} today; --strict-planned demands {wanted}")
                    )
                else:
                    verdict.notes.append(f"planned code {wanted} surfaced as {entry.code}, as the catalog says")
                return
        verdict.failures.append(
            F.WrongCode(expected_code=" or ".join(expect), received_code=entry.code, received_status=verdict.exchange.status)
        )

    def _check_body_status(self, verdict: Verdict, envelope: Envelope, body: Any) -> None:
        if envelope.status is None:
            return
        value = locate(envelope.status, body, verdict.exchange.headers)
        if value is MISSING:
            return  # absence is the schema's business
        number = envelope.status_map.get(value) if envelope.status_map and isinstance(value, str) else value
        if number != verdict.exchange.status:
            verdict.failures.append(
                F.BodyStatusMismatch(http_status=verdict.exchange.status, body_status=value, body_status_means=number if number != value else None)
            )

    def _check_schema(self, verdict: Verdict, entry: ErrorEntry | None, body: Any, *, envelope_name: str | None = None) -> None:
        validators = []
        name = envelope_name or (entry.envelope if entry else None)
        if name in self._envelope_validators:
            should = self.catalog.envelopes[name].schema_level == "should"
            validators.append(("envelope " + name, self._envelope_validators[name], should))
        if entry is not None and entry.code in self._entry_validators:
            validators.append(("code " + entry.code, self._entry_validators[entry.code], False))
        for label, validator, should in validators:
            error = next(iter(sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))), None)
            if error is not None:
                where = "/" + "/".join(str(part) for part in error.absolute_path)
                found, level = self._level(verdict, should)
                found.append(F.EnvelopeViolation(schema=label, at=where, problem=error.message[:300],
                                                 code=entry.code if entry else None, **level))
                if found is verdict.failures:
                    return

    def _level(self, verdict: Verdict, should: bool) -> tuple[list, dict]:
        """Where a violation goes and its Level line: a rule at level should (RFC 2119) is a
        warning unless --strict-should makes it a MUST."""
        if not should:
            return verdict.failures, {}
        return (verdict.failures if self.strict_should else verdict.warnings), {
            "level": "should" + (" (--strict-should)" if self.strict_should else "")}

    def _check_headers(self, verdict: Verdict, rules: list[HeaderRule], entry: ErrorEntry | None = None) -> None:
        for rule in rules:
            if not rule.applies_to(verdict.exchange.status):
                continue
            found, level = self._level(verdict, rule.level == "should")
            value = verdict.exchange.headers.get(rule.name)
            if value is None:
                found.append(F.MissingHeader(header=rule.name, code=entry.code if entry else None, received_status=verdict.exchange.status, **level))
            elif rule.pattern is not None:
                pattern = self._header_res.get(rule.pattern)
                if pattern is None:
                    pattern = self._header_res[rule.pattern] = re.compile(rule.pattern)
                if not pattern.search(value):
                    found.append(
                        F.MissingHeader(header=rule.name, problem=f"value {value[:80]!r} does not match {rule.pattern}", code=entry.code if entry else None, **level)
                    )

    def _check_leak(self, verdict: Verdict, envelope: Envelope, body: Any) -> None:
        # Each string of the body as the server wrote it (escapes decoded), so a quoted
        # token ('near "FROM"') reads as it would in the server's log.
        found = leaks.find_in(body)  # stack traces, database and ORM error text (ASVS 7.4.1)
        if found is not None:
            verdict.failures.append(F.InternalDetailsLeaked(found=found, code=verdict.code))

    def _judge_head(self, verdict: Verdict, expect: tuple[str, ...]) -> None:
        """RFC 9110 section 9.3.2: the answer to HEAD has no content, so only its status, its
        headers and a code an envelope locates in a header can be judged."""
        exchange = verdict.exchange
        for envelope in self.catalog.envelopes.values():
            if envelope.code is not None and envelope.code.header is not None:
                code = locate(envelope.code, None, exchange.headers)
                if code is not MISSING:
                    break
        else:
            code = MISSING
        self._check_headers(verdict, self.catalog.headers.every_error)
        if code is MISSING:
            entries = [e for e in (self.catalog.code(c) for c in expect) if e] if expect else self.catalog.errors
            if not any(exchange.status in entry.statuses for entry in entries):
                verdict.failures.append(
                    F.WrongStatus(expected_status=self._statuses(tuple(e.code for e in entries)), received_status=exchange.status,
                                  expected_code=" or ".join(expect) or None,
                                  note="a HEAD answer has no body (RFC 9110 section 9.3.2): judged by status and headers")
                )
            verdict.notes.append("HEAD: no body to read a code from; judged by status and headers")
            return
        verdict.code = code
        entry = self.catalog.code(code) if isinstance(code, str) else None
        if self._judge_code(verdict, code, entry, expect):
            self._check_headers(verdict, entry.headers, entry)

    def _judge_code(self, verdict: Verdict, code: Any, entry: ErrorEntry | None, expect: tuple[str, ...]) -> bool:
        """The checks of a located code, whatever carried it (body or header): known to the
        catalog, the one expected, at one of its statuses. False: the code is unknown."""
        status = verdict.exchange.status
        if entry is None:
            verdict.failures.append(
                F.UnknownCode(received_code=code, received_status=status, did_you_mean=self.suggest(str(code)), **self._expected(expect))
            )
            return False
        verdict.entry = entry
        self._check_expected(verdict, entry, expect)
        if status not in entry.statuses:
            verdict.failures.append(
                F.WrongStatus(code=entry.code, expected_status=entry.status_text, received_status=status,
                              catalog_entry=self._entry_line(entry))
            )
        elif entry.provenance.status == "inferred":
            verdict.notes.append(f"{entry.code}: status {status} matches an inferred catalog status")
        return True

    # -- helpers ------------------------------------------------------------------------

    def _unlicensed_5xx(self, expect: tuple[str, ...], status: int) -> bool:
        """Whether a 5xx answer is no answer the expected codes foresee: none names this status
        or the 5xx class. A catch-all code at ``any`` status does not license it: a probe
        sends an invalid request, and a 5xx to it is the server failing (RFC 9110 15.6)."""
        entries = [entry for code in expect if (entry := self.catalog.code(code))]
        return bool(entries) and not any(status in entry.explicit_statuses or "5xx" in entry.status_tokens for entry in entries)

    @staticmethod
    def _not_pinned_status(statuses: tuple[int, ...], status: int) -> F.WrongStatus:
        return F.WrongStatus(expected_status="/".join(map(str, statuses)), received_status=status, rule="the probe's expect_status")

    def _statuses(self, codes: tuple[str, ...]) -> str:
        """The statuses of ``codes`` as the catalog writes them (``404/422``, ``4xx``)."""
        return "/".join(map(str, self.catalog.status_tokens(codes))) or "?"

    def _expected(self, expect: tuple[str, ...]) -> dict[str, str]:
        """The ``expected_code`` and ``expected_status`` fields of a failure (none without ``expect``)."""
        if not expect:
            return {}
        return {"expected_code": " or ".join(expect), "expected_status": self._statuses(expect)}

    def _entry_line(self, entry: ErrorEntry) -> str:
        return f"{self.catalog.api.name} {entry.code} ({entry.status_text}, status {entry.provenance.status}, name {entry.provenance.name})"


_ORDER = [
    F.TransportFailure,
    F.ServerError,
    F.UnparseableBody,
    F.WrongMediaType,
    F.NoErrorCode,
    F.UnknownCode,
    F.WrongCode,
    F.WrongStatus,
    F.BodyStatusMismatch,
    F.EnvelopeViolation,
    F.InternalDetailsLeaked,
    F.MissingHeader,
    F.HeaderMismatch,
]


def _rank(failure: F.ConformanceFailure) -> int:
    return _ORDER.index(type(failure)) if type(failure) in _ORDER else len(_ORDER)


def _locator_text(locator: Locator | None, errors: str | None = None) -> str:
    if locator is None:
        return "<none>"
    where = f"header {locator.header}" if locator.header is not None else f"pointer {locator.pointer}"
    if errors is not None:
        where = f"pointer {errors}/*{locator.pointer} (each element)"
    return where + (f" matching {locator.pattern}" if locator.pattern else "")


def _preview(raw: bytes, limit: int = 200) -> str:
    text = raw[:limit].decode("utf-8", errors="replace")
    return text + ("..." if len(raw) > limit else "")
