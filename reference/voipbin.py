"""VoIPbin reference API (CPaaS: calls, groupcalls, flows, activeflows, recordings, numbers,
admin-only providers, trunks and routes).

Written from the VoIPbin "Error Reason Codes" page (seed 002), the envelope page
(restful_api.rst) and the real OpenAPI document of bin-api-manager (paths and request bodies),
plus the public bin-api-manager middleware (authentication order, frozen-account details,
per-customer rate limit with ``Retry-After`` and ``details[0].limited_by``).

Envelope
--------
Every error is ``application/json``::

    {"error": {"status": "<CANONICAL>", "reason": "<UPPER_SNAKE>", "message": "...",
               "request_id": "req_...", "details": [...]}}

``status`` names the HTTP status 1:1 (INVALID_ARGUMENT 400, UNAUTHENTICATED 401,
PAYMENT_REQUIRED 402, PERMISSION_DENIED 403, NOT_FOUND 404, FAILED_PRECONDITION 409,
RESOURCE_EXHAUSTED 429, INTERNAL 500, UNAVAILABLE 503); ``details`` is present only when
non-empty. Every response carries ``X-Request-Id`` (``req_`` + 26 base32 characters), the same
value as ``error.request_id``. Success bodies are the resource itself; lists are
``{"result": [...], "next_page_token": ""}``.

Reasons this server emits (and when)
------------------------------------
=====  ==============================  ===========================================================
400    INVALID_JSON_BODY               body not JSON (malformed, not an object, empty, non-JSON type)
400    INVALID_ID                      a path id or body id (flow_id, call_flow_id...) not 8-4-4-4-12 hex
400    INVALID_ARGUMENT                missing required member, wrong JSON type, value outside enum/format
401    AUTHENTICATION_REQUIRED         no Bearer token, token cookie/query or accesskey
401    INVALID_CREDENTIALS             token not signed by this server, expired, or unknown/expired access key
402    INSUFFICIENT_BALANCE            POST /numbers when the balance is below the number price
403    ACCOUNT_FROZEN                  frozen customer (details[0].recovery_endpoint = DELETE /auth/unregister)
403    PERMISSION_DENIED               non-admin on /providers, /trunks, /routes (and sub-paths)
403    DIRECT_ACCESS_NOT_SUPPORTED     an access key (?accesskey=) on a JWT-only endpoint (/contact_addresses)
403    IDENTITY_VERIFICATION_REQUIRED  POST /numbers type normal by a customer that is not verified
404    ROUTE_NOT_FOUND                 unknown path, or a method the path does not serve
404    RESOURCE_NOT_FOUND              unknown (or another customer's) id: calls, groupcalls, flows,
                                       activeflows, recordings, numbers, billing accounts, providers,
                                       trunks, routes, accesskeys
409    STATE_INVALID                   hangup of a hung-up call; recording_start with a recording
                                       active; recording_stop with none; any call action after hangup;
                                       DELETE /auth/unregister when the account is not frozen
429    RATE_LIMIT_EXCEEDED             per-customer token bucket empty; Retry-After; details[0].limited_by
500    INTERNAL                        only on unexpected exceptions (not reachable by design)
=====  ==============================  ===========================================================

The translator's substring fallback is modelled literally: the domain reasons of the seed
(CALL_NOT_FOUND, RECORDING_ALREADY_ACTIVE, ACTIVEFLOW_ALREADY_STOPPED, ...) are planned and never
emitted. Handlers raise "legacy" errors as plain strings (``LegacyError("call not found")``) and
:func:`translate` maps them exactly as the seed describes: "not found" -> RESOURCE_NOT_FOUND,
"already" / "not active" -> STATE_INVALID, "insufficient" -> INSUFFICIENT_BALANCE,
"identity verification required" -> IDENTITY_VERIFICATION_REQUIRED, "no permission" ->
PERMISSION_DENIED, "unavailable" -> SERVICE_UNAVAILABLE, anything else -> INTERNAL.
``POST /activeflows/{id}/stop`` is idempotent (a second stop answers 200), as the seed says.
REQUEST_TIMEOUT, REQUEST_CANCELED and SERVICE_UNAVAILABLE need an upstream failure and are
never produced by this single-process server.

Check order: route -> credential (401) -> frozen account (403) -> rate limit (429) ->
admin permission / direct access (403) -> path id (400 INVALID_ID) -> body (400) -> lookup
(404) -> state / billing / verification -> 2xx.

Decisions where the sources are silent (documented, not invented codes)
-----------------------------------------------------------------------
* **Tokens** are HS256 JWTs signed by this server; the customer's attributes (admin,
  identity verification, balance, frozen) ride in the claims. Any other Bearer value is
  INVALID_CREDENTIALS; an ``Authorization`` header without ``Bearer `` counts as no token
  (as the public middleware does). Access keys (``vb_...``) are created by
  ``POST /accesskeys`` and sent as ``?accesskey=``.
* **Ids** must be canonical 8-4-4-4-12 hex UUIDs (any case); brace, URN and hyphen-less forms
  are INVALID_ID (the seed's form). An empty last path segment (``/calls/``) is an empty id.
* **Numbers**: ``number`` must be E.164; ``type`` is ``normal`` (default) or ``virtual``;
  prices 5.00 (normal) and 1.00 (virtual) are checked against the balance but not charged,
  so fixtures never run dry. Verification is checked before the balance.
* **Rate limit**: 100 requests burst, refilled at 50 per second, per customer (access keys
  share their customer's bucket). Override with ``REFERENCE_VOIPBIN_BURST``,
  ``REFERENCE_VOIPBIN_REFILL_TOKENS``, ``REFERENCE_VOIPBIN_REFILL_SECONDS``.
* **Login**: ``POST /auth/login`` with ``{"username": "primary@voipbin.example",
  "password": "conformance-password"}`` returns a fresh token of the primary customer.
* **Unregister**: ``POST /auth/unregister`` (``password`` or ``confirmation_phrase`` "DELETE",
  exactly one) freezes the caller's account; ``DELETE /auth/unregister`` restores it. Both are
  allowed for frozen accounts (the recovery path).
* The client-supplied ``X-Request-Id`` is not echoed (the shared machinery always generates one).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from typing import Any


from ._machinery import (ApiDefinition, ApiError, Ctx, Envelope, Fault, Operation, Principal,
                         RateLimitConfig, not_applicable, uuid4)
from ._machinery.body import BodyError

NAME = "voipbin"
BASE = "/v1.0"

CANONICAL_STATUS = {
    "INVALID_ARGUMENT": 400, "UNAUTHENTICATED": 401, "PAYMENT_REQUIRED": 402,
    "PERMISSION_DENIED": 403, "NOT_FOUND": 404, "ALREADY_EXISTS": 409,
    "FAILED_PRECONDITION": 409, "RESOURCE_EXHAUSTED": 429, "UNAVAILABLE": 503, "INTERNAL": 500,
}
CANONICAL_BY_HTTP = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 402: "PAYMENT_REQUIRED",
                     403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "FAILED_PRECONDITION",
                     429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

RECOVERY_ENDPOINT = "DELETE /auth/unregister"
NUMBER_PRICE = {"normal": 5.0, "virtual": 1.0}
ADDRESS_TYPES = ("", "agent", "conference", "email", "extension", "line", "sip", "tel", "web_session")
ACTION_TYPES = (
    "ai_talk", "ai_summary", "amd", "answer", "beep", "branch", "call", "condition_call_digits",
    "condition_call_status", "condition_datetime", "condition_variable", "confbridge_join",
    "conference_join", "connect", "conversation_send", "digits_receive", "digits_send", "echo",
    "email_send", "external_media_start", "external_media_stop", "fetch", "fetch_flow", "goto",
    "hangup", "message_send", "mute", "play", "queue_join", "recording_start", "recording_stop",
    "sleep", "stop", "stream_echo", "talk", "transcribe_start", "transcribe_stop",
    "transcribe_recording", "variable_set", "webhook_send",
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")  # always fullmatch (no "$" before a newline)




# ---- errors ---------------------------------------------------------------------------------
def err(reason: str, status: int, message: str, **extras: Any) -> ApiError:
    return ApiError(reason, status, message, **extras)


def invalid_argument(message: str) -> ApiError:
    return err("INVALID_ARGUMENT", 400, message)


def invalid_id(name: str, value: Any) -> ApiError:
    return err("INVALID_ID", 400, f"{name} is not a valid UUID: {str(value)[:80]!r}. "
                                  "Expected the form a1b2c3d4-e5f6-7890-abcd-ef1234567890.")


class LegacyError(Exception):
    """A manager's ``fmt.Errorf`` string, before the api-manager translator sees it."""


