"""ApiDefinition: turns an API's operations + hooks into a Starlette app.

Request pipeline for every declared operation (each step may raise :class:`ApiError`, which
the API's :class:`Envelope` renders, after the active fault has had its say):

1. request id generated (``request_id_header`` on every response, via middleware)
2. ``pre_auth(ctx)`` hook (e.g. sandbox simulation headers)
3. ``authenticate(request) -> Principal`` (skipped for ``Operation(authenticated=False)``)
4. rate limit: one token bucket per ``principal.rate_key`` -> ``rate_limited(decision)``
5. ``authorize(principal, op)`` -> e.g. ``forbidden``
6. idempotency for side-effecting operations (see :mod:`.idempotency`)
7. ``op.handler(ctx)`` -> a Response (use ``ctx.ok(data)``); ``await ctx.json()`` parses the body
   and maps :class:`BodyError` through ``body_error``; unexpected exceptions -> ``internal_error``.

Unknown routes / methods go through ``route_not_found`` (after authentication when
``authenticate_unknown_routes``).
"""
from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from . import faults as faults_mod
from .body import BodyError, dumps, parse_json
from .envelope import Envelope, del_path, get_path, set_path
from .errors import ApiError, HtmlCrash
from .faults import Fault
from .idempotency import IdempotencyConfig, IdempotencyStore, fingerprint
from .ids import ulid
from .ratelimit import Decision, RateLimitConfig, RateLimiter
from .store import Store

OMIT_REQUEST_ID = "x-reference-omit-request-id"
SIDE_EFFECT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Principal:
    key: str
    tenant: str
    permissions: frozenset[str] = frozenset({"*"})
    name: str = "minted"  # fixture name, or "minted"
    attrs: dict = field(default_factory=dict)

    @property
    def rate_key(self) -> str:
        return self.key

    def allows(self, permission: str | None) -> bool:
        if permission is None or "*" in self.permissions or permission in self.permissions:
            return True
        verb = permission.split(":", 1)[0]
        return f"{verb}:*" in self.permissions


@dataclass
class Operation:
    method: str
    path: str
    handler: Callable[["Ctx"], Awaitable[Response]]
    operation_id: str
    summary: str = ""
    permission: str | None = None
    side_effects: bool | None = None  # default: POST/PUT/PATCH/DELETE
    authenticated: bool = True
    request_schema: dict | None = None
    response_schema: dict | None = None
    success_status: int = 200
    errors: tuple[int, ...] = ()  # extra error statuses for the OpenAPI document
    path_schemas: dict[str, dict] = field(default_factory=dict)  # OpenAPI schema per path param

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        if self.side_effects is None:
            self.side_effects = self.method in SIDE_EFFECT_METHODS


