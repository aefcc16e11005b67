"""Flireo reference API (voice calls, phone numbers, BYOK provider keys).

Written from Flireo's "Error codes" reference (seed 001) and the public facts in APIS.md only
(``Authorization: Bearer <key>``, base path ``/api/v1``, UUID ids, 100 requests/min per key,
10 call-control commands/min per active call, ``X-RateLimit-*`` and ``Retry-After`` headers).

Envelope
--------
Every error is ``{"error": {"code", "message", "param", "type"}}`` (application/json).
``param`` names the offending field (a body member, or ``id`` for a path id) and is ``null``
where no single field is at fault; ``type`` is the seed's category of the code:

==============  =====================================================================
authentication  unauthorized, api_key_expired, api_key_revoked
validation      invalid_request, missing_field, invalid_field, invalid_phone_number,
                invalid_uuid, invalid_url
resource        not_found, already_exists, conflict
billing         insufficient_credits, payment_required
rate_limit      rate_limit_exceeded, call_control_limit
provider        provider_error, provider_timeout, invalid_api_key
call            call_not_found, call_not_active, invalid_destination
==============  =====================================================================

Statuses (the seed has only a status table, so each choice is the row that fits best):
401 authentication codes; 400 invalid_request, missing_field, invalid_field,
invalid_phone_number, invalid_uuid, invalid_url ("Invalid request format or validation
error"); 422 invalid_destination, call_not_active, invalid_api_key ("Request understood but
cannot be processed"); 404 not_found, call_not_found; 409 already_exists, conflict;
402 insufficient_credits, payment_required; 429 rate_limit_exceeded, call_control_limit.

Surface (all under ``/api/v1``)
-------------------------------
``GET/POST /calls``, ``GET /calls/{id}``, ``POST /calls/{id}/hangup|speak|play``,
``GET/POST /phone-numbers``, ``GET/DELETE /phone-numbers/{id}``, ``GET/POST /byok``,
``DELETE /byok/{provider}``, ``GET /balance``; ``GET /openapi.json``.

Decisions where the seed is silent
----------------------------------
* **Auth**: a missing header, a scheme other than Bearer or an unknown key -> 401
  unauthorized; fixture keys ``expired`` / ``revoked`` -> api_key_expired / api_key_revoked.
  Every key is its own account (tenant).
* **Bodies**: malformed JSON, a non-object body, an empty body or a non-JSON Content-Type ->
  400 invalid_request (param null). A missing required member -> missing_field; a member of
  the wrong JSON type (including null), out of range or not an allowed value -> invalid_field.
* **Calls** (``to``, ``from`` required; ``webhook_url`` optional HTTPS URL; ``timeout``
  optional integer 5-120 s): a number that is not E.164 (``^\\+[1-9]\\d{1,14}$``) ->
  invalid_phone_number (param ``to``/``from``); an E.164-shaped ``to`` that is not a dialable
  number (unassigned country code, impossible length for the country) -> invalid_destination
  (param ``to``); a webhook_url that is not an absolute HTTPS URL -> invalid_url. An account
  with no credits -> 402 payment_required ("Add credits to make outbound calls").
  Sandbox calls are answered at once: a created call is ``in-progress`` until hung up
  (``completed``).
* **Call control** (hangup, speak ``{text, voice?}``, play ``{url, loop?}``): a malformed id ->
  invalid_uuid (param ``id``), an unknown one -> call_not_found; a command on an ended call
  -> call_not_active; the 11th command within a minute on one call -> 429 call_control_limit
  (token bucket of 10 per 60 s per call, with Retry-After and X-RateLimit-* of that bucket).
* **Phone numbers**: ``POST /phone-numbers`` buys ``{"phone_number": "+..."}`` (a specific
  number) or ``{"country": "NL"}`` (any free number of that country). A number this account
  already owns -> already_exists; one another account owns -> conflict; a purchase costs one
  credit: an account with no credits -> 402 insufficient_credits. An unknown id -> not_found.
* **BYOK** (``{"provider", "api_key"}``, providers openai, elevenlabs, deepgram):
  SANDBOX SIMULATION: the reference stands in for the upstream provider's key check; it
  accepts provider keys of the form ``sk-`` followed by 20-200 letters, digits, ``-`` or ``_``
  and rejects any other key with 422 invalid_api_key (param ``api_key``), as the provider
  would reject an invalid key. An unknown provider -> invalid_field (param ``provider``).
* **provider_error / provider_timeout** are never sent: they need a failing upstream provider
  and Flireo documents no sandbox value that simulates one.
* **Fixture keys** (primary, secondary, low_credits) have a raised rate limit (50 x 100/min)
  so the conformance suite can use them for hundreds of requests; minted keys (rate-limit
  probes) have exactly the documented 100 requests per minute.
* **Unknown routes and methods** (after authentication): 404 not_found (the seed has no 405).
* **Rate limit**: token bucket of 100 per 60 s per key (``REFERENCE_FLIREO_BURST`` /
  ``_REFILL_TOKENS`` / ``_REFILL_SECONDS`` override); 429 rate_limit_exceeded with
  Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (unix time).
* **500**: the seed lists no code for it; an unexpected exception answers
  ``internal_error`` (type ``api_error``), unreachable on a conforming server.
"""
from __future__ import annotations

