"""Identifier generation: ULIDs, prefixed ULID-like ids (``wal_01J...``) and UUID4s."""
from __future__ import annotations

import os
import threading
import time
import uuid

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last = [0, 0]  # (ms, random) for monotonic ULIDs within one millisecond


def ulid() -> str:
    """A 26-character Crockford base32 ULID (48-bit ms timestamp + 80 random bits), monotonic."""
    ms = int(time.time() * 1000)
    with _lock:
        if ms <= _last[0]:
            ms = _last[0]
            rnd = (_last[1] + 1) & ((1 << 80) - 1)
        else:
            rnd = int.from_bytes(os.urandom(10), "big")
        _last[0], _last[1] = ms, rnd
    value = (ms << 80) | rnd
    out = []
    for _ in range(26):
        out.append(CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(out))


def prefixed(prefix: str, sep: str = "_") -> str:
    """``prefix`` + ``sep`` + ULID, e.g. ``wal_01JXWNSZMS5N601QW8FE4QRBSF``."""
    return f"{prefix}{sep}{ulid()}"


def uuid4() -> str:
    return str(uuid.uuid4())


def is_ulid(value: str) -> bool:
    return len(value) == 26 and all(c in CROCKFORD for c in value.upper())
