"""The Customer Verification error envelope (``{"error": {"code", "message", "details",
"field"}}``) and field checks (names, email, dates, E.164, postal codes, Base64 documents), as
the seed (003) and the decisions of the package docstring describe them."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import struct
import time
from typing import Any

from .._machinery import ApiError, Ctx, Envelope
from .codes import (DATE, DOC_FORMAT, E164, EMAIL, FIELD_FORMAT, GENERIC_POSTAL, MAX_DOCUMENT_BYTES,
                    MIN_LONG_SIDE, MIN_SHORT_SIDE, NOT_FOUND, POSTAL_CODES, QUALITY, VALIDATION)


# ---- envelope --------------------------------------------------------------------------
class CustomerVerificationEnvelope(Envelope):
    media_type = "application/json"
    code_path = ("error", "code")
    message_path = ("error", "message")
    required_paths = (("error", "message"),)
    detail_paths = (("error", "field"),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        inner: dict[str, Any] = {"code": err.code, "message": err.message}
        if err.extras.get("details") is not None:
            inner["details"] = err.extras["details"]
        if err.extras.get("field") is not None:
            inner["field"] = err.extras["field"]
        if err.extras.get("retry_after") is not None:
            inner["retryAfter"] = err.extras["retry_after"]
        return {"error": inner}


def error(code: str, status: int, message: str, details: str | None = None, field: str | None = None,
          **extras: Any) -> ApiError:
    return ApiError(code, status, message, details=details, field=field, **extras)


def required(field: str) -> ApiError:
    return error(VALIDATION, 400, "Invalid request parameters", f"Field '{field}' is required", field)


def bad_format(field: str, details: str) -> ApiError:
    return error(FIELD_FORMAT, 422, "Invalid field format", details, field)


def not_found(what: str, rid: str) -> ApiError:
    return error(NOT_FOUND, 404, f"{what} not found", f"{what} with ID '{rid}' does not exist")


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---- field checks ------------------------------------------------------------------------
def check_name(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise bad_format(field, f"Field '{field}' must be a string")
    if not value.strip() or len(value) > 100:
        raise bad_format(field, f"Field '{field}' must be 1 to 100 characters")
    return value


def check_email(value: Any) -> str:
    if not isinstance(value, str):
        raise bad_format("email", "Field 'email' must be a string")
    m = EMAIL.fullmatch(value)
    if m is None or len(value) > 254 or len(m.group("local")) > 64:
        raise bad_format("email", "Field 'email' must be a valid email address")
    return value


def check_date_of_birth(value: Any) -> str:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise bad_format("dateOfBirth", "Field 'dateOfBirth' must be in YYYY-MM-DD format")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise bad_format("dateOfBirth", f"Field 'dateOfBirth' is not a calendar date: {value}") from None
    if day > dt.date.today():
        raise bad_format("dateOfBirth", "Field 'dateOfBirth' must not be in the future")
    return value


def check_phone(value: Any) -> str:
    if not isinstance(value, str) or not E164.fullmatch(value):
        raise bad_format("phoneNumber", "Field 'phoneNumber' must be E.164 format (+1234567890)")
    return value


def check_country(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{2}", value):
        raise bad_format("country", "Field 'country' must be an ISO 3166-1 alpha-2 code")
    return value


def check_postal_code(value: Any, country: str | None) -> str:
    if not isinstance(value, str):
        raise bad_format("postalCode", "Field 'postalCode' must be a string")
    if country is None:
        raise required("country")
    pattern = POSTAL_CODES.get(country, GENERIC_POSTAL)
    if not re.fullmatch(pattern, value):
        raise bad_format("postalCode", f"Field 'postalCode' must match the {country} postal code format")
    return value


def validate_customer(body: dict, *, partial: bool) -> None:
    if not partial:
        for field in ("firstName", "lastName", "email", "dateOfBirth"):
            if field not in body:
                raise required(field)
    checks = {"firstName": lambda v: check_name("firstName", v), "lastName": lambda v: check_name("lastName", v),
              "email": check_email, "dateOfBirth": check_date_of_birth, "phoneNumber": check_phone,
              "country": check_country}
    for field, check in checks.items():
        if field in body:
            check(body[field])
    if "postalCode" in body:
        check_postal_code(body["postalCode"], body.get("country"))


def image_size(data: bytes) -> tuple[int, int] | None:
    """Pixel size of a PNG (IHDR) or JPEG (first SOFn marker); None if unreadable."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        return None
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def check_document(content: Any) -> tuple[str, int]:
    """(media type, size) of a Base64 document, or INVALID_DOCUMENT_FORMAT / quality errors."""
    if not isinstance(content, str):
        raise bad_format("content", "Field 'content' must be a Base64 string")
    bad = error(DOC_FORMAT, 422, "Invalid document format", "Document must be JPG, PNG, or PDF. Max size: 10MB")
    if len(content) > (MAX_DOCUMENT_BYTES * 4) // 3 + 4:
        raise bad
    try:
        data = base64.b64decode(content.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise bad from None
    if not data or len(data) > MAX_DOCUMENT_BYTES:
        raise bad
    if data.startswith(b"%PDF-"):
        return "application/pdf", len(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        media = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        media = "image/jpeg"
    else:
        raise bad
    size = image_size(data)
    if size is None:
        raise bad
    long_side, short_side = max(size), min(size)
    if long_side < MIN_LONG_SIDE or short_side < MIN_SHORT_SIDE:
        raise error(QUALITY, 422, "Document quality insufficient",
                    f"Document image is blurry or incomplete: {size[0]} x {size[1]} pixels is below the "
                    f"minimum of {MIN_LONG_SIDE} x {MIN_SHORT_SIDE}")
    return media, len(data)


def raw_id(ctx: Ctx, prefix: str) -> str:
    """The id exactly as sent (Starlette's ``$`` would drop a trailing newline)."""
    path = ctx.request.scope["path"]
    return path[len(prefix):] if path.startswith(prefix) else ctx.path_params["id"]