class Ctx:
    """Per-request context handed to handlers."""

    def __init__(self, api: "ApiDefinition", app_state: "AppState", request: Request,
                 op: Operation | None) -> None:
        self.api = api
        self.state = app_state
        self.request = request
        self.op = op
        self.principal: Principal | None = None
        self.request_id: str = request.scope.get("state", {}).get("request_id") or api.new_request_id()

    @property
    def fault(self) -> Fault | None:
        return self.state.fault

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def tenant(self) -> str:
        return self.principal.tenant if self.principal else "anonymous"

    @property
    def path_params(self) -> dict[str, str]:
        return self.request.path_params

    @property
    def skip_validation(self) -> bool:
        """True under ``accept-invalid`` for the affected operations: handlers skip field checks."""
        f = self.fault
        return bool(f and f.kind == "accept-invalid" and self.op is not None
                     and (f.operations is None or self.op.operation_id in f.operations))

    async def json(self, *, require_object: bool = True) -> Any:
        raw = await self.request.body()
        try:
            return parse_json(raw, self.request.headers.get("content-type"),
                              require_object=require_object,
                              strict_content_type=self.api.strict_content_type)
        except BodyError as exc:
            if exc.kind == "malformed" and self.fault is not None and self.fault.kind == "html-500":
                raise HtmlCrash(exc.detail) from exc
            raise self.api.body_error(exc, self) from None

    def ok(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = self.api.envelope.success(data)
        return Response(dumps(body), status_code=status, headers=headers, media_type="application/json")


class AppState:
    """Everything mutable belonging to one running app instance."""

    def __init__(self, api: "ApiDefinition", fault: Fault | None) -> None:
        self.fault = fault
        self.store = Store()
        self.limiter = RateLimiter(api.rate_limit) if api.rate_limit else None
        self.idempotency = IdempotencyStore(api.idempotency.window) if api.idempotency else None
        self.extra: dict[str, Any] = {}


class RequestIdMiddleware:
    """Pure-ASGI middleware: one request id per request, echoed in ``header`` on every response."""

    def __init__(self, app, header: str | None, factory: Callable[[], str]) -> None:
        self.app = app
        self.header = header.lower().encode() if header else None
        self.factory = factory

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = self.factory()
        scope.setdefault("state", {})["request_id"] = rid

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                omit = any(k.lower() == OMIT_REQUEST_ID.encode() for k, _ in headers)
                headers = [(k, v) for k, v in headers if k.lower() != OMIT_REQUEST_ID.encode()]
                if self.header and not omit and not any(k.lower() == self.header for k, _ in headers):
                    headers.append((self.header, rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


class ApiDefinition:
    """Base class of every reference API. Subclass, set the attributes, override the hooks."""

    name: str = "api"
    title: str = "API"
    version: str = "1.0.0"
    envelope: Envelope = Envelope()
    request_id_header: str | None = "X-Request-Id"
    rate_limit: RateLimitConfig | None = None
    idempotency: IdempotencyConfig | None = None
    faults: dict[str, Fault] = {}
    strict_content_type: bool = False
    authenticate_unknown_routes: bool = True
    #: statuses every authenticated operation may answer (for the OpenAPI document)
    common_error_statuses: tuple[int, ...] = (401, 429, 500)

    # ---- identity -------------------------------------------------------------------
    def new_request_id(self) -> str:
        return "req_" + ulid()

    # ---- hooks (override) -----------------------------------------------------------
    def operations(self) -> list[Operation]:
        raise NotImplementedError

    def pre_auth(self, ctx: Ctx) -> None:
        """Runs before authentication (e.g. sandbox simulation headers)."""

    def authenticate(self, request: Request) -> Principal:
        raise NotImplementedError

    def authorize(self, ctx: Ctx, op: Operation) -> None:
        if not ctx.principal.allows(op.permission):
            raise self.forbidden(ctx, op)

    def forbidden(self, ctx: Ctx, op: Operation) -> ApiError:
        return ApiError("forbidden", 403, f"missing permission {op.permission!r}")

    def rate_limited(self, decision: Decision, ctx: Ctx) -> ApiError:
        return ApiError("rate_limited", 429, "rate limit exceeded",
                        headers={"Retry-After": str(decision.retry_after)})

    def missing_idempotency_key(self, ctx: Ctx) -> ApiError:
        return ApiError("idempotency_key_missing", 400, "idempotency key required")

    def validate_idempotency_key(self, key: str, ctx: Ctx) -> ApiError | None:
        return None

    def idempotency_conflict(self, key: str, ctx: Ctx) -> ApiError:
        return ApiError("idempotency_conflict", 409, "key reused with a different request")

    def idempotency_in_use(self, key: str, ctx: Ctx) -> ApiError:
        return ApiError("idempotency_in_use", 409, "key in use by a concurrent request")

    def idempotency_reused(self, key: str, ctx: Ctx) -> ApiError:
        return ApiError("idempotency_reused", 409, "key already used")

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        return ApiError("invalid_body", 400, exc.detail)

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        return ApiError("not_found", 405 if method_not_allowed else 404, "no such route")

    def internal_error(self, exc: BaseException | None, ctx: Ctx) -> ApiError:
        return ApiError("internal_error", 500, "internal server error")

    def openapi(self) -> dict:
        from .openapi import build_document
        return build_document(self)

    def openapi_error_response(self, status: int) -> dict:
        """OpenAPI response object for an error status (override to give the envelope schema)."""
        return {"description": f"error {status}"}

    # ---- credentials ----------------------------------------------------------------
    #: fixture name -> key; override in subclasses
    credentials: dict[str, str] = {}

    def mint_key(self) -> str:
        raise NotImplementedError

    # ---- fault application ----------------------------------------------------------
    def render_error(self, err: ApiError, ctx: Ctx) -> Response:
        f = ctx.fault
        hit = f is not None and f.matches(err.code, err.status)
        if hit and f.kind in ("wrong-status", "code-case", "unknown-code"):
            if f.kind == "wrong-status":
                err = err.clone(status=int(f.param))
            else:
                err = err.clone(code=f.param)
        env = self.envelope
        body = env.body(err, ctx)
        headers = env.headers(err, ctx)
        media = env.media_type_for(err)
        if hit and body is not None:
            if f.kind == "missing-member":
                for path in (f.param or env.required_paths[:1]):
                    del_path(body, tuple(path))
            elif f.kind == "missing-detail-member":
                for path in env.detail_paths:
                    del_path(body, path)
            elif f.kind == "body-status-mismatch" and env.status_path:
                wrong = f.param if f.param is not None else (422 if err.status == 400 else 400)
                set_path(body, env.status_path, wrong)
            elif f.kind == "stack-trace" and env.message_path:
                msg = get_path(body, env.message_path) or ""
                trace = err.extras.get("traceback") or faults_mod.FAKE_TRACEBACK
                set_path(body, env.message_path, f"{msg}\n{trace.rstrip()}")
            elif f.kind == "sql-leak" and env.message_path:
                msg = get_path(body, env.message_path) or ""
                set_path(body, env.message_path, f"{msg}: {faults_mod.FAKE_SQL_ERROR}" if msg else faults_mod.FAKE_SQL_ERROR)
            elif f.kind == "wrong-media-type":
                media = f.param or "text/plain"
        if hit and f.kind == "missing-header":
            drop = {h.lower() for h in (f.param or ())}
            headers = {k: v for k, v in headers.items() if k.lower() not in drop}
            if self.request_id_header and self.request_id_header.lower() in drop:
                headers[OMIT_REQUEST_ID] = "1"
        if body is None:
            return Response(b"", status_code=err.status, headers=headers)
        return Response(dumps(body), status_code=err.status, headers=headers, media_type=media)

    def render_html_500(self, ctx: Ctx) -> Response:
        return HTMLResponse(faults_mod.HTML_500_PAGE, status_code=500)

    # ---- app ------------------------------------------------------------------------
    async def _run(self, ctx: Ctx, fn: Callable[[], Awaitable[Response]]) -> Response:
        try:
            return await fn()
        except ApiError as err:
            return self.render_error(err, ctx)
        except HtmlCrash:
            return self.render_html_500(ctx)
        except Exception as exc:  # noqa: BLE001 - the server must answer with its envelope
            err = self.internal_error(exc, ctx)
            err.extras.setdefault("traceback", traceback.format_exc())
            return self.render_error(err, ctx)

    async def _dispatch(self, ctx: Ctx, op: Operation) -> Response:
        st = ctx.state
        self.pre_auth(ctx)
        if op.authenticated:
            ctx.principal = self.authenticate(ctx.request)
            if st.limiter is not None:
                decision = st.limiter.hit(ctx.principal.rate_key)
                if not decision.allowed:
                    raise self.rate_limited(decision, ctx)
            self.authorize(ctx, op)
        cfg = self.idempotency
        if not (op.side_effects and cfg is not None and st.idempotency is not None):
            return await op.handler(ctx)
        key = ctx.request.headers.get(cfg.header)
        if key is None or not key.strip():
            if cfg.required:
                raise self.missing_idempotency_key(ctx)
            return await op.handler(ctx)
        invalid = self.validate_idempotency_key(key, ctx)
        if invalid is not None:
            raise invalid
        raw = await ctx.request.body()
        fp = fingerprint(op.method, ctx.request.url.path, raw)
        state, entry = st.idempotency.begin(ctx.tenant, key, fp)
        if state == IdempotencyStore.IN_FLIGHT:
            raise self.idempotency_in_use(key, ctx)
        if state == IdempotencyStore.DONE:
            same = entry.fingerprint == fp
            if same and ctx.fault is not None and ctx.fault.kind == "replay-ignored":
                return await self._run(ctx, lambda: op.handler(ctx))  # processed again as new
            if cfg.policy == "reject":
                raise self.idempotency_reused(key, ctx)
            if not same:
                raise self.idempotency_conflict(key, ctx)
            headers = dict(entry.headers)
            if cfg.replay_header:
                headers[cfg.replay_header[0]] = cfg.replay_header[1]
            return Response(entry.body, status_code=entry.status, headers=headers,
                            media_type=entry.media_type)
        response = await self._run(ctx, lambda: op.handler(ctx))
        lo, hi = cfg.save_statuses
        if lo <= response.status_code <= hi:
            media = response.headers.get("content-type")
            keep = {k: v for k, v in response.headers.items()
                    if k.lower() not in ("content-type", "content-length")}
            st.idempotency.complete(ctx.tenant, key, entry, response.status_code, response.body,
                                    media, keep)
        else:
            st.idempotency.release(ctx.tenant, key, entry)
        return response

    def _endpoint(self, op: Operation, app_state: AppState):
        async def endpoint(request: Request) -> Response:
            ctx = Ctx(self, app_state, request, op)
            return await self._run(ctx, lambda: self._dispatch(ctx, op))
        endpoint.__name__ = op.operation_id
        return endpoint

    def build_app(self, *, fault: str | None = None) -> Starlette:
        """A fresh app (own store, limiter and idempotency memory), optionally with a fault."""
        faults_mod.check_declared(self.name, self.faults)
        active = faults_mod.resolve(self.name, self.faults, fault)
        app_state = AppState(self, active)
        spec_cache: dict[str, bytes] = {}

        async def openapi_endpoint(request: Request) -> Response:
            if "doc" not in spec_cache:
                spec_cache["doc"] = json.dumps(self.openapi(), ensure_ascii=False).encode()
            return Response(spec_cache["doc"], media_type="application/json")

        routes = [Route("/openapi.json", openapi_endpoint, methods=["GET"])]
        by_path: dict[str, list[Operation]] = {}
        for op in self.operations():
            by_path.setdefault(op.path, []).append(op)
        for path, ops in by_path.items():
            handlers = {op.method: self._endpoint(op, app_state) for op in ops}

            def make(handlers=handlers):
                async def multiplex(request: Request) -> Response:
                    return await (handlers.get(request.method) or handlers["GET"])(request)
                return multiplex
            routes.append(Route(path, make(), methods=list(handlers)))

        async def not_found(request: Request, exc: Exception) -> Response:
            ctx = Ctx(self, app_state, request, None)
            method_not_allowed = getattr(exc, "status_code", 404) == 405

            async def go() -> Response:
                self.pre_auth(ctx)
                if self.authenticate_unknown_routes:
                    ctx.principal = self.authenticate(request)
                raise self.route_not_found(ctx, method_not_allowed)
            return await self._run(ctx, go)

        async def server_error(request: Request, exc: Exception) -> Response:
            ctx = Ctx(self, app_state, request, None)
            return self.render_error(self.internal_error(exc, ctx), ctx)

        app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found,
                                                           500: server_error})
        app.add_middleware(RequestIdMiddleware, header=self.request_id_header,
                           factory=self.new_request_id)
        app.state.reference = app_state
        app.state.api = self
        return app

    def fault_infos(self):
        return faults_mod.describe(self.name, self.faults)
