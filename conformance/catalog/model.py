"""The catalog model: what one API promises about its errors.

The JSON Schema in ``catalogs/catalog.schema.json`` is generated from these classes
(``python -m conformance schema``); a test keeps the two from drifting.
Field names follow the YAML keys one to one, so an error's location in the model is
its location in the file.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints, ConfigDict, Field, PrivateAttr, field_validator, model_validator

Provenance = Literal["seed", "public-docs", "inferred"]
HttpStatus = int
# RFC 9110 section 15: the first digit is the class. "any" is any error status (4xx or 5xx),
# for a catch-all code a specification allows at whatever status.
StatusClass = Literal["4xx", "5xx", "any"]
STATUS_CLASSES: dict[str, range] = {"4xx": range(400, 500), "5xx": range(500, 600), "any": range(400, 600)}
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # RFC 9110 section 9.2.1 (TRACE is not in METHODS)
PROBE_KINDS = (
    "auth",
    "field",
    "identifier",
    "body",
    "routing",
    "idempotency",
    "duplicate",
    "state",
    "rate-limit",
    "request",
)
IDEMPOTENCY_MODES = ("invalid-key", "missing-key", "replay", "mismatch", "concurrent")
# RFC 6901: a JSON pointer is empty or a sequence of "/"-prefixed reference tokens,
# where "~" only appears escaped as "~0" or "~1".
_POINTER = re.compile(r"^(/([^~/]|~[01])*)*$")


class _Strict(BaseModel):
    """Every catalog object rejects unknown keys: a typo must not silently weaken a check."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _check_status(value: int) -> int:
    if not 100 <= value <= 599:
        raise ValueError(f"HTTP status {value} is outside 100-599 (RFC 9110 section 15)")
    return value


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"bad regular expression {value!r}: {exc}") from None
    return value


def check_pointer(value: str | None) -> str | None:
    """RFC 6901 syntax check of a JSON pointer."""
    if value is not None and not _POINTER.match(value):
        raise ValueError(
            f"bad JSON pointer {value!r}: must be empty or start with '/', "
            "with '~' only as '~0' or '~1' (RFC 6901)"
        )
    return value


class Source(_Strict):
    """Where the catalog's facts come from."""

    id: Provenance = Field(description="Provenance label this source backs.")
    title: str
    ref: str | None = Field(None, description="File name or URL of the source.")


class ApiInfo(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="Short name, used in test ids.")
    title: str
    description: str = ""
    base_path: str = Field("", description="Path prefix of every probe path, e.g. /v1.")
    sources: list[Source] = Field(default_factory=list)


class Credential(_Strict):
    """A named credential the probes can use; its value never appears in the catalog."""

    env: str = Field(description="Environment variable that holds the value.")
    description: str = ""


class Auth(_Strict):
    """How credentials are sent (RFC 9110 section 11.6.2 for Authorization)."""

    header: str = Field(description="Request header that carries the credential.")
    scheme: str | None = Field(None, description="Auth scheme before the token, e.g. Bearer; null for a raw key.")
    credentials: dict[str, Credential] = Field(
        default_factory=dict,
        description="Named credentials; 'primary' is the normal valid one.",
    )


class Idempotency(_Strict):
    """The idempotency-key contract of the API."""

    header: str
    methods: list[Literal[METHODS]] = Field(default_factory=lambda: ["POST"])  # type: ignore[valid-type]
    required: bool = Field(False, description="A missing key is an error on these methods.")
    pattern: str | None = Field(None, description="Regex a valid key matches in full.")
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    window_seconds: int | None = Field(None, ge=0)
    replay: Literal["same-response", "conflict"] = Field(
        "same-response",
        description="What reusing a key with the same body does: replay the first response, or a conflict error.",
    )

    _regex = field_validator("pattern")(_check_regex)


def expand_statuses(tokens) -> tuple[int, ...]:
    """Statuses and status classes (``404``, ``4xx``, ``any``) as the statuses they stand for."""
    out: list[int] = []
    for token in tokens:
        for status in STATUS_CLASSES[token] if isinstance(token, str) else (token,):
            if status not in out:
                out.append(status)
    return tuple(out)


class HeaderRule(_Strict):
    """A response header that must be present, optionally matching a pattern; with
    ``statuses``, only on answers with one of them (``Allow`` on every 405, RFC 9110 section
    15.5.6; ``WWW-Authenticate`` on every 401, section 11.6.1; ``Retry-After`` on 429 and 503)."""

    name: str
    pattern: str | None = None
    statuses: list[HttpStatus | StatusClass] | None = Field(
        None, description="Only answers with these statuses (or classes: 4xx, 5xx, any) must carry it; default: all.")
    level: Literal["must", "should"] = Field(
        "must", description="RFC 2119: 'should' makes a violation a warning (counted and listed), a failure with --strict-should.")
    description: str = ""

    _regex = field_validator("pattern")(_check_regex)

    @field_validator("statuses")
    @classmethod
    def _known_statuses(cls, value):
        for status in value or []:
            if isinstance(status, int):
                _check_status(status)
        return value

    def applies_to(self, status: int | None) -> bool:
        return self.statuses is None or status in expand_statuses(self.statuses)


