"""Sending requests to the API under test, safely.

Whatever the target does, a call to ``Transport.send`` returns an ``Exchange``: a broken
connection, a timeout, a body past the size cap or a redirect become data that the
verdict engine judges, never an exception that crashes the suite.

The guarantees, each against a hostile server:

- one deadline per request, body included: every socket operation waits at most what is
  left of ``timeout`` (a server dripping its headers or body a byte a second cannot hold a
  request longer than ``timeout``);
- bodies are read up to ``max_body`` bytes *after* decoding: a gzip bomb is inflated
  incrementally and stops at the cap, a 50 GB body is never read past it;
- redirects are never followed, proxies from the environment are never used: the only
  host contacted is the one in the request URL;
- credentials never appear in the ``repr`` of a request or an exchange.

It is built on httpcore (httpx's connection layer) directly, so that no client-level
behaviour (redirects, cookies, automatic decompression, ``trust_env``) can creep in.
"""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass, field

import httpcore
import httpx

from . import secrets
from .failures import BudgetExhausted
from .ledger import Ledger, LocalLedger

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY = 1 << 20  # 1 MiB: error bodies are small; more is a symptom, not data
CONNECT_TIMEOUT = 5.0
USER_AGENT = f"conformance-suite (python-httpx/{httpx.__version__})"
# Only what the transport can decode incrementally under the cap (RFC 9110 section 12.5.3).
ACCEPT_ENCODING = "gzip, deflate"
_SENSITIVE = {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"}


@dataclass
class OutgoingRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None

    def __repr__(self) -> str:
        # Never the credential, whatever prints this (--showlocals, a debugger, a log line).
        headers = {
            name: (secrets.REDACTED if name.lower() in _SENSITIVE else secrets.redact(value))
            for name, value in self.headers.items()
        }
        content = None if self.content is None else secrets.redact_bytes(self.content[:200])
        return f"OutgoingRequest(method={self.method!r}, url={secrets.redact(self.url)!r}, headers={headers!r}, content={content!r})"


@dataclass
class Exchange:
    """One request and what came back (or why nothing usable did)."""

    request: OutgoingRequest
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    truncated: bool = False
    error: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def is_error(self) -> bool:
        return self.status is not None and self.status >= 400

    @property
    def media_type(self) -> str | None:
        value = self.headers.get("content-type")
        return value.split(";", 1)[0].strip().lower() if value else None

    def __repr__(self) -> str:
        body = secrets.redact_bytes(self.body[:200])
        return (
            f"Exchange(request={self.request!r}, status={self.status!r}, body={body!r}"
            f"{'...' if len(self.body) > 200 else ''}, truncated={self.truncated}, error={secrets.redact(self.error or '') or None!r})"
        )


class Pacer:
    """Spaces requests so that no more than ``max_rps`` start per second (0 = unlimited):
    in this process, or with a shared ``ledger`` across every process of the run."""

    def __init__(self, max_rps: float = 0.0, ledger: Ledger | None = None):
        self.interval = 1.0 / max_rps if max_rps > 0 else 0.0
        self.ledger = ledger or LocalLedger()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.ledger.slot(self.interval) - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class Budget:
    """Counts requests and stops the run at ``limit`` (0 = unlimited): in this process, or
    with a shared ``ledger`` across every process of the run."""

    def __init__(self, limit: int = 0, ledger: Ledger | None = None):
        self.limit = limit
        self.ledger = ledger or LocalLedger()

    def take(self) -> None:
        if self.limit and not self.ledger.take(self.limit):
            raise BudgetExhausted(f"--max-requests {self.limit} reached; the run stops here")


# -- the deadline: every socket operation waits at most what is left of the request's time --


class _Deadline(threading.local):
    at: float | None = None

    def bound(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.at is None:
            return timeout
        left = self.at - time.monotonic()
        if left <= 0:
            raise error("request deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline):
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(ssl_context, server_hostname, self._deadline.bound(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline):
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = self._deadline.bound(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover - never used
        raise httpcore.ConnectError("unix sockets are not a target")

    def sleep(self, seconds: float) -> None:  # pragma: no cover
        time.sleep(seconds)


# -- bounded decoding -------------------------------------------------------------------


class _Decoder:
    """Content-Encoding gzip/deflate inflated incrementally, never more than ``room`` bytes at once."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        # 47 = 32 + 15: accept a gzip or a zlib header; deflate may also come raw (no header).
        self._inflater = zlib.decompressobj(47)
        self._started = False

    def feed(self, data: bytes, room: int) -> tuple[bytes, bool]:
        """Inflate ``data``; return (output, over) where over means more than ``room`` bytes."""
        if not self._started and data:
            self._started = True
            try:
                return self._feed(data, room)
            except zlib.error:
                if self.encoding != "deflate":
                    raise
                self._inflater = zlib.decompressobj(-15)
        return self._feed(data, room)

    def _feed(self, data: bytes, room: int) -> tuple[bytes, bool]:
        out = []
        size = 0
        while data and not self._inflater.eof:
            chunk = self._inflater.decompress(data, room - size + 1)
            out.append(chunk)
            size += len(chunk)
            if size > room:
                return b"".join(out), True
            data = self._inflater.unconsumed_tail
        return b"".join(out), False

    @property
    def complete(self) -> bool:
        return self._inflater.eof or not self._started


def _decoder_for(value: str | None) -> _Decoder | None | str:
    """A decoder, None (identity), or the name of an encoding that stays undecoded."""
    codings = [part.strip().lower() for part in (value or "").split(",") if part.strip() and part.strip().lower() != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Decoder(codings[0])
    return ", ".join(codings)


class Transport:
    """An HTTP/1.1 client with a size cap, an overall deadline per request, pacing and a budget."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_body: int = DEFAULT_MAX_BODY,
        pacer: Pacer | None = None,
        budget: Budget | None = None,
        observers: list | None = None,
        app=None,
    ):
        self.timeout = timeout
        self.max_body = max_body
        self.pacer = pacer or Pacer()
        self.budget = budget or Budget()
        self.observers = observers if observers is not None else []
        self.sent = 0  # requests sent through this transport (what a gate costs the target)
        self._sent_lock = threading.Lock()
        self._deadline = _Deadline()
        # No ssl_context: httpcore builds its default one only when an https:// target needs
        # it, which spares every http:// run (the embedded APIs) a costly context per Transport.
        if app is not None:  # an ASGI/WSGI app in this process (--app): no socket
            from .inprocess import AppPool

            self._pool = AppPool(app)
        else:
            self._pool = httpcore.ConnectionPool(
                max_connections=32,
                max_keepalive_connections=16,
                network_backend=_DeadlineBackend(self._deadline),
            )

    @property
    def in_process(self) -> bool:
        """Requests go to an app in this process (--app), not over a socket."""
        return not isinstance(self._pool, httpcore.ConnectionPool)

    def close(self) -> None:
        self._pool.close()

    def send(self, request: OutgoingRequest, *, max_body: int | None = None) -> Exchange:
        """Send ``request`` (``max_body`` raises the body cap for this one request, as an API
        description needs; every other guarantee holds as for any request)."""
        self.budget.take()
        self.pacer.wait()
        with self._sent_lock:
            self.sent += 1
        exchange = Exchange(request=request)
        started = time.monotonic()
        self._deadline.at = started + self.timeout
        try:
            self._exchange(request, exchange, self.max_body if max_body is None else max_body)
        except httpcore.TimeoutException as exc:
            reading = "body not complete" if exchange.status is not None else "no answer"
            exchange.error = f"{reading} after {self.timeout:g} s ({type(exc).__name__})"
        except Exception as exc:  # noqa: BLE001 - whatever the server does is data, not a crash
            exchange.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        finally:
            self._deadline.at = None
        exchange.elapsed = time.monotonic() - started
        for observer in self.observers:
            observer(exchange)
        return exchange

    def _exchange(self, request: OutgoingRequest, exchange: Exchange, max_body: int) -> None:
        url = httpx.URL(request.url)
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
        # Header values go out as their Latin-1 bytes (RFC 9110 5.5 obs-text).
        headers = [(name, value.encode("latin-1", "replace")) for name, value in request.headers.items()]
        built = httpx.Request(request.method, url, headers=headers, content=request.content)
        present = {name.lower() for name in built.headers.keys()}
        for name, value in (("Accept", "*/*"), ("Accept-Encoding", ACCEPT_ENCODING), ("User-Agent", USER_AGENT)):
            if name.lower() not in present:
                built.headers[name] = value
        core = httpcore.Request(
            request.method.encode("ascii", "replace"),
            httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=built.headers.raw,
            content=request.content or b"",
            extensions={"timeout": {"connect": min(self.timeout, CONNECT_TIMEOUT), "read": self.timeout, "write": self.timeout, "pool": self.timeout}},
        )
        response = self._pool.handle_request(core)
        try:
            exchange.status = response.status
            exchange.headers = httpx.Headers(response.headers)
            decoder = _decoder_for(exchange.headers.get("content-encoding"))
            chunks: list[bytes] = []
            size = 0
            try:
                for raw in response.iter_stream():
                    room = max_body - size
                    if isinstance(decoder, _Decoder):
                        data, over = decoder.feed(raw, room)
                    else:
                        data, over = raw, len(raw) > room
                    chunks.append(data[:room] if over else data)
                    size += min(len(data), room)
                    if over:
                        exchange.truncated = True
                        break
            finally:
                exchange.body = b"".join(chunks)  # what arrived before a timeout or reset, too
            if isinstance(decoder, _Decoder) and not exchange.truncated and not decoder.complete:
                exchange.error = f"Content-Encoding {decoder.encoding}: the compressed body ends early"
        finally:
            # An unfinished body closes the connection; nothing past the cap is ever read.
            connection = _http11_connection(response)
            poisoned = connection is not None and _has_trailing_data(connection)
            response.close()
            if poisoned:
                # Bytes past the announced body (a Content-Length shorter than the body) would
                # be read as the next request's answer: never reuse this connection (as curl).
                connection.close()


def _http11_connection(response: httpcore.Response):
    stream = getattr(response.stream, "_stream", None)  # the pool's wrapper around the connection's stream
    return getattr(stream, "_connection", None)


def _has_trailing_data(connection) -> bool:
    state = getattr(connection, "_h11_state", None)
    try:
        data, _closed = state.trailing_data
    except Exception:  # noqa: BLE001 - another httpcore layout: the pool's own checks still apply
        return False
    return bool(data)
