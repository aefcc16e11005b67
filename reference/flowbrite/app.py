"""The Flowbrite API definition: auth, hooks for the seed's (004) codes, OpenAPI, operations."""
from __future__ import annotations

from .._machinery import (ApiDefinition, ApiError, Ctx, IdempotencyConfig, Operation, Principal,
                          RateLimitConfig, ulid)
from .._machinery.body import BodyError
from . import routes
from .checks import FlowbriteEnvelope, validation, verr
from .codes import (_ALL, _FIXTURES, _MINTED, CODES_BY_STATUS, CREDENTIALS, FORBIDDEN,
                    IDEMPOTENCY_HEADER, INTERNAL, MISSING_KEY, NAME, RATE_LIMITED,
                    REUSED_KEY, SIMULATE_HEADER, UNAUTHORIZED)
from .faults import FAULTS
from .handlers import Handlers


# ---- the API ---------------------------------------------------------------------------
class Flowbrite(Handlers, ApiDefinition):
    name = NAME
    title = "Flowbrite API"
    version = "1.0.0"
    envelope = FlowbriteEnvelope()
    request_id_header = "X-Correlation-Id"
    rate_limit = RateLimitConfig(capacity=180, refill_tokens=30, refill_seconds=10,
                                 env_prefix="REFERENCE_FLOWBRITE")
    idempotency = IdempotencyConfig(header=IDEMPOTENCY_HEADER, required=True, window=900,
                                    policy="reject")
    strict_content_type = False
    common_error_statuses = (401, 403, 429, 500, 503)
    credentials = CREDENTIALS
    faults = FAULTS  # the declared table in faults.py

    def new_request_id(self) -> str:
        return ulid()

    # ---- hooks ----
    def pre_auth(self, ctx: Ctx) -> None:
        if ctx.request.headers.get(SIMULATE_HEADER, "").strip().lower() == "maintenance":
            raise ApiError(None, 503, "Service Unavailable")

    def authenticate(self, request) -> Principal:
        key = request.headers.get("x-api-key", "").strip()
        if key in _FIXTURES:
            name, perms = _FIXTURES[key]
            return Principal(key=key, tenant=key, permissions=perms, name=name)
        if _MINTED.match(key):
            name = next((n for n, k in CREDENTIALS.items() if k == key), "minted")
            return Principal(key=key, tenant=key, permissions=_ALL, name=name)
        raise ApiError(UNAUTHORIZED, 401, "You must be authenticated to access this endpoint.")

    def forbidden(self, ctx: Ctx, op: Operation) -> ApiError:
        return ApiError(FORBIDDEN, 403, f"You are missing the required permission: '{op.permission}' "
                                        "to access this endpoint.")

    def rate_limited(self, decision, ctx: Ctx) -> ApiError:
        return ApiError(RATE_LIMITED, 429, f"Rate limit exceeded. Please retry in {decision.retry_after} seconds",
                        headers={"Retry-After": str(decision.retry_after)})

    def missing_idempotency_key(self, ctx: Ctx) -> ApiError:
        return ApiError(MISSING_KEY, 400, f"The {IDEMPOTENCY_HEADER} header is required for this request.")

    def idempotency_reused(self, key: str, ctx: Ctx) -> ApiError:
        return ApiError(REUSED_KEY, 409, f"The {IDEMPOTENCY_HEADER} header value '{key}' has already been "
                                         "used in the last 900 seconds")

    idempotency_in_use = idempotency_reused
    idempotency_conflict = idempotency_reused

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        messages = {
            "malformed": f"The request body is not valid JSON: {exc.detail}.",
            "not_object": f"The request body must be a JSON object ({exc.detail}).",
            "content_type": "The request body must be JSON (Content-Type: application/json).",
            "empty": "A request body is required.",
        }
        return validation(verr("body", messages[exc.kind], exc.raw))

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        req = ctx.request
        return ApiError(FORBIDDEN, 403, "You are missing the required permission to access this endpoint: "
                                        f"no operation '{req.method} {req.url.path}' is available to your API key.")

    def internal_error(self, exc, ctx: Ctx) -> ApiError:
        return ApiError(INTERNAL, 500, "An internal server error has occurred.")

    # ---- OpenAPI ----
    def openapi(self) -> dict:
        from .._machinery.openapi import build_document
        doc = build_document(
            self,
            security_scheme={"type": "apiKey", "in": "header", "name": "X-API-KEY"},
            success_wrapper=lambda s: {"type": "object", "required": ["data"], "properties": {"data": s}})
        doc["info"]["description"] += (
            f" Sandbox simulation: the request header '{SIMULATE_HEADER}: maintenance' answers 503 "
            "with no body on any route (not declared as a parameter so that generated requests do not "
            "trigger it).")
        doc["components"]["schemas"]["ValidationError"] = {
            "type": "object", "required": ["property", "message", "attemptedValue"],
            "properties": {"property": {"type": "string"}, "message": {"type": "string"},
                           "attemptedValue": {"nullable": True}}}
        return doc

    def openapi_error_response(self, status: int) -> dict:
        header = {"X-Correlation-Id": {"description": "ULID of the request",
                                       "schema": {"type": "string", "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"}}}
        if status == 503:
            return {"description": "Service Unavailable (no response body)", "headers": header}
        codes = CODES_BY_STATUS[status]
        inner = {"type": "object", "required": ["status", "code", "message"],
                 "properties": {"status": {"type": "integer", "enum": [status]},
                                "code": {"type": "string", "enum": list(codes)},
                                "message": {"type": "string"}}}
        if status == 400:
            inner["properties"]["validationErrors"] = {
                "type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}
        headers = dict(header)
        if status == 429:
            headers["Retry-After"] = {"description": "seconds", "required": True,
                                      "schema": {"type": "integer", "minimum": 0}}
        from .._machinery.openapi import REASONS
        return {"description": REASONS.get(status, "Error"), "headers": headers,
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error"], "properties": {"error": inner}}}}}

    # ---- operations ----
    def operations(self) -> list[Operation]:
        return routes.operations(self)