class Headers(_Strict):
    every_response: list[HeaderRule] = Field(default_factory=list)
    every_error: list[HeaderRule] = Field(default_factory=list)


class Locator(_Strict):
    """Where a value lives in a response: a JSON pointer into the body or a header,
    optionally narrowed by a regex whose group ``value`` (or first group) is the value."""

    pointer: str | None = None
    header: str | None = None
    pattern: str | None = None

    _regex = field_validator("pattern")(_check_regex)
    _ptr = field_validator("pointer")(check_pointer)

    @model_validator(mode="after")
    def _one_place(self) -> Locator:
        if (self.pointer is None) == (self.header is None):
            raise ValueError("a locator names exactly one of 'pointer' or 'header'")
        return self


# RFC 9110 sections 10.2.2 and 8.7: these headers hold a URI reference, relative to the request's.
URL_HEADERS = ("location", "content-location")


class Capture(Locator):
    """``capture: {upload: {header: Location}}``: a value read from a response header (or a
    body pointer), narrowed by ``pattern``. With ``url`` (default for Location and
    Content-Location without a pattern) it is a URI reference resolved against the request's URL (RFC 3986
    section 5.2), which a later step may use as its path: followed only at the target's
    origin under base_path, anything else is a setup problem."""

    url: bool | None = Field(None, description="Resolve the value as a URL a later step may use as its path "
                                                "(default: true for Location and Content-Location without a pattern).")

    @property
    def is_url(self) -> bool:
        if self.url is not None:
            return self.url
        return (self.header or "").lower() in URL_HEADERS and self.pattern is None


class HeaderEcho(_Strict):
    """A body member that must equal a response header (e.g. request_id == X-Request-Id)."""

    header: str
    pointer: str

    _ptr = field_validator("pointer")(check_pointer)


class Envelope(_Strict):
    """The shape of an error response."""

    description: str = ""
    body: Literal["json", "none"] = Field("json", description="'none': the response has no body at all.")
    media_type: str | None = Field(None, description="Required media type of the body, e.g. application/problem+json.")
    schema_: dict[str, Any] | None = Field(None, alias="schema", description="JSON Schema (2020-12) of the body.")
    code: Locator | None = Field(None, description="Where the error code lives.")
    status: Locator | None = Field(None, description="Where the body repeats the HTTP status.")
    status_map: dict[str, HttpStatus] | None = Field(
        None, description="When the body status is a name: name -> HTTP status."
    )
    message: Locator | None = None
    echo: list[HeaderEcho] = Field(default_factory=list)
    errors: str | None = Field(
        None, description="JSON pointer to an array of error objects ({\"errors\": [...]}): 'code' is then read in "
                          "every element (a pointer relative to the element); every code must be known, the expected one among them.")
    other_formats: bool = Field(
        False, description="An error body may be in any format, but a JSON one (media type application/json or "
                           "*/*+json, or none and parseable) must follow this envelope; other bodies are counted, not failed.")
    schema_level: Literal["must", "should"] = Field(
        "must", description="RFC 2119: 'should' makes a body that breaks 'schema' a warning (a failure with --strict-should).")

    @model_validator(mode="after")
    def _body_rules(self) -> Envelope:
        if self.body == "none":
            for name in ("media_type", "schema_", "status", "message"):
                if getattr(self, name) is not None:
                    raise ValueError(f"an envelope with body: none cannot have '{name.rstrip('_')}'")
            if self.code is not None and self.code.pointer is not None:
                raise ValueError("an envelope with body: none can only carry its code in a header")
        elif self.media_type is None:
            raise ValueError("a JSON envelope needs 'media_type'")
        if self.errors is not None:
            check_pointer(self.errors)
            if self.body == "none" or self.code is None or self.code.pointer is None:
                raise ValueError("an envelope with 'errors' needs a JSON body and a 'code' pointer (read in each element)")
        if self.other_formats and self.body == "none":
            raise ValueError("'other_formats' is for a JSON envelope")
        if self.schema_level == "should" and self.schema_ is None:
            raise ValueError("'schema_level' needs a 'schema'")
        if self.status_map:
            for name, status in self.status_map.items():
                _check_status(status)
        return self


class Planned(_Strict):
    """A code the API has published but does not emit yet."""

    surfaces_as: str = Field(description="The code the API answers with today.")
    note: str = ""


