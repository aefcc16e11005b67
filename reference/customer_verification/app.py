"""The Customer Verification API definition: API key or JWT authentication, the seed's (003)
codes for permissions, rate limit, idempotency, bodies and unknown routes, OpenAPI."""
from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import time
from typing import Any

from starlette.requests import Request

from .._machinery import ApiDefinition, ApiError, Ctx, IdempotencyConfig, Operation, Principal, RateLimitConfig
from .._machinery.body import BodyError
from . import routes
from .auth import _FIXTURE_SCOPES, _KEY, _READ_WRITE, _SECRET, CREDENTIALS, FixturePrincipal, _b64url_decode
from .checks import CustomerVerificationEnvelope, error
from .codes import (AUTH_FAILED, CODES_BY_STATUS, CONFLICT, FORBIDDEN, INTERNAL, NAME, NOT_FOUND,
                    RATE_LIMITED, TOKEN_EXPIRED, VALIDATION)
from .faults import FAULTS
from .handlers import Handlers


# ---- the API ---------------------------------------------------------------------------
class CustomerVerification(Handlers, ApiDefinition):
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
    faults = FAULTS  # the declared table in faults.py

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
        from .._machinery.openapi import build_document
        return build_document(self, security_scheme={"type": "http", "scheme": "bearer",
                                                     "description": "API key or JWT token"})

    def openapi_error_response(self, status: int) -> dict:
        from .._machinery.openapi import REASONS
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
        return routes.operations(self)
