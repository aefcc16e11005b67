"""File uploads (``POST /v1/files``): the multipart/form-data body (RFC 7578) and the checks of
its content against the declared type, which the "Error codes" page
(https://docs.falu.io/error-codes) reports as ``file_invalid``.
"""
from __future__ import annotations

import email.parser
import email.policy


def parse_multipart(raw: bytes, content_type: str) -> dict[str, tuple[str | None, bytes, str | None]]:
    """name -> (filename, content, part content type); stdlib email parser (RFC 7578)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise ValueError("the body is not multipart/form-data")
    parts: dict[str, tuple[str | None, bytes, str | None]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        ctype = part.get("content-type")
        parts[str(name)] = (part.get_filename(), payload,
                            part.get_content_type() if ctype else None)
    return parts


def content_problem(ctype: str, content: bytes) -> str | None:
    if ctype == "image/png" and not content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "The content is not a PNG image."
    if ctype == "image/jpeg" and not content.startswith(b"\xff\xd8\xff"):
        return "The content is not a JPEG image."
    if ctype == "application/pdf" and not content.startswith(b"%PDF-"):
        return "The content is not a PDF document."
    if ctype == "text/csv":
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return "The content is not UTF-8 text."
    if not content:
        return "The file is empty."
    return None
