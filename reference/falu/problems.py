"""Falu's error envelope: RFC 9457 problem details as the "Error codes" page shows them
(https://docs.falu.io/error-codes): ``type`` = ``https://docs.falu.io/error-codes#<code>``,
``title`` = the code, ``status``, ``detail``, ``instance``, ``traceId``, and ``errors``
(member -> [messages]) on validation problems. 401, 403 and 429 carry no body.

Also the ``X-Trace-Id`` header (W3C trace context id) that every response carries and error
bodies repeat as ``traceId``, and the two ways handlers raise problems.
"""
from __future__ import annotations

import secrets
from typing import Any

from .._machinery import ApiError, Ctx, Envelope
from .constants import DOCS, FRAMEWORK_TYPES, VALIDATION


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


def problem(code: str, detail: str, status: int = 400) -> ApiError:
    """One of Falu's own codes (400 unless the spec says otherwise, as 410 for file_expired)."""
    return ApiError(code, status, detail)


def invalid(errors: dict[str, list[str]]) -> ApiError:
    """The framework's validation problem: 400 with ``errors`` and no detail."""
    return ApiError(VALIDATION, 400, "", errors=errors)


class Errors(dict):
    """member -> [messages], ASP.NET ModelState style."""

    def add(self, member: str, message: str) -> None:
        self.setdefault(member, []).append(message)

    def raise_if(self) -> None:
        if self:
            raise invalid(dict(self))