class ErrorProvenance(_Strict):
    name: Provenance
    status: Provenance
    note: str = ""


class ErrorEntry(_Strict):
    """One error code of the catalog."""

    code: str = Field(min_length=1)
    status: HttpStatus | StatusClass | list[HttpStatus | StatusClass] = Field(
        description="The HTTP status, or the set allowed where the source does not pin one; '4xx', '5xx' or 'any' "
                    "for a whole class (a catch-all code).")
    category: str | list[str] | None = Field(None, description="Category or domain; a list where one code has several meanings.")
    description: str = ""
    provenance: ErrorProvenance
    envelope: str = Field("default", description="Name of the envelope in 'envelopes'.")
    schema_: dict[str, Any] | None = Field(None, alias="schema", description="Extra JSON Schema the body must also match.")
    headers: list[HeaderRule] = Field(default_factory=list, description="Headers this error must carry.")
    planned: Planned | None = None
    provokable: bool = True
    not_provokable_reason: str | None = None

    @field_validator("status")
    @classmethod
    def _statuses(cls, value):
        for status in value if isinstance(value, list) else [value]:
            if isinstance(status, str):
                continue  # a status class, checked by its type
            _check_status(status)
            if status < 400:
                raise ValueError(f"an error status must be 4xx or 5xx, not {status}")
        return value

    @model_validator(mode="after")
    def _reason(self) -> ErrorEntry:
        if not self.provokable and not self.not_provokable_reason:
            raise ValueError("a code with provokable: false needs not_provokable_reason")
        return self

    @property
    def status_tokens(self) -> tuple[int | str, ...]:
        """The statuses as written: numbers and classes."""
        return tuple(self.status) if isinstance(self.status, list) else (self.status,)

    @property
    def explicit_statuses(self) -> tuple[int, ...]:
        """The statuses the catalog names one by one (no class)."""
        return tuple(token for token in self.status_tokens if isinstance(token, int))

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every status the code may come with, classes expanded."""
        return expand_statuses(self.status_tokens)

    @property
    def status_text(self) -> str:
        """The statuses for people: ``404``, ``400/422``, ``4xx``."""
        return "/".join(map(str, self.status_tokens))


class Step(_Strict):
    """One HTTP request of a probe. Strings may hold ``{name}`` placeholders: values
    captured by earlier steps, or the built-ins ``{uuid}``, ``{ulid}`` and ``{unique}``."""

    method: Literal[METHODS]  # type: ignore[valid-type]
    path: str
    query: dict[str, str | int | float | bool] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    json_: Any = Field(None, alias="json")
    body: str | None = Field(None, description="Raw body text (for bodies that are not JSON).")
    content_type: str | None = None
    credential: str | None = Field("primary", description="Credential name from auth.credentials; null sends none.")
    idempotency_key: bool = Field(True, description="Send a fresh idempotency key where the API's rules call for one.")
    capture: dict[str, str | Capture] = Field(
        default_factory=dict, description="Name -> JSON pointer into this step's response body, or {header, pattern, url}.")
    expect_status: list[HttpStatus] | None = Field(None, description="Statuses a setup step may answer (default: any 2xx); on the request under test, the statuses its answer must have (each a status of an expected code).")
    writes: bool | None = Field(
        None,
        description="Whether this request creates or changes data (pytest marker 'writes'). "
        "Default: by method, GET, HEAD and OPTIONS do not (RFC 9110 section 9.2.1 safe methods).",
    )

    @property
    def writes_data(self) -> bool:
        """RFC 9110 section 9.2.1: a safe method is read-only by definition, any other method
        may write; a step's own ``writes`` overrides that (a search or login POST reads)."""
        return self.writes if self.writes is not None else self.method not in SAFE_METHODS

    @field_validator("capture")
    @classmethod
    def _pointers(cls, value: dict[str, str | Capture]) -> dict[str, str | Capture]:
        for pointer in value.values():
            if isinstance(pointer, str):
                check_pointer(pointer)
        return value


class Vary(_Strict):
    """The part of the request a probe varies, and the strategy that varies it."""

    target: Literal["header", "query", "path", "json", "body", "content-type", "credential", "idempotency-key"]
    name: str | None = Field(None, description="Header, query or path parameter name, or a JSON pointer for 'json'.")
    strategy: str = Field(description="Name of a strategy in the strategies registry.")
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_name(self) -> Vary:
        if self.target in ("header", "query", "path", "json") and self.name is None:
            raise ValueError(f"vary target '{self.target}' needs 'name'")
        if self.target == "json" and self.name is not None:
            check_pointer(self.name)
        return self


class Burst(_Strict):
    max_requests: int = Field(400, ge=1, le=100_000, description="Give up after this many requests.")
    credential: str | None = Field(
        "burst",
        description="Credential used for the burst, so the limit hits no other test (default 'burst'); null sends "
                    "the burst unauthenticated (limits applied before authentication, e.g. on a login endpoint).",
    )


