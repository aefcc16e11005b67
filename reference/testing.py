"""Helpers for tests that drive the reference APIs (no pytest dependency; no conftest needed).

    from conformance.reference.testing import ServerPool
    pool = ServerPool()
    srv = pool.get("flowbrite", fault="code-case")   # started once, reused
    ...
    pool.close()
"""
from __future__ import annotations

import re
import threading

from . import start
from ._machinery.ids import ulid

ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def idempotency_key(prefix: str = "TEST") -> str:
    """A fresh idempotency key (``TEST-01J...``)."""
    return f"{prefix}-{ulid()}"


class ServerPool:
    """Start each ``(name, fault)`` at most once; ``close()`` stops them all."""

    def __init__(self, *, in_process: bool = False, env: dict[str, str] | None = None) -> None:
        self.in_process = in_process
        self.env = env
        self._servers: dict[tuple[str, str | None], object] = {}
        self._lock = threading.Lock()

    def get(self, name: str, fault: str | None = None):
        with self._lock:
            key = (name, fault)
            srv = self._servers.get(key)
            if srv is None:
                srv = self._servers[key] = start(name, fault=fault, in_process=self.in_process,
                                                 env=None if self.in_process else self.env)
            return srv

    def close(self) -> None:
        with self._lock:
            for srv in self._servers.values():
                srv.stop()
            self._servers.clear()

    def __enter__(self) -> "ServerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
