"""Falu reference API (payments, messaging, identity verification, files, terminal, visits).

Written from Falu's "Error codes" page (seed 000) and the public facts in APIS.md (the
faluapp/falu-openapi document, API version 2024-06-01); it reads no catalog.

Surface
-------
``Authorization: Bearer <key>``; ``X-Falu-Version: 2024-06-01`` is required on every operation;
``X-Idempotency-Key`` (``^[a-zA-Z0-9-_:]{2,128}$``) on POST. Success bodies are the bare
objects (lists are JSON arrays). Every response carries ``X-Request-Id`` (``req_...``) and
``X-Trace-Id`` (W3C trace context id).

Errors are problem details (``application/problem+json``)::

    {"type": "https://docs.falu.io/error-codes#<code>", "title": "<code>", "status": 400,
     "detail": "...", "instance": "/v1/...", "traceId": "<X-Trace-Id>"}

Falu's own codes are all sent with 400 (the spec attaches every code to 400), except
``file_expired`` on ``GET /v1/files/{id}/contents``, which the spec answers with 410.
Framework problems keep the ASP.NET Core defaults: validation (missing/malformed fields,
headers, malformed JSON) -> 400 ``"One or more validation errors occurred."`` with ``errors``
(member -> [messages]) and type ``https://tools.ietf.org/html/rfc9110#section-15.5.1``;
unknown route -> 404 ``"Not Found"``; wrong method -> 405 ``"Method Not Allowed"``; a body
that is not ``application/json`` -> 415 ``"Unsupported Media Type"``.
401 has no body, only ``WWW-Authenticate: ApiKey error="invalid_token"``; 403 and 429 have no
body (429 carries ``Retry-After``).

Check order: authentication (401) -> rate limit (429, before the idempotency layer) ->
scope of temporary keys (403) -> workspace state (400 invalid_workspace_state) ->
X-Falu-Version (400 validation) -> idempotency key -> body and fields -> lookups -> state.

Decisions where the sources are silent (documented here, not invented codes)
---------------------------------------------------------------------------
* **Credentials** (:data:`CREDENTIALS`): ``primary`` (test key, every feature), ``expired``
  (temporary key past expiry) and ``revoked`` (rolled secret key) -> 401; ``temporary`` (a
  valid temporary key: only ``GET /v1/identity/verifications/{id}``) -> 403 elsewhere;
  ``suspended`` (live key of a suspended workspace) -> ``invalid_workspace_state``;
  ``features_disabled`` (no identity feature) -> ``features_disabled`` on identity creates;
  ``unconfigured`` (no M-Pesa settings) -> ``invalid_settings`` on payments and transfers.
  ``mint_key()`` returns ``sk_test_<32 hex>``: a fresh workspace with its own data and bucket.
* **Rate limit** per key (token bucket, no public figure): burst 100, +100 per 10 s, so a
  burst with a fresh key hits 429 after ~100 requests (a fraction of a second on loopback).
  ``REFERENCE_FALU_BURST`` / ``REFERENCE_FALU_REFILL_TOKENS`` / ``REFERENCE_FALU_REFILL_SECONDS``
  override it. Fixture keys share their bucket across tests: tests that send many requests
  should use ``mint_key()``.
* **Idempotency**: same key + same request -> the original response replayed; a different body
  -> ``idempotency_error``; a key still in flight -> ``idempotency_key_in_use`` (creates of
  customers, payments, transfers, messages and batches hold 150 ms once validated).
  Only 2xx outcomes consume a key.
* **Unknown ids** (any shape) are the resource's ``*_not_found`` code with 400, on GET too.
* **Balance**: each workspace starts with 10,000,000 (minor units, KES); a transfer above the
  available balance is ``insufficient_balance``.
* **States**: messages without ``schedule`` are ``sent`` at once (cancel ->
  ``message_cannot_be_cancelled``); scheduled ones stay ``accepted`` (redact ->
  ``object_cannot_be_redacted``). Message redaction completes at once; message batch redaction
  runs for 2 s (a second redact meanwhile -> ``object_redaction_in_progress``). Payments are
  ``pending`` (refund -> ``payment_cannot_be_refunded``) except from the test number
  ``+254700000000``, which succeed at once (refundable once). Transfers stay ``pending``
  (reversal -> ``transfer_cannot_be_reversed``). Alphanumeric senders are ``pending`` approval
  and cannot be updated or deleted. The first stream (``transactional``) and the first terminal
  configuration of a workspace are defaults that cannot be updated or deleted. A terminal
  location used by a configuration, and a visitor or destination of an open visit, cannot be
  deleted. A file whose ``expires`` is in the past is purged at once (``file_expired``); a link
  whose ``expires`` is in the past cannot be updated.
* **Terminal devices**: activation tokens come from physical devices, so every token this
  server sees is ``terminal_device_activation_token_invalid``; there are no devices.
* **Surface outside the 2024-06-01 spec** (terminal, visits): paths inferred
  (``/v1/terminal/...``, ``/v1/visitor_destinations``, ``/v1/visitors``, ``/v1/visits``).
"""
from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import re
import secrets
import time
from datetime import datetime, timezone
from typing import Any, Callable

from ._machinery import (ApiDefinition, ApiError, Ctx, Envelope, Fault, IdempotencyConfig,
                         Operation, Principal, RateLimitConfig, prefixed)
from ._machinery.body import BodyError
from ._machinery.errors import HtmlCrash

NAME = "falu"
API_VERSION = "2024-06-01"
DOCS = "https://docs.falu.io/error-codes#"
VALIDATION = "One or more validation errors occurred."
NOT_FOUND = "Not Found"
METHOD_NOT_ALLOWED = "Method Not Allowed"
UNSUPPORTED_MEDIA = "Unsupported Media Type"
FRAMEWORK_TYPES = {
    VALIDATION: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    NOT_FOUND: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
    METHOD_NOT_ALLOWED: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
    UNSUPPORTED_MEDIA: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
    "An error occurred while processing your request.": "https://tools.ietf.org/html/rfc9110#section-15.6.1",
}
IDEMPOTENCY_HEADER = "X-Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"^[a-zA-Z0-9\-_:]{2,128}$")
START_BALANCE = 10_000_000
MAX_AMOUNT = 999_999_999_999
BATCH_LIMIT = 1000
HOLD_SECONDS = 0.15
TEST_SUCCESS_PHONE = "+254700000000"

# ---- credentials ------------------------------------------------------------------------
CREDENTIALS: dict[str, str] = {
    "primary": "sk_test_" + "0" * 31 + "1",
    "expired": "ftkn_expired_0000000000000000000001",
    "revoked": "sk_test_revoked_00000000000000000001",
    "temporary": "ftkn_active_00000000000000000000001",
    "suspended": "sk_live_suspended_000000000000000001",
    "features_disabled": "sk_test_" + "0" * 31 + "2",
    "unconfigured": "sk_test_" + "0" * 31 + "3",
}
_MINTED = re.compile(r"^sk_test_[0-9a-f]{32}$")
_FIXTURE_ATTRS: dict[str, dict[str, Any]] = {
    CREDENTIALS["primary"]: {"mode": "test"},
    CREDENTIALS["temporary"]: {"mode": "test", "temporary": True},
    CREDENTIALS["suspended"]: {"mode": "live", "suspended": True},
    CREDENTIALS["features_disabled"]: {"mode": "test", "no_identity": True},
    CREDENTIALS["unconfigured"]: {"mode": "test", "no_mpesa": True},
}
TEMPORARY_KEY_OPERATIONS = frozenset({"identity-verifications-get"})


def mint_key() -> str:
    """A fresh valid test key: its own workspace (data) and rate-limit bucket."""
    return "sk_test_" + secrets.token_hex(16)


