"""An ASGI or WSGI application as the target, in this process, without a socket (``--app``).

``AppPool`` stands where the transport's connection pool stands: it takes the request the
transport built (httpcore) and hands it to the app through httpx's ``ASGITransport`` or
``WSGITransport``, so every rule of ``Transport.send`` (deadline, body cap, budget, pacing,
no redirects) holds as it does over a socket. An exception the app raises becomes the 500
a server would answer (``raise_app_exceptions=False``), judged like any other answer.
ASGI lifespan events are not sent (as ``httpx.ASGITransport``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import inspect
import threading

import httpcore
import httpx

# The origin of in-process requests (as Starlette's TestClient): never resolved or contacted.
APP_BASE_URL = "http://testserver"


class AppSpecError(ValueError):
    """``--app`` does not name an importable ASGI or WSGI application."""


def load_app(spec: str):
    """``module:attr`` (an app object) or ``module:factory()`` (called with no arguments)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise AppSpecError(f"--app {spec}: expected module:attribute (or module:factory())")
    call = attr.endswith("()")
    attr = attr.removesuffix("()")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AppSpecError(f"--app {spec}: cannot import {module_name}: {exc}") from None
    app = module
    for part in attr.split("."):
        app = getattr(app, part, None)
        if app is None:
            raise AppSpecError(f"--app {spec}: {module_name} has no attribute {attr}")
    if call:
        app = app()
    if not callable(app):
        raise AppSpecError(f"--app {spec}: {attr} is not an ASGI or WSGI application")
    return app


def is_asgi(app) -> bool:
    """ASGI applications are coroutine functions of (scope, receive, send); WSGI ones are plain callables."""
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(getattr(app, "__call__", None))


class AppPool:
    """``handle_request(httpcore.Request) -> httpcore.Response`` against an app in this process."""

    def __init__(self, app):
        self.asgi = is_asgi(app)
        if self.asgi:
            self._transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="conformance-asgi", daemon=True)
            self._thread.start()
        else:
            self._transport = httpx.WSGITransport(app=app, raise_app_exceptions=False)

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url
        built = httpx.Request(
            request.method.decode("ascii"),
            httpx.URL(scheme=url.scheme.decode("ascii"), host=url.host.decode("ascii"), port=url.port,
                      raw_path=url.target),
            headers=request.headers,
            content=b"".join(request.stream),
        )
        timeout = (request.extensions.get("timeout") or {}).get("read")
        if self.asgi:
            future = asyncio.run_coroutine_threadsafe(self._call_asgi(built), self._loop)
            try:
                status, headers, body = future.result(timeout)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise httpcore.ReadTimeout("the app did not answer in time") from None
        else:
            response = self._transport.handle_request(built)
            status, headers, body = response.status_code, response.headers.raw, b"".join(response.stream)
        return httpcore.Response(status, headers=headers, content=body)

    async def _call_asgi(self, request: httpx.Request):
        response = await self._transport.handle_async_request(request)
        body = b"".join([chunk async for chunk in response.stream])  # raw: the transport decodes
        return response.status_code, response.headers.raw, body

    def close(self) -> None:
        if self.asgi and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()
