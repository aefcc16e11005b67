"""The Falu API definition: configuration of the shared machinery (rate limit, idempotency,
envelope, faults) and the hooks where Falu differs from its defaults, in Falu's check order:
authentication (401) -> rate limit (429, before the idempotency layer) -> scope of temporary
keys (403) -> workspace state (400 ``invalid_workspace_state``) -> ``X-Falu-Version`` (400
validation) -> idempotency key -> body and fields -> lookups -> state. Codes and statuses as
https://docs.falu.io/error-codes gives them; framework answers as ASP.NET Core's defaults.
"""
from __future__ import annotations

from .._machinery import (ApiDefinition, ApiError, Ctx, IdempotencyConfig, Operation, Principal,
                          RateLimitConfig)
from .._machinery.body import BodyError
from .constants import (API_VERSION, IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY, INTERNAL_ERROR,
                        METHOD_NOT_ALLOWED, NAME, NOT_FOUND, UNSUPPORTED_MEDIA)
from .credentials import CREDENTIALS, TEMPORARY_KEY_OPERATIONS
from .credentials import authenticate as authenticate_key
from .faults import FAULTS
from .openapi import document, error_response
from .operations import build_operations
from .problems import FaluEnvelope, TraceIdMiddleware, invalid, problem


class Falu(ApiDefinition):
    name = NAME
    title = "Falu API (reference)"
    version = API_VERSION
    envelope = FaluEnvelope()
    request_id_header = "X-Request-Id"
    # no public figure: a burst with a fresh key hits 429 after ~100 requests
    rate_limit = RateLimitConfig(capacity=100, refill_tokens=100, refill_seconds=10,
                                 env_prefix="REFERENCE_FALU")
    idempotency = IdempotencyConfig(header=IDEMPOTENCY_HEADER, required=False, window=24 * 3600,
                                    policy="replay")
    strict_content_type = False
    authenticate_unknown_routes = True
    common_error_statuses = (401, 403, 429)
    credentials = CREDENTIALS
    faults = FAULTS

    # ---- hooks ----
    def authenticate(self, request) -> Principal:
        return authenticate_key(request)

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
        return ApiError(INTERNAL_ERROR, 500, "")

    def render_error(self, err: ApiError, ctx: Ctx):
        f = ctx.fault
        # validation problems have no detail; the leak faults need one to put their text into
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
        return document(self)

    def openapi_error_response(self, status: int) -> dict:
        return error_response(status)

    # ---- operations ----
    def operations(self) -> list[Operation]:
        # built once per API: the app and the OpenAPI document read the same operations
        if getattr(self, "_ops", None) is None:
            self._ops = build_operations()
        return self._ops