class Expectation(_Strict):
    """``expect: {code: X, status: 405}``: the code(s) and the status this probe must get, where
    the code is valid at several statuses across the API but this endpoint must give one
    ("unrecognized" is 404 for an unknown endpoint, 405 for a known one with the wrong method)."""

    code: str | list[str]
    status: HttpStatus | list[HttpStatus] | None = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, value):
        for status in value if isinstance(value, list) else [value] if value is not None else []:
            _check_status(status)
        return value


class Probe(_Strict):
    """How to provoke one or more codes on this API."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: Literal[PROBE_KINDS]  # type: ignore[valid-type]
    description: str = ""
    setup: list[Step] = Field(default_factory=list)
    request: Step
    vary: Vary | None = None
    mode: Literal[IDEMPOTENCY_MODES] | None = None  # type: ignore[valid-type]
    expect: str | list[str] | Expectation | None = Field(
        None, description="The code (or any of the codes) the request must produce; {code, status} also pins the status.")
    alternate_json: Any = Field(
        None, description="idempotency mismatch: the JSON body of the second request, sent with the first one's key."
    )
    concurrency: int = Field(4, ge=2, le=64, description="idempotency concurrent: how many requests share one key.")
    burst: Burst | None = None
    max_examples: int | None = Field(None, ge=1)
    markers: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]] = Field(
        default_factory=list, description="Extra pytest markers for this probe's test."
    )
    writes: bool | None = Field(
        None,
        description="Whether the probe creates or changes data (pytest marker 'writes'), overriding its steps. "
        "Default: any step writes (see Step.writes) or it is an idempotency probe.",
    )

    @model_validator(mode="after")
    def _shape(self) -> Probe:
        if self.kind == "idempotency" and self.mode is None:
            raise ValueError("an idempotency probe needs 'mode'")
        if self.kind != "idempotency" and self.mode is not None:
            raise ValueError("'mode' is only for idempotency probes")
        if self.expect is None and self.mode not in ("replay",):
            raise ValueError("a probe needs 'expect' (only idempotency replay expects success)")
        if self.mode == "mismatch" and self.alternate_json is None:
            raise ValueError("an idempotency mismatch probe needs 'alternate_json'")
        return self

    @property
    def writes_data(self) -> bool:
        """Whether the probe's test carries the marker ``writes``: its own ``writes`` if given;
        else whether any step writes (``Step.writes_data``) or it is an idempotency scenario,
        which repeats a request only because the request has an effect."""
        if self.writes is not None:
            return self.writes
        return any(step.writes_data for step in (*self.setup, self.request)) or self.mode in ("replay", "mismatch", "concurrent")

    @property
    def expected_codes(self) -> tuple[str, ...]:
        expect = self.expect.code if isinstance(self.expect, Expectation) else self.expect
        if expect is None:
            return ()
        return tuple(expect) if isinstance(expect, list) else (expect,)

    @property
    def pinned_statuses(self) -> tuple[int, ...]:
        """The statuses the answer to the request under test must have (``expect.status`` or the
        request's ``expect_status``); empty: any status of the code received."""
        if isinstance(self.expect, Expectation) and self.expect.status is not None:
            return tuple(self.expect.status) if isinstance(self.expect.status, list) else (self.expect.status,)
        return tuple(self.request.expect_status or ())


class Catalog(_Strict):
    """An error catalog: the error contract of one HTTP API."""

    format: Literal[1] = Field(description="Catalog format version.")
    api: ApiInfo
    auth: Auth
    idempotency: Idempotency | None = None
    headers: Headers = Field(default_factory=Headers)
    envelopes: dict[str, Envelope] = Field(min_length=1)
    errors: list[ErrorEntry] = Field(min_length=1)
    probes: list[Probe] = Field(default_factory=list)

    _code_index: dict[str, ErrorEntry] | None = PrivateAttr(None)

    def status_tokens(self, codes) -> list[int | str]:
        """The statuses of ``codes`` as the catalog writes them, numbers first (sorted), then
        classes: ``[401, 403]``, ``[404, '5xx']``."""
        tokens = [token for code in codes if (entry := self.code(code)) for token in entry.status_tokens]
        return [*sorted({t for t in tokens if isinstance(t, int)}), *dict.fromkeys(t for t in tokens if isinstance(t, str))]

    def code(self, code: str) -> ErrorEntry | None:
        """The entry for ``code`` (the first one, if a broken catalog repeats it)."""
        if self._code_index is None:
            index: dict[str, ErrorEntry] = {}
            for entry in self.errors:
                index.setdefault(entry.code, entry)
            self._code_index = index
        return self._code_index.get(code)
