"""One failure class per kind of violation.

Each class subclasses ``AssertionError`` (so pytest and Hypothesis treat it as a test
failure), carries a fixed ``title`` and renders as the title followed by "Label: value"
lines, in the manner of schemathesis' ``core/failures.py``. The labels are stable so
people and tools can grep them.
"""

from __future__ import annotations

from typing import ClassVar

from .secrets import redact


class ConformanceFailure(AssertionError):
    """An answer of the API under test that breaks its catalog."""

    title: ClassVar[str] = "Conformance failure"
    kind: ClassVar[str] = "conformance"
    observation = None  # the recorded answer (an engine.record.Observation), set where it is judged

    def __init__(self, *lines: tuple[str, object], context: list[tuple[str, object]] | None = None):
        self.lines = [(label, value) for label, value in lines if value is not None]
        self.context = list(context or [])
        super().__init__(self.render())

    def add_context(self, *lines: tuple[str, object]) -> None:
        self.context.extend((label, value) for label, value in lines if value is not None)
        self.args = (self.render(),)

    def value(self, label: str) -> object | None:
        for name, value in self.lines + self.context:
            if name == label:
                return value
        return None

    def render(self) -> str:
        out = [self.title]
        for label, value in self.lines + self.context:
            text = str(value)
            if "\n" in text:
                text = "\n    " + text.replace("\n", "\n    ")
            out.append(f"{label}: {text}")
        return redact("\n".join(out))

    def __str__(self) -> str:
        return self.render()



class WrongStatus(ConformanceFailure):
    """The HTTP status is not the status the catalog gives the code."""

    title = "Wrong HTTP status"
    kind = "wrong-status"


class WrongCode(ConformanceFailure):
    """The API answered with a catalog code, but not the one the probe must produce."""

    title = "Wrong error code"
    kind = "wrong-code"


class UnknownCode(ConformanceFailure):
    """The API answered with a code the catalog does not define."""

    title = "Code not in catalog"
    kind = "unknown-code"


class NoErrorCode(ConformanceFailure):
    """An error body in which the envelope's code locator finds nothing (no code at all, as
    opposed to a code the catalog does not define)."""

    title = "No error code in body"
    kind = "no-code"


class ServerError(ConformanceFailure):
    """A 5xx answer to a request that deserves a client error (RFC 9110 section 15.6: the
    server failed to fulfil an apparently valid request; here the request was invalid on
    purpose, so the server crashed on it), whatever code it carries."""

    title = "Server error"
    kind = "server-error"


class EnvelopeViolation(ConformanceFailure):
    """The error body does not match the envelope's JSON Schema (or the code's extra schema)."""

    title = "Envelope schema violation"
    kind = "envelope"


class WrongMediaType(ConformanceFailure):
    """The Content-Type of the error is not the envelope's media type (RFC 9110 section 8.3)."""

    title = "Wrong media type"
    kind = "media-type"


class BodyStatusMismatch(ConformanceFailure):
    """The status repeated in the body differs from the HTTP status."""

    title = "Body status differs from HTTP status"
    kind = "body-status"


class MissingHeader(ConformanceFailure):
    """A header the catalog requires is absent or does not match its pattern."""

    title = "Missing required header"
    kind = "missing-header"


class HeaderMismatch(ConformanceFailure):
    """A body member that must equal a response header does not."""

    title = "Body and header disagree"
    kind = "header-mismatch"


class InvalidInputAccepted(ConformanceFailure):
    """Invalid input was accepted with a 2xx answer."""

    title = "Invalid input accepted"
    kind = "accepted"


class UnparseableBody(ConformanceFailure):
    """The error body is not what its envelope says (not JSON, not UTF-8, truncated, too big)."""

    title = "Unparseable error body"
    kind = "unparseable"


class TransportFailure(ConformanceFailure):
    """No usable HTTP answer: refused, reset, timed out, broken framing, redirected away."""

    title = "Transport failure"
    kind = "transport"


class ReplayNotHonoured(ConformanceFailure):
    """An idempotent replay did not return the original response."""

    title = "Idempotent replay not honoured"
    kind = "replay"


class ExpectedErrorNotProduced(ConformanceFailure):
    """A scenario that must end in an error (rate limit, key in use) never did."""

    title = "Expected error never produced"
    kind = "not-produced"


class InternalDetailsLeaked(ConformanceFailure):
    """An error body exposes internals (a stack trace, source paths, a database or ORM
    error), OWASP ASVS 7.4.1 / CWE-209; the shapes are in :mod:`.leaks`."""

    title = "Internal details leaked"
    kind = "leak"


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