import itertools
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from starlette.responses import Response

from ._machinery import (ApiDefinition, ApiError, Ctx, Envelope, Fault, Operation, Principal,
                         RateLimitConfig, StateMachine, not_applicable, uuid4)
from ._machinery.body import BodyError
from ._machinery.ratelimit import RateLimiter

NAME = "flireo"
BASE = "/api/v1"

TYPE_OF: dict[str, str] = {}
for _type, _codes in {
    "authentication": ("unauthorized", "api_key_expired", "api_key_revoked"),
    "validation": ("invalid_request", "missing_field", "invalid_field", "invalid_phone_number",
                   "invalid_uuid", "invalid_url"),
    "resource": ("not_found", "already_exists", "conflict"),
    "billing": ("insufficient_credits", "payment_required"),
    "rate_limit": ("rate_limit_exceeded", "call_control_limit"),
    "provider": ("provider_error", "provider_timeout", "invalid_api_key"),
    "call": ("call_not_found", "call_not_active", "invalid_destination"),
}.items():
    for _code in _codes:
        TYPE_OF[_code] = _type
VALIDATION_CODES = tuple(c for c, t in TYPE_OF.items() if t == "validation") + ("invalid_destination",)
INTERNAL = "internal_error"
CODES_BY_STATUS: dict[int, tuple[str, ...]] = {
    400: ("invalid_request", "missing_field", "invalid_field", "invalid_phone_number", "invalid_uuid",
          "invalid_url"),
    401: ("unauthorized", "api_key_expired", "api_key_revoked"),
    402: ("insufficient_credits", "payment_required"),
    404: ("not_found", "call_not_found"),
    409: ("already_exists", "conflict"),
    422: ("invalid_destination", "call_not_active", "invalid_api_key"),
    429: ("rate_limit_exceeded", "call_control_limit"),
    500: (INTERNAL,),
}

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
PROVIDER_KEY = re.compile(r"^sk-[A-Za-z0-9_-]{20,200}$")
PROVIDERS = ("openai", "elevenlabs", "deepgram")
COUNTRIES = ("BE", "DE", "FR", "GB", "NL", "US")
VOICES = ("female", "male")
CREDITS = 1_000_000
NUMBER_PRICE = 1
CONTROL_LIMIT = 10
CONTROL_WINDOW = 60

# ---- credentials ----------------------------------------------------------------------
_KEY = re.compile(r"^flk_[0-9a-f]{32}$")
CREDENTIALS: dict[str, str] = {
    "primary": "flk_" + "0" * 31 + "1",
    "secondary": "flk_" + "0" * 31 + "2",
    "low_credits": "flk_" + "0" * 31 + "3",
    "expired": "flk_expired_00000000000000000000",
    "revoked": "flk_revoked_00000000000000000000",
    "invalid": "flk_invalid_00000000000000000000",
}
_STARTING_CREDITS = {CREDENTIALS["low_credits"]: 0}


FIXTURE_RATE_SHARDS = 50


