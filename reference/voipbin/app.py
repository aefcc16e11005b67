"""The VoIPbin API definition: bin-api-manager's authentication order (token cookie, query,
Bearer header, then access key), frozen accounts, per-customer rate limit, OpenAPI (seed 002)."""
from __future__ import annotations

import time

from .._machinery import ApiDefinition, ApiError, Ctx, Operation, Principal, RateLimitConfig
from .._machinery.body import BodyError
from . import routes
from .codes import (BASE, CANONICAL_STATUS, NAME, RECOVERY_ENDPOINT, LegacyError, VoipbinEnvelope,
                    err, translate)
from .checks import route_not_found
from .faults import FAULTS
from .handlers import Handlers
from .tokens import CREDENTIALS, now_iso, verify


# ---- the API --------------------------------------------------------------------------------
class Voipbin(Handlers, ApiDefinition):
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
    faults = FAULTS  # the declared table in faults.py

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
        from .._machinery.openapi import build_document
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
        from .._machinery.openapi import REASONS
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
        return routes.operations(self)