# ---- envelope -----------------------------------------------------------------------------
class FaluEnvelope(Envelope):
    media_type = "application/problem+json"
    status_path = ("status",)
    code_path = ("title",)
    message_path = ("detail",)
    required_paths = (("type",),)
    detail_paths = (("errors",),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        if err.status in (401, 403, 429) or err.code is None:
            return None
        body: dict[str, Any] = {
            "type": FRAMEWORK_TYPES.get(err.code, DOCS + err.code),
            "title": err.code,
            "status": err.status,
        }
        if err.message:
            body["detail"] = err.message
        body["instance"] = ctx.request.url.path
        if "errors" in err.extras:
            body["errors"] = err.extras["errors"]
        body["traceId"] = trace_id(ctx)
        return body

    def headers(self, err: ApiError, ctx: Ctx) -> dict[str, str]:
        return dict(err.headers)


def trace_id(ctx: Ctx) -> str:
    return ctx.request.scope.get("state", {}).get("trace_id") or new_trace_id()


def new_trace_id() -> str:
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"


class TraceIdMiddleware:
    """X-Trace-Id (W3C trace context id) on every response; error bodies repeat it as traceId."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        tid = new_trace_id()
        scope.setdefault("state", {})["trace_id"] = tid

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-trace-id"]
                headers.append((b"x-trace-id", tid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


# ---- errors and validation helpers --------------------------------------------------------
def problem(code: str, detail: str, status: int = 400) -> ApiError:
    return ApiError(code, status, detail)


def invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(VALIDATION, 400, "", errors=errors)


class Errors(dict):
    """member -> [messages], ASP.NET ModelState style."""

    def add(self, member: str, message: str) -> None:
        self.setdefault(member, []).append(message)

    def raise_if(self) -> None:
        if self:
            raise invalid(dict(self))


_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile("^" + _ATOM + r"(?:\." + _ATOM + ")*@" + _LABEL + r"(?:\." + _LABEL + ")+$")
# RFC 3986: path, query and fragment hold unreserved, sub-delims, ":", "@", "/", "?" or %XX only.
_URL = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
                  r"(?:[/?#](?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*"
                  r"(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?)?$")
_STREAM_NAME = re.compile(r"^[a-z]([a-z0-9\-_]+)$")
_TEMPLATE_ALIAS = re.compile(r"^[a-zA-Z]([a-zA-Z0-9\-_]+)$")
_ALPHANUMERIC = re.compile(r"^[a-zA-Z0-9_\-+& ]{5,11}$")
_REFERENCE = re.compile(r"^[a-zA-Z0-9\-_]+$")
_DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
CURRENCIES = ("kes",)
STREAM_TYPES = ("transactional", "inbound", "marketing")
TEMPLATE_TYPES = ("transactional", "marketing", "verification")
SENDER_TYPES = ("phone_number", "short_code", "alphanumeric", "whatsapp", "google", "apple")
TRANSFER_PURPOSES = ("business", "salary", "promotion")
REFUND_REASONS = ("duplicate", "fraudulent", "customer_requested", "other")
IDENTITY_TYPES = ("id_number", "document", "document_and_selfie", "document_and_video")
FILE_PURPOSES = ("business.icon", "business.logo", "customer.signature", "customer.selfie",
                 "customer.tax.document", "message.media", "identity.document", "identity.video")
DOWNLOADABLE_PURPOSES = frozenset({"business.icon", "business.logo", "customer.tax.document",
                                   "message.media"})
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg", "text/csv")


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def valid_url(value: Any, *, max_len: int = 512) -> bool:
    """An absolute http(s) URL with a DNS host name and a port in 1-65535 (RFC 3986)."""
    from urllib.parse import urlsplit
    if not is_str(value) or len(value) > max_len or not _URL.fullmatch(value):
        return False
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    if port is not None and not 1 <= port <= 65535:
        return False
    return all(re.fullmatch(_LABEL, label) for label in host.split(".")) and len(host) <= 253


def check_string(errors: Errors, member: str, value: Any, *, required: bool = False,
                 min_len: int = 0, max_len: int | None = None, pattern: re.Pattern | None = None) -> None:
    if value is None:
        if required:
            errors.add(member, f"The {member} field is required.")
        return
    if not is_str(value):
        errors.add(member, f"The JSON value could not be converted to System.String. Path: $.{member}")
        return
    if required and not value.strip():
        errors.add(member, f"The {member} field is required.")
    elif len(value) < min_len or (max_len is not None and len(value) > max_len):
        errors.add(member, f"The field {member} must be a string with a minimum length of {min_len} "
                           f"and a maximum length of {max_len}.")
    elif pattern is not None and not pattern.fullmatch(value):
        errors.add(member, f"The field {member} must match the regular expression '{pattern.pattern}'.")


def check_phone(errors: Errors, member: str, value: Any, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if not is_str(value) or not _E164.fullmatch(value):
        errors.add(member, f"The {member} field must be a valid phone number in E.164 format.")


def check_enum(errors: Errors, member: str, value: Any, allowed: tuple[str, ...], *,
               required: bool = True) -> None:
    if value is None:
        if required:
            errors.add(member, f"The {member} field is required.")
        return
    if not is_str(value) or value not in allowed:
        errors.add(member, f"The JSON value could not be converted to {member}; allowed: {', '.join(allowed)}.")


def check_amount(errors: Errors, member: str, value: Any) -> None:
    if value is None:
        errors.add(member, f"The {member} field is required.")
    elif isinstance(value, bool) or not isinstance(value, int):
        errors.add(member, f"The JSON value could not be converted to System.Int64. Path: $.{member}")
    elif not 1 <= value <= MAX_AMOUNT:
        errors.add(member, f"The field {member} must be between 1 and {MAX_AMOUNT}.")


def check_object(errors: Errors, member: str, value: Any, *, required: bool = False) -> bool:
    if value is None:
        if required:
            errors.add(member, f"The {member} field is required.")
        return False
    if not isinstance(value, dict):
        errors.add(member, f"The JSON value could not be converted to an object. Path: $.{member}")
        return False
    return True


def check_metadata(errors: Errors, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or not all(is_str(v) for v in value.values()):
        errors.add("metadata", "The metadata field must be an object of string values.")


def parse_time(value: Any) -> datetime | None:
    if not is_str(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None = None) -> str:
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def template_content_problem(body: str) -> str | None:
    """Why a template body is invalid (unbalanced ``{{ }}`` expressions), or None."""
    depth_open = False
    i = 0
    while i < len(body):
        pair = body[i:i + 2]
        if pair == "{{":
            if depth_open:
                return f"Unexpected '{{{{' at position {i}: the previous expression is not closed."
            depth_open = True
            i += 2
            continue
        if pair == "}}":
            if not depth_open:
                return f"Unexpected '}}}}' at position {i}: no expression is open."
            depth_open = False
            i += 2
            continue
        i += 1
    if depth_open:
        return "An expression opened with '{{' is not closed with '}}'."
    return None


# ---- multipart (files) ----------------------------------------------------------------------
def parse_multipart(raw: bytes, content_type: str) -> dict[str, tuple[str | None, bytes, str | None]]:
    """name -> (filename, content, part content type); stdlib email parser (RFC 7578)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise ValueError("the body is not multipart/form-data")
    parts: dict[str, tuple[str | None, bytes, str | None]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        ctype = part.get("content-type")
        parts[str(name)] = (part.get_filename(), payload,
                            part.get_content_type() if ctype else None)
    return parts


def content_problem(ctype: str, content: bytes) -> str | None:
    if ctype == "image/png" and not content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "The content is not a PNG image."
    if ctype == "image/jpeg" and not content.startswith(b"\xff\xd8\xff"):
        return "The content is not a JPEG image."
    if ctype == "application/pdf" and not content.startswith(b"%PDF-"):
        return "The content is not a PDF document."
    if ctype == "text/csv":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return "The content is not UTF-8 text."
    if not content:
        return "The file is empty."
    return None


# ---- the API ----------------------------------------------------------------------------------
class Falu(ApiDefinition):
    name = NAME
    title = "Falu API (reference)"
    version = API_VERSION
    envelope = FaluEnvelope()
    request_id_header = "X-Request-Id"
    rate_limit = RateLimitConfig(capacity=100, refill_tokens=100, refill_seconds=10,
                                 env_prefix="REFERENCE_FALU")
    idempotency = IdempotencyConfig(header=IDEMPOTENCY_HEADER, required=False, window=24 * 3600,
                                    policy="replay")
    strict_content_type = False
    authenticate_unknown_routes = True
    common_error_statuses = (401, 403, 429)
    credentials = CREDENTIALS

    faults = {
        "wrong-status": Fault("wrong-status", codes=("message_not_found", "customer_not_found"), param=404,
                              affects="message_not_found and customer_not_found are sent with HTTP 404 (body status 404) instead of 400"),
        "code-case": Fault("code-case", codes=("insufficient_balance",), param="insufficient_balanse",
                           affects="insufficient_balance is sent as 'insufficient_balanse' (one letter changed)"),
        "unknown-code": Fault("unknown-code", codes=("message_stream_archived",), param="message_stream_inactive",
                              affects="message_stream_archived is replaced by the undocumented 'message_stream_inactive'"),
        "missing-member": Fault("missing-member", param=(("type",),),
                                affects="the problem member 'type' is removed from every error body"),
        "wrong-media-type": Fault("wrong-media-type", param="application/json",
                                  affects="error bodies are sent as application/json instead of application/problem+json"),
        "body-status-mismatch": Fault("body-status-mismatch",
                                      affects="the body's status is 422 on 400s and 400 on other errors with a body"),
        "missing-header": Fault("missing-header", param=("X-Request-Id", "Retry-After"),
                                affects="X-Request-Id is missing on every error response; Retry-After is missing on 429"),
        "accept-invalid": Fault("accept-invalid", operations=("customers-create", "messages-create"),
                                affects="POST /v1/billing/customers and POST /v1/messages skip field validation "
                                        "(email, phone, to, body): invalid bodies get 200"),
        "html-500": Fault("html-500",
                          affects="a malformed JSON body on any operation answers 500 text/html instead of the 400 validation problem"),
        "replay-ignored": Fault("replay-ignored",
                                affects="reusing X-Idempotency-Key with the same body creates a second resource "
                                        "(new id) instead of replaying the first response"),
        "missing-detail-member": Fault("missing-detail-member", codes=(VALIDATION,),
                                       affects="'errors' is removed from validation problems"),
        "stack-trace": Fault("stack-trace", codes=(VALIDATION,),
                             affects="a Python traceback is added as the detail of validation problems"),
        "sql-leak": Fault("sql-leak", codes=(VALIDATION,),
                          affects="a PostgreSQL driver error is added as the detail of validation problems"),
    }

    # ---- hooks ----
    def authenticate(self, request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.strip().partition(" ")
        key = key.strip()
        if scheme.lower() == "bearer" and key:
            if key in _FIXTURE_ATTRS:
                name = next(n for n, k in CREDENTIALS.items() if k == key)
                return Principal(key=key, tenant=key, name=name, attrs=dict(_FIXTURE_ATTRS[key]))
            if _MINTED.match(key):
                return Principal(key=key, tenant=key, name="minted", attrs={"mode": "test", "minted": True})
        raise ApiError("invalid_token", 401, "", headers={"WWW-Authenticate": 'ApiKey error="invalid_token"'})

    def rate_limited(self, decision, ctx: Ctx) -> ApiError:
        return ApiError("too_many_requests", 429, "", headers={"Retry-After": str(decision.retry_after)})

    def authorize(self, ctx: Ctx, op: Operation) -> None:
        principal = ctx.principal
        if principal.attrs.get("temporary") and op.operation_id not in TEMPORARY_KEY_OPERATIONS:
            raise ApiError("forbidden", 403, "")
        if principal.attrs.get("suspended"):
            raise problem("invalid_workspace_state",
                          "The workspace is suspended and cannot make requests in live mode.")
        key = ctx.request.headers.get(IDEMPOTENCY_HEADER)
        if op.side_effects and key is not None and not key.strip():
            # the machinery treats a blank key as absent; Falu's rule (2-128 characters) rejects it
            raise self.validate_idempotency_key(key, ctx)
        version = ctx.request.headers.get("x-falu-version")
        if version is None or not version.strip():
            raise invalid({"X-Falu-Version": ["The X-Falu-Version header is required."]})
        if version.strip() != API_VERSION:
            raise invalid({"X-Falu-Version": [f"The API version '{version}' is not supported; use {API_VERSION}."]})

    def validate_idempotency_key(self, key: str, ctx: Ctx) -> ApiError | None:
        if not IDEMPOTENCY_KEY.fullmatch(key):
            return problem("idempotency_key_invalid",
                           "The idempotency key must be 2 to 128 characters of letters, digits, '-', '_' or ':'.")
        return None

    def idempotency_conflict(self, key: str, ctx: Ctx) -> ApiError:
        return problem("idempotency_error",
                       "The request body does not match the earlier request made with this idempotency key.")

    def idempotency_in_use(self, key: str, ctx: Ctx) -> ApiError:
        return problem("idempotency_key_in_use",
                       "The idempotency key is being used by another request in progress.")

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        if exc.kind == "content_type":
            return ApiError(UNSUPPORTED_MEDIA, 415, "")
        if exc.kind == "empty":
            return invalid({"": ["A non-empty request body is required."]})
        return invalid({"$": [f"The JSON value could not be converted: {exc.detail}."]})

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        if method_not_allowed:
            return ApiError(METHOD_NOT_ALLOWED, 405, "")
        return ApiError(NOT_FOUND, 404, "")

    def internal_error(self, exc, ctx: Ctx) -> ApiError:
        return ApiError("An error occurred while processing your request.", 500, "")

    def render_error(self, err: ApiError, ctx: Ctx):
        f = ctx.fault
        if f is not None and f.kind in ("stack-trace", "sql-leak") and f.matches(err.code, err.status) and not err.message:
            err = err.clone(message="Request validation failed.")
        return super().render_error(err, ctx)

    # ---- app ----
    def build_app(self, *, fault: str | None = None):
        app = super().build_app(fault=fault)
        app.add_middleware(TraceIdMiddleware)
        return app

    # ---- OpenAPI ----
    def openapi(self) -> dict:
        from ._machinery.openapi import build_document
        version_header = {"name": "X-Falu-Version", "in": "header", "required": True,
                          "schema": {"type": "string", "enum": [API_VERSION]}}
        doc = build_document(self, security_scheme={"type": "http", "scheme": "bearer"},
                             extra_headers=[version_header])
        codes = {op.operation_id: getattr(op, "x_error_codes", ()) for op in self.operations()}
        for item in doc["paths"].values():
            for operation in item.values():
                operation["responses"].pop("409", None)
                if operation["operationId"] == "files-create":
                    operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["file", "purpose"],
                        "properties": {"file": {"type": "string", "format": "binary"},
                                       "purpose": {"type": "string", "enum": list(FILE_PURPOSES)},
                                       "expires": {"type": "string", "format": "date-time"}}}}}}
                    operation["responses"]["415"] = self.openapi_error_response(415)
                if operation["operationId"] == "files-contents":
                    operation["responses"]["200"]["content"] = {
                        "*/*": {"schema": {"type": "string", "format": "binary"}}}
                    operation["responses"]["410"] = self.openapi_error_response(410)
                listed = codes.get(operation["operationId"], ())
                if listed:
                    operation["x-error-codes"] = list(listed)
        doc["components"]["schemas"]["ProblemDetails"] = {
            "type": "object", "required": ["type", "title", "status", "traceId"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                           "status": {"type": "integer"}, "detail": {"type": "string"},
                           "instance": {"type": "string"}, "traceId": {"type": "string"},
                           "errors": {"type": "object", "additionalProperties": {
                               "type": "array", "items": {"type": "string"}}}}}
        doc["info"]["description"] = ("Reference implementation of the Falu API (embedded test server); "
                                      "paths follow faluapp/falu-openapi where they exist there.")
        return doc

    def openapi_error_response(self, status: int) -> dict:
        headers = {"X-Request-Id": {"schema": {"type": "string", "pattern": "^req_"}},
                   "X-Trace-Id": {"schema": {"type": "string"}}}
        if status == 401:
            headers["WWW-Authenticate"] = {"schema": {"type": "string"},
                                           "example": 'ApiKey error="invalid_token"'}
            return {"description": "The request is not authenticated (no body)", "headers": headers}
        if status == 403:
            return {"description": "Forbidden (no body)", "headers": headers}
        if status == 429:
            headers["Retry-After"] = {"required": True, "schema": {"type": "integer", "minimum": 1}}
            return {"description": "Too many requests (no body)", "headers": headers}
        from ._machinery.openapi import REASONS
        return {"description": REASONS.get(status, "Error"), "headers": headers,
                "content": {"application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}

    # ---- operations ----
    def operations(self) -> list[Operation]:
        if getattr(self, "_ops", None) is None:
            self._ops = self._build_operations()
        return self._ops

    def _build_operations(self) -> list[Operation]:
        ops: list[Operation] = []

        def op(method: str, path: str, handler, operation_id: str, summary: str,
               codes: tuple[str, ...] = (), schema: dict | None = None) -> None:
            many = method == "GET" and not path.endswith("}") and path != "/money_balances"
            response = {"type": "array", "items": {"type": "object"}} if many else {"type": "object"}
            o = Operation(method, "/v1" + path, handler, operation_id, summary,
                          request_schema=schema, response_schema=response,
                          errors=(400, 415) if schema is not None else (400,))
            o.x_error_codes = codes  # type: ignore[attr-defined]
            ops.append(o)

        obj = {"type": "object"}
        # customers (billing)
        op("GET", "/billing/customers", self.list_of("customer"), "customers-list", "List customers")
        op("POST", "/billing/customers", self.create_customer, "customers-create", "Create a customer", (), obj)
        op("GET", "/billing/customers/{id}", self.get_of("customer"), "customers-get", "Get a customer", ("customer_not_found",))
        op("PATCH", "/billing/customers/{id}", self.update_customer, "customers-update", "Update a customer",
           ("customer_not_found", "object_redacted"), obj)
        op("POST", "/billing/customers/{id}/redact", self.redact_simple("customer"), "customers-redact",
           "Redact a customer", ("customer_not_found", "object_redacted"))
        # events
        op("GET", "/events", self.list_of("event"), "events-list", "List events")
        op("GET", "/events/{id}", self.get_of("event"), "events-get", "Get an event", ("event_not_found",))
        op("POST", "/events/{id}/redact", self.redact_simple("event"), "events-redact", "Redact an event",
           ("event_not_found", "object_redacted"))
        # files and links
        op("GET", "/files", self.list_of("file"), "files-list", "List files")
        op("POST", "/files", self.create_file, "files-create", "Upload a file",
           ("file_type_not_allowed", "file_invalid"))
        op("GET", "/files/{id}", self.get_of("file"), "files-get", "Get a file", ("file_not_found",))
        op("GET", "/files/{id}/contents", self.file_contents, "files-contents", "Download a file",
           ("file_not_found", "file_expired", "file_cannot_be_downloaded", "object_redacted"))
        op("GET", "/file_links", self.list_of("file_link"), "file-links-list", "List file links")
        op("POST", "/file_links", self.create_file_link, "file-links-create", "Create a file link",
           ("file_not_found", "file_expired", "file_cannot_be_downloaded"), obj)
        op("GET", "/file_links/{id}", self.get_of("file_link"), "file-links-get", "Get a file link", ("file_link_not_found",))
        op("PATCH", "/file_links/{id}", self.update_file_link, "file-links-update", "Update a file link",
           ("file_link_not_found", "file_link_cannot_be_updated"), obj)
        # identity
        op("GET", "/identity/verifications", self.list_of("identity_verification"), "identity-verifications-list",
           "List identity verifications")
        op("POST", "/identity/verifications", self.create_identity, "identity-verifications-create",
           "Create an identity verification", ("features_disabled",), obj)
        op("GET", "/identity/verifications/{id}", self.get_of("identity_verification"),
           "identity-verifications-get", "Get an identity verification", ("identity_verification_not_found",))
        op("PATCH", "/identity/verifications/{id}", self.update_identity, "identity-verifications-update",
           "Update an identity verification",
           ("identity_verification_not_found", "identity_verification_cannot_be_modified", "object_redacted"), obj)
        op("POST", "/identity/verifications/{id}/cancel", self.cancel_identity, "identity-verifications-cancel",
           "Cancel an identity verification",
           ("identity_verification_not_found", "identity_verification_cannot_be_cancelled", "object_redacted"))
        op("POST", "/identity/verifications/{id}/redact", self.redact_simple("identity_verification"),
           "identity-verifications-redact", "Redact an identity verification",
           ("identity_verification_not_found", "object_redacted"))
        # messages
        op("GET", "/messages", self.list_of("message"), "messages-list", "List messages")
        op("POST", "/messages", self.create_message, "messages-create", "Send a message",
           ("message_stream_not_found", "message_stream_archived", "message_template_not_found",
            "message_media_invalid", "messages_suppressions_flagged", "file_not_found", "file_expired"), obj)
        op("GET", "/messages/{id}", self.get_of("message"), "messages-get", "Get a message", ("message_not_found",))
        op("PATCH", "/messages/{id}", self.update_message, "messages-update", "Update a message",
           ("message_not_found", "object_redacted"), obj)
        op("POST", "/messages/{id}/cancel", self.cancel_message, "messages-cancel", "Cancel a message",
           ("message_not_found", "message_cannot_be_cancelled", "object_redacted"))
        op("POST", "/messages/{id}/redact", self.redact_message, "messages-redact", "Redact a message",
           ("message_not_found", "object_redacted", "object_cannot_be_redacted"))
        op("GET", "/message_batches", self.list_of("message_batch"), "message-batches-list", "List message batches")
        op("POST", "/message_batches", self.create_batch, "message-batches-create", "Send a message batch",
           ("message_stream_not_found", "message_stream_archived", "message_template_not_found",
            "messages_limit_exceeded", "messages_suppressions_flagged"), obj)
        op("GET", "/message_batches/{id}", self.get_of("message_batch"), "message-batches-get",
           "Get a message batch", ("message_batch_not_found",))
        op("PATCH", "/message_batches/{id}", self.update_simple("message_batch"), "message-batches-update",
           "Update a message batch", ("message_batch_not_found", "object_redacted"), obj)
        op("POST", "/message_batches/{id}/cancel", self.cancel_batch, "message-batches-cancel",
           "Cancel a message batch", ("message_batch_not_found", "message_batch_cannot_be_cancelled"))
        op("POST", "/message_batches/{id}/redact", self.redact_batch, "message-batches-redact",
           "Redact a message batch", ("message_batch_not_found", "object_redacted", "object_redaction_in_progress"))
        op("GET", "/message_senders", self.list_of("message_sender"), "message-senders-list", "List message senders")
        op("POST", "/message_senders", self.create_sender, "message-senders-create", "Create a message sender",
           ("message_stream_not_found", "message_sender_alphanumeric_in_use"), obj)
        op("GET", "/message_senders/{id}", self.get_of("message_sender"), "message-senders-get",
           "Get a message sender", ("message_sender_not_found",))
        op("PATCH", "/message_senders/{id}", self.modify_sender, "message-senders-update",
           "Update a message sender", ("message_sender_not_found", "message_sender_cannot_be_modified"), obj)
        op("DELETE", "/message_senders/{id}", self.modify_sender, "message-senders-delete",
           "Delete a message sender", ("message_sender_not_found", "message_sender_cannot_be_modified"))
        op("GET", "/message_streams", self.list_streams, "message-streams-list", "List message streams")
        op("POST", "/message_streams", self.create_stream, "message-streams-create", "Create a message stream",
           ("message_stream_name_in_use",), obj)
        op("GET", "/message_streams/{id}", self.get_stream, "message-streams-get", "Get a message stream",
           ("message_stream_not_found",))
        op("PATCH", "/message_streams/{id}", self.modify_stream, "message-streams-update",
           "Update a message stream", ("message_stream_not_found", "message_stream_cannot_be_modified"), obj)
        op("DELETE", "/message_streams/{id}", self.modify_stream, "message-streams-delete",
           "Delete a message stream", ("message_stream_not_found", "message_stream_cannot_be_modified"))
        op("POST", "/message_streams/{id}/archive", self.archive_stream(True), "message-streams-archive",
           "Archive a message stream", ("message_stream_not_found", "message_stream_cannot_be_modified"))
        op("POST", "/message_streams/{id}/unarchive", self.archive_stream(False), "message-streams-unarchive",
           "Unarchive a message stream", ("message_stream_not_found",))
        op("GET", "/message_suppressions", self.list_of("message_suppression"), "message-suppressions-list",
           "List message suppressions")
        op("POST", "/message_suppressions", self.create_suppression, "message-suppressions-create",
           "Create a message suppression", ("message_stream_not_found",), obj)
        op("GET", "/message_suppressions/{id}", self.get_of("message_suppression"), "message-suppressions-get",
           "Get a message suppression", ("message_suppression_not_found",))
        op("DELETE", "/message_suppressions/{id}", self.delete_simple("message_suppression"),
           "message-suppressions-delete", "Delete a message suppression", ("message_suppression_not_found",))
        op("GET", "/message_templates", self.list_of("message_template"), "message-templates-list",
           "List message templates")
        op("POST", "/message_templates", self.create_template, "message-templates-create",
           "Create a message template", ("message_template_content_is_invalid", "message_template_alias_in_use"), obj)
        op("POST", "/message_templates/validate", self.validate_template, "message-templates-validate",
           "Validate a message template", ("message_template_content_is_invalid",), obj)
        op("GET", "/message_templates/{id}", self.get_of("message_template"), "message-templates-get",
           "Get a message template", ("message_template_not_found",))
        op("PATCH", "/message_templates/{id}", self.update_template, "message-templates-update",
           "Update a message template",
           ("message_template_not_found", "message_template_content_is_invalid", "message_template_alias_in_use"), obj)
        op("DELETE", "/message_templates/{id}", self.delete_simple("message_template"), "message-templates-delete",
           "Delete a message template", ("message_template_not_found",))
        # money
        op("GET", "/money_balances", self.money_balances, "money-balances-get", "Get the money balances")
        op("GET", "/payments", self.list_of("payment"), "payments-list", "List payments")
        op("POST", "/payments", self.create_payment, "payments-create", "Create a payment", ("invalid_settings",), obj)
        op("GET", "/payments/{id}", self.get_of("payment"), "payments-get", "Get a payment", ("payment_not_found",))
        op("PATCH", "/payments/{id}", self.update_simple("payment"), "payments-update", "Update a payment",
           ("payment_not_found",), obj)
        op("GET", "/payment_refunds", self.list_of("payment_refund"), "payment-refunds-list", "List payment refunds")
        op("POST", "/payment_refunds", self.create_refund, "payment-refunds-create", "Refund a payment",
           ("payment_not_found", "payment_cannot_be_refunded"), obj)
        op("GET", "/payment_refunds/{id}", self.get_of("payment_refund"), "payment-refunds-get",
           "Get a payment refund", ("payment_refund_not_found",))
        op("PATCH", "/payment_refunds/{id}", self.update_simple("payment_refund"), "payment-refunds-update",
           "Update a payment refund", ("payment_refund_not_found",), obj)
        op("GET", "/payment_authorizations", self.list_of("payment_authorization"), "payment-authorizations-list",
           "List payment authorizations")
        op("GET", "/payment_authorizations/{id}", self.get_of("payment_authorization"),
           "payment-authorizations-get", "Get a payment authorization", ("payment_authorization_not_found",))
        op("PATCH", "/payment_authorizations/{id}", self.update_simple("payment_authorization"),
           "payment-authorizations-update", "Update a payment authorization", ("payment_authorization_not_found",), obj)
        for action in ("approve", "decline"):
            op("POST", f"/payment_authorizations/{{id}}/{action}", self.decide_authorization,
               f"payment-authorizations-{action}", f"{action.capitalize()} a payment authorization",
               ("payment_authorization_not_found", "payment_authorization_closed"))
        op("GET", "/transfers", self.list_of("transfer"), "transfers-list", "List transfers")
        op("POST", "/transfers", self.create_transfer, "transfers-create", "Create a transfer",
           ("insufficient_balance", "invalid_settings"), obj)
        op("GET", "/transfers/{id}", self.get_of("transfer"), "transfers-get", "Get a transfer", ("transfer_not_found",))
        op("PATCH", "/transfers/{id}", self.update_simple("transfer"), "transfers-update", "Update a transfer",
           ("transfer_not_found",), obj)
        op("GET", "/transfer_reversals", self.list_of("transfer_reversal"), "transfer-reversals-list",
           "List transfer reversals")
        op("POST", "/transfer_reversals", self.create_reversal, "transfer-reversals-create", "Reverse a transfer",
           ("transfer_not_found", "transfer_cannot_be_reversed"), obj)
        op("GET", "/transfer_reversals/{id}", self.get_of("transfer_reversal"), "transfer-reversals-get",
           "Get a transfer reversal", ("transfer_reversal_not_found",))
        op("PATCH", "/transfer_reversals/{id}", self.update_simple("transfer_reversal"), "transfer-reversals-update",
           "Update a transfer reversal", ("transfer_reversal_not_found",), obj)
        # webhooks
        op("GET", "/webhooks/endpoints", self.list_of("webhook_endpoint"), "webhook-endpoints-list",
           "List webhook endpoints")
        op("POST", "/webhooks/endpoints", self.create_webhook, "webhook-endpoints-create",
           "Create a webhook endpoint", (), obj)
        op("GET", "/webhooks/endpoints/{id}", self.get_of("webhook_endpoint"), "webhook-endpoints-get",
           "Get a webhook endpoint", ("webhook_endpoint_not_found",))
        op("PATCH", "/webhooks/endpoints/{id}", self.update_simple("webhook_endpoint"), "webhook-endpoints-update",
           "Update a webhook endpoint", ("webhook_endpoint_not_found",), obj)
        op("DELETE", "/webhooks/endpoints/{id}", self.delete_simple("webhook_endpoint"), "webhook-endpoints-delete",
           "Delete a webhook endpoint", ("webhook_endpoint_not_found",))
        # terminal (inferred paths)
        op("GET", "/terminal/configurations", self.list_configurations, "terminal-configurations-list",
           "List terminal configurations")
        op("POST", "/terminal/configurations", self.create_configuration, "terminal-configurations-create",
           "Create a terminal configuration", ("terminal_location_not_found",), obj)
        op("GET", "/terminal/configurations/{id}", self.get_configuration, "terminal-configurations-get",
           "Get a terminal configuration", ("terminal_configuration_not_found",))
        op("PATCH", "/terminal/configurations/{id}", self.modify_configuration, "terminal-configurations-update",
           "Update a terminal configuration",
           ("terminal_configuration_not_found", "terminal_configuration_cannot_be_modified"), obj)
        op("DELETE", "/terminal/configurations/{id}", self.modify_configuration, "terminal-configurations-delete",
           "Delete a terminal configuration",
           ("terminal_configuration_not_found", "terminal_configuration_cannot_be_modified"))
        op("GET", "/terminal/locations", self.list_of("terminal_location"), "terminal-locations-list",
           "List terminal locations")
        op("POST", "/terminal/locations", self.create_location, "terminal-locations-create",
           "Create a terminal location", (), obj)
        op("GET", "/terminal/locations/{id}", self.get_of("terminal_location"), "terminal-locations-get",
           "Get a terminal location", ("terminal_location_not_found",))
        op("PATCH", "/terminal/locations/{id}", self.update_simple("terminal_location"), "terminal-locations-update",
           "Update a terminal location", ("terminal_location_not_found",), obj)
        op("DELETE", "/terminal/locations/{id}", self.delete_location, "terminal-locations-delete",
           "Delete a terminal location", ("terminal_location_not_found", "terminal_location_cannot_be_modified"))
        op("GET", "/terminal/devices", self.list_of("terminal_device"), "terminal-devices-list",
           "List terminal devices")
        op("POST", "/terminal/devices", self.activate_device, "terminal-devices-create",
           "Activate a terminal device", ("terminal_device_activation_token_invalid",), obj)
        op("GET", "/terminal/devices/{id}", self.get_of("terminal_device"), "terminal-devices-get",
           "Get a terminal device", ("terminal_device_not_found",))
        op("DELETE", "/terminal/devices/{id}", self.delete_simple("terminal_device"), "terminal-devices-delete",
           "Delete a terminal device", ("terminal_device_not_found",))
        # visits (inferred paths)
        op("GET", "/visitor_destinations", self.list_of("visitor_destination"), "visitor-destinations-list",
           "List visitor destinations")
        op("POST", "/visitor_destinations", self.create_named("visitor_destination", "vdst"),
           "visitor-destinations-create", "Create a visitor destination", (), obj)
        op("GET", "/visitor_destinations/{id}", self.get_of("visitor_destination"), "visitor-destinations-get",
           "Get a visitor destination", ("visitor_destination_not_found",))
        op("PATCH", "/visitor_destinations/{id}", self.modify_visit_party("visitor_destination", "destination"),
           "visitor-destinations-update", "Update a visitor destination",
           ("visitor_destination_not_found", "visitor_destination_cannot_be_modified"), obj)
        op("DELETE", "/visitor_destinations/{id}", self.modify_visit_party("visitor_destination", "destination"),
           "visitor-destinations-delete", "Delete a visitor destination",
           ("visitor_destination_not_found", "visitor_destination_cannot_be_modified"))
        op("GET", "/visitors", self.list_of("visitor"), "visitors-list", "List visitors")
        op("POST", "/visitors", self.create_named("visitor", "vstr"), "visitors-create", "Create a visitor", (), obj)
        op("GET", "/visitors/{id}", self.get_of("visitor"), "visitors-get", "Get a visitor", ("visitor_not_found",))
        op("PATCH", "/visitors/{id}", self.modify_visit_party("visitor", "visitor"), "visitors-update",
           "Update a visitor", ("visitor_not_found", "visitor_cannot_be_modified"), obj)
        op("DELETE", "/visitors/{id}", self.modify_visit_party("visitor", "visitor"), "visitors-delete",
           "Delete a visitor", ("visitor_not_found", "visitor_cannot_be_modified"))
        op("GET", "/visits", self.list_of("visit"), "visits-list", "List visits")
        op("POST", "/visits", self.create_visit, "visits-create", "Create a visit",
           ("visitor_not_found", "visitor_destination_not_found"), obj)
        op("GET", "/visits/{id}", self.get_of("visit"), "visits-get", "Get a visit", ("visit_not_found",))
        op("POST", "/visits/{id}/start", self.start_visit, "visits-start", "Start a visit",
           ("visit_not_found", "visit_already_started", "visit_already_ended", "visit_destination_required",
            "visitor_destination_not_found"), obj)
        op("POST", "/visits/{id}/end", self.end_visit, "visits-end", "End a visit",
           ("visit_not_found", "visit_not_started", "visit_already_ended"), obj)
        return ops

    # ---- shared lookups ----
    NOT_FOUND_CODES = {
        "customer": "customer_not_found", "event": "event_not_found", "file": "file_not_found",
        "file_link": "file_link_not_found", "identity_verification": "identity_verification_not_found",
        "message": "message_not_found", "message_batch": "message_batch_not_found",
        "message_sender": "message_sender_not_found", "message_stream": "message_stream_not_found",
        "message_suppression": "message_suppression_not_found", "message_template": "message_template_not_found",
        "payment": "payment_not_found", "payment_refund": "payment_refund_not_found",
        "payment_authorization": "payment_authorization_not_found", "transfer": "transfer_not_found",
        "transfer_reversal": "transfer_reversal_not_found", "webhook_endpoint": "webhook_endpoint_not_found",
        "terminal_configuration": "terminal_configuration_not_found",
        "terminal_location": "terminal_location_not_found", "terminal_device": "terminal_device_not_found",
        "visitor_destination": "visitor_destination_not_found", "visitor": "visitor_not_found",
        "visit": "visit_not_found",
    }

    def find(self, ctx: Ctx, kind: str, rid: Any) -> dict:
        found = ctx.store.get(ctx.tenant, kind, rid) if is_str(rid) else None
        if found is None:
            label = kind.replace("_", " ")
            raise problem(self.NOT_FOUND_CODES[kind], f"The target {label} could not be found.")
        return found

    def put(self, ctx: Ctx, kind: str, obj: dict) -> dict:
        return ctx.store.put(ctx.tenant, kind, obj["id"], obj)

    def emit(self, ctx: Ctx, event_type: str, obj: dict) -> None:
        event = {"id": prefixed("evt"), "object": "event", "type": event_type, "created": iso(),
                 "data": {"object": {"id": obj["id"]}}, "live": False}
        self.put(ctx, "event", event)

    async def hold(self, ctx: Ctx) -> None:
        """Keep an idempotent create in flight briefly so a concurrent duplicate sees the key in use."""
        if ctx.request.headers.get(IDEMPOTENCY_HEADER):
            await asyncio.sleep(HOLD_SECONDS)

    async def json(self, ctx: Ctx) -> Any:
        """``ctx.json()`` plus the strictness of System.Text.Json: duplicate member names and
        the non-JSON constants NaN/Infinity are malformed JSON (RFC 8259)."""
        value = await ctx.json()
        raw = await ctx.request.body()

        def pairs(items: list) -> dict:
            names = [k for k, _ in items]
            if len(names) != len(set(names)):
                dup = next(k for k in names if names.count(k) > 1)
                raise ValueError(f"duplicate member name {dup!r}")
            return dict(items)

        def constant(name: str) -> Any:
            raise ValueError(f"'{name}' is not a JSON value")
        try:
            json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_constant=constant)
        except ValueError as exc:
            if ctx.fault is not None and ctx.fault.kind == "html-500":
                raise HtmlCrash(str(exc)) from None
            raise invalid({"$": [f"The JSON value could not be converted: {exc}."]}) from None
        return value

    async def body(self, ctx: Ctx) -> dict:
        """The JSON body of an action whose body is optional (no body = {})."""
        raw = await ctx.request.body()
        if not raw.strip():
            return {}
        return await self.json(ctx)

    def base(self, prefix: str, kind: str, src: dict, /, **fields: Any) -> dict:
        now_s = iso()
        obj = {"id": prefixed(prefix), "object": kind, "created": now_s, "updated": now_s,
               "description": src.get("description"), "metadata": src.get("metadata") or {},
               "live": False, "redaction": None}
        obj.update(fields)
        return obj

    @staticmethod
    def redacted(obj: dict) -> bool:
        red = obj.get("redaction")
        return bool(red) and red.get("status") == "completed"

    def ensure_defaults(self, ctx: Ctx) -> None:
        if ctx.store.list(ctx.tenant, "message_stream", lambda s: s.get("default")):
            return
        stream = self.base("mstr", "message_stream", {}, name="transactional", type="transactional",
                           default=True, archived=False)
        self.put(ctx, "message_stream", stream)
        config = self.base("tmcf", "terminal_configuration", {}, name="default", default=True, location=None)
        self.put(ctx, "terminal_configuration", config)
        balance = {"id": "balance", "object": "money_balance", "mpesa": {"kes": START_BALANCE},
                   "updated": iso()}
        ctx.store.put(ctx.tenant, "money_balance", "balance", balance)

    # ---- generic handlers ----
    def list_of(self, kind: str) -> Callable:
        async def handler(ctx: Ctx):
            self.ensure_defaults(ctx)
            return ctx.ok(ctx.store.list(ctx.tenant, kind))
        return handler

    def get_of(self, kind: str) -> Callable:
        async def handler(ctx: Ctx):
            self.ensure_defaults(ctx)
            return ctx.ok(self.find(ctx, kind, ctx.path_params["id"]))
        return handler

    def update_simple(self, kind: str) -> Callable:
        async def handler(ctx: Ctx):
            body = await self.json(ctx)
            errors = Errors()
            check_metadata(errors, body.get("metadata"))
            check_string(errors, "description", body.get("description"), max_len=500)
            errors.raise_if()
            self.ensure_defaults(ctx)
            obj = self.find(ctx, kind, ctx.path_params["id"])
            if self.redacted(obj):
                raise problem("object_redacted", "The object has been redacted and cannot be updated.")
            return ctx.ok(self._apply(ctx, kind, obj, body, ("description", "metadata")))
        return handler

    def _apply(self, ctx: Ctx, kind: str, obj: dict, body: dict, fields: tuple[str, ...]) -> dict:
        def change(o: dict) -> None:
            for name in fields:
                if name in body:
                    o[name] = body[name]
            o["updated"] = iso()
        return ctx.store.update(ctx.tenant, kind, obj["id"], change)

    def delete_simple(self, kind: str) -> Callable:
        async def handler(ctx: Ctx):
            self.ensure_defaults(ctx)
            obj = self.find(ctx, kind, ctx.path_params["id"])
            ctx.store.delete(ctx.tenant, kind, obj["id"])
            return ctx.ok({"id": obj["id"], "object": kind, "deleted": True})
        return handler

    def redact_simple(self, kind: str) -> Callable:
        async def handler(ctx: Ctx):
            self.ensure_defaults(ctx)
            obj = self.find(ctx, kind, ctx.path_params["id"])
            if self.redacted(obj):
                raise problem("object_redacted", "The object has already been redacted.")

            def red(o: dict) -> None:
                o["redaction"] = {"status": "completed", "requested": iso(), "completed": iso()}
            return ctx.ok(ctx.store.update(ctx.tenant, kind, obj["id"], red))
        return handler

    # ---- customers ----
    def _customer_errors(self, body: dict) -> Errors:
        errors = Errors()
        check_string(errors, "name", body.get("name"), max_len=200)
        email = body.get("email")
        if email is not None and (not is_str(email) or len(email) > 254 or not _EMAIL.fullmatch(email)
                                  or len(email.rsplit("@", 1)[0]) > 64):
            errors.add("email", "The email field is not a valid e-mail address.")
        check_phone(errors, "phone", body.get("phone"))
        check_string(errors, "description", body.get("description"), max_len=500)
        check_metadata(errors, body.get("metadata"))
        return errors

    async def create_customer(self, ctx: Ctx):
        body = await self.json(ctx)
        if not ctx.skip_validation:
            self._customer_errors(body).raise_if()
        await self.hold(ctx)
        cust = self.base("cust", "customer", body, name=body.get("name"), email=body.get("email"),
                         phone=body.get("phone"))
        self.put(ctx, "customer", cust)
        self.emit(ctx, "customer.created", cust)
        return ctx.ok(cust)

    async def update_customer(self, ctx: Ctx):
        body = await self.json(ctx)
        self._customer_errors(body).raise_if()
        cust = self.find(ctx, "customer", ctx.path_params["id"])
        if self.redacted(cust):
            raise problem("object_redacted", "The customer has been redacted and cannot be updated.")
        return ctx.ok(self._apply(ctx, "customer", cust, body, ("name", "email", "phone", "description", "metadata")))

    # ---- files ----
    async def create_file(self, ctx: Ctx):
        ctype = ctx.request.headers.get("content-type", "")
        if not ctype.lower().startswith("multipart/form-data"):
            raise ApiError(UNSUPPORTED_MEDIA, 415, "")
        raw = await ctx.request.body()
        try:
            parts = parse_multipart(raw, ctype)
        except Exception:  # noqa: BLE001 - any parse failure is a malformed body
            raise invalid({"": ["The request body is not valid multipart/form-data."]}) from None
        errors = Errors()
        purpose = parts.get("purpose")
        purpose_value = purpose[1].decode("utf-8", "replace").strip() if purpose else None
        check_enum(errors, "purpose", purpose_value, FILE_PURPOSES)
        file_part = parts.get("file")
        if file_part is None:
            errors.add("file", "The file field is required.")
        expires = None
        if "expires" in parts:
            expires = parse_time(parts["expires"][1].decode("utf-8", "replace").strip())
            if expires is None:
                errors.add("expires", "The expires field must be a date-time.")
        errors.raise_if()
        filename, content, part_type = file_part
        part_type = (part_type or "").lower()
        if part_type not in FILE_TYPES:
            raise problem("file_type_not_allowed",
                          f"The type '{part_type or 'unknown'}' is not allowed. Allowed types are: "
                          + ", ".join(FILE_TYPES) + ".")
        why = content_problem(part_type, content)
        if why:
            raise problem("file_invalid", why)
        obj = self.base("file", "file", {}, purpose=purpose_value, filename=filename, type=part_type,
                        size=len(content), expires=iso(expires) if expires else None)
        obj["_content"] = content.decode("latin-1")
        self.put(ctx, "file", obj)
        return ctx.ok(self.public(obj))

    @staticmethod
    def public(obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def usable_file(self, ctx: Ctx, fid: Any, *, expired_status: int = 400, for_download: bool = True) -> dict:
        f = self.find(ctx, "file", fid)
        if self.redacted(f):
            raise problem("object_redacted", "The file has been redacted.")
        expires = parse_time(f.get("expires"))
        if expires is not None and expires <= now():
            raise problem("file_expired", "The file has expired and has been purged.", expired_status)
        if for_download and f["purpose"] not in DOWNLOADABLE_PURPOSES:
            raise problem("file_cannot_be_downloaded",
                          f"Files with purpose '{f['purpose']}' cannot be downloaded or linked.")
        return f

    async def file_contents(self, ctx: Ctx):
        from starlette.responses import Response
        f = self.usable_file(ctx, ctx.path_params["id"], expired_status=410)
        return Response(f["_content"].encode("latin-1"), media_type=f["type"])

    async def create_file_link(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "file", body.get("file"), required=True, min_len=1)
        expires = None
        if body.get("expires") is not None:
            expires = parse_time(body["expires"])
            if expires is None:
                errors.add("expires", "The expires field must be a date-time.")
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        f = self.usable_file(ctx, body["file"])
        link = self.base("link", "file_link", body, file=f["id"], expires=iso(expires) if expires else None,
                         url=f"https://files.falu.io/links/{secrets.token_urlsafe(12)}")
        return ctx.ok(self.put(ctx, "file_link", link))

    async def update_file_link(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        link = self.find(ctx, "file_link", ctx.path_params["id"])
        expires = parse_time(link.get("expires"))
        if expires is not None and expires <= now():
            raise problem("file_link_cannot_be_updated", "The file link has expired; create a new one.")
        return ctx.ok(self._apply(ctx, "file_link", link, body, ("metadata", "expires")))

    # ---- identity ----
    async def create_identity(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_enum(errors, "type", body.get("type"), IDENTITY_TYPES)
        rurl = body.get("return_url")
        if rurl is not None and not valid_url(rurl):
            errors.add("return_url", "The return_url field is not a valid fully-qualified URL.")
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        if ctx.principal.attrs.get("no_identity"):
            raise problem("features_disabled", "Identity verification is not enabled for this workspace.")
        idv = self.base("idv", "identity_verification", body, type=body["type"], status="input_required",
                        url=f"https://verify.falu.io/{secrets.token_urlsafe(12)}")
        self.put(ctx, "identity_verification", idv)
        return ctx.ok(idv)

    async def update_identity(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "description", body.get("description"), max_len=500)
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        idv = self.find(ctx, "identity_verification", ctx.path_params["id"])
        if self.redacted(idv):
            raise problem("object_redacted", "The identity verification has been redacted.")
        if idv["status"] != "input_required":
            raise problem("identity_verification_cannot_be_modified",
                          f"The identity verification is '{idv['status']}', not input_required.")
        return ctx.ok(self._apply(ctx, "identity_verification", idv, body, ("description", "metadata")))

    async def cancel_identity(self, ctx: Ctx):
        idv = self.find(ctx, "identity_verification", ctx.path_params["id"])
        if self.redacted(idv):
            raise problem("object_redacted", "The identity verification has been redacted.")
        if idv["status"] != "input_required":
            raise problem("identity_verification_cannot_be_cancelled",
                          f"The identity verification is '{idv['status']}', not input_required.")

        def cancel(o: dict) -> None:
            o["status"] = "cancelled"
        return ctx.ok(ctx.store.update(ctx.tenant, "identity_verification", idv["id"], cancel))

    # ---- messages ----
    def resolve_stream(self, ctx: Ctx, ref: Any) -> dict:
        self.ensure_defaults(ctx)
        if is_str(ref):
            found = ctx.store.get(ctx.tenant, "message_stream", ref)
            if found is None:
                named = ctx.store.list(ctx.tenant, "message_stream", lambda s: s["name"] == ref)
                found = named[0] if named else None
            if found is not None:
                return found
        raise problem("message_stream_not_found", "The target message stream could not be found.")

    def usable_stream(self, ctx: Ctx, ref: Any) -> dict:
        stream = self.resolve_stream(ctx, ref)
        if stream.get("archived"):
            raise problem("message_stream_archived",
                          f"The message stream '{stream['name']}' is archived and cannot be used to send messages.")
        return stream

    def _content_errors(self, errors: Errors, prefix: str, msg: dict) -> None:
        body, template, media = msg.get("body"), msg.get("template"), msg.get("media")
        check_string(errors, prefix + "body", body, max_len=1600)
        has_template = check_object(errors, prefix + "template", template)
        has_media = check_object(errors, prefix + "media", media)
        if body is None and template is None and media is None:
            errors.add(prefix + "body", "One of body, template or media is required.")
        if has_template:
            if not any(is_str(template.get(k)) for k in ("id", "alias")):
                errors.add(prefix + "template", "The template needs an id or an alias.")
            if template.get("model") is not None and not isinstance(template.get("model"), dict):
                errors.add(prefix + "template.model", "The model must be an object.")
        if has_media:
            url, file = media.get("url"), media.get("file")
            if url is None and file is None:
                errors.add(prefix + "media", "The media needs a url or a file.")
            if url is not None and not valid_url(url):
                errors.add(prefix + "media.url", "The url field is not a valid fully-qualified URL.")
            check_string(errors, prefix + "media.file", file)

    def _schedule_errors(self, errors: Errors, schedule: Any) -> None:
        if not check_object(errors, "schedule", schedule):
            return
        t, d = schedule.get("time"), schedule.get("delay")
        if t is None and d is None:
            errors.add("schedule", "The schedule needs a time or a delay.")
        if t is not None and parse_time(t) is None:
            errors.add("schedule.time", "The time field must be a date-time.")
        if d is not None and (not is_str(d) or not _DURATION.fullmatch(d)):
            errors.add("schedule.delay", "The delay field must be an ISO 8601 duration.")

    def _check_content_refs(self, ctx: Ctx, msg: dict) -> None:
        template = msg.get("template")
        if isinstance(template, dict):
            ref = template.get("id") or template.get("alias")
            found = ctx.store.get(ctx.tenant, "message_template", ref) if is_str(ref) else None
            if found is None and is_str(ref):
                named = ctx.store.list(ctx.tenant, "message_template", lambda t: t["alias"] == ref)
                found = named[0] if named else None
            if found is None:
                raise problem("message_template_not_found", "The target message template could not be found.")
        media = msg.get("media")
        if isinstance(media, dict) and media.get("file") is not None:
            f = self.find(ctx, "file", media["file"])
            expires = parse_time(f.get("expires"))
            if expires is not None and expires <= now():
                raise problem("file_expired", "The media file has expired and has been purged.")
            if self.redacted(f):
                raise problem("object_redacted", "The media file has been redacted.")
            if f["purpose"] != "message.media":
                raise problem("message_media_invalid",
                              f"The media file has purpose '{f['purpose']}', not message.media.")

    def _check_suppressed(self, ctx: Ctx, stream: dict, tos: list[str]) -> None:
        suppressed = {s["to"] for s in ctx.store.list(ctx.tenant, "message_suppression",
                                                      lambda s: s["stream"] == stream["id"])}
        flagged = [t for t in tos if t in suppressed]
        if flagged:
            raise problem("messages_suppressions_flagged",
                          f"The destination {flagged[0]} is suppressed in stream '{stream['name']}'; "
                          "delete the suppression or remove the destination.")

    async def create_message(self, ctx: Ctx):
        body = await self.json(ctx)
        if not ctx.skip_validation:
            errors = Errors()
            check_phone(errors, "to", body.get("to"), required=True)
            check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
            self._content_errors(errors, "", body)
            self._schedule_errors(errors, body.get("schedule"))
            check_string(errors, "from", body.get("from"))
            check_metadata(errors, body.get("metadata"))
            errors.raise_if()
        stream = self.usable_stream(ctx, body.get("stream"))
        self._check_content_refs(ctx, body)
        self._check_suppressed(ctx, stream, [body.get("to")])
        await self.hold(ctx)
        status = "accepted" if body.get("schedule") else "sent"
        msg = self.base("msg", "message", body, to=body.get("to"), stream=stream["id"],
                        body=body.get("body") if is_str(body.get("body")) else None,
                        status=status, schedule=body.get("schedule"))
        self.put(ctx, "message", msg)
        self.emit(ctx, f"message.{status}", msg)
        return ctx.ok(msg)

    async def update_message(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        msg = self.find(ctx, "message", ctx.path_params["id"])
        if self.redacted(msg):
            raise problem("object_redacted", "The message has been redacted and cannot be updated.")
        return ctx.ok(self._apply(ctx, "message", msg, body, ("metadata",)))

    async def cancel_message(self, ctx: Ctx):
        msg = self.find(ctx, "message", ctx.path_params["id"])
        if self.redacted(msg):
            raise problem("object_redacted", "The message has been redacted.")
        if msg["status"] != "accepted":
            raise problem("message_cannot_be_cancelled",
                          f"The message is '{msg['status']}': it has been sent or is being sent.")

        def cancel(o: dict) -> None:
            o["status"] = "cancelled"
        return ctx.ok(ctx.store.update(ctx.tenant, "message", msg["id"], cancel))

    async def redact_message(self, ctx: Ctx):
        msg = self.find(ctx, "message", ctx.path_params["id"])
        if self.redacted(msg):
            raise problem("object_redacted", "The message has already been redacted.")
        if msg["status"] in ("accepted", "sending"):
            raise problem("object_cannot_be_redacted",
                          f"The message is '{msg['status']}'; wait until sending completes or fails.")

        def red(o: dict) -> None:
            o["redaction"] = {"status": "completed", "requested": iso(), "completed": iso()}
            o["body"] = None
            o["to"] = None
        return ctx.ok(ctx.store.update(ctx.tenant, "message", msg["id"], red))

    async def create_batch(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
        messages = body.get("messages")
        total: list[str] = []
        if not isinstance(messages, list) or not messages:
            errors.add("messages", "The messages field is required and must be a non-empty array.")
        else:
            for i, msg in enumerate(messages):
                prefix = f"messages[{i}]."
                if not isinstance(msg, dict):
                    errors.add(f"messages[{i}]", "Each message must be an object.")
                    continue
                tos = msg.get("tos")
                if not isinstance(tos, list) or not tos:
                    errors.add(prefix + "tos", "The tos field is required and must be a non-empty array.")
                else:
                    for j, to in enumerate(tos):
                        check_phone(errors, f"{prefix}tos[{j}]", to, required=True)
                    total.extend(t for t in tos if is_str(t))
                self._content_errors(errors, prefix, msg)
        self._schedule_errors(errors, body.get("schedule"))
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        if len(total) > BATCH_LIMIT:
            raise problem("messages_limit_exceeded",
                          f"The batch has {len(total)} destinations; the maximum is {BATCH_LIMIT:,}.")
        stream = self.usable_stream(ctx, body["stream"])
        for msg in messages:
            self._check_content_refs(ctx, msg)
        self._check_suppressed(ctx, stream, total)
        await self.hold(ctx)
        status = "accepted" if body.get("schedule") else "sent"
        batch = self.base("msba", "message_batch", body, stream=stream["id"], status=status,
                          destinations=len(total), schedule=body.get("schedule"))
        self.put(ctx, "message_batch", batch)
        return ctx.ok(batch)

    async def cancel_batch(self, ctx: Ctx):
        batch = self.find(ctx, "message_batch", ctx.path_params["id"])
        if self.redacted(batch):
            raise problem("object_redacted", "The message batch has been redacted.")
        if batch["status"] != "accepted":
            raise problem("message_batch_cannot_be_cancelled",
                          f"The message batch is '{batch['status']}': its messages have been sent or are being sent.")

        def cancel(o: dict) -> None:
            o["status"] = "cancelled"
        return ctx.ok(ctx.store.update(ctx.tenant, "message_batch", batch["id"], cancel))

    async def redact_batch(self, ctx: Ctx):
        batch = self.find(ctx, "message_batch", ctx.path_params["id"])
        red = batch.get("redaction")
        if red and red["status"] == "in_progress" and time.time() >= red["_done_at"]:
            red = {"status": "completed", "requested": red["requested"], "completed": iso()}
            ctx.store.update(ctx.tenant, "message_batch", batch["id"], lambda o: o.update(redaction=red))
        if red and red["status"] == "completed":
            raise problem("object_redacted", "The message batch has already been redacted.")
        if red and red["status"] == "in_progress":
            raise problem("object_redaction_in_progress",
                          "Redaction of the message batch has already begun and cannot be reinitiated.")
        if batch["status"] == "accepted":
            raise problem("object_cannot_be_redacted",
                          "The message batch is still accepted (sending pending); wait until it completes.")

        def start(o: dict) -> None:
            o["redaction"] = {"status": "in_progress", "requested": iso(), "_done_at": time.time() + 2.0}
        updated = ctx.store.update(ctx.tenant, "message_batch", batch["id"], start)
        if updated.get("redaction"):
            updated["redaction"] = {k: v for k, v in updated["redaction"].items() if not k.startswith("_")}
        return ctx.ok(updated)

    # senders
    async def create_sender(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
        check_enum(errors, "type", body.get("type"), SENDER_TYPES)
        alnum = body.get("alphanumeric")
        if body.get("type") == "alphanumeric":
            check_string(errors, "alphanumeric", alnum, required=True, pattern=_ALPHANUMERIC)
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        stream = self.resolve_stream(ctx, body["stream"])
        if body["type"] == "alphanumeric":
            taken = ctx.store.list(ctx.tenant, "message_sender",
                                   lambda s: s["stream"] == stream["id"] and s.get("alphanumeric") == alnum)
            if taken:
                raise problem("message_sender_alphanumeric_in_use",
                              f"The alphanumeric '{alnum}' is already used by another sender in this stream.")
        status = "pending" if body["type"] == "alphanumeric" else "active"
        sender = self.base("msnd", "message_sender", body, stream=stream["id"], type=body["type"],
                           alphanumeric=alnum, status=status)
        return ctx.ok(self.put(ctx, "message_sender", sender))

    async def modify_sender(self, ctx: Ctx):
        body = await self.json(ctx) if ctx.request.method == "PATCH" else {}
        sender = self.find(ctx, "message_sender", ctx.path_params["id"])
        if sender["status"] == "pending":
            raise problem("message_sender_cannot_be_modified",
                          "The sender is pending approval and cannot be updated or deleted until approved.")
        if ctx.request.method == "DELETE":
            ctx.store.delete(ctx.tenant, "message_sender", sender["id"])
            return ctx.ok({"id": sender["id"], "object": "message_sender", "deleted": True})
        return ctx.ok(self._apply(ctx, "message_sender", sender, body, ("description", "metadata")))

    # streams
    async def list_streams(self, ctx: Ctx):
        self.ensure_defaults(ctx)
        streams = ctx.store.list(ctx.tenant, "message_stream")
        streams.sort(key=lambda s: not s.get("default"))
        return ctx.ok(streams)

    async def get_stream(self, ctx: Ctx):
        self.ensure_defaults(ctx)
        return ctx.ok(self.find(ctx, "message_stream", ctx.path_params["id"]))

    async def create_stream(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "name", body.get("name"), required=True, min_len=3, max_len=50, pattern=_STREAM_NAME)
        check_enum(errors, "type", body.get("type"), STREAM_TYPES)
        check_string(errors, "description", body.get("description"), max_len=500)
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        self.ensure_defaults(ctx)
        if ctx.store.list(ctx.tenant, "message_stream", lambda s: s["name"] == body["name"]):
            raise problem("message_stream_name_in_use",
                          f"The name '{body['name']}' is already used by another message stream.")
        stream = self.base("mstr", "message_stream", body, name=body["name"], type=body["type"],
                           default=False, archived=False)
        return ctx.ok(self.put(ctx, "message_stream", stream))

    async def modify_stream(self, ctx: Ctx):
        body = await self.json(ctx) if ctx.request.method == "PATCH" else {}
        self.ensure_defaults(ctx)
        stream = self.find(ctx, "message_stream", ctx.path_params["id"])
        if stream.get("default"):
            raise problem("message_stream_cannot_be_modified",
                          "The default transactional stream cannot be updated or deleted.")
        if ctx.request.method == "DELETE":
            ctx.store.delete(ctx.tenant, "message_stream", stream["id"])
            return ctx.ok({"id": stream["id"], "object": "message_stream", "deleted": True})
        return ctx.ok(self._apply(ctx, "message_stream", stream, body, ("description", "metadata")))

    def archive_stream(self, archived: bool) -> Callable:
        async def handler(ctx: Ctx):
            self.ensure_defaults(ctx)
            stream = self.find(ctx, "message_stream", ctx.path_params["id"])
            if stream.get("default") and archived:
                raise problem("message_stream_cannot_be_modified", "The default transactional stream cannot be archived.")
            return ctx.ok(ctx.store.update(ctx.tenant, "message_stream", stream["id"],
                                           lambda o: o.update(archived=archived)))
        return handler

    # suppressions
    async def create_suppression(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_phone(errors, "to", body.get("to"), required=True)
        check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
        errors.raise_if()
        stream = self.resolve_stream(ctx, body["stream"])
        sup = self.base("msup", "message_suppression", body, to=body["to"], stream=stream["id"], origin="manual")
        return ctx.ok(self.put(ctx, "message_suppression", sup))

    # templates
    def _template_errors(self, body: dict, *, creating: bool) -> Errors:
        errors = Errors()
        check_string(errors, "alias", body.get("alias"), required=creating, min_len=3, max_len=100,
                     pattern=_TEMPLATE_ALIAS)
        check_string(errors, "body", body.get("body"), required=creating, min_len=1)
        if body.get("type") is not None:
            check_enum(errors, "type", body.get("type"), TEMPLATE_TYPES)
        check_metadata(errors, body.get("metadata"))
        return errors

    @staticmethod
    def _check_template_content(content: Any) -> None:
        if is_str(content):
            why = template_content_problem(content)
            if why:
                raise problem("message_template_content_is_invalid", f"The template content is invalid: {why}")

    async def create_template(self, ctx: Ctx):
        body = await self.json(ctx)
        self._template_errors(body, creating=True).raise_if()
        self._check_template_content(body["body"])
        if ctx.store.list(ctx.tenant, "message_template", lambda t: t["alias"] == body["alias"]):
            raise problem("message_template_alias_in_use",
                          f"The alias '{body['alias']}' is already used by another message template.")
        tpl = self.base("mtpl", "message_template", body, alias=body["alias"], body=body["body"],
                        type=body.get("type") or "transactional")
        return ctx.ok(self.put(ctx, "message_template", tpl))

    async def validate_template(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "body", body.get("body"), required=True, min_len=1)
        errors.raise_if()
        self._check_template_content(body["body"])
        return ctx.ok({"body": body["body"], "valid": True})

    async def update_template(self, ctx: Ctx):
        body = await self.json(ctx)
        self._template_errors(body, creating=False).raise_if()
        tpl = self.find(ctx, "message_template", ctx.path_params["id"])
        self._check_template_content(body.get("body"))
        alias = body.get("alias")
        if alias is not None and alias != tpl["alias"] and ctx.store.list(
                ctx.tenant, "message_template", lambda t: t["alias"] == alias):
            raise problem("message_template_alias_in_use",
                          f"The alias '{alias}' is already used by another message template.")
        return ctx.ok(self._apply(ctx, "message_template", tpl, body, ("alias", "body", "description", "metadata")))

    # ---- money ----
    async def money_balances(self, ctx: Ctx):
        self.ensure_defaults(ctx)
        return ctx.ok(ctx.store.get(ctx.tenant, "money_balance", "balance"))

    def _money_errors(self, body: dict) -> Errors:
        errors = Errors()
        check_amount(errors, "amount", body.get("amount"))
        currency = body.get("currency")
        if currency is None:
            errors.add("currency", "The currency field is required.")
        elif not is_str(currency) or currency.lower() not in CURRENCIES:
            errors.add("currency", f"The currency '{currency}' is not supported; use kes.")
        check_string(errors, "description", body.get("description"), max_len=500)
        check_metadata(errors, body.get("metadata"))
        return errors

    async def create_payment(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = self._money_errors(body)
        mpesa = body.get("mpesa")
        if check_object(errors, "mpesa", mpesa, required=True):
            check_phone(errors, "mpesa.phone", mpesa.get("phone"), required=True)
            check_string(errors, "mpesa.reference", mpesa.get("reference"), required=True, pattern=_REFERENCE)
        errors.raise_if()
        if ctx.principal.attrs.get("no_mpesa"):
            raise problem("invalid_settings", "The workspace's M-Pesa settings are missing or incomplete.")
        await self.hold(ctx)
        status = "succeeded" if mpesa["phone"] == TEST_SUCCESS_PHONE else "pending"
        pay = self.base("pa", "payment", body, amount=body["amount"], currency=body["currency"].lower(),
                        status=status, refunded=False, mpesa={"phone": mpesa["phone"], "reference": mpesa["reference"]})
        self.put(ctx, "payment", pay)
        self.emit(ctx, f"payment.{status}", pay)
        return ctx.ok(pay)

    async def create_refund(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "payment", body.get("payment"), required=True, min_len=1)
        check_enum(errors, "reason", body.get("reason"), REFUND_REASONS)
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        pay = self.find(ctx, "payment", body["payment"])
        if pay["status"] != "succeeded" or pay.get("refunded"):
            state = "already refunded" if pay.get("refunded") else f"'{pay['status']}'"
            raise problem("payment_cannot_be_refunded", f"The payment is {state} and cannot be refunded.")
        ctx.store.update(ctx.tenant, "payment", pay["id"], lambda o: o.update(refunded=True))
        refund = self.base("pr", "payment_refund", body, payment=pay["id"], amount=pay["amount"],
                           currency=pay["currency"], reason=body["reason"], status="pending")
        return ctx.ok(self.put(ctx, "payment_refund", refund))

    async def decide_authorization(self, ctx: Ctx):
        auth = self.find(ctx, "payment_authorization", ctx.path_params["id"])
        if auth.get("status") != "pending":
            raise problem("payment_authorization_closed", "The payment authorization is closed.")
        return ctx.ok(auth)  # pragma: no cover - no public operation creates authorizations

    async def create_transfer(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = self._money_errors(body)
        check_enum(errors, "purpose", body.get("purpose"), TRANSFER_PURPOSES)
        mpesa = body.get("mpesa")
        if check_object(errors, "mpesa", mpesa, required=True):
            customer, business = mpesa.get("customer"), mpesa.get("business")
            if customer is None and business is None:
                errors.add("mpesa", "One of customer or business is required.")
            if check_object(errors, "mpesa.customer", customer):
                check_phone(errors, "mpesa.customer.phone", customer.get("phone"), required=True)
            check_object(errors, "mpesa.business", business)
        errors.raise_if()
        if ctx.principal.attrs.get("no_mpesa"):
            raise problem("invalid_settings", "The workspace's M-Pesa settings are missing or incomplete.")
        self.ensure_defaults(ctx)
        amount = body["amount"]

        def debit(balance: dict) -> None:
            available = balance["mpesa"]["kes"]
            if available < amount:
                raise problem("insufficient_balance",
                              f"The amount {amount} exceeds the available balance of {available} (kes).")
            balance["mpesa"]["kes"] = available - amount
        ctx.store.update(ctx.tenant, "money_balance", "balance", debit)
        await self.hold(ctx)
        tr = self.base("tr", "transfer", body, amount=amount, currency=body["currency"].lower(),
                       purpose=body["purpose"], status="pending")
        self.put(ctx, "transfer", tr)
        self.emit(ctx, "transfer.created", tr)
        return ctx.ok(tr)

    async def create_reversal(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "transfer", body.get("transfer"), required=True, min_len=1)
        check_enum(errors, "reason", body.get("reason"), REFUND_REASONS)
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        tr = self.find(ctx, "transfer", body["transfer"])
        if tr["status"] != "succeeded" or tr.get("reversed"):
            raise problem("transfer_cannot_be_reversed",
                          f"The transfer is '{tr['status']}' and cannot be reversed.")
        rev = self.base("trr", "transfer_reversal", body, transfer=tr["id"], reason=body["reason"],
                        status="pending")  # pragma: no cover - transfers never succeed here
        return ctx.ok(self.put(ctx, "transfer_reversal", rev))  # pragma: no cover

    # ---- webhooks ----
    async def create_webhook(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        url = body.get("url")
        if url is None:
            errors.add("url", "The url field is required.")
        elif not valid_url(url):
            errors.add("url", "The url field is not a valid fully-qualified http or https URL.")
        events = body.get("events")
        if not isinstance(events, list) or not events or not all(is_str(e) and e for e in events):
            errors.add("events", "The events field is required and must be a non-empty array of event types.")
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        we = self.base("we", "webhook_endpoint", body, url=url, events=events, status="enabled")
        return ctx.ok(self.put(ctx, "webhook_endpoint", we))

    # ---- terminal ----
    async def list_configurations(self, ctx: Ctx):
        self.ensure_defaults(ctx)
        configs = ctx.store.list(ctx.tenant, "terminal_configuration")
        configs.sort(key=lambda c: not c.get("default"))
        return ctx.ok(configs)

    async def get_configuration(self, ctx: Ctx):
        self.ensure_defaults(ctx)
        return ctx.ok(self.find(ctx, "terminal_configuration", ctx.path_params["id"]))

    async def create_configuration(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "name", body.get("name"), required=True, min_len=1, max_len=100)
        check_string(errors, "location", body.get("location"))
        errors.raise_if()
        if body.get("location") is not None:
            self.find(ctx, "terminal_location", body["location"])
        self.ensure_defaults(ctx)
        config = self.base("tmcf", "terminal_configuration", body, name=body["name"], default=False,
                           location=body.get("location"))
        return ctx.ok(self.put(ctx, "terminal_configuration", config))

    async def modify_configuration(self, ctx: Ctx):
        body = await self.json(ctx) if ctx.request.method == "PATCH" else {}
        self.ensure_defaults(ctx)
        config = self.find(ctx, "terminal_configuration", ctx.path_params["id"])
        if config.get("default"):
            raise problem("terminal_configuration_cannot_be_modified",
                          "The default terminal configuration cannot be updated or deleted.")
        if ctx.request.method == "DELETE":
            ctx.store.delete(ctx.tenant, "terminal_configuration", config["id"])
            return ctx.ok({"id": config["id"], "object": "terminal_configuration", "deleted": True})
        return ctx.ok(self._apply(ctx, "terminal_configuration", config, body, ("name", "metadata")))

    async def create_location(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "display_name", body.get("display_name"), required=True, min_len=1, max_len=100)
        errors.raise_if()
        loc = self.base("tml", "terminal_location", body, display_name=body["display_name"])
        return ctx.ok(self.put(ctx, "terminal_location", loc))

    async def delete_location(self, ctx: Ctx):
        loc = self.find(ctx, "terminal_location", ctx.path_params["id"])
        if ctx.store.list(ctx.tenant, "terminal_configuration", lambda c: c.get("location") == loc["id"]):
            raise problem("terminal_location_cannot_be_modified",
                          "The location is used by a terminal configuration and cannot be deleted.")
        ctx.store.delete(ctx.tenant, "terminal_location", loc["id"])
        return ctx.ok({"id": loc["id"], "object": "terminal_location", "deleted": True})

    async def activate_device(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "activation_token", body.get("activation_token"), required=True, min_len=1)
        errors.raise_if()
        raise problem("terminal_device_activation_token_invalid",
                      "The activation token is malformed or has expired; check the device for a new one.")

    # ---- visits ----
    def create_named(self, kind: str, prefix: str) -> Callable:
        async def handler(ctx: Ctx):
            body = await self.json(ctx)
            errors = Errors()
            check_string(errors, "name", body.get("name"), required=True, min_len=1, max_len=200)
            check_phone(errors, "phone", body.get("phone"))
            check_metadata(errors, body.get("metadata"))
            errors.raise_if()
            obj = self.base(prefix, kind, body, name=body["name"], phone=body.get("phone"))
            return ctx.ok(self.put(ctx, kind, obj))
        return handler

    def _open_visits(self, ctx: Ctx, member: str, rid: str) -> list[dict]:
        return ctx.store.list(ctx.tenant, "visit",
                              lambda v: v.get(member) == rid and v["status"] in ("created", "started"))

    def modify_visit_party(self, kind: str, member: str) -> Callable:
        code = {"visitor": "visitor_cannot_be_modified",
                "visitor_destination": "visitor_destination_cannot_be_modified"}[kind]

        async def handler(ctx: Ctx):
            body = await self.json(ctx) if ctx.request.method == "PATCH" else {}
            obj = self.find(ctx, kind, ctx.path_params["id"])
            if self._open_visits(ctx, member, obj["id"]):
                raise problem(code, f"The {kind.replace('_', ' ')} has an open visit and cannot be updated or deleted.")
            if ctx.request.method == "DELETE":
                ctx.store.delete(ctx.tenant, kind, obj["id"])
                return ctx.ok({"id": obj["id"], "object": kind, "deleted": True})
            return ctx.ok(self._apply(ctx, kind, obj, body, ("name", "phone", "metadata")))
        return handler

    async def create_visit(self, ctx: Ctx):
        body = await self.json(ctx)
        errors = Errors()
        check_string(errors, "visitor", body.get("visitor"), required=True, min_len=1)
        check_string(errors, "destination", body.get("destination"))
        errors.raise_if()
        visitor = self.find(ctx, "visitor", body["visitor"])
        dest = self.find(ctx, "visitor_destination", body["destination"]) if body.get("destination") else None
        visit = self.base("vst", "visit", body, visitor=visitor["id"], destination=dest["id"] if dest else None,
                          status="created")
        return ctx.ok(self.put(ctx, "visit", visit))

    async def start_visit(self, ctx: Ctx):
        body = await self.body(ctx)
        visit = self.find(ctx, "visit", ctx.path_params["id"])
        if visit["status"] == "started":
            raise problem("visit_already_started", "The visit has already started; end it or create a new one.")
        if visit["status"] == "ended":
            raise problem("visit_already_ended", "The visit has ended.")
        dest_ref = body.get("destination") if isinstance(body, dict) else None
        if dest_ref is not None:
            dest = self.find(ctx, "visitor_destination", dest_ref)
            visit["destination"] = dest["id"]
        if not visit.get("destination"):
            raise problem("visit_destination_required",
                          "The visit has no destination: supply one when starting the visit.")
        return ctx.ok(ctx.store.update(ctx.tenant, "visit", visit["id"],
                                       lambda o: o.update(status="started", destination=visit["destination"],
                                                          started=iso())))

    async def end_visit(self, ctx: Ctx):
        await self.body(ctx)
        visit = self.find(ctx, "visit", ctx.path_params["id"])
        if visit["status"] == "created":
            raise problem("visit_not_started", "The visit has not started; only a started visit can be ended.")
        if visit["status"] == "ended":
            raise problem("visit_already_ended", "The visit has already ended.")
        return ctx.ok(ctx.store.update(ctx.tenant, "visit", visit["id"],
                                       lambda o: o.update(status="ended", ended=iso())))


API = Falu()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