def translate(exc: LegacyError) -> ApiError:
    """The api-manager translator's case-insensitive substring fallback (seed 002 notes)."""
    msg = str(exc)
    low = msg.lower()
    if "no permission" in low:
        return err("PERMISSION_DENIED", 403, "You do not have permission to access this resource.")
    if "identity verification required" in low:
        return err("IDENTITY_VERIFICATION_REQUIRED", 403,
                   "Customer identity verification is required for this operation.")
    if "insufficient" in low:
        return err("INSUFFICIENT_BALANCE", 402, "The customer balance is insufficient for this operation.")
    if "not found" in low:
        return err("RESOURCE_NOT_FOUND", 404, f"The requested resource was not found ({msg}).")
    if "already" in low or "not active" in low:
        return err("STATE_INVALID", 409, f"The operation is invalid for the resource's current state ({msg}).")
    if "unavailable" in low:
        return err("SERVICE_UNAVAILABLE", 503, "An upstream service is temporarily unavailable.")
    return err("INTERNAL", 500, "An internal error occurred.")


# ---- tokens ---------------------------------------------------------------------------------
_SECRET = b"voipbin-reference-signing-key"
_FAR = 4102444800  # 2100-01-01
_ISSUED = 1767225600  # 2026-01-01


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(_SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


def verify(token: str) -> dict | None:
    """The claims of a token this server signed and that has not expired, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        mac = _unb64(parts[2])
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    expected = hmac.new(_SECRET, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected) or not isinstance(header, dict) or header.get("alg") != "HS256":
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < time.time():
        return None
    return claims


def customer_claims(name: str, customer_id: str, *, permission: str = "customer",
                    verification: str = "verified", balance: float = 1000.0,
                    status: str = "active", exp: int = _FAR) -> dict:
    return {"name": name, "customer_id": customer_id, "agent_id": str(uuid.uuid5(uuid.NAMESPACE_URL, customer_id)),
            "permission": permission, "identity_verification_status": verification,
            "balance": balance, "status": status, "iat": _ISSUED, "exp": exp}


def _fixture_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


_FIXTURE_CLAIMS = {
    "primary": customer_claims("primary", _fixture_id(1)),
    "expired": customer_claims("expired", _fixture_id(2), exp=_ISSUED + 7 * 86400),
    "frozen": customer_claims("frozen", _fixture_id(3), status="frozen"),
    "admin": customer_claims("admin", _fixture_id(4), permission="admin"),
    "low_balance": customer_claims("low_balance", _fixture_id(5), balance=0.5),
    "unverified": customer_claims("unverified", _fixture_id(6), verification="unverified"),
    "secondary": customer_claims("secondary", _fixture_id(7)),
}
CREDENTIALS: dict[str, str] = {name: sign(claims) for name, claims in _FIXTURE_CLAIMS.items()}
LOGIN = {"username": "primary@voipbin.example", "password": "conformance-password"}


def mint_key() -> str:
    """A fresh valid customer token: its own customer (data and rate-limit bucket)."""
    return sign(customer_claims("minted", str(uuid.uuid4())))


def now_iso(offset: float = 0.0) -> str:
    t = time.time() + offset
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"


# ---- envelope -------------------------------------------------------------------------------
class VoipbinEnvelope(Envelope):
    media_type = "application/json"
    status_path = ("error", "status")
    code_path = ("error", "reason")
    message_path = ("error", "message")
    required_paths = (("error", "request_id"),)
    detail_paths = (("error", "details"),)

    def body(self, error: ApiError, ctx: Ctx) -> dict:
        canonical = error.extras.get("canonical")
        if canonical is None or CANONICAL_STATUS.get(canonical) != error.status:
            canonical = CANONICAL_BY_HTTP.get(error.status, "INTERNAL")
        inner: dict[str, Any] = {"status": canonical, "reason": error.code, "message": error.message,
                                 "request_id": ctx.request_id}
        details = error.extras.get("details")
        if details:
            inner["details"] = details
        return {"error": inner}


# ---- validation helpers ---------------------------------------------------------------------
def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID.fullmatch(value))


def path_id(ctx: Ctx, name: str = "id") -> str:
    value = ctx.path_params.get(name, "")
    if "/" in value:  # a longer path under a leaf resource: no such endpoint
        raise route_not_found(ctx)
    if not is_uuid(value):
        raise invalid_id(name, value)
    return value.lower()


def route_not_found(ctx: Ctx) -> ApiError:
    req = ctx.request
    return err("ROUTE_NOT_FOUND", 404, f"The requested endpoint {req.method} {req.url.path} does not exist. "
                                       "Check the API version prefix (/v1.0/) and the resource name.")


def require_str(body: dict, name: str, *, required: bool = True) -> str | None:
    if name not in body or body[name] is None:
        if required:
            raise invalid_argument(f"{name} is required.")
        return None
    if not isinstance(body[name], str):
        raise invalid_argument(f"{name} must be a string.")
    return body[name]


def optional_id(body: dict, name: str) -> str | None:
    """A body id member: absent, null or "" means none; otherwise a UUID."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid_argument(f"{name} must be a string.")
    if not is_uuid(value):
        raise invalid_id(name, value)
    return value.lower()


def optional_int(body: dict, name: str, *, minimum: int = 0) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_argument(f"{name} must be an integer.")
    if value < minimum:
        raise invalid_argument(f"{name} must be at least {minimum}.")
    return value


def check_actions(value: Any, *, required: bool) -> list:
    if value is None:
        if required:
            raise invalid_argument("actions is required.")
        return []
    if not isinstance(value, list):
        raise invalid_argument("actions must be an array.")
    for index, action in enumerate(value):
        if not isinstance(action, dict):
            raise invalid_argument(f"actions[{index}] must be an object.")
        if action.get("type") not in ACTION_TYPES:
            raise invalid_argument(f"actions[{index}].type must be one of the flow action types.")
        if "id" in action and action["id"] not in (None, "") and not is_uuid(action["id"]):
            raise invalid_id(f"actions[{index}].id", action["id"])
    return value


def check_address(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise invalid_argument(f"{name} must be an address object.")
    if value.get("type", "") not in ADDRESS_TYPES:
        raise invalid_argument(f"{name}.type must be one of {', '.join(t for t in ADDRESS_TYPES if t)}.")
    target = value.get("target")
    if not isinstance(target, str) or not target:
        raise invalid_argument(f"{name}.target must be a non-empty string.")
    if value.get("type") == "tel" and not _E164.fullmatch(target):
        raise invalid_argument(f"{name}.target must be an E.164 phone number for type tel.")
    return value


def listing(items: list[dict]) -> dict:
    return {"result": items, "next_page_token": ""}


# ---- the API --------------------------------------------------------------------------------
class Voipbin(ApiDefinition):
    name = NAME
    title = "VoIPbin API"
    version = "1.0.0"
    envelope = VoipbinEnvelope()
    request_id_header = "X-Request-Id"
    rate_limit = RateLimitConfig(capacity=100, refill_tokens=50, refill_seconds=1,
                                 env_prefix="REFERENCE_VOIPBIN")
    idempotency = None
    strict_content_type = False
    authenticate_unknown_routes = False  # the router's NoRoute handler runs before authentication
    common_error_statuses = (401, 403, 429, 500)
    credentials = CREDENTIALS
    JWT_ONLY = frozenset({"listContactAddresses"})
    UNREGISTER = frozenset({("POST", f"{BASE}/auth/unregister"), ("DELETE", f"{BASE}/auth/unregister")})

    faults = {
        "wrong-status": Fault("wrong-status", codes=("RESOURCE_NOT_FOUND",), param=400,
                              affects="RESOURCE_NOT_FOUND is sent with HTTP 400 (body status INVALID_ARGUMENT) instead of 404"),
        "code-case": Fault("code-case", codes=("INVALID_ARGUMENT",), param="Invalid_Argument",
                           affects="reason INVALID_ARGUMENT is sent as 'Invalid_Argument'"),
        "unknown-code": Fault("unknown-code", codes=("RESOURCE_NOT_FOUND",), param="RESOURCE_MISSING",
                              affects="reason RESOURCE_NOT_FOUND is replaced by the undocumented 'RESOURCE_MISSING'"),
        "missing-member": Fault("missing-member", param=(("error", "request_id"),),
                                affects="error.request_id is removed from every error body"),
        "wrong-media-type": Fault("wrong-media-type", param="text/plain",
                                  affects="every error body (JSON) is sent as text/plain instead of application/json"),
        "body-status-mismatch": Fault("body-status-mismatch", param="INTERNAL",
                                      statuses=(400, 401, 402, 403, 404, 409, 429),
                                      affects="error.status is 'INTERNAL' on every 4xx error"),
        "missing-header": Fault("missing-header", param=("X-Request-Id", "Retry-After"),
                                affects="X-Request-Id is missing on every error response; Retry-After is missing on 429"),
        "accept-invalid": Fault("accept-invalid", operations=("createNumber",),
                                affects="POST /v1.0/numbers skips field validation (number, type, name, ids): invalid bodies get 200"),
        "html-500": Fault("html-500",
                          affects="a malformed JSON body on any POST answers 500 text/html (nginx page) instead of 400 INVALID_JSON_BODY"),
        "replay-ignored": not_applicable("replay-ignored", "VoIPbin documents no idempotency-key header, so there is no replay to ignore"),
        "missing-detail-member": Fault("missing-detail-member", codes=("ACCOUNT_FROZEN", "RATE_LIMIT_EXCEEDED"),
                                       affects="error.details (recovery_endpoint / limited_by) is removed from "
                                               "ACCOUNT_FROZEN and RATE_LIMIT_EXCEEDED bodies"),
        "stack-trace": Fault("stack-trace", codes=("INVALID_ARGUMENT", "INTERNAL"),
                             affects="a Python traceback is appended to error.message of INVALID_ARGUMENT (and INTERNAL)"),
        "sql-leak": Fault("sql-leak", codes=("INVALID_ARGUMENT", "INTERNAL"),
                          affects="a PostgreSQL driver error is appended to error.message of INVALID_ARGUMENT (and INTERNAL)"),
    }

    # ---- hooks ----
    def _state(self, request) -> dict:
        extra = request.app.state.reference.extra
        extra.setdefault("accesskeys", {})
        extra.setdefault("frozen", {})
        return extra

    def authenticate(self, request) -> Principal:
        token = request.cookies.get("token") or request.query_params.get("token") or ""
        if not token:
            authorization = request.headers.get("authorization", "")
            parts = authorization.split("Bearer ")
            token = parts[1] if authorization and len(parts) >= 2 else ""
        state = self._state(request)
        via = "jwt"
        if token:
            claims = verify(token)
        else:
            accesskey = request.cookies.get("accesskey") or request.query_params.get("accesskey") or ""
            if not accesskey:
                raise err("AUTHENTICATION_REQUIRED", 401, "Authentication is required.")
            via = "accesskey"
            entry = state["accesskeys"].get(accesskey)
            claims = None
            if entry is not None and not entry["deleted"] and entry["expire_at"] > time.time():
                claims = entry["claims"]
        if claims is None:
            raise err("INVALID_CREDENTIALS", 401, "The provided credentials are invalid.")
        cid = claims["customer_id"]
        frozen = state["frozen"].get(cid)
        if frozen is None and claims.get("status") == "frozen":
            frozen = {"deletion_scheduled_at": now_iso(-86400)}
        if frozen and (request.method, request.url.path) not in self.UNREGISTER:
            scheduled = frozen["deletion_scheduled_at"]
            raise err("ACCOUNT_FROZEN", 403, "This account is frozen. Contact support.",
                      details=[{"deletion_scheduled_at": scheduled,
                                "deletion_effective_at": frozen.get("deletion_effective_at", now_iso(29 * 86400)),
                                "recovery_endpoint": RECOVERY_ENDPOINT}])
        admin = claims.get("permission") == "admin"
        return Principal(key=cid, tenant=cid, permissions=frozenset({"*"} if admin else {"customer"}),
                         name=claims.get("name", "minted"), attrs={**claims, "via": via, "token": token})

    def authorize(self, ctx: Ctx, op: Operation) -> None:
        if op.operation_id in self.JWT_ONLY and ctx.principal.attrs.get("via") != "jwt":
            raise err("DIRECT_ACCESS_NOT_SUPPORTED", 403, "Direct access is not supported for this endpoint.")
        if not ctx.principal.allows(op.permission):
            raise self.forbidden(ctx, op)

    def forbidden(self, ctx: Ctx, op: Operation) -> ApiError:
        return translate(LegacyError("no permission"))

    def rate_limited(self, decision, ctx: Ctx) -> ApiError:
        return err("RATE_LIMIT_EXCEEDED", 429, "Too many requests. Please try again later.",
                   headers={"Retry-After": str(decision.retry_after)}, details=[{"limited_by": "customer"}])

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        messages = {
            "malformed": f"The request body is not valid JSON: {exc.detail}.",
            "not_object": f"The request body must be a JSON object ({exc.detail}).",
            "content_type": "The request body must be JSON (Content-Type: application/json).",
            "empty": "A JSON request body is required.",
        }
        return err("INVALID_JSON_BODY", 400, messages[exc.kind])

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        return route_not_found(ctx)

    def internal_error(self, exc, ctx: Ctx) -> ApiError:
        return err("INTERNAL", 500, "An internal error occurred.")

    async def _run(self, ctx: Ctx, fn):
        async def translated():
            try:
                return await fn()
            except LegacyError as exc:
                raise translate(exc) from None
        return await super()._run(ctx, translated)

    # ---- OpenAPI ----
    def openapi(self) -> dict:
        from ._machinery.openapi import build_document
        doc = build_document(self, security_scheme={"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
        doc["servers"] = [{"url": "/"}]
        doc["components"]["securitySchemes"]["accesskey"] = {"type": "apiKey", "in": "query", "name": "accesskey"}
        doc["security"] = [{"apiKey": []}, {"accesskey": []}]
        doc["components"]["schemas"]["ErrorResponse"] = {
            "type": "object", "required": ["error"],
            "properties": {"error": {
                "type": "object", "required": ["status", "reason", "message", "request_id"],
                "properties": {
                    "status": {"type": "string", "enum": list(CANONICAL_STATUS)},
                    "reason": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
                    "message": {"type": "string"},
                    "request_id": {"type": "string"},
                    "details": {"type": "array", "items": {"type": "object", "additionalProperties": True}}}}}}
        return doc

    def openapi_error_response(self, status: int) -> dict:
        from ._machinery.openapi import REASONS
        names = [n for n, s in CANONICAL_STATUS.items() if s == status]
        headers = {"X-Request-Id": {"description": "Request correlation id (equals error.request_id)",
                                    "schema": {"type": "string"}}}
        if status == 429:
            headers["Retry-After"] = {"description": "seconds", "required": True,
                                      "schema": {"type": "integer", "minimum": 0}}
        return {"description": f"{REASONS.get(status, 'Error')} ({' or '.join(names)})", "headers": headers,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}

    # ---- operations ----
    def operations(self) -> list[Operation]:
        obj = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}
        lst = {"type": "object", "properties": {"result": {"type": "array", "items": obj},
                                                "next_page_token": {"type": "string"}}}
        addr = {"type": "object", "properties": {"type": {"type": "string", "enum": list(ADDRESS_TYPES)},
                                                 "target": {"type": "string"}}}
        action = {"type": "object", "required": ["type"],
                  "properties": {"type": {"type": "string", "enum": list(ACTION_TYPES)}}}
        call_req = {"type": "object", "required": ["source", "destinations"], "properties": {
            "flow_id": {"type": "string", "format": "uuid"},
            "actions": {"type": "array", "minItems": 1, "items": action},
            "source": addr, "destinations": {"type": "array", "minItems": 1, "items": addr},
            "anonymous": {"type": "string", "enum": ["yes", "no", "auto"]}}}
        flow_req = {"type": "object", "required": ["name", "detail", "actions"], "properties": {
            "name": {"type": "string"}, "detail": {"type": "string"},
            "actions": {"type": "array", "items": action}, "on_complete_flow_id": {"type": "string"}}}
        number_req = {"type": "object", "required": ["number", "call_flow_id", "message_flow_id", "name", "detail"],
                      "properties": {"number": {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$"},
                                     "type": {"type": "string", "enum": ["normal", "virtual"]},
                                     "call_flow_id": {"type": "string"}, "message_flow_id": {"type": "string"},
                                     "name": {"type": "string"}, "detail": {"type": "string"}}}
        rec_req = {"type": "object", "required": ["format", "end_of_silence", "end_of_key", "duration", "on_end_flow_id"],
                   "properties": {"format": {"type": "string", "enum": ["wav"]}, "end_of_silence": {"type": "integer"},
                                  "end_of_key": {"type": "string"}, "duration": {"type": "integer"},
                                  "on_end_flow_id": {"type": "string"}}}
        af_req = {"type": "object", "properties": {"id": {"type": "string"}, "flow_id": {"type": "string"},
                                                   "actions": {"type": "array", "items": action}}}
        ak_req = {"type": "object", "properties": {"name": {"type": "string"}, "detail": {"type": "string"},
                                                   "expire": {"type": "integer", "minimum": 0}}}
        login_req = {"type": "object", "required": ["username", "password"],
                     "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}
        unreg_req = {"type": "object", "properties": {"password": {"type": "string"},
                                                      "confirmation_phrase": {"type": "string", "enum": ["DELETE"]},
                                                      "immediate": {"type": "boolean"}}}
        generic_req = {"type": "object"}
        B = BASE
        ID = "{id:rest}"  # leaf ids: the whole rest of the path, even empty or with newlines
        ops = [
            Operation("POST", f"{B}/auth/login", self.login, "login", "Log in (username/password) for a JWT",
                      authenticated=False, request_schema=login_req, response_schema=obj, errors=(401,)),
            Operation("POST", f"{B}/auth/unregister", self.unregister, "unregister",
                      "Schedule account deletion (freezes the account)", request_schema=unreg_req, response_schema=obj),
            Operation("DELETE", f"{B}/auth/unregister", self.unregister_cancel, "unregisterCancel",
                      "Cancel account deletion (recover a frozen account)", response_schema=obj, errors=(409,)),
            # calls
            Operation("GET", f"{B}/calls", self.list_calls, "listCalls", "List calls", response_schema=lst),
            Operation("POST", f"{B}/calls", self.create_call, "createCall", "Make an outbound call",
                      request_schema=call_req, response_schema=obj, errors=(404,)),
            Operation("POST", f"{B}/calls/{{id}}/hangup", self.hangup_call, "hangupCall", "Hang up the call",
                      response_schema=obj, errors=(400, 404, 409)),
            Operation("POST", f"{B}/calls/{{id}}/recording_start", self.recording_start, "recordingStart",
                      "Start recording the call", request_schema=rec_req, response_schema=obj, errors=(404, 409)),
            Operation("POST", f"{B}/calls/{{id}}/recording_stop", self.recording_stop, "recordingStop",
                      "Stop recording the call", response_schema=obj, errors=(400, 404, 409)),
            Operation("GET", f"{B}/calls/{ID}", self.get_call, "getCall", "Get a call",
                      response_schema=obj, errors=(400, 404)),
            Operation("DELETE", f"{B}/calls/{ID}", self.delete_call, "deleteCall", "Delete a call",
                      response_schema=obj, errors=(400, 404)),
            # groupcalls
            Operation("GET", f"{B}/groupcalls", self.lister("groupcall"), "listGroupcalls", "List groupcalls",
                      response_schema=lst),
            Operation("POST", f"{B}/groupcalls", self.create_groupcall, "createGroupcall", "Create a groupcall",
                      request_schema=call_req, response_schema=obj, errors=(404,)),
            Operation("POST", f"{B}/groupcalls/{{id}}/hangup", self.hangup_groupcall, "hangupGroupcall",
                      "Hang up a groupcall", response_schema=obj, errors=(400, 404, 409)),
            Operation("GET", f"{B}/groupcalls/{ID}", self.getter("groupcall"), "getGroupcall", "Get a groupcall",
                      response_schema=obj, errors=(400, 404)),
            # flows
            Operation("GET", f"{B}/flows", self.lister("flow"), "listFlows", "List flows", response_schema=lst),
            Operation("POST", f"{B}/flows", self.create_flow, "createFlow", "Create a flow",
                      request_schema=flow_req, response_schema=obj),
            Operation("GET", f"{B}/flows/{ID}", self.getter("flow"), "getFlow", "Get a flow",
                      response_schema=obj, errors=(400, 404)),
            Operation("DELETE", f"{B}/flows/{ID}", self.deleter("flow"), "deleteFlow", "Delete a flow",
                      response_schema=obj, errors=(400, 404)),
            # activeflows
            Operation("GET", f"{B}/activeflows", self.lister("activeflow"), "listActiveflows", "List activeflows",
                      response_schema=lst),
            Operation("POST", f"{B}/activeflows", self.create_activeflow, "createActiveflow", "Create an activeflow",
                      request_schema=af_req, response_schema=obj, errors=(404,)),
            Operation("POST", f"{B}/activeflows/{{id}}/stop", self.stop_activeflow, "stopActiveflow",
                      "Stop an activeflow (idempotent: a second stop answers 200)", response_schema=obj,
                      errors=(400, 404)),
            Operation("GET", f"{B}/activeflows/{ID}", self.getter("activeflow"), "getActiveflow",
                      "Get an activeflow", response_schema=obj, errors=(400, 404)),
            # recordings
            Operation("GET", f"{B}/recordings", self.lister("recording"), "listRecordings", "List recordings",
                      response_schema=lst),
            Operation("GET", f"{B}/recordings/{ID}", self.getter("recording"), "getRecording", "Get a recording",
                      response_schema=obj, errors=(400, 404)),
            # numbers
            Operation("GET", f"{B}/numbers", self.lister("number"), "listNumbers", "List numbers",
                      response_schema=lst),
            Operation("POST", f"{B}/numbers", self.create_number, "createNumber", "Buy a number",
                      request_schema=number_req, response_schema=obj, errors=(402, 403)),
            Operation("GET", f"{B}/numbers/{ID}", self.getter("number"), "getNumber", "Get a number",
                      response_schema=obj, errors=(400, 404)),
            Operation("DELETE", f"{B}/numbers/{ID}", self.deleter("number"), "deleteNumber", "Release a number",
                      response_schema=obj, errors=(400, 404)),
            # billing accounts
            Operation("GET", f"{B}/billing_accounts", self.list_billing_accounts, "listBillingAccounts",
                      "List billing accounts", response_schema=lst),
            Operation("GET", f"{B}/billing_accounts/{ID}", self.get_billing_account, "getBillingAccount",
                      "Get a billing account", response_schema=obj, errors=(400, 404)),
            # access keys, contact addresses
            Operation("GET", f"{B}/accesskeys", self.lister("accesskey"), "listAccesskeys", "List access keys",
                      response_schema=lst),
            Operation("POST", f"{B}/accesskeys", self.create_accesskey, "createAccesskey", "Create an access key",
                      request_schema=ak_req, response_schema=obj),
            Operation("GET", f"{B}/accesskeys/{ID}", self.getter("accesskey"), "getAccesskey", "Get an access key",
                      response_schema=obj, errors=(400, 404)),
            Operation("DELETE", f"{B}/accesskeys/{ID}", self.delete_accesskey, "deleteAccesskey",
                      "Delete an access key", response_schema=obj, errors=(400, 404)),
            Operation("GET", f"{B}/contact_addresses", self.lister("contact_address"), "listContactAddresses",
                      "List contact addresses (JWT only)", response_schema=lst),
        ]
        for kind, plural in (("provider", "providers"), ("trunk", "trunks"), ("route", "routes")):
            title = kind.capitalize()
            ops += [
                Operation("GET", f"{B}/{plural}", self.lister(kind), f"list{title}s", f"List {plural} (admin)",
                          permission="admin", response_schema=lst),
                Operation("POST", f"{B}/{plural}", self.creator(kind), f"create{title}", f"Create a {kind} (admin)",
                          permission="admin", request_schema=generic_req, response_schema=obj),
                Operation("GET", f"{B}/{plural}/{ID}", self.getter(kind), f"get{title}", f"Get a {kind} (admin)",
                          permission="admin", response_schema=obj, errors=(400, 404)),
                Operation("DELETE", f"{B}/{plural}/{ID}", self.deleter(kind), f"delete{title}",
                          f"Delete a {kind} (admin)", permission="admin", response_schema=obj, errors=(400, 404)),
            ]
        for op in ops:  # call-manager operations declare 503 in the real spec (upstream unavailable)
            if op.path.startswith((f"{B}/calls", f"{B}/groupcalls", f"{B}/recordings")):
                op.errors = tuple(op.errors) + (503,)
        return ops

    # ---- generic resources ----
    def _get(self, ctx: Ctx, kind: str, rid: str) -> dict:
        found = ctx.store.get(ctx.tenant, kind, rid)
        if found is None or found.get("tm_delete"):
            raise LegacyError(f"{kind} not found")
        return found

    def _public(self, kind: str, value: dict) -> dict:
        if kind == "accesskey":
            value = {k: v for k, v in value.items() if k != "token"}
        return value

    def lister(self, kind: str):
        async def handler(ctx: Ctx):
            items = ctx.store.list(ctx.tenant, kind, lambda v: not v.get("tm_delete"))
            return ctx.ok(listing([self._public(kind, v) for v in items]))
        return handler

    def getter(self, kind: str):
        async def handler(ctx: Ctx):
            return ctx.ok(self._public(kind, self._get(ctx, kind, path_id(ctx))))
        return handler

    def deleter(self, kind: str):
        async def handler(ctx: Ctx):
            rid = path_id(ctx)
            self._get(ctx, kind, rid)
            stamp = now_iso()
            updated = ctx.store.update(ctx.tenant, kind, rid, lambda v: v.update(tm_delete=stamp))
            return ctx.ok(self._public(kind, updated))
        return handler

    def creator(self, kind: str):
        async def handler(ctx: Ctx):
            body = await ctx.json()
            for name in ("name", "detail"):
                require_str(body, name, required=False)
            if kind == "provider" and body.get("type", "sip") != "sip":
                raise invalid_argument("type must be 'sip'.")
            if kind == "route":
                optional_id(body, "provider_id")
                optional_id(body, "customer_id")
                optional_int(body, "priority")
            resource = {"id": uuid4(), "customer_id": ctx.tenant, **{k: v for k, v in body.items() if k != "id"},
                        "tm_create": now_iso()}
            ctx.store.put(ctx.tenant, kind, resource["id"], resource)
            return ctx.ok(resource)
        return handler

    # ---- auth ----
    async def login(self, ctx: Ctx):
        body = await ctx.json()
        username = require_str(body, "username")
        password = require_str(body, "password")
        if (username, password) != (LOGIN["username"], LOGIN["password"]):
            raise err("INVALID_CREDENTIALS", 401, "The provided credentials are invalid.")
        claims = dict(_FIXTURE_CLAIMS["primary"], iat=int(time.time()), exp=int(time.time()) + 7 * 86400)
        return ctx.ok({"username": username, "token": sign(claims)})

    async def unregister(self, ctx: Ctx):
        body = await ctx.json()
        password = require_str(body, "password", required=False)
        phrase = require_str(body, "confirmation_phrase", required=False)
        if (password is None) == (phrase is None):
            raise invalid_argument("Exactly one of password or confirmation_phrase must be provided.")
        if phrase is not None and phrase != "DELETE":
            raise invalid_argument('confirmation_phrase must be exactly "DELETE".')
        if password is not None and not password:
            raise invalid_argument("password must not be empty.")
        scheduled = now_iso()
        ctx.state.extra.setdefault("frozen", {})[ctx.tenant] = {
            "deletion_scheduled_at": scheduled, "deletion_effective_at": now_iso(30 * 86400)}
        return ctx.ok({"id": ctx.tenant, "status": "frozen", "tm_deletion_scheduled": scheduled})

    async def unregister_cancel(self, ctx: Ctx):
        frozen = ctx.state.extra.setdefault("frozen", {})
        current = frozen.get(ctx.tenant)
        is_frozen = bool(current) or (current is None and ctx.principal.attrs.get("status") == "frozen")
        if not is_frozen:
            raise LegacyError("account is not frozen: already active")
        frozen[ctx.tenant] = {}  # recovered: an empty entry overrides a frozen fixture's claims
        return ctx.ok({"id": ctx.tenant, "status": "active"})

    # ---- calls ----
    def _call_body(self, ctx: Ctx, body: dict) -> tuple[str | None, list, dict, list]:
        flow_id = optional_id(body, "flow_id")
        actions = check_actions(body.get("actions"), required=flow_id is None)
        if flow_id is None and not actions:
            raise invalid_argument("Provide either flow_id or a non-empty actions array.")
        source = check_address(body.get("source"), "source")
        destinations = body.get("destinations")
        if not isinstance(destinations, list) or not destinations:
            raise invalid_argument("destinations must be a non-empty array of addresses.")
        for index, destination in enumerate(destinations):
            check_address(destination, f"destinations[{index}]")
        if body.get("anonymous") not in (None, "yes", "no", "auto"):
            raise invalid_argument("anonymous must be one of yes, no, auto.")
        if flow_id is not None:
            self._get(ctx, "flow", flow_id)
        return flow_id, actions, source, destinations

    def _new_call(self, ctx: Ctx, flow_id: str | None, source: dict, destination: dict,
                  groupcall_id: str | None = None) -> dict:
        call = {"id": uuid4(), "customer_id": ctx.tenant, "flow_id": flow_id or uuid4(),
                "activeflow_id": uuid4(), "type": "flow", "source": source, "destination": destination,
                "status": "progressing", "direction": "outgoing", "recording_id": None, "recording_ids": [],
                "groupcall_id": groupcall_id, "hangup_by": "", "hangup_reason": "", "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "call", call["id"], call)
        return call

    async def list_calls(self, ctx: Ctx):
        return ctx.ok(listing(ctx.store.list(ctx.tenant, "call", lambda v: not v.get("tm_delete"))))

    async def create_call(self, ctx: Ctx):
        body = await ctx.json()
        flow_id, _actions, source, destinations = self._call_body(ctx, body)
        calls = [self._new_call(ctx, flow_id, source, d) for d in destinations]
        return ctx.ok({"calls": calls, "groupcalls": []})

    async def get_call(self, ctx: Ctx):
        return ctx.ok(self._get(ctx, "call", path_id(ctx)))

    async def delete_call(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "call", rid)
        stamp = now_iso()

        def delete(call: dict) -> None:
            call.update(status="hangup", recording_id=None, tm_delete=stamp)
        return ctx.ok(ctx.store.update(ctx.tenant, "call", rid, delete))

    def _stop_recording(self, ctx: Ctx, recording_id: str | None) -> None:
        if recording_id:
            ctx.store.update(ctx.tenant, "recording", recording_id,
                             lambda r: r.update(status="ended", tm_end=now_iso()))

    async def hangup_call(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "call", rid)
        stopped: list[str] = []

        def hangup(call: dict) -> None:
            if call["status"] == "hangup":
                raise LegacyError("call already hangup")
            if call.get("recording_id"):
                stopped.append(call["recording_id"])
            call.update(status="hangup", hangup_by="local", hangup_reason="normal", recording_id=None,
                        tm_hangup=now_iso())
        updated = ctx.store.update(ctx.tenant, "call", rid, hangup)
        for recording_id in stopped:
            self._stop_recording(ctx, recording_id)
        return ctx.ok(updated)

    async def recording_start(self, ctx: Ctx):
        rid = path_id(ctx)
        body = await ctx.json()
        if body.get("format") != "wav":
            raise invalid_argument("format is required and must be 'wav'.")
        for name in ("end_of_silence", "duration"):
            if name not in body:
                raise invalid_argument(f"{name} is required.")
            optional_int(body, name)
        require_str(body, "end_of_key")
        if "on_end_flow_id" not in body:
            raise invalid_argument("on_end_flow_id is required.")
        on_end = optional_id(body, "on_end_flow_id")
        self._get(ctx, "call", rid)
        recording = {"id": uuid4(), "customer_id": ctx.tenant, "reference_type": "call", "reference_id": rid,
                     "status": "recording", "format": "wav", "on_end_flow_id": on_end, "tm_start": now_iso()}

        def start(call: dict) -> None:
            if call["status"] == "hangup":
                raise LegacyError("call already hangup")
            if call.get("recording_id"):
                raise LegacyError("recording already active")
            call["recording_id"] = recording["id"]
            call["recording_ids"] = call.get("recording_ids", []) + [recording["id"]]
        updated = ctx.store.update(ctx.tenant, "call", rid, start)
        ctx.store.put(ctx.tenant, "recording", recording["id"], recording)
        return ctx.ok(updated)

    async def recording_stop(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "call", rid)
        stopped: list[str] = []

        def stop(call: dict) -> None:
            if call["status"] == "hangup":
                raise LegacyError("call already hangup")
            if not call.get("recording_id"):
                raise LegacyError("recording not active")
            stopped.append(call["recording_id"])
            call["recording_id"] = None
        updated = ctx.store.update(ctx.tenant, "call", rid, stop)
        for recording_id in stopped:
            self._stop_recording(ctx, recording_id)
        return ctx.ok(updated)

    # ---- groupcalls ----
    async def create_groupcall(self, ctx: Ctx):
        body = await ctx.json()
        flow_id, _actions, source, destinations = self._call_body(ctx, body)
        gid = uuid4()
        calls = [self._new_call(ctx, flow_id, source, d, gid) for d in destinations]
        groupcall = {"id": gid, "customer_id": ctx.tenant, "flow_id": flow_id, "source": source,
                     "destinations": destinations, "status": "progressing",
                     "call_ids": [c["id"] for c in calls], "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "groupcall", gid, groupcall)
        return ctx.ok(groupcall)

    async def hangup_groupcall(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "groupcall", rid)

        def hangup(groupcall: dict) -> None:
            if groupcall["status"] == "hangup":
                raise LegacyError("groupcall already hangup")
            groupcall["status"] = "hangup"
        return ctx.ok(ctx.store.update(ctx.tenant, "groupcall", rid, hangup))

    # ---- flows, activeflows ----
    async def create_flow(self, ctx: Ctx):
        body = await ctx.json()
        name = require_str(body, "name")
        detail = require_str(body, "detail")
        actions = check_actions(body.get("actions"), required=True)
        on_complete = optional_id(body, "on_complete_flow_id")
        flow = {"id": uuid4(), "customer_id": ctx.tenant, "type": "flow", "name": name, "detail": detail,
                "actions": actions, "on_complete_flow_id": on_complete, "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "flow", flow["id"], flow)
        return ctx.ok(flow)

    async def create_activeflow(self, ctx: Ctx):
        body = await ctx.json()
        aid = optional_id(body, "id") or uuid4()
        flow_id = optional_id(body, "flow_id")
        actions = check_actions(body.get("actions"), required=flow_id is None)
        if flow_id is None and not actions:
            raise invalid_argument("Provide either flow_id or a non-empty actions array.")
        if flow_id is not None:
            actions = self._get(ctx, "flow", flow_id)["actions"]
        activeflow = {"id": aid, "customer_id": ctx.tenant, "flow_id": flow_id or uuid4(), "status": "running",
                      "actions": actions, "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "activeflow", aid, activeflow)
        return ctx.ok(activeflow)

    async def stop_activeflow(self, ctx: Ctx):
        rid = path_id(ctx)
        self._get(ctx, "activeflow", rid)

        def stop(activeflow: dict) -> None:
            if activeflow["status"] != "ended":  # idempotent in production today (seed): no error
                activeflow.update(status="ended", tm_end=now_iso())
        return ctx.ok(ctx.store.update(ctx.tenant, "activeflow", rid, stop))

    # ---- numbers, billing ----
    async def create_number(self, ctx: Ctx):
        body = await ctx.json()
        claims = ctx.principal.attrs
        ntype = body.get("type")
        if ntype is None or ntype == "":  # Go's zero value: unset, the documented default
            ntype = "normal"
        if not ctx.skip_validation:
            number = require_str(body, "number")
            if not _E164.fullmatch(number):
                raise invalid_argument("number must be an E.164 phone number, e.g. +14155551234.")
            if ntype not in NUMBER_PRICE:
                raise invalid_argument("type must be one of normal, virtual.")
            for name in ("call_flow_id", "message_flow_id"):
                if name not in body:
                    raise invalid_argument(f"{name} is required.")
                optional_id(body, name)
            require_str(body, "name")
            require_str(body, "detail")
        price = NUMBER_PRICE.get(ntype, NUMBER_PRICE["normal"])
        if ntype != "virtual" and claims.get("identity_verification_status") != "verified":
            raise LegacyError("identity verification required")
        if float(claims.get("balance", 0)) < price:
            raise LegacyError("insufficient balance")
        number = {"id": uuid4(), "customer_id": ctx.tenant, "number": body.get("number"), "type": ntype,
                  "call_flow_id": body.get("call_flow_id"), "message_flow_id": body.get("message_flow_id"),
                  "name": body.get("name"), "detail": body.get("detail"), "status": "active",
                  "tm_purchase": now_iso(), "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "number", number["id"], number)
        return ctx.ok(number)

    def _billing_account(self, ctx: Ctx) -> dict:
        claims = ctx.principal.attrs
        return {"id": str(uuid.uuid5(uuid.NAMESPACE_OID, ctx.tenant)), "customer_id": ctx.tenant,
                "name": "default", "balance": float(claims.get("balance", 0)), "status": "active"}

    async def list_billing_accounts(self, ctx: Ctx):
        return ctx.ok(listing([self._billing_account(ctx)]))

    async def get_billing_account(self, ctx: Ctx):
        rid = path_id(ctx)
        account = self._billing_account(ctx)
        if rid != account["id"]:
            raise LegacyError("billing account not found")
        return ctx.ok(account)

    # ---- access keys ----
    async def create_accesskey(self, ctx: Ctx):
        body = await ctx.json()
        name = require_str(body, "name", required=False) or ""
        detail = require_str(body, "detail", required=False) or ""
        expire = optional_int(body, "expire")
        seconds = expire if expire else 365 * 86400
        token = "vb_" + secrets.token_urlsafe(24)
        key = {"id": uuid4(), "customer_id": ctx.tenant, "name": name, "detail": detail, "token": token,
               "token_prefix": token[:11], "tm_expire": now_iso(seconds), "tm_create": now_iso()}
        ctx.store.put(ctx.tenant, "accesskey", key["id"], key)
        claims = {k: v for k, v in ctx.principal.attrs.items() if k not in ("via", "token")}
        ctx.state.extra.setdefault("accesskeys", {})[token] = {
            "id": key["id"], "claims": claims, "expire_at": time.time() + seconds, "deleted": False}
        return ctx.ok(key)

    async def delete_accesskey(self, ctx: Ctx):
        rid = path_id(ctx)
        key = self._get(ctx, "accesskey", rid)
        entry = ctx.state.extra.setdefault("accesskeys", {}).get(key["token"])
        if entry is not None:
            entry["deleted"] = True
        stamp = now_iso()
        updated = ctx.store.update(ctx.tenant, "accesskey", rid, lambda v: v.update(tm_delete=stamp))
        return ctx.ok(self._public("accesskey", updated))


API = Voipbin()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
