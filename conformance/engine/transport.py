"""Sending requests to the API under test, safely.

Whatever the target does, a call to ``Transport.send`` returns an ``Exchange``: a broken
connection, a timeout, a body past the size cap or a redirect become data that the
verdict engine judges, never an exception that crashes the suite. Redirects are not
followed, so no request ever leaves the target's host.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

from .failures import BudgetExhausted

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY = 1 << 20  # 1 MiB: error bodies are small; more is a symptom, not data


@dataclass
class OutgoingRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


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


class Pacer:
    """Spaces requests so that no more than ``max_rps`` start per second (0 = unlimited)."""

    def __init__(self, max_rps: float = 0.0):
        self.interval = 1.0 / max_rps if max_rps > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


class Budget:
    """Counts requests across the whole run and stops it at ``limit`` (0 = unlimited)."""

    def __init__(self, limit: int = 0):
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            if self.limit and self.used >= self.limit:
                raise BudgetExhausted(f"--max-requests {self.limit} reached; the run stops here")
            self.used += 1


class Transport:
    """An httpx client with a size cap, an overall deadline per request, pacing and a budget."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_body: int = DEFAULT_MAX_BODY,
        pacer: Pacer | None = None,
        budget: Budget | None = None,
        observers: list | None = None,
    ):
        self.timeout = timeout
        self.max_body = max_body
        self.pacer = pacer or Pacer()
        self.budget = budget or Budget()
        self.observers = observers if observers is not None else []
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            trust_env=False,  # never route the target's traffic through a proxy from the environment
        )

    def close(self) -> None:
        self.client.close()

    def send(self, request: OutgoingRequest) -> Exchange:
        self.budget.take()
        self.pacer.wait()
        exchange = Exchange(request=request)
        started = time.monotonic()
        deadline = started + self.timeout
        try:
            # Header values go out as their Latin-1 bytes (RFC 9110 5.5 obs-text), which httpx
            # would otherwise refuse for anything beyond ASCII.
            headers = [(name, value.encode("latin-1", "replace")) for name, value in request.headers.items()]
            with self.client.stream(request.method, request.url, headers=headers, content=request.content) as response:
                exchange.status = response.status_code
                exchange.headers = response.headers
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_body:
                        exchange.truncated = True
                        break
                    if time.monotonic() > deadline:
                        exchange.error = f"body not complete after {self.timeout:g} s (read timeout)"
                        break
                exchange.body = b"".join(chunks)[: self.max_body]
        except httpx.TimeoutException as exc:
            exchange.error = f"timed out after {self.timeout:g} s ({type(exc).__name__})"
        except httpx.HTTPError as exc:
            exchange.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except (OSError, ValueError) as exc:  # malformed framing surfaced by h11 / decoders
            exchange.error = f"{type(exc).__name__}: {exc}"
        exchange.elapsed = time.monotonic() - started
        for observer in self.observers:
            observer(exchange)
        return exchange
