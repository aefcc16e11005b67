"""A hostile HTTP server on loopback: one misbehaviour per path prefix.

``http://127.0.0.1:PORT/<mode>/...`` misbehaves as ``<mode>`` says, for every request but a
``GET`` without a key of the bare ``/<mode>``, ``/<mode>/`` or ``/<mode>/v1`` (the suite's reachability check of the base path, answered
200 so a run gets as far as its probes). Raw asyncio streams, so every byte on the wire is
the test's choice. Every request is recorded (server-side monotonic time, method, target,
headers) in ``server.requests``; every accepted connection in ``server.connections``.

    server = HostileServer().start()
    server.url("html")          # -> "http://127.0.0.1:PORT/html"
    server.stop()

Run by hand: ``python tests/hostile/hostile_server.py [PORT]``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
HUGE_SIZE = 60 * 1024 * 1024  # announced and streamed, never allocated
REDIRECT_AWAY = "http://198.51.100.7/v1/wallets"  # TEST-NET-2: must never be contacted
ECHO_PADS = (179, 279)  # an echoed "X-API-KEY: <key>" line across the 200- and 300-character preview cuts


def ulid() -> str:
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def envelope(status: int, code: str, message: str = "error", **extra) -> bytes:
    error = {"status": status, "code": code, "message": message, **extra}
    return json.dumps({"error": error}).encode()


def _gzip_bomb_parts(gigabytes: int = 4) -> tuple[bytes, bytes, int, bytes]:
    """A gzip stream inflating to ``gigabytes`` GiB of zeros, built cheaply: one 1 MiB block of
    zeros compressed once and flushed to a byte boundary with a fresh dictionary (so the
    ~1 KB segment can be repeated), then the final block and the trailer (CRC left 0: a
    client that checks it has already inflated gigabytes, which is the failure)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = deflater.compress(bytes(1 << 20)) + deflater.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    count = gigabytes * 1024
    trailer = final + struct.pack("<II", 0, (count << 20) & 0xFFFFFFFF)
    return header, segment, count, trailer


@dataclass
class Seen:
    at: float
    method: str
    target: str
    headers: dict[str, str]
    mode: str
    peer: tuple = ()


