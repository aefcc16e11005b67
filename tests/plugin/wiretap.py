"""A loopback HTTP/1.1 proxy that records what reaches the server, in front of a reference API.

The reference APIs keep no request log, and a mock would prove nothing about the wire: the
tests point ``--base-url`` here, and every request the suite sends crosses a real socket
twice, so ``seen`` holds each method and request-target exactly as sent.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Hop-by-hop headers (RFC 9110 section 7.6.1) are the proxy's own business on each side.
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class Wiretap:
    def __init__(self, upstream: str):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname, parts.port)
        self.seen: list[tuple[str, str]] = []
        self.answers: list[tuple[str, str, int]] = []  # method, request-target, status the server gave
        self._lock = threading.Lock()
        tap = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the test reads ``seen``
                pass

            def _forward(self):
                with tap._lock:
                    tap.seen.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                conn = http.client.HTTPConnection(*tap.upstream, timeout=30)
                try:
                    conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                    for name, value in self.headers.items():
                        if name.lower() not in _HOP:
                            conn.putheader(name, value)
                    conn.endheaders(body)
                    response = conn.getresponse()
                    content = response.read()
                    with tap._lock:
                        tap.answers.append((self.command, self.path, response.status))
                    self.send_response_only(response.status, response.reason)
                    for name, value in response.getheaders():
                        if name.lower() not in _HOP and name.lower() != "content-length":
                            self.send_header(name, value)
                    # A HEAD answer keeps the length a GET would have had (RFC 9110 section 9.3.2).
                    self.send_header("Content-Length", response.getheader("Content-Length") or str(len(content)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(content)
                finally:
                    conn.close()

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def methods(self) -> set[str]:
        with self._lock:
            return {method for method, _ in self.seen}

    def __enter__(self) -> Wiretap:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
