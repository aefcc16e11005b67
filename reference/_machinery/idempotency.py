"""Idempotency-key bookkeeping: replay, conflict, in-use, reject-any-reuse.

The store only records; the decision of which error to send is made by the API's hooks
(see :class:`reference._machinery.api.ApiDefinition`).
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IdempotencyConfig:
    """How an API treats its idempotency header.

    * ``header``: request header name.
    * ``required``: a side-effecting operation without the header is an error
      (hook ``missing_idempotency_key``); otherwise it simply runs without protection.
    * ``window``: seconds a used key is remembered.
    * ``policy``: ``"replay"`` (same body -> original response replayed byte-for-byte with
      the original status; different body -> hook ``idempotency_conflict``) or
      ``"reject"`` (any reuse -> hook ``idempotency_reused``; Flowbrite).
      Concurrent use while the first request is in flight -> hook ``idempotency_in_use``.
    * ``save_statuses``: which outcomes consume the key (default: 2xx only, like Stripe:
      a request rejected by validation can be retried with the same key).
    * ``replay_header``: header added to replayed responses (e.g. ``Idempotent-Replayed: true``).
    """

    header: str = "Idempotency-Key"
    required: bool = False
    window: float = 24 * 3600
    policy: str = "replay"
    save_statuses: tuple[int, int] = (200, 299)
    replay_header: tuple[str, str] | None = None


@dataclass
class Entry:
    fingerprint: str
    created: float
    in_flight: bool = True
    status: int = 0
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, body: bytes) -> str:
    h = hashlib.sha256()
    h.update(method.upper().encode())
    h.update(b"\0")
    h.update(path.encode())
    h.update(b"\0")
    h.update(body)
    return h.hexdigest()


class IdempotencyStore:
    """Keys are scoped by ``(tenant, key)``; expired entries are purged lazily."""

    NEW, IN_FLIGHT, DONE = "new", "in_flight", "done"

    def __init__(self, window: float) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], Entry] = {}
        self._purge_at = 0.0

    def _purge(self, now: float) -> None:
        if now < self._purge_at:
            return
        self._purge_at = now + 5
        for k in [k for k, e in self._entries.items() if not e.in_flight and now - e.created > self.window]:
            del self._entries[k]

    def begin(self, tenant: str, key: str, fp: str) -> tuple[str, Entry]:
        """Claim ``key``: returns ``(NEW, entry)`` for a fresh claim, else the existing entry's state."""
        now = time.monotonic()
        with self._lock:
            self._purge(now)
            entry = self._entries.get((tenant, key))
            if entry is not None and not entry.in_flight and now - entry.created > self.window:
                entry = None
            if entry is None:
                entry = self._entries[(tenant, key)] = Entry(fp, now)
                return self.NEW, entry
            return (self.IN_FLIGHT if entry.in_flight else self.DONE), entry

    def complete(self, tenant: str, key: str, entry: Entry, status: int, body: bytes,
                 media_type: str | None, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            entry.in_flight = False
            entry.status, entry.body, entry.media_type = status, body, media_type
            entry.headers = dict(headers or {})
            entry.created = time.monotonic()
            self._entries[(tenant, key)] = entry

    def release(self, tenant: str, key: str, entry: Entry) -> None:
        with self._lock:
            if self._entries.get((tenant, key)) is entry:
                del self._entries[(tenant, key)]
