"""The run-wide request count and pacing slot, shared by the processes of one run.

Under pytest-xdist every worker sends requests; ``--max-requests`` and ``--max-rps`` are
limits on the whole run, so the workers (and the controller's reachability check) draw
from one ledger: a 16-byte file holding the requests sent so far and the earliest moment
the next request may start (``time.monotonic``: one clock for every process on a host).
Each update holds an exclusive ``flock`` on the file for a few microseconds. A run in one
process keeps the same record in memory (``LocalLedger``).
"""

from __future__ import annotations

import os
import struct
import tempfile
import threading
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: callers share the limits out instead
    fcntl = None  # type: ignore[assignment]

_RECORD = struct.Struct("<qd")  # requests used, next start (monotonic seconds)

AVAILABLE = fcntl is not None


class _Counts:
    """``take`` and ``slot`` over a (requests used, next start) record that ``_update``
    reads and writes atomically."""

    def _update(self, change):
        raise NotImplementedError

    def take(self, limit: int) -> bool:
        """Count one request; False (and nothing counted) when ``limit`` are already used."""
        return self._update(lambda used, nxt: (False, used, nxt) if used >= limit else (True, used + 1, nxt))

    def slot(self, interval: float) -> float:
        """Reserve the next start time, ``interval`` after the previous one; returns it."""

        def reserve(used: int, nxt: float):
            start = max(time.monotonic(), nxt)
            return start, used, start + interval

        return self._update(reserve)


class LocalLedger(_Counts):
    """The record in memory: one process, its threads."""

    def __init__(self) -> None:
        self._record = (0, 0.0)
        self._lock = threading.Lock()

    def _update(self, change):
        with self._lock:
            result, *self._record = change(*self._record)
        return result


class Ledger(_Counts):
    """The record in a file every process of the run opens."""

    def __init__(self, path: str):
        self.path = path
        self._fd: int | None = None
        self._lock = threading.Lock()  # flock is per open file, not per thread

    @classmethod
    def create(cls) -> Ledger:
        fd, path = tempfile.mkstemp(prefix="conformance-ledger-")
        os.write(fd, _RECORD.pack(0, 0.0))
        os.close(fd)
        return cls(path)

    def _update(self, change):
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                result, used, next_start = change(*_RECORD.unpack(os.pread(self._fd, _RECORD.size, 0)))
                os.pwrite(self._fd, _RECORD.pack(used, next_start), 0)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        return result

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def remove(self) -> None:
        self.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