@dataclass
class HostileServer:
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[Seen] = field(default_factory=list)
    connections: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._lock = threading.Lock()
        self._kinds_seen: set[tuple[str, str]] = set()
        self._bomb = _gzip_bomb_parts()
        self._tasks: set[asyncio.Task] = set()

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> HostileServer:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, self.host, self.port))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            for task in list(self._tasks):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

        self._thread = threading.Thread(target=run, name="hostile-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return

        def shutdown() -> None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            self._loop.call_later(0.05, self._loop.stop)

        self._loop.call_soon_threadsafe(shutdown)
        self._thread.join(5)
        self._loop = None

    def url(self, mode: str = "") -> str:
        return f"http://{self.host}:{self.port}/{mode}".rstrip("/")

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.connections.clear()
            self._kinds_seen.clear()

    def seen(self, mode: str | None = None) -> list[Seen]:
        with self._lock:
            return [req for req in self.requests if mode is None or req.mode == mode]

    # -- connections ------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._tasks.add(asyncio.current_task())
        peer = writer.get_extra_info("peername") or ()
        with self._lock:
            self.connections.append(peer)
        try:
            while True:
                request = await self._read_request(reader, peer)
                if request is None:
                    break
                keep = await self._respond(request, writer)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(asyncio.current_task())
            if not writer.transport.is_closing():
                writer.close()

    async def _read_request(self, reader: asyncio.StreamReader, peer) -> Seen | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip()] = value.strip()
        length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0") or 0)
        if length:
            await reader.readexactly(length)
        path = target.split("?", 1)[0]
        mode = path.strip("/").split("/", 1)[0]
        seen = Seen(time.monotonic(), method, target, headers, mode, peer)
        with self._lock:
            self.requests.append(seen)
        return seen

    async def _send(self, writer, status: str, headers: list[tuple[str, str]], body: bytes = b"", *, length: int | None = None) -> None:
        head = [f"HTTP/1.1 {status}"]
        names = {name.lower() for name, _ in headers}
        if "x-correlation-id" not in names:
            head.append(f"X-Correlation-Id: {ulid()}")
        head += [f"{name}: {value}" for name, value in headers]
        if "content-length" not in names and "transfer-encoding" not in names and length is not False:
            head.append(f"Content-Length: {len(body) if length is None else length}")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()

    # -- the misbehaviours --------------------------------------------------------------

    async def _respond(self, req: Seen, writer: asyncio.StreamWriter) -> bool:
        """Answer ``req``; False closes the connection."""
        # The reachability check goes to the catalog's base path (flowbrite: /v1), unauthenticated.
        bare = req.target.split("?", 1)[0].rstrip("/") in (f"/{req.mode}", f"/{req.mode}/v1") and not any(
            name.lower() == "x-api-key" for name in req.headers)
        if bare and req.method == "GET":
            await self._send(writer, "200 OK", [("Content-Type", "application/json")], b'{"ok": true}')
            return True
        handler = getattr(self, "_mode_" + req.mode.replace("-", "_"), None)
        if handler is None:
            await self._send(writer, "404 Not Found", [("Content-Type", "text/plain")], b"no such hostile mode")
            return True
        return await handler(req, writer)

    async def _mode_always_200(self, req, writer) -> bool:
        body = {"data": {"id": "wal_" + ulid(), "object": "wallet", "name": "anything", "currency": "EUR"}}
        await self._send(writer, "200 OK", [("Content-Type", "application/json")], json.dumps(body).encode())
        return True

    async def _mode_html(self, req, writer) -> bool:
        page = b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>"
        await self._send(writer, "500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")], page)
        return True

    async def _mode_invalid_json(self, req, writer) -> bool:
        body = b"{'error': {'status': 400, 'code': 'api.common.validationFailed', message: nope,}}"
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], body)
        return True

    async def _mode_truncated(self, req, writer) -> bool:
        # Framed by connection close (RFC 9112 section 6.3 item 8): the framing is legal, the JSON is cut.
        body = envelope(400, "api.common.validationFailed", "x" * 40)[:45]
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json"), ("Connection", "close")], body, length=False)
        return False

    async def _mode_huge(self, req, writer) -> bool:
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], length=HUGE_SIZE)
        chunk = b" " * 65536
        for _ in range(HUGE_SIZE // len(chunk)):
            if writer.transport.is_closing():
                return False
            writer.write(chunk)
            await writer.drain()
        return True

    async def _mode_bad_utf8(self, req, writer) -> bool:
        body = b'{"error": {"status": 400, "code": "api.common.validationFailed", "message": "caf\xe9 \xff\xfe"}}'
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], body)
        return True

    async def _mode_deep_json(self, req, writer) -> bool:
        body = b"[" * 100_000 + b"]" * 100_000
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], body)
        return True

    async def _mode_drip(self, req, writer) -> bool:
        body = envelope(400, "api.common.validationFailed", "slow")
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], length=len(body))
        for byte in body:
            if writer.transport.is_closing():
                return False
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1)
        return True

    async def _mode_drip_headers(self, req, writer) -> bool:
        for byte in b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n":
            if writer.transport.is_closing():
                return False
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1)
        return False

    async def _mode_silent(self, req, writer) -> bool:
        await asyncio.sleep(3600)  # cancelled at stop; the client must give up first
        return False

    async def _mode_reset(self, req, writer) -> bool:
        body = envelope(400, "api.common.validationFailed", "reset")
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], body[:20], length=len(body))
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # RST, mid-body
        return False

    async def _mode_wrong_length(self, req, writer) -> bool:
        body = envelope(400, "api.common.validationFailed", "short")
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], body, length=len(body) + 500)
        return False  # closes with 500 announced bytes missing

    async def _mode_short_length(self, req, writer) -> bool:
        body = envelope(400, "api.common.validationFailed", "long")
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json")], body, length=20)
        return True  # the rest of the body poisons the kept-alive connection

    async def _mode_gzip_bomb(self, req, writer) -> bool:
        header, segment, count, trailer = self._bomb
        await self._send(writer, "400 Bad Request", [("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
                         length=len(header) + len(segment) * count + len(trailer))
        writer.write(header)
        for _ in range(count):
            if writer.transport.is_closing():
                return False
            writer.write(segment)
            await writer.drain()
        writer.write(trailer)
        await writer.drain()
        return True

    async def _mode_redirect_loop(self, req, writer) -> bool:
        await self._send(writer, "302 Found", [("Location", req.target), ("Content-Type", "text/plain")], b"again")
        return True

    async def _mode_redirect_away(self, req, writer) -> bool:
        await self._send(writer, "301 Moved Permanently", [("Location", REDIRECT_AWAY), ("Content-Type", "text/plain")], b"moved")
        return True

    async def _mode_echo(self, req, writer) -> bool:
        """Echo every request header into the error body and the key into a header, padded so
        the key straddles the cuts output makes (body previews, header values)."""
        with self._lock:
            pad = ECHO_PADS[len(self.requests) % len(ECHO_PADS)]
        key = next((v for k, v in req.headers.items() if k.lower() in ("x-api-key", "authorization")), "")
        dump = "".join(f"{name}: {value}\n" for name, value in req.headers.items() if name.lower() in ("x-api-key", "authorization"))
        dump += "".join(f"{name}: {value}\n" for name, value in req.headers.items())
        body = ("#" * pad + dump).encode("latin-1", "replace")
        headers = [("Content-Type", "text/plain"), ("X-Correlation-Id", "c" * (62 if pad == ECHO_PADS[0] else 70) + key), ("X-Debug-Key", key)]
        await self._send(writer, "400 Bad Request", headers, body)
        return True

    async def _mode_echo_after_first(self, req, writer) -> bool:
        """Success for the first request of each kind (a probe's control passes), then ``echo``:
        the varied requests, their Hypothesis examples and reproducers all meet the echo."""
        if self._first_of_kind(req):
            return await self._mode_always_200(req, writer)
        return await self._mode_echo(req, writer)

    def _first_of_kind(self, req) -> bool:
        kind = (req.mode, req.method, req.target.split("?", 1)[0])
        with self._lock:
            first = kind not in self._kinds_seen
            self._kinds_seen.add(kind)
        return first

    async def _mode_retry_after(self, req, writer) -> bool:
        """429 (conforming to Flowbrite's catalog) with Retry-After: 1 to the first request of
        each kind (method and path), then success."""
        if self._first_of_kind(req):
            body = envelope(429, "api.common.rateLimitExceeded", "slow down")
            await self._send(writer, "429 Too Many Requests", [("Content-Type", "application/json"), ("Retry-After", "1")], body)
            return True
        return await self._mode_always_200(req, writer)

    async def _mode_retry_forever(self, req, writer) -> bool:
        body = envelope(429, "api.common.rateLimitExceeded", "never")
        await self._send(writer, "429 Too Many Requests", [("Content-Type", "application/json"), ("Retry-After", "999999")], body)
        return True


MODES = sorted(name[len("_mode_"):].replace("_", "-") for name in vars(HostileServer) if name.startswith("_mode_"))


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    server = HostileServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    print(f"hostile server on {server.url()} modes: {', '.join(MODES)}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
