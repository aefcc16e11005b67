"""Customer Verification reference API (KYC: customers, identity documents, verification).

Written from the API's "Error codes" reference (seed 003) and the facts in APIS.md only; no
other public source exists, so everything the seed does not say is a documented decision below.

Envelope
--------
``{"error": {"code", "message", "details", "field"}}`` (application/json): ``details`` is
always sent, ``field`` only on field errors; RATE_LIMIT_EXCEEDED adds ``retryAfter`` (seconds)
and the headers X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (unix time) and
Retry-After. Every response carries ``X-Request-Id`` (``req_`` + ULID).

=====  ==============================  ===========================================================
401    AUTHENTICATION_FAILED           Authorization missing, not Bearer, unknown/revoked key, bad JWT
401    TOKEN_EXPIRED                   a correctly signed JWT whose ``exp`` has passed
403    INSUFFICIENT_PERMISSIONS        a key/token without WRITE scope on a write operation
400    VALIDATION_ERROR                malformed JSON, non-object or non-JSON body, missing field
422    INVALID_FIELD_FORMAT            a present field of the wrong type or format (``field`` set)
422    INVALID_DOCUMENT_FORMAT         document not Base64, not JPG/PNG/PDF, or above 10 MB
404    RESOURCE_NOT_FOUND              unknown or malformed customer id, unknown route or method
409    RESOURCE_CONFLICT               customer UNDER_REVIEW modified; immutable field; idempotency
409    DUPLICATE_RESOURCE              a customer with this email exists (per account)
429    RATE_LIMIT_EXCEEDED             more than 300 requests per 60 s with one key
422    VERIFICATION_FAILED             verification submitted without an identity document
422    DOCUMENT_QUALITY_INSUFFICIENT   a JPG/PNG below 600 x 400 pixels
500    INTERNAL_SERVER_ERROR           only on unexpected exceptions (unreachable by design)
=====  ==============================  ===========================================================

Never sent: SERVICE_UNAVAILABLE (needs an outage), WEBHOOK_SIGNATURE_INVALID (checked by the
client that receives a webhook), WEBHOOK_DELIVERY_FAILED (webhook logs, not an API response).

Decisions where the seed is silent
----------------------------------
* **Auth**: "API key or JWT token", both as ``Authorization: Bearer <credential>``. API keys
  are ``cvk_`` + 32 hex; JWTs are HS256-signed by this server (claims ``sub``, ``scope``,
  ``exp``). A JWT whose signature does not verify fails authentication whatever its ``exp``
  (an expiry is only trusted once the signature is). Fixture credentials: ``primary`` (READ
  and WRITE), ``readonly`` (READ), ``revoked`` (a revoked key), ``expired`` (a signed JWT that
  expired), ``token`` (a signed, valid JWT), ``invalid``.
* **400 vs 422**: the status table says 400 for "Malformed JSON, missing required fields" and
  422 for "Invalid field values or format"; so a missing field is VALIDATION_ERROR (400) and a
  present field with a wrong value or JSON type (null included) is INVALID_FIELD_FORMAT (422).
* **Customers** ``POST /customers``: firstName, lastName (1-100 chars), email, dateOfBirth
  (YYYY-MM-DD, a real past date) required; phoneNumber (E.164), country (ISO 3166 alpha-2) and
  postalCode (checked against the country's format; country required with it) optional.
  Status starts at ``PENDING``.
* **Ids**: ``cus_`` / ``doc_`` + ULID. The seed's own example answers RESOURCE_NOT_FOUND for
  ``cus_invalid123``, so a malformed id is simply not found (no separate code exists).
* **Documents** ``POST /customers/{id}/documents`` ``{documentType, content}``: documentType in
  PASSPORT, ID_CARD, DRIVERS_LICENSE, PROOF_OF_ADDRESS; content Base64 of a JPG, PNG or PDF (by
  magic bytes), at most 10 MB decoded. An image below 600 x 400 pixels is
  DOCUMENT_QUALITY_INSUFFICIENT (the seed's "minimum 300 DPI" for an ID-1 card is ~1000 x 640;
  600 x 400 is a lenient floor). PDFs are not quality-checked.
* **Verification** ``POST /customers/{id}/verifications``: moves the customer to
  ``UNDER_REVIEW``; without any identity document (PASSPORT, ID_CARD, DRIVERS_LICENSE) it is
  VERIFICATION_FAILED ("Identity document could not be verified"). While UNDER_REVIEW, PATCH,
  document uploads and a second submission are RESOURCE_CONFLICT (sandbox reviews never end).
* **Immutable fields**: ``id``, ``status``, ``createdAt`` in a PATCH -> RESOURCE_CONFLICT.
* **Idempotency** (``Idempotency-Key`` on POST, optional): the same key and body replays the
  first response; a different body, or a second request while the first is in flight (create
  holds 150 ms when a key is sent), is RESOURCE_CONFLICT. Keys are scoped per account; only
  2xx outcomes consume a key.
* **Rate limit**: token bucket of 300 per 60 s per key (the seed's example header shows
  300 and Retry-After 60); ``REFERENCE_CUSTOMER_VERIFICATION_BURST`` etc. override. The
  fixture keys are provisioned with a raised limit (50 x 300/min) so the conformance suite can
  use them for hundreds of requests; minted keys have exactly the documented limit.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import hmac
import itertools
import json
import re
import secrets
import struct
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from ._machinery import (ApiDefinition, ApiError, Ctx, Envelope, Fault, IdempotencyConfig, Operation,
                         Principal, RateLimitConfig, not_applicable, prefixed)
from ._machinery.body import BodyError

NAME = "customer-verification"
BASE = "/api/v1"

AUTH_FAILED = "AUTHENTICATION_FAILED"
TOKEN_EXPIRED = "TOKEN_EXPIRED"
FORBIDDEN = "INSUFFICIENT_PERMISSIONS"
VALIDATION = "VALIDATION_ERROR"
FIELD_FORMAT = "INVALID_FIELD_FORMAT"
DOC_FORMAT = "INVALID_DOCUMENT_FORMAT"
NOT_FOUND = "RESOURCE_NOT_FOUND"
CONFLICT = "RESOURCE_CONFLICT"
DUPLICATE = "DUPLICATE_RESOURCE"
RATE_LIMITED = "RATE_LIMIT_EXCEEDED"
VERIFICATION_FAILED = "VERIFICATION_FAILED"
QUALITY = "DOCUMENT_QUALITY_INSUFFICIENT"
INTERNAL = "INTERNAL_SERVER_ERROR"
CODES_BY_STATUS = {400: (VALIDATION,), 401: (AUTH_FAILED, TOKEN_EXPIRED), 403: (FORBIDDEN,),
                   404: (NOT_FOUND,), 409: (CONFLICT, DUPLICATE),
                   422: (FIELD_FORMAT, DOC_FORMAT, VERIFICATION_FAILED, QUALITY),
                   429: (RATE_LIMITED,), 500: (INTERNAL,)}

DOCUMENT_TYPES = ("PASSPORT", "ID_CARD", "DRIVERS_LICENSE", "PROOF_OF_ADDRESS")
IDENTITY_DOCUMENTS = ("PASSPORT", "ID_CARD", "DRIVERS_LICENSE")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MIN_LONG_SIDE, MIN_SHORT_SIDE = 600, 400
IMMUTABLE = ("id", "status", "createdAt")
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
                   rf"@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
POSTAL_CODES = {
    "US": r"[0-9]{5}(?:-[0-9]{4})?", "CA": r"[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]", "NL": r"[0-9]{4} ?[A-Z]{2}",
    "GB": r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", "DE": r"[0-9]{5}", "FR": r"[0-9]{5}",
    "BE": r"[0-9]{4}", "ES": r"[0-9]{5}", "IT": r"[0-9]{5}", "AU": r"[0-9]{4}", "IE": r"[A-Z0-9]{3} ?[A-Z0-9]{4}",
}
COUNTRIES = tuple(sorted(POSTAL_CODES))
GENERIC_POSTAL = r"[A-Z0-9][A-Z0-9 -]{1,9}"

# ---- credentials ----------------------------------------------------------------------
_SECRET = b"customer-verification-reference-hs256-secret"
_KEY = re.compile(r"cvk_[0-9a-f]{32}")
_READ_WRITE = frozenset({"READ", "WRITE"})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_jwt(claims: dict) -> str:
    """An HS256 JWT (RFC 7519) signed with this server's secret."""
    head = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(_SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64url(sig)}"


