"""The Flireo API definition: Bearer keys, the seed's (001) codes for auth, rate limit, bodies
and unknown routes, per-app state (numbers, credits, call-control budget), OpenAPI."""
from __future__ import annotations

import threading

from .._machinery import ApiDefinition, ApiError, Ctx, Operation, Principal, RateLimitConfig
from .._machinery.body import BodyError
from .._machinery.ratelimit import RateLimiter
from . import routes
from .checks import FlireoEnvelope, error
from .codes import (_KEY, _STARTING_CREDITS, CODES_BY_STATUS, CONTROL_LIMIT, CONTROL_WINDOW, CREDENTIALS,
                    CREDITS, INTERNAL, NAME, TYPE_OF, FixturePrincipal)
from .faults import FAULTS
from .handlers import Handlers


# ---- the API ---------------------------------------------------------------------------
class Flireo(Handlers, ApiDefinition):
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
    faults = FAULTS  # the declared table in faults.py

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
        from .._machinery.openapi import build_document
        return build_document(self, security_scheme={"type": "http", "scheme": "bearer"})

    def openapi_error_response(self, status: int) -> dict:
        from .._machinery.openapi import REASONS
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
        return routes.operations(self)
