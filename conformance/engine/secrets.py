"""Credentials never appear in output, reports or reproducers.

Every credential value the run uses is registered here; everything the suite prints or
writes passes through ``redact``.

Whole values are replaced, and so are the pieces a cut leaves behind: output shows bodies
and header values cut to a preview length, and a key that straddles the cut would
otherwise leak as a prefix ("sk_live_7f3a...") or a suffix. A fragment of at least
``MIN_FRAGMENT`` characters is redacted where it sits at a cut: a prefix of the secret
followed by the end of the text or a character that cannot continue a key, or a suffix
preceded by the start of the text or such a character.
"""

from __future__ import annotations

import re
import threading

REDACTED = "[REDACTED]"
MIN_LENGTH = 6  # very short values would redact ordinary words; real keys are longer
MIN_FRAGMENT = 8
_KEY_CHARS = "A-Za-z0-9_\\-"
_lock = threading.Lock()
_secrets: set[str] = set()
_patterns: dict[str, re.Pattern[str]] = {}
_byte_patterns: dict[str, re.Pattern[bytes]] = {}


def register(value: str | None) -> None:
    # Patterns are compiled on first use (see _compiled): a run registers a fresh key per
    # test, and the fragment patterns of a long key (a JWT) are costly to build.
    if value and len(value.strip()) >= MIN_LENGTH:
        with _lock:
            _secrets.update((value, value.strip()))


def _compiled(secret: str) -> tuple[re.Pattern[str], re.Pattern[bytes]]:
    with _lock:
        if secret not in _patterns:
            pattern = _pattern(secret)
            _patterns[secret] = pattern
            _byte_patterns[secret] = re.compile(pattern.pattern.encode("utf-8", "surrogateescape"))
        return _patterns[secret], _byte_patterns[secret]


def registered() -> int:
    """How many values are registered (for tests and diagnostics; never the values)."""
    return len(_secrets)


def _nested(chars: str) -> str:
    """A regex matching any prefix of ``chars`` (including the empty one)."""
    out = ""
    for char in reversed(chars):
        out = f"(?:{re.escape(char)}{out})?"
    return out


def _pattern(secret: str) -> re.Pattern[str]:
    """The whole secret; a prefix of it at a cut; a suffix of it at a cut."""
    whole = re.escape(secret)
    alternatives = [whole]
    if len(secret) > MIN_FRAGMENT:
        head = re.escape(secret[:MIN_FRAGMENT]) + _nested(secret[MIN_FRAGMENT:-1])
        alternatives.append(f"{head}(?![{_KEY_CHARS}])")
        tails = "|".join(re.escape(secret[start:]) for start in range(1, len(secret) - MIN_FRAGMENT + 1))
        alternatives.append(f"(?<![{_KEY_CHARS}])(?:{tails})")
    return re.compile("|".join(alternatives))


def _snapshot() -> list[str]:
    with _lock:
        return sorted(_secrets, key=len, reverse=True)


def redact(text: str) -> str:
    if not _secrets or not text:
        return text
    for secret in _snapshot():
        if secret in text:
            text = text.replace(secret, REDACTED)
        if len(secret) > MIN_FRAGMENT and (secret[:MIN_FRAGMENT] in text or secret[-MIN_FRAGMENT:] in text):
            text = _compiled(secret)[0].sub(REDACTED, text)
    return text


def redact_bytes(data: bytes) -> bytes:
    if not _secrets or not data:
        return data
    for secret in _snapshot():
        raw = secret.encode("utf-8", "surrogateescape")
        data = data.replace(raw, REDACTED.encode())
        if len(raw) > MIN_FRAGMENT and (raw[:MIN_FRAGMENT] in data or raw[-MIN_FRAGMENT:] in data):
            data = _compiled(secret)[1].sub(REDACTED.encode(), data)
    return data