CREDENTIALS: dict[str, str] = {
    "primary": "cvk_" + "0" * 31 + "1",
    "secondary": "cvk_" + "0" * 31 + "2",
    "readonly": "cvk_readonly_0000000000000000000",
    "revoked": "cvk_revoked_00000000000000000000",
    "invalid": "cvk_invalid_00000000000000000000",
    "expired": sign_jwt({"sub": "usr_expired", "scope": ["READ", "WRITE"], "iat": 1_699_000_000,
                         "exp": 1_699_003_600}),
    "token": sign_jwt({"sub": "usr_token", "scope": ["READ", "WRITE"], "iat": 1_700_000_000,
                       "exp": 4_102_444_800}),
}
_FIXTURE_SCOPES = {CREDENTIALS["primary"]: _READ_WRITE, CREDENTIALS["secondary"]: _READ_WRITE,
                   CREDENTIALS["readonly"]: frozenset({"READ"})}
FIXTURE_RATE_SHARDS = 50
_SHARD = itertools.count()


@dataclass(frozen=True)
class FixturePrincipal(Principal):
    """A fixture credential: provisioned with a raised rate limit (see the module docstring)."""

    @property
    def rate_key(self) -> str:
        return f"{self.key}#{next(_SHARD) % FIXTURE_RATE_SHARDS}"


