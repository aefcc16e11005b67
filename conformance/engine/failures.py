"""One failure class per kind of violation.

Each class subclasses ``AssertionError`` (so pytest and Hypothesis treat it as a test
failure), carries a fixed ``title`` and renders as the title followed by "Label: value"
lines, in the manner of schemathesis' ``core/failures.py``. The labels are stable so
people and tools can grep them.

A class declares its facts as typed, keyword-only fields, in the order they are shown, each
with its fixed label (``WrongStatus(code=..., expected_status=..., received_status=...)``;
``failure.received_status``). A field left None is not shown. The engine adds its context
afterwards (``add_context``: Probe, Input, Reproduce, Catalog) and the titles of the other
failures of the same answer (``also``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from .secrets import redact


def labelled(label: str) -> Any:
    """A failure field shown as ``label: value`` (and not at all while None)."""
    return field(default=None, metadata={"label": label})


@dataclass(kw_only=True, eq=False, repr=False)
class ConformanceFailure(AssertionError):
    """An answer of the API under test that breaks its catalog."""

    title: ClassVar[str] = "Conformance failure"
    kind: ClassVar[str] = "conformance"
    observation = None  # the recorded answer (an engine.record.Observation), set where it is judged

    def __post_init__(self) -> None:
        self.also: str | None = None  # the titles of the other failures of the same answer
        self.context: list[tuple[str, object]] = []
        self.args = (self.render(),)

    @property
    def lines(self) -> list[tuple[str, object]]:
        """The failure's own "Label: value" pairs: its fields in order, None left out."""
        pairs = [(item.metadata["label"], getattr(self, item.name)) for item in fields(self)]
        return [(label, value) for label, value in pairs if value is not None]

    def add_context(self, *lines: tuple[str, object]) -> None:
        self.context.extend((label, value) for label, value in lines if value is not None)
        self.args = (self.render(),)

    def add_also(self, titles: list[str]) -> None:
        """Name the other failures of the same answer, after the failure's own lines and
        before the context."""
        self.also = "; ".join(dict.fromkeys(titles))
        self.args = (self.render(),)

    def value(self, label: str) -> object | None:
        for name, value in self._all_lines():
            if name == label:
                return value
        return None

    def _all_lines(self) -> list[tuple[str, object]]:
        also = [("Also", self.also)] if self.also else []
        return self.lines + also + self.context

    def render(self) -> str:
        out = [self.title]
        for label, value in self._all_lines():
            text = str(value)
            if "\n" in text:
                text = "\n    " + text.replace("\n", "\n    ")
            out.append(f"{label}: {text}")
        return redact("\n".join(out))

    def __str__(self) -> str:
        return self.render()


# Fields shared by several classes read the same everywhere: ``code`` is the catalog code the
# answer carried (as judged), ``expected_code`` the code(s) the probe must produce, joined
# with " or ", ``expected_status`` the allowed statuses joined with "/".


@dataclass(kw_only=True, eq=False, repr=False)
class WrongStatus(ConformanceFailure):
    """The HTTP status is not the status the catalog gives the code."""

    title = "Wrong HTTP status"
    kind = "wrong-status"

    code: str | None = labelled("Code")
    expected_status: str | None = labelled("Expected status")
    received_status: int | None = labelled("Received status")
    expected_code: str | None = labelled("Expected code")
    catalog_entry: str | None = labelled("Catalog entry")
    rule: str | None = labelled("Rule")  # where the expected status comes from, if not the catalog entry
    note: str | None = labelled("Note")


@dataclass(kw_only=True, eq=False, repr=False)
class WrongCode(ConformanceFailure):
    """The API answered with a catalog code, but not the one the probe must produce."""

    title = "Wrong error code"
    kind = "wrong-code"

    expected_code: str | None = labelled("Expected code")
    received_code: str | None = labelled("Received code")
    received_status: int | None = labelled("Received status")
    note: str | None = labelled("Note")


@dataclass(kw_only=True, eq=False, repr=False)
class UnknownCode(ConformanceFailure):
    """The API answered with a code the catalog does not define."""

    title = "Code not in catalog"
    kind = "unknown-code"

    received_code: object = labelled("Received code")  # as found in the answer: not always a string
    received_status: int | None = labelled("Received status")
    did_you_mean: str | None = labelled("Did you mean")
    expected_code: str | None = labelled("Expected code")
    expected_status: str | None = labelled("Expected status")


@dataclass(kw_only=True, eq=False, repr=False)
class NoErrorCode(ConformanceFailure):
    """An error body in which the envelope's code locator finds nothing (no code at all, as
    opposed to a code the catalog does not define)."""

    title = "No error code in body"
    kind = "no-code"

    code_locator: str | None = labelled("Code locator")
    received_status: int | None = labelled("Received status")
    expected_code: str | None = labelled("Expected code")
    expected_status: str | None = labelled("Expected status")
    body: str | None = labelled("Body")  # a preview of the body


@dataclass(kw_only=True, eq=False, repr=False)
class ServerError(ConformanceFailure):
    """A 5xx answer to a request that deserves a client error (RFC 9110 section 15.6: the
    server failed to fulfil an apparently valid request; here the request was invalid on
    purpose, so the server crashed on it), whatever code it carries."""

    title = "Server error"
    kind = "server-error"

    received_status: int | None = labelled("Received status")
    received_code: object = labelled("Received code")  # "<none>" where the body carries none
    expected_code: str | None = labelled("Expected code")
    expected_status: str | None = labelled("Expected status")


