"""Flireo's error envelope (``{"error": {"code", "message", "param", "type"}}``) and field checks
(E.164 numbers, HTTPS URLs, UUIDs), as the seed (001) describes them."""
from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from .._machinery import ApiError, Ctx, Envelope, StateMachine
from .codes import _BAD_PERCENT, _URI_CHARS, E164, TYPE_OF, UUID


# ---- envelope --------------------------------------------------------------------------
class FlireoEnvelope(Envelope):
    media_type = "application/json"
    code_path = ("error", "code")
    message_path = ("error", "message")
    required_paths = (("error", "message"),)
    detail_paths = (("error", "param"),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        return {"error": {"code": err.code, "message": err.message,
                          "param": err.extras.get("param"),
                          "type": TYPE_OF.get(err.code, "api_error")}}


def error(code: str, status: int, message: str, param: str | None = None,
          headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(code, status, message, param=param, headers=headers)


def missing(field: str) -> ApiError:
    return error("missing_field", 400, f"Missing required field: {field}", field)


def invalid(field: str, message: str) -> ApiError:
    return error("invalid_field", 400, message, field)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---- field checks ------------------------------------------------------------------------
def require(body: dict, field: str) -> Any:
    if field not in body:
        raise missing(field)
    return body[field]


def check_string(field: str, value: Any, *, max_len: int = 1000) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"Field '{field}' must be a string")
    if not value.strip():
        raise invalid(field, f"Field '{field}' must not be empty")
    if len(value) > max_len:
        raise invalid(field, f"Field '{field}' must be at most {max_len} characters")
    return value


def check_e164(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"Field '{field}' must be a string")
    if not E164.fullmatch(value):
        raise error("invalid_phone_number", 400,
                    f"Phone number format invalid: '{field}' must be in E.164 format, e.g. +31612345678", field)
    return value


def dialable(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


def check_https_url(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"Field '{field}' must be a string")
    bad = error("invalid_url", 400, f"Invalid URL format: '{field}' must be a valid HTTPS URL", field)
    if len(value) > 2048 or not value.isascii() or any(c.isspace() or ord(c) < 32 for c in value):
        raise bad
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise bad from None
    host = parts.hostname or ""
    if parts.scheme != "https" or not host or parts.username is not None or port == 0:
        raise bad
    labels = host.split(".")
    if not all(re.fullmatch(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels):
        raise bad
    if not _URI_CHARS.fullmatch(value) or _BAD_PERCENT.search(value):
        raise bad  # RFC 3986 section 2: only unreserved, reserved and valid %XX escapes
    return value


def check_int(field: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field, f"Field '{field}' must be an integer")
    if not lo <= value <= hi:
        raise invalid(field, f"Field '{field}' must be between {lo} and {hi}")
    return value


def check_uuid(value: str) -> str:
    if not UUID.fullmatch(value):
        raise error("invalid_uuid", 400, "Invalid UUID format", "id")
    return value.lower()


CALLS = StateMachine({"in-progress": {"completed"}}, initial="in-progress")