@dataclass(frozen=True)
class FixturePrincipal(Principal):
    """A fixture key (primary, secondary, low_credits): provisioned with a raised rate limit.

    The conformance suite sends several hundred requests with these keys against one server;
    at the documented 100/min it would spend minutes waiting. Their requests are spread over
    ``FIXTURE_RATE_SHARDS`` buckets (so 50 x 100 per minute); every minted key (what the
    rate-limit probes use) has exactly the documented 100 requests per minute.
    """

    @property
    def rate_key(self) -> str:
        return f"{self.key}#{next(_SHARD) % FIXTURE_RATE_SHARDS}"


_SHARD = itertools.count()


def mint_key() -> str:
    """A fresh valid key: its own account (data, credits) and its own rate-limit bucket."""
    return "flk_" + secrets.token_hex(16)


# ---- envelope --------------------------------------------------------------------------
class FlireoEnvelope(Envelope):
    media_type = "application/json"
    code_path = ("error", "code")
    message_path = ("error", "message")
    required_paths = (("error", "message"),)
    detail_paths = (("error", "param"),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        return {"error": {"code": err.code, "message": err.message,
                          "param": err.extras.get("param"),
                          "type": TYPE_OF.get(err.code, "api_error")}}


def error(code: str, status: int, message: str, param: str | None = None,
          headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(code, status, message, param=param, headers=headers)


def missing(field: str) -> ApiError:
    return error("missing_field", 400, f"Missing required field: {field}", field)


def invalid(field: str, message: str) -> ApiError:
    return error("invalid_field", 400, message, field)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---- field checks ------------------------------------------------------------------------
def require(body: dict, field: str) -> Any:
    if field not in body:
        raise missing(field)
    return body[field]


def check_string(field: str, value: Any, *, max_len: int = 1000) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"Field '{field}' must be a string")
    if not value.strip():
        raise invalid(field, f"Field '{field}' must not be empty")
    if len(value) > max_len:
        raise invalid(field, f"Field '{field}' must be at most {max_len} characters")
    return value


def check_e164(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"Field '{field}' must be a string")
    if not E164.fullmatch(value):
        raise error("invalid_phone_number", 400,
                    f"Phone number format invalid: '{field}' must be in E.164 format, e.g. +31612345678", field)
    return value


def dialable(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


def check_https_url(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"Field '{field}' must be a string")
    bad = error("invalid_url", 400, f"Invalid URL format: '{field}' must be a valid HTTPS URL", field)
    if len(value) > 2048 or not value.isascii() or any(c.isspace() or ord(c) < 32 for c in value):
        raise bad
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise bad from None
    host = parts.hostname or ""
    if parts.scheme != "https" or not host or parts.username is not None or port == 0:
        raise bad
    labels = host.split(".")
    if not all(re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels):
        raise bad
    if not _URI_CHARS.fullmatch(value) or _BAD_PERCENT.search(value):
        raise bad  # RFC 3986 section 2: only unreserved, reserved and valid %XX escapes
    return value


def check_int(field: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field, f"Field '{field}' must be an integer")
    if not lo <= value <= hi:
        raise invalid(field, f"Field '{field}' must be between {lo} and {hi}")
    return value


def check_uuid(value: str) -> str:
    if not UUID.fullmatch(value):
        raise error("invalid_uuid", 400, "Invalid UUID format", "id")
    return value.lower()


CALLS = StateMachine({"in-progress": {"completed"}}, initial="in-progress")


# ---- the API ---------------------------------------------------------------------------
class Flireo(ApiDefinition):
    name = NAME
    title = "Flireo API"
    version = "1.0.0"
    envelope = FlireoEnvelope()
    request_id_header = None  # Flireo documents no request-id header
    rate_limit = RateLimitConfig(capacity=100, refill_tokens=100, refill_seconds=60,
                                 env_prefix="REFERENCE_FLIREO")
    idempotency = None  # the seed documents no idempotency mechanism
    strict_content_type = False
    common_error_statuses = (401, 429, 500)
    credentials = CREDENTIALS

    faults = {
        "wrong-status": Fault("wrong-status", codes=("call_not_found",), param=400,
                              affects="call_not_found is sent with HTTP 400 instead of 404"),
        "code-case": Fault("code-case", codes=("invalid_uuid",), param="invalid_UUID",
                           affects="invalid_uuid is sent as 'invalid_UUID'"),
        "unknown-code": Fault("unknown-code", codes=("missing_field",), param="required_field_missing",
                              affects="missing_field is replaced by the undocumented 'required_field_missing'"),
        "missing-member": Fault("missing-member", param=(("error", "type"),),
                                affects="error.type is removed from every error body"),
        "wrong-media-type": Fault("wrong-media-type", param="text/plain",
                                  affects="every error body (JSON) is sent as text/plain instead of application/json"),
        "body-status-mismatch": not_applicable(
            "body-status-mismatch", "the Flireo error body carries no status member"),
        "missing-header": Fault("missing-header", codes=("rate_limit_exceeded", "call_control_limit"),
                                param=("Retry-After", "X-RateLimit-Reset"),
                                affects="Retry-After and X-RateLimit-Reset are missing on 429 responses"),
        "accept-invalid": Fault("accept-invalid", operations=("createCall",),
                                affects="POST /api/v1/calls skips field validation (to, from, webhook_url, "
                                        "timeout): invalid bodies get 201"),
        "html-500": Fault("html-500",
                          affects="a malformed JSON body on any POST answers 500 text/html (nginx page) "
                                  "instead of 400 invalid_request"),
        "replay-ignored": not_applicable(
            "replay-ignored", "Flireo documents no idempotency mechanism, so there is no replay to ignore"),
        "missing-detail-member": Fault("missing-detail-member", codes=VALIDATION_CODES,
                                       affects="error.param is removed from validation errors "
                                               "(invalid_request, missing_field, invalid_field, "
                                               "invalid_phone_number, invalid_uuid, invalid_url, "
                                               "invalid_destination)"),
        "stack-trace": Fault("stack-trace", codes=VALIDATION_CODES + (INTERNAL,),
                             affects="a Python traceback is appended to error.message of validation errors "
                                     "(and internal_error)"),
        "sql-leak": Fault("sql-leak", codes=VALIDATION_CODES + (INTERNAL,),
                          affects="a PostgreSQL driver error is appended to error.message of validation errors "
                                  "(and internal_error)"),
    }

    # ---- hooks ----
    def authenticate(self, request) -> Principal:
        header = request.headers.get("authorization")
        if header is None or not header.strip():
            raise error("unauthorized", 401, "Invalid or missing API key")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise error("unauthorized", 401, "Invalid or missing API key: use 'Authorization: Bearer <key>'")
        if token == CREDENTIALS["expired"]:
            raise error("api_key_expired", 401, "API key has expired")
        if token == CREDENTIALS["revoked"]:
            raise error("api_key_revoked", 401, "API key has been revoked")
        if _KEY.fullmatch(token):
            name = next((n for n, k in CREDENTIALS.items() if k == token), None)
            if name is not None:
                return FixturePrincipal(key=token, tenant=token, name=name)
            return Principal(key=token, tenant=token, name="minted")
        raise error("unauthorized", 401, "Invalid or missing API key")

    def rate_limited(self, decision, ctx: Ctx) -> ApiError:
        return error("rate_limit_exceeded", 429, "Too many requests", headers={
            "Retry-After": str(decision.retry_after), "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(decision.reset_at)})

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        messages = {
            "malformed": f"Request body is invalid: {exc.detail}",
            "not_object": f"Request body is invalid: {exc.detail}",
            "content_type": "Request body is invalid: send JSON with Content-Type: application/json",
            "empty": "Request body is invalid: a JSON object is required",
        }
        return error("invalid_request", 400, messages[exc.kind])

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        req = ctx.request
        return error("not_found", 404, f"Resource not found: no operation {req.method} {req.url.path}")

    def internal_error(self, exc, ctx: Ctx) -> ApiError:
        return error(INTERNAL, 500, "Unexpected server error")

    # ---- per-app state ----
    def _extra(self, ctx: Ctx) -> dict:
        extra = ctx.state.extra
        if "lock" not in extra:
            extra.setdefault("lock", threading.Lock())
        with extra["lock"]:
            if "numbers" not in extra:
                extra["numbers"] = {}  # E.164 -> (tenant, phone-number id)
                extra["credits"] = {}  # tenant -> credits
                extra["control"] = RateLimiter(RateLimitConfig(CONTROL_LIMIT, CONTROL_LIMIT, CONTROL_WINDOW))
        return extra

    def _credits(self, ctx: Ctx) -> int:
        extra = self._extra(ctx)
        with extra["lock"]:
            return extra["credits"].setdefault(ctx.tenant, _STARTING_CREDITS.get(ctx.tenant, CREDITS))

    # ---- OpenAPI ----
    def openapi(self) -> dict:
        from ._machinery.openapi import build_document
        return build_document(self, security_scheme={"type": "http", "scheme": "bearer"})

    def openapi_error_response(self, status: int) -> dict:
        from ._machinery.openapi import REASONS
        codes = CODES_BY_STATUS[status]
        inner = {"type": "object", "required": ["code", "message", "type"],
                 "properties": {"code": {"type": "string", "enum": list(codes)},
                                "message": {"type": "string"},
                                "param": {"type": "string", "nullable": True},
                                "type": {"type": "string", "enum": sorted({TYPE_OF.get(c, "api_error")
                                                                           for c in codes})}}}
        out = {"description": REASONS.get(status, "Error"),
               "content": {"application/json": {"schema": {
                   "type": "object", "required": ["error"], "properties": {"error": inner}}}}}
        if status == 429:
            out["headers"] = {name: {"required": True, "schema": {"type": "integer"}} for name in
                              ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")}
        return out

    # ---- operations ----
    def operations(self) -> list[Operation]:
        S = {"type": "string"}
        e164 = {"type": "string", "pattern": E164.pattern}
        call = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "to": S, "from": S,
                                                 "status": {"type": "string", "enum": ["in-progress", "completed"]}}}
        number = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"},
                                                   "phone_number": S, "country": S}}
        listing = lambda item: {"type": "object", "properties": {"data": {"type": "array", "items": item}}}  # noqa: E731
        call_req = {"type": "object", "required": ["to", "from"],
                    "properties": {"to": e164, "from": e164,
                                   "webhook_url": {"type": "string", "format": "uri", "pattern": "^https://"},
                                   "timeout": {"type": "integer", "minimum": 5, "maximum": 120}}}
        speak_req = {"type": "object", "required": ["text"],
                     "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 3000},
                                    "voice": {"type": "string", "enum": list(VOICES)}}}
        play_req = {"type": "object", "required": ["url"],
                    "properties": {"url": {"type": "string", "format": "uri", "pattern": "^https://"},
                                   "loop": {"type": "integer", "minimum": 1, "maximum": 10}}}
        number_req = {"type": "object",
                      "properties": {"phone_number": e164, "country": {"type": "string", "enum": list(COUNTRIES)}}}
        byok_req = {"type": "object", "required": ["provider", "api_key"],
                    "properties": {"provider": {"type": "string", "enum": list(PROVIDERS)},
                                   "api_key": {"type": "string"}}}
        control = (400, 404, 422)
        return [
            Operation("GET", f"{BASE}/calls", self.list_calls, "listCalls", "List calls",
                      response_schema=listing(call)),
            Operation("POST", f"{BASE}/calls", self.create_call, "createCall", "Start an outbound call",
                      request_schema=call_req, response_schema=call, success_status=201, errors=(402, 422)),
            Operation("POST", f"{BASE}/calls/{{id}}/hangup", self.hangup, "hangupCall", "Hang up a call",
                      response_schema=call, errors=control),
            Operation("POST", f"{BASE}/calls/{{id}}/speak", self.speak, "speakCall", "Speak text on a call",
                      request_schema=speak_req, response_schema=call, errors=control),
            Operation("POST", f"{BASE}/calls/{{id}}/play", self.play, "playCall", "Play audio on a call",
                      request_schema=play_req, response_schema=call, errors=control),
            Operation("GET", f"{BASE}/calls/{{id:rest}}", self.get_call, "getCall", "Get a call",
                      response_schema=call, errors=(400, 404)),
            Operation("GET", f"{BASE}/phone-numbers", self.list_numbers, "listPhoneNumbers",
                      "List phone numbers", response_schema=listing(number)),
            Operation("POST", f"{BASE}/phone-numbers", self.buy_number, "purchasePhoneNumber",
                      "Buy a phone number", request_schema=number_req, response_schema=number,
                      success_status=201, errors=(402, 409)),
            Operation("GET", f"{BASE}/phone-numbers/{{id:rest}}", self.get_number, "getPhoneNumber",
                      "Get a phone number", response_schema=number, errors=(400, 404)),
            Operation("DELETE", f"{BASE}/phone-numbers/{{id:rest}}", self.release_number,
                      "releasePhoneNumber", "Release a phone number", success_status=204, errors=(400, 404)),
            Operation("GET", f"{BASE}/byok", self.list_keys, "listProviderKeys", "List BYOK provider keys",
                      response_schema=listing({"type": "object"})),
            Operation("POST", f"{BASE}/byok", self.set_key, "setProviderKey", "Store a BYOK provider key",
                      request_schema=byok_req, response_schema={"type": "object"}, success_status=201,
                      errors=(422,)),
            Operation("DELETE", f"{BASE}/byok/{{provider}}", self.delete_key, "deleteProviderKey",
                      "Delete a BYOK provider key", success_status=204, errors=(404,)),
            Operation("GET", f"{BASE}/balance", self.balance, "getBalance", "Credit balance",
                      response_schema={"type": "object", "properties": {"credits": {"type": "integer"}}}),
        ]

    # ---- calls ----
    async def list_calls(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "call")})

    async def create_call(self, ctx: Ctx):
        body = await ctx.json()
        if not ctx.skip_validation:
            to = require(body, "to")
            from_ = require(body, "from")
            check_e164("to", to)
            check_e164("from", from_)
            if "webhook_url" in body:
                check_https_url("webhook_url", body["webhook_url"])
            if "timeout" in body:
                check_int("timeout", body["timeout"], 5, 120)
            if not dialable(to):
                raise error("invalid_destination", 422, f"Invalid destination number: {to} cannot be dialed", "to")
        if self._credits(ctx) <= 0:
            raise error("payment_required", 402, "Payment required: add credits to make outbound calls")
        call = {"id": uuid4(), "to": body.get("to"), "from": body.get("from"), "direction": "outbound",
                "status": CALLS.initial, "webhook_url": body.get("webhook_url"),
                "timeout": body.get("timeout", 30), "created_at": now_iso(), "ended_at": None}
        ctx.store.put(ctx.tenant, "call", call["id"], call)
        return ctx.ok(call, 201)

    def _find_call(self, ctx: Ctx) -> dict:
        cid = check_uuid(ctx.path_params["id"])
        call = ctx.store.get(ctx.tenant, "call", cid)
        if call is None:
            raise error("call_not_found", 404, f"Call not found: {cid}", "id")
        return call

    async def get_call(self, ctx: Ctx):
        return ctx.ok(self._find_call(ctx))

    async def _control(self, ctx: Ctx, call: dict) -> None:
        """State check and the per-call command budget (10 per minute)."""
        if call["status"] != "in-progress":
            raise error("call_not_active", 422, f"Call is not in-progress (status: {call['status']})")
        decision = self._extra(ctx)["control"].hit(call["id"])
        if not decision.allowed:
            raise error("call_control_limit", 429,
                        f"Too many call control commands: limit is {CONTROL_LIMIT} per minute per call", headers={
                            "Retry-After": str(decision.retry_after), "X-RateLimit-Limit": str(decision.limit),
                            "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(decision.reset_at)})

    async def _optional_body(self, ctx: Ctx) -> dict:
        raw = await ctx.request.body()
        return await ctx.json() if raw.strip() else {}

    async def hangup(self, ctx: Ctx):
        call = self._find_call(ctx)
        await self._optional_body(ctx)
        await self._control(ctx, call)

        def end(c: dict) -> None:
            CALLS.transition(c, "completed", lambda cur, tgt: error(
                "call_not_active", 422, f"Call is not in-progress (status: {cur})"))
            c["ended_at"] = now_iso()
        return ctx.ok(ctx.store.update(ctx.tenant, "call", call["id"], end))

    async def speak(self, ctx: Ctx):
        call = self._find_call(ctx)
        body = await ctx.json()
        check_string("text", require(body, "text"), max_len=3000)
        if "voice" in body and body["voice"] not in VOICES:
            raise invalid("voice", f"Field 'voice' must be one of: {', '.join(VOICES)}")
        await self._control(ctx, call)
        return ctx.ok(call)

    async def play(self, ctx: Ctx):
        call = self._find_call(ctx)
        body = await ctx.json()
        check_https_url("url", require(body, "url"))
        if "loop" in body:
            check_int("loop", body["loop"], 1, 10)
        await self._control(ctx, call)
        return ctx.ok(call)

    # ---- phone numbers ----
    async def list_numbers(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "number")})

    def _allocate(self, numbers: dict, country: str) -> str:
        example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
        national = str(example.national_number)
        rng = random.SystemRandom()
        for _ in range(200):
            tail = "".join(rng.choice("0123456789") for _ in range(6))
            candidate = f"+{example.country_code}{national[:-6]}{tail}"
            if candidate not in numbers and dialable(candidate):
                return candidate
        raise error("conflict", 409, f"No free numbers left in {country}", "country")

    async def buy_number(self, ctx: Ctx):
        body = await ctx.json()
        wanted = body.get("phone_number")
        if "phone_number" in body:
            check_e164("phone_number", wanted)
            if not dialable(wanted):
                raise error("invalid_phone_number", 400, f"Phone number format invalid: {wanted} is not a number",
                            "phone_number")
        elif "country" in body:
            if body["country"] not in COUNTRIES:
                raise invalid("country", f"Field 'country' must be one of: {', '.join(COUNTRIES)}")
        else:
            raise missing("phone_number")
        extra = self._extra(ctx)
        credits = self._credits(ctx)
        with extra["lock"]:
            numbers = extra["numbers"]
            if wanted is not None and wanted in numbers:
                owner, _ = numbers[wanted]
                if owner == ctx.tenant:
                    raise error("already_exists", 409, f"Resource already exists: {wanted} is already registered "
                                                       "on your account", "phone_number")
                raise error("conflict", 409, f"Resource conflict: {wanted} is used by another account",
                            "phone_number")
            if credits < NUMBER_PRICE:
                raise error("insufficient_credits", 402, "Insufficient credits balance")
            if wanted is None:
                wanted = self._allocate(numbers, body["country"])
            nid = uuid4()
            numbers[wanted] = (ctx.tenant, nid)
            extra["credits"][ctx.tenant] = credits - NUMBER_PRICE
        region = phonenumbers.region_code_for_number(phonenumbers.parse(wanted, None))
        record = {"id": nid, "phone_number": wanted, "country": region, "status": "active",
                  "created_at": now_iso()}
        ctx.store.put(ctx.tenant, "number", nid, record)
        return ctx.ok(record, 201)

    def _find_number(self, ctx: Ctx) -> dict:
        nid = check_uuid(ctx.path_params["id"])
        record = ctx.store.get(ctx.tenant, "number", nid)
        if record is None:
            raise error("not_found", 404, f"Resource not found: phone number {nid}", "id")
        return record

    async def get_number(self, ctx: Ctx):
        return ctx.ok(self._find_number(ctx))

    async def release_number(self, ctx: Ctx):
        record = self._find_number(ctx)
        extra = self._extra(ctx)
        with extra["lock"]:
            extra["numbers"].pop(record["phone_number"], None)
        ctx.store.delete(ctx.tenant, "number", record["id"])
        return Response(status_code=204)

    # ---- BYOK ----
    async def list_keys(self, ctx: Ctx):
        return ctx.ok({"data": ctx.store.list(ctx.tenant, "byok")})

    async def set_key(self, ctx: Ctx):
        body = await ctx.json()
        provider = require(body, "provider")
        if provider not in PROVIDERS:
            raise invalid("provider", f"Field 'provider' must be one of: {', '.join(PROVIDERS)}")
        key = check_string("api_key", require(body, "api_key"), max_len=4096)
        if not PROVIDER_KEY.fullmatch(key):  # sandbox simulation of the provider's key check
            raise error("invalid_api_key", 422, f"BYOK API key invalid: {provider} rejected the key", "api_key")
        record = {"provider": provider, "key_last4": key[-4:], "status": "active", "created_at": now_iso()}
        ctx.store.put(ctx.tenant, "byok", provider, record)
        return ctx.ok(record, 201)

    async def delete_key(self, ctx: Ctx):
        provider = ctx.path_params["provider"]
        if not ctx.store.delete(ctx.tenant, "byok", provider):
            raise error("not_found", 404, f"Resource not found: no key stored for provider {provider!r}", "provider")
        return Response(status_code=204)

    async def balance(self, ctx: Ctx):
        return ctx.ok({"credits": self._credits(ctx)})


API = Flireo()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