@dataclass(kw_only=True, eq=False, repr=False)
class EnvelopeViolation(ConformanceFailure):
    """The error body does not match the envelope's JSON Schema (or the code's extra schema)."""

    title = "Envelope schema violation"
    kind = "envelope"

    schema: str | None = labelled("Schema")  # "envelope NAME" or "code CODE"
    at: str | None = labelled("At")  # a JSON pointer into the body
    problem: str | None = labelled("Problem")
    code: str | None = labelled("Code")
    level: str | None = labelled("Level")  # "should" (RFC 2119): a warning unless --strict-should


@dataclass(kw_only=True, eq=False, repr=False)
class WrongMediaType(ConformanceFailure):
    """The Content-Type of the error is not the envelope's media type (RFC 9110 section 8.3)."""

    title = "Wrong media type"
    kind = "media-type"

    expected_media_type: str | None = labelled("Expected media type")
    received_media_type: str | None = labelled("Received media type")
    received_status: int | None = labelled("Received status")


@dataclass(kw_only=True, eq=False, repr=False)
class BodyStatusMismatch(ConformanceFailure):
    """The status repeated in the body differs from the HTTP status."""

    title = "Body status differs from HTTP status"
    kind = "body-status"

    http_status: int | None = labelled("HTTP status")
    body_status: object = labelled("Body status")  # as written in the body (a number or a name)
    body_status_means: object = labelled("Body status means")  # the number a name maps to


@dataclass(kw_only=True, eq=False, repr=False)
class MissingHeader(ConformanceFailure):
    """A header the catalog requires is absent or does not match its pattern."""

    title = "Missing required header"
    kind = "missing-header"

    header: str | None = labelled("Header")  # the header's name
    problem: str | None = labelled("Problem")  # set when the header is present but malformed
    code: str | None = labelled("Code")
    received_status: int | None = labelled("Received status")
    level: str | None = labelled("Level")  # "should" (RFC 2119): a warning unless --strict-should


@dataclass(kw_only=True, eq=False, repr=False)
class HeaderMismatch(ConformanceFailure):
    """A body member that must equal a response header does not."""

    title = "Body and header disagree"
    kind = "header-mismatch"

    header: str | None = labelled("Header")  # "Name: value", as received
    body: str | None = labelled("Body")  # "pointer: value", as received
    code: str | None = labelled("Code")


@dataclass(kw_only=True, eq=False, repr=False)
class InvalidInputAccepted(ConformanceFailure):
    """Invalid input was accepted with a 2xx answer."""

    title = "Invalid input accepted"
    kind = "accepted"

    expected_code: str | None = labelled("Expected code")
    expected_status: str | None = labelled("Expected status")
    received_status: int | None = labelled("Received status")


@dataclass(kw_only=True, eq=False, repr=False)
class UnparseableBody(ConformanceFailure):
    """The error body is not what its envelope says (not JSON, not UTF-8, truncated, too big)."""

    title = "Unparseable error body"
    kind = "unparseable"

    problem: str | None = labelled("Problem")
    received_status: int | None = labelled("Received status")
    expected_code: str | None = labelled("Expected code")
    expected_status: str | None = labelled("Expected status")
    received_media_type: str | None = labelled("Received media type")
    body: str | None = labelled("Body")  # a preview of the body


@dataclass(kw_only=True, eq=False, repr=False)
class TransportFailure(ConformanceFailure):
    """No usable HTTP answer: refused, reset, timed out, broken framing, redirected away."""

    title = "Transport failure"
    kind = "transport"

    error: str | None = labelled("Error")
    received_status: int | None = labelled("Received status")  # where a status line arrived


@dataclass(kw_only=True, eq=False, repr=False)
class ReplayNotHonoured(ConformanceFailure):
    """An idempotent replay did not return the original response."""

    title = "Idempotent replay not honoured"
    kind = "replay"

    scenario: str | None = labelled("Scenario")
    first_status: int | None = labelled("First status")
    replay_status: int | None = labelled("Replay status")
    first_body: str | None = labelled("First body")
    replay_body: str | None = labelled("Replay body")


@dataclass(kw_only=True, eq=False, repr=False)
class ExpectedErrorNotProduced(ConformanceFailure):
    """A scenario that must end in an error (rate limit, key in use) never did."""

    title = "Expected error never produced"
    kind = "not-produced"

    expected_code: str | None = labelled("Expected code")
    scenario: str | None = labelled("Scenario")
    received_statuses: str | None = labelled("Received statuses")  # joined with ", "


@dataclass(kw_only=True, eq=False, repr=False)
class InternalDetailsLeaked(ConformanceFailure):
    """An error body exposes internals (a stack trace, source paths, a database or ORM
    error), OWASP ASVS 7.4.1 / CWE-209; the shapes are in :mod:`.leaks`."""

    title = "Internal details leaked"
    kind = "leak"

    found: str | None = labelled("Found")
    code: object = labelled("Code")


ALL_FAILURES: tuple[type[ConformanceFailure], ...] = (
    WrongStatus,
    WrongCode,
    UnknownCode,
    NoErrorCode,
    ServerError,
    EnvelopeViolation,
    WrongMediaType,
    BodyStatusMismatch,
    MissingHeader,
    HeaderMismatch,
    InvalidInputAccepted,
    UnparseableBody,
    TransportFailure,
    ReplayNotHonoured,
    ExpectedErrorNotProduced,
    InternalDetailsLeaked,
)


class ProbeSetupError(Exception):
    """The probe could not be set up (its control or a setup step was rejected).

    Not a conformance failure: the varied part was never tested. Usually bad
    credentials, a stale fixture or a wrong path.
    """

    def __init__(self, message: str, *lines: tuple[str, object]):
        self.lines = [(label, value) for label, value in lines if value is not None]
        text = "Probe setup problem\n" + message
        for label, value in self.lines:
            text += f"\n{label}: {value}"
        super().__init__(redact(text))


class BudgetExhausted(Exception):
    """--max-requests was reached; the run stops cleanly."""