def mint_key() -> str:
    """A fresh valid API key (READ and WRITE): its own data and its own rate-limit bucket."""
    return "cvk_" + secrets.token_hex(16)


# ---- envelope --------------------------------------------------------------------------
class CustomerVerificationEnvelope(Envelope):
    media_type = "application/json"
    code_path = ("error", "code")
    message_path = ("error", "message")
    required_paths = (("error", "message"),)
    detail_paths = (("error", "field"),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        inner: dict[str, Any] = {"code": err.code, "message": err.message}
        if err.extras.get("details") is not None:
            inner["details"] = err.extras["details"]
        if err.extras.get("field") is not None:
            inner["field"] = err.extras["field"]
        if err.extras.get("retry_after") is not None:
            inner["retryAfter"] = err.extras["retry_after"]
        return {"error": inner}


def error(code: str, status: int, message: str, details: str | None = None, field: str | None = None,
          **extras: Any) -> ApiError:
    return ApiError(code, status, message, details=details, field=field, **extras)


def required(field: str) -> ApiError:
    return error(VALIDATION, 400, "Invalid request parameters", f"Field '{field}' is required", field)


def bad_format(field: str, details: str) -> ApiError:
    return error(FIELD_FORMAT, 422, "Invalid field format", details, field)


def not_found(what: str, rid: str) -> ApiError:
    return error(NOT_FOUND, 404, f"{what} not found", f"{what} with ID '{rid}' does not exist")


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---- field checks ------------------------------------------------------------------------
def check_name(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise bad_format(field, f"Field '{field}' must be a string")
    if not value.strip() or len(value) > 100:
        raise bad_format(field, f"Field '{field}' must be 1 to 100 characters")
    return value


def check_email(value: Any) -> str:
    if not isinstance(value, str):
        raise bad_format("email", "Field 'email' must be a string")
    m = EMAIL.fullmatch(value)
    if m is None or len(value) > 254 or len(m.group("local")) > 64:
        raise bad_format("email", "Field 'email' must be a valid email address")
    return value


def check_date_of_birth(value: Any) -> str:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise bad_format("dateOfBirth", "Field 'dateOfBirth' must be in YYYY-MM-DD format")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise bad_format("dateOfBirth", f"Field 'dateOfBirth' is not a calendar date: {value}") from None
    if day > dt.date.today():
        raise bad_format("dateOfBirth", "Field 'dateOfBirth' must not be in the future")
    return value


def check_phone(value: Any) -> str:
    if not isinstance(value, str) or not E164.fullmatch(value):
        raise bad_format("phoneNumber", "Field 'phoneNumber' must be E.164 format (+1234567890)")
    return value


def check_country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise bad_format("country", "Field 'country' must be an ISO 3166-1 alpha-2 code")
    return value


def check_postal_code(value: Any, country: str | None) -> str:
    if not isinstance(value, str):
        raise bad_format("postalCode", "Field 'postalCode' must be a string")
    if country is None:
        raise required("country")
    pattern = POSTAL_CODES.get(country, GENERIC_POSTAL)
    if not re.fullmatch(pattern, value):
        raise bad_format("postalCode", f"Field 'postalCode' must match the {country} postal code format")
    return value


def validate_customer(body: dict, *, partial: bool) -> None:
    if not partial:
        for field in ("firstName", "lastName", "email", "dateOfBirth"):
            if field not in body:
                raise required(field)
    checks = {"firstName": lambda v: check_name("firstName", v), "lastName": lambda v: check_name("lastName", v),
              "email": check_email, "dateOfBirth": check_date_of_birth, "phoneNumber": check_phone,
              "country": check_country}
    for field, check in checks.items():
        if field in body:
            check(body[field])
    if "postalCode" in body:
        check_postal_code(body["postalCode"], body.get("country"))


def image_size(data: bytes) -> tuple[int, int] | None:
    """Pixel size of a PNG (IHDR) or JPEG (first SOFn marker); None if unreadable."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def check_document(content: Any) -> tuple[str, int]:
    """(media type, size) of a Base64 document, or INVALID_DOCUMENT_FORMAT / quality errors."""
    if not isinstance(content, str):
        raise bad_format("content", "Field 'content' must be a Base64 string")
    bad = error(DOC_FORMAT, 422, "Invalid document format", "Document must be JPG, PNG, or PDF. Max size: 10MB")
    if len(content) > (MAX_DOCUMENT_BYTES * 4) // 3 + 4:
        raise bad
    try:
        data = base64.b64decode(content.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise bad from None
    if not data or len(data) > MAX_DOCUMENT_BYTES:
        raise bad
    if data.startswith(b"%PDF-"):
        return "application/pdf", len(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        media = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        media = "image/jpeg"
    else:
        raise bad
    size = image_size(data)
    if size is None:
        raise bad
    long_side, short_side = max(size), min(size)
    if long_side < MIN_LONG_SIDE or short_side < MIN_SHORT_SIDE:
        raise error(QUALITY, 422, "Document quality insufficient",
                    f"Document image is blurry or incomplete: {size[0]} x {size[1]} pixels is below the "
                    f"minimum of {MIN_LONG_SIDE} x {MIN_SHORT_SIDE}")
    return media, len(data)


def raw_id(ctx: Ctx, prefix: str) -> str:
    """The id exactly as sent (Starlette's ``$`` would drop a trailing newline)."""
    path = ctx.request.scope["path"]
    return path[len(prefix):] if path.startswith(prefix) else ctx.path_params["id"]


# ---- the API ---------------------------------------------------------------------------
class CustomerVerification(ApiDefinition):
    name = NAME
    title = "Customer Verification API"
    version = "1.0.0"
    envelope = CustomerVerificationEnvelope()
    request_id_header = "X-Request-Id"
    rate_limit = RateLimitConfig(capacity=300, refill_tokens=300, refill_seconds=60,
                                 env_prefix="REFERENCE_CUSTOMER_VERIFICATION")
    idempotency = IdempotencyConfig(header="Idempotency-Key", required=False, window=24 * 3600, policy="replay")
    strict_content_type = False
    common_error_statuses = (401, 403, 429, 500)
    credentials = CREDENTIALS

    faults = {
        "wrong-status": Fault("wrong-status", codes=(FIELD_FORMAT,), param=400,
                              affects=f"{FIELD_FORMAT} is sent with HTTP 400 instead of 422"),
        "code-case": Fault("code-case", codes=(NOT_FOUND,), param="Resource_Not_Found",
                           affects=f"{NOT_FOUND} is sent as 'Resource_Not_Found'"),
        "unknown-code": Fault("unknown-code", codes=(TOKEN_EXPIRED,), param="JWT_EXPIRED",
                              affects=f"{TOKEN_EXPIRED} is replaced by the undocumented 'JWT_EXPIRED'"),
        "missing-member": Fault("missing-member", param=(("error", "message"),),
                                affects="error.message is removed from every error body"),
        "wrong-media-type": Fault("wrong-media-type", param="text/html",
                                  affects="every error body (JSON) is sent as text/html instead of application/json"),
        "body-status-mismatch": not_applicable(
            "body-status-mismatch", "the error body carries no status member"),
        "missing-header": Fault("missing-header", param=("X-Request-Id", "Retry-After"),
                                affects="X-Request-Id is missing on every error response; Retry-After is missing on 429"),
        "accept-invalid": Fault("accept-invalid", operations=("createCustomer",),
                                affects="POST /api/v1/customers skips field validation (formats and required "
                                        "fields): invalid bodies get 201"),
        "html-500": Fault("html-500",
                          affects=f"a malformed JSON body on any POST/PATCH answers 500 text/html (nginx page) "
                                  f"instead of 400 {VALIDATION}"),
        "replay-ignored": Fault("replay-ignored",
                                affects="reusing Idempotency-Key with the same body creates a second customer "
                                        f"(a new id, or {DUPLICATE} for the same email) instead of replaying"),
        "missing-detail-member": Fault("missing-detail-member", codes=(VALIDATION, FIELD_FORMAT),
                                       affects=f"error.field is removed from {VALIDATION} and {FIELD_FORMAT} bodies"),
        "stack-trace": Fault("stack-trace", codes=(VALIDATION, FIELD_FORMAT, INTERNAL),
                             affects=f"a Python traceback is appended to error.message of {VALIDATION}, "
                                     f"{FIELD_FORMAT} (and {INTERNAL})"),
        "sql-leak": Fault("sql-leak", codes=(VALIDATION, FIELD_FORMAT, INTERNAL),
                          affects=f"a PostgreSQL driver error is appended to error.message of {VALIDATION}, "
                                  f"{FIELD_FORMAT} (and {INTERNAL})"),
    }

    # ---- hooks ----
    def authenticate(self, request: Request) -> Principal:
        header = request.headers.get("authorization", "").strip()
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise error(AUTH_FAILED, 401, "Missing API key or token",
                        "Send 'Authorization: Bearer <API key or JWT token>'")
        if token.count(".") == 2:
            return self._jwt(token)
        if token == CREDENTIALS["revoked"]:
            raise error(AUTH_FAILED, 401, "Invalid API key provided", "The API key has been revoked")
        if token in _FIXTURE_SCOPES:
            name = next(n for n, k in CREDENTIALS.items() if k == token)
            return FixturePrincipal(key=token, tenant=token, permissions=_FIXTURE_SCOPES[token], name=name)
        if _KEY.fullmatch(token):
            return Principal(key=token, tenant=token, permissions=_READ_WRITE, name="minted")
        raise error(AUTH_FAILED, 401, "Invalid API key provided", "The API key does not exist or has been revoked")

    def _jwt(self, token: str) -> Principal:
        failed = error(AUTH_FAILED, 401, "Invalid token provided", "The JWT token could not be verified")
        head, body, sig = token.split(".")
        try:
            header = json.loads(_b64url_decode(head))
            expected = hmac.new(_SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
            if not isinstance(header, dict) or header.get("alg") != "HS256" or \
                    not hmac.compare_digest(expected, _b64url_decode(sig)):
                raise failed
            claims = json.loads(_b64url_decode(body))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise failed from None
        if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
            raise failed
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or exp <= time.time():
            when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp)) if isinstance(exp, (int, float)) else "?"
            raise error(TOKEN_EXPIRED, 401, "JWT token has expired", f"Token expired at {when}")
        scope = claims.get("scope")
        perms = frozenset(s for s in scope if isinstance(s, str)) if isinstance(scope, list) else frozenset()
        name = next((n for n, k in CREDENTIALS.items() if k == token), "jwt")
        cls = FixturePrincipal if name != "jwt" else Principal
        return cls(key=token, tenant="jwt:" + claims["sub"], permissions=perms, name=name)

    def forbidden(self, ctx: Ctx, op: Operation) -> ApiError:
        return error(FORBIDDEN, 403, "Insufficient permissions for this operation",
                     f"This operation requires ADMIN or {op.permission} scope")

    def rate_limited(self, decision, ctx: Ctx) -> ApiError:
        return error(RATE_LIMITED, 429, "Too many requests",
                     f"Rate limit exceeded. Retry after {decision.retry_after} seconds",
                     retry_after=decision.retry_after,
                     headers={"Retry-After": str(decision.retry_after), "X-RateLimit-Limit": str(decision.limit),
                              "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(decision.reset_at)})

    def idempotency_conflict(self, key: str, ctx: Ctx) -> ApiError:
        return error(CONFLICT, 409, "Idempotency key already used with a different request",
                     f"Idempotency-Key '{key}' was used with another request body; use a new key")

    def idempotency_in_use(self, key: str, ctx: Ctx) -> ApiError:
        return error(CONFLICT, 409, "Idempotency key is in use",
                     f"A request with Idempotency-Key '{key}' is still being processed")

    idempotency_reused = idempotency_conflict

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        details = {
            "malformed": f"Malformed JSON: {exc.detail}",
            "not_object": f"The request body must be a JSON object ({exc.detail})",
            "content_type": "The request body must be JSON (Content-Type: application/json)",
            "empty": "A JSON request body is required",
        }
        return error(VALIDATION, 400, "Invalid request parameters", details[exc.kind])

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        req = ctx.request
        what = "Operation" if method_not_allowed else "Resource"
        return error(NOT_FOUND, 404, f"{what} not found", f"No operation {req.method} {req.url.path}")

    def internal_error(self, exc, ctx: Ctx) -> ApiError:
        return error(INTERNAL, 500, "An unexpected error occurred", f"Request ID: {ctx.request_id}")

    # ---- OpenAPI ----
    def openapi(self) -> dict:
        from ._machinery.openapi import build_document
        return build_document(self, security_scheme={"type": "http", "scheme": "bearer",
                                                     "description": "API key or JWT token"})

    def openapi_error_response(self, status: int) -> dict:
        from ._machinery.openapi import REASONS
        inner: dict[str, Any] = {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string", "enum": list(CODES_BY_STATUS[status])},
                           "message": {"type": "string"}, "details": {"type": "string"},
                           "field": {"type": "string"}}}
        headers = {"X-Request-Id": {"schema": {"type": "string", "pattern": "^req_[A-Za-z0-9]+$"}}}
        if status == 429:
            inner["required"] = ["code", "message", "retryAfter"]
            inner["properties"]["retryAfter"] = {"type": "integer", "minimum": 0}
            for name in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                headers[name] = {"required": True, "schema": {"type": "integer"}}
        return {"description": REASONS.get(status, "Error"), "headers": headers,
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error"], "properties": {"error": inner}}}}}

    # ---- operations ----
    def operations(self) -> list[Operation]:
        S = {"type": "string"}
        customer_props = {
            "firstName": {"type": "string", "minLength": 1, "maxLength": 100},
            "lastName": {"type": "string", "minLength": 1, "maxLength": 100},
            "email": {"type": "string", "format": "email"},
            "dateOfBirth": {"type": "string", "format": "date"},
            "phoneNumber": {"type": "string", "pattern": "^" + E164.pattern + "$"},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "postalCode": S}
        create = {"type": "object", "required": ["firstName", "lastName", "email", "dateOfBirth"],
                  "properties": customer_props}
        patch = {"type": "object", "properties": customer_props}
        customer = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^cus_"}, "status": {
            "type": "string", "enum": ["PENDING", "UNDER_REVIEW", "APPROVED", "REJECTED",
                                       "NEEDS_ADDITIONAL_INFORMATION"]}, **customer_props}}
        document = {"type": "object", "required": ["documentType", "content"],
                    "properties": {"documentType": {"type": "string", "enum": list(DOCUMENT_TYPES)},
                                   "content": {"type": "string", "format": "byte"},
                                   "fileName": S}}
        listing = lambda item: {"type": "object", "properties": {"data": {"type": "array", "items": item}}}  # noqa: E731
        return [
            Operation("GET", f"{BASE}/customers", self.list_customers, "listCustomers", "List customers",
                      permission="READ", response_schema=listing(customer)),
            Operation("POST", f"{BASE}/customers", self.create_customer, "createCustomer", "Create a customer",
                      permission="WRITE", request_schema=create, response_schema=customer, success_status=201,
                      errors=(409, 422)),
            Operation("PATCH", f"{BASE}/customers/{{id}}", self.update_customer, "updateCustomer",
                      "Update a customer", permission="WRITE", request_schema=patch, response_schema=customer,
                      errors=(400, 404, 409, 422)),
            Operation("POST", f"{BASE}/customers/{{id}}/documents", self.upload_document, "uploadDocument",
                      "Upload an identity document (Base64)", permission="WRITE", request_schema=document,
                      response_schema={"type": "object"}, success_status=201, errors=(404, 409, 422)),
            Operation("GET", f"{BASE}/customers/{{id}}/documents", self.list_documents, "listDocuments",
                      "List a customer's documents", permission="READ", response_schema=listing({"type": "object"}),
                      errors=(404,)),
            Operation("POST", f"{BASE}/customers/{{id}}/verifications", self.submit_verification,
                      "submitVerification", "Submit a customer for verification", permission="WRITE",
                      response_schema=customer, errors=(404, 409, 422)),
            Operation("GET", f"{BASE}/customers/{{id:path}}", self.get_customer, "getCustomer", "Get a customer",
                      permission="READ", response_schema=customer, errors=(404,)),
        ]

    # ---- helpers ----
    def _customer(self, ctx: Ctx, rid: str | None = None) -> dict:
        rid = ctx.path_params["id"] if rid is None else rid
        found = ctx.store.get(ctx.tenant, "customer", rid)
        if found is None:
            raise not_found("Customer", rid)
        return found

    @staticmethod
    def _modifiable(customer: dict) -> None:
        if customer["status"] == "UNDER_REVIEW":
            raise error(CONFLICT, 409, "Customer is in UNDER_REVIEW state and cannot be modified",
                        "Wait for verification to complete before updating")

    def _email_taken(self, ctx: Ctx, email: Any, except_id: str | None = None) -> None:
        if not isinstance(email, str):
            return
        low = email.lower()
        if ctx.store.list(ctx.tenant, "customer",
                          lambda c: isinstance(c.get("email"), str) and c["email"].lower() == low
                          and c["id"] != except_id):
            raise error(DUPLICATE, 409, "Customer already exists", f"Customer with email '{email}' already exists")

    # ---- handlers ----
    async def list_customers(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "customer")})

    async def create_customer(self, ctx: Ctx):
        body = await ctx.json()
        if not ctx.skip_validation:
            validate_customer(body, partial=False)
        if ctx.request.headers.get("idempotency-key"):
            await asyncio.sleep(0.15)  # in flight long enough for a concurrent retry to see the key in use
        self._email_taken(ctx, body.get("email"))
        fields = ("firstName", "lastName", "email", "dateOfBirth", "phoneNumber", "country", "postalCode")
        customer = {"id": prefixed("cus"), **{f: body[f] for f in fields if f in body}, "status": "PENDING",
                    "createdAt": now_iso(), "updatedAt": now_iso()}
        ctx.store.put(ctx.tenant, "customer", customer["id"], customer)
        return ctx.ok(customer, 201)

    async def get_customer(self, ctx: Ctx):
        return ctx.ok(self._customer(ctx, raw_id(ctx, f"{BASE}/customers/")))

    async def update_customer(self, ctx: Ctx):
        customer = self._customer(ctx)
        body = await ctx.json()
        self._modifiable(customer)
        for field in IMMUTABLE:
            if field in body:
                raise error(CONFLICT, 409, f"Field '{field}' cannot be modified",
                            f"'{field}' is immutable", field)
        merged = {**customer, **{k: v for k, v in body.items() if k in (
            "firstName", "lastName", "email", "dateOfBirth", "phoneNumber", "country", "postalCode")}}
        payload = dict(body)
        if "postalCode" in body and "country" not in body and customer.get("country"):
            payload["country"] = customer["country"]
        validate_customer(payload, partial=True)
        if "email" in body:
            self._email_taken(ctx, body["email"], except_id=customer["id"])

        def apply(c: dict) -> None:
            self._modifiable(c)
            c.update({k: merged[k] for k in merged if k not in IMMUTABLE})
            c["updatedAt"] = now_iso()
        return ctx.ok(ctx.store.update(ctx.tenant, "customer", customer["id"], apply))

    async def upload_document(self, ctx: Ctx):
        customer = self._customer(ctx)
        body = await ctx.json()
        for field in ("documentType", "content"):
            if field not in body:
                raise required(field)
        if body["documentType"] not in DOCUMENT_TYPES:
            raise bad_format("documentType", f"Field 'documentType' must be one of: {', '.join(DOCUMENT_TYPES)}")
        if "fileName" in body and (not isinstance(body["fileName"], str) or not 1 <= len(body["fileName"]) <= 255):
            raise bad_format("fileName", "Field 'fileName' must be 1 to 255 characters")
        self._modifiable(customer)
        media, size = check_document(body["content"])
        doc = {"id": prefixed("doc"), "customerId": customer["id"], "documentType": body["documentType"],
               "fileName": body.get("fileName"), "mediaType": media, "size": size, "createdAt": now_iso()}
        ctx.store.put(ctx.tenant, "document", doc["id"], doc)
        return ctx.ok(doc, 201)

    async def list_documents(self, ctx: Ctx):
        customer = self._customer(ctx)
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "document", lambda d: d["customerId"] == customer["id"])})

    async def submit_verification(self, ctx: Ctx):
        customer = self._customer(ctx)
        raw = await ctx.request.body()
        if raw.strip():
            await ctx.json()
        self._modifiable(customer)
        docs = ctx.store.list(ctx.tenant, "document", lambda d: d["customerId"] == customer["id"]
                              and d["documentType"] in IDENTITY_DOCUMENTS)
        if not docs:
            raise error(VERIFICATION_FAILED, 422, "Verification failed",
                        "Identity document could not be verified: no PASSPORT, ID_CARD or DRIVERS_LICENSE "
                        "has been uploaded")

        def submit(c: dict) -> None:
            self._modifiable(c)
            c["status"] = "UNDER_REVIEW"
            c["updatedAt"] = now_iso()
        return ctx.ok(ctx.store.update(ctx.tenant, "customer", customer["id"], submit))


API = CustomerVerification()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
