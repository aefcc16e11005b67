"""Thread-safe in-memory resource store, partitioned by tenant (one tenant per API key)."""
from __future__ import annotations

import copy
import threading
from typing import Any, Callable, Iterator


class Store:
    """``tenant -> kind -> id -> resource`` with a single lock.

    Values are deep-copied in and out so handlers never share mutable state.
    ``max_per_kind`` bounds memory: the oldest resources of a tenant are evicted first.
    """

    def __init__(self, max_per_kind: int = 10_000) -> None:
        self._lock = threading.RLock()
        self._data: dict[str, dict[str, dict[str, Any]]] = {}
        self.max_per_kind = max_per_kind

    def put(self, tenant: str, kind: str, rid: str, value: dict) -> dict:
        with self._lock:
            bucket = self._data.setdefault(tenant, {}).setdefault(kind, {})
            bucket[rid] = copy.deepcopy(value)
            while len(bucket) > self.max_per_kind:
                bucket.pop(next(iter(bucket)))
            return copy.deepcopy(value)

    def get(self, tenant: str, kind: str, rid: str) -> dict | None:
        with self._lock:
            value = self._data.get(tenant, {}).get(kind, {}).get(rid)
            return copy.deepcopy(value) if value is not None else None

    def list(self, tenant: str, kind: str, where: Callable[[dict], bool] | None = None) -> list[dict]:
        with self._lock:
            values = list(self._data.get(tenant, {}).get(kind, {}).values())
            return [copy.deepcopy(v) for v in values if where is None or where(v)]

    def update(self, tenant: str, kind: str, rid: str, fn: Callable[[dict], Any]) -> dict | None:
        """Apply ``fn`` to the stored resource atomically; returns the new value (None if absent).

        ``fn`` mutates its argument in place; if it raises, the stored value is unchanged.
        """
        with self._lock:
            bucket = self._data.get(tenant, {}).get(kind, {})
            if rid not in bucket:
                return None
            work = copy.deepcopy(bucket[rid])
            fn(work)
            bucket[rid] = work
            return copy.deepcopy(work)

    def delete(self, tenant: str, kind: str, rid: str) -> bool:
        with self._lock:
            return self._data.get(tenant, {}).get(kind, {}).pop(rid, None) is not None

    def exists_anywhere(self, kind: str, rid: str) -> bool:
        """True if some tenant owns ``rid`` (to tell 'not yours' from 'never existed' if an API needs it)."""
        with self._lock:
            return any(rid in kinds.get(kind, {}) for kinds in self._data.values())

    def tenants(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._data))
