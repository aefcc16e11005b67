"""Credentials never appear in output, reports or reproducers.

Every credential value the run uses is registered here; everything the suite prints or
writes passes through ``redact``.
"""

from __future__ import annotations

import threading

REDACTED = "[REDACTED]"
_lock = threading.Lock()
_secrets: set[str] = set()


def register(value: str | None) -> None:
    # Very short values would redact ordinary words; real keys are longer than this.
    if value and len(value.strip()) >= 6:
        with _lock:
            _secrets.add(value)
            _secrets.add(value.strip())


def redact(text: str) -> str:
    if not _secrets or not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_bytes(data: bytes) -> bytes:
    if not _secrets or not data:
        return data
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        data = data.replace(secret.encode("utf-8", "surrogateescape"), REDACTED.encode())
    return data
