"""A copy-pasteable curl command for a request, with credentials redacted."""

from __future__ import annotations

import shlex

from .secrets import REDACTED, redact, redact_bytes
from .transport import OutgoingRequest

MAX_INLINE_BODY = 4096
# Headers that carry credentials whatever the catalog calls its auth header.
SENSITIVE = {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"}


def _quote(text: str) -> str:
    if text.isprintable():
        return shlex.quote(text)
    return _ansi_c(text.encode("utf-8", "surrogateescape"))


def _ansi_c(data: bytes) -> str:
    """bash ANSI-C quoting: every byte that is not printable ASCII as \\xNN, so the exact
    bytes (control characters, invalid UTF-8) reach the server."""
    out = []
    for byte in data:
        char = chr(byte)
        out.append(char if 0x20 <= byte < 0x7F and char not in "'\\" else f"\\x{byte:02x}")
    return "$'" + "".join(out) + "'"


def to_curl(request: OutgoingRequest, *, auth_header: str | None = None) -> str:
    hidden = SENSITIVE | ({auth_header.lower()} if auth_header else set())
    parts = ["curl", "-sS", "-i", "-X", request.method, _quote(redact(request.url))]
    for name, value in request.headers.items():
        shown = REDACTED if name.lower() in hidden and value.strip() else redact(value)
        line = f"{name}: {shown}"
        parts += ["-H", shlex.quote(line) if line.isprintable() and line.isascii() else _ansi_c(line.encode("latin-1", "replace"))]
    if request.content is not None:
        body = request.content
        note = ""
        if len(body) > MAX_INLINE_BODY:
            note = f"  # body cut to {MAX_INLINE_BODY} of {len(body)} bytes"
            body = body[:MAX_INLINE_BODY]
        if _is_binary(body):
            parts += ["--data-binary", _ansi_c(redact_bytes(body))]
        else:
            parts += ["--data-binary", _quote(redact(body.decode("utf-8")))]
        return " ".join(parts) + note
    return " ".join(parts)


def _is_binary(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
