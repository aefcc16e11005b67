"""Field validation as Falu's ASP.NET Core model binding reports it: each failing member gets
messages in the validation problem's ``errors`` (https://docs.falu.io/error-codes, the
framework 400 "One or more validation errors occurred.").

Formats: E.164 phone numbers, RFC 5322 dot-atom e-mail addresses, RFC 3986 http(s) URLs,
ISO 8601 date-times and durations; the enumerations are those of the 2024-06-01 spec.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from .problems import Errors

MAX_AMOUNT = 999_999_999_999
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile("^" + _ATOM + r"(?:\." + _ATOM + ")*@" + _LABEL + r"(?:\." + _LABEL + ")+$")
# RFC 3986: path, query and fragment hold unreserved, sub-delims, ":", "@", "/", "?" or %XX only.
URL = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
              r"(?:[/?#](?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*"
              r"(?:#(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?)?$")
STREAM_NAME = re.compile(r"^[a-z]([a-z0-9\-_]+)$")
TEMPLATE_ALIAS = re.compile(r"^[a-zA-Z]([a-zA-Z0-9\-_]+)$")
ALPHANUMERIC = re.compile(r"^[a-zA-Z0-9_\-+& ]{5,11}$")
REFERENCE = re.compile(r"^[a-zA-Z0-9\-_]+$")
DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
CURRENCIES = ("kes",)
STREAM_TYPES = ("transactional", "inbound", "marketing")
TEMPLATE_TYPES = ("transactional", "marketing", "verification")
SENDER_TYPES = ("phone_number", "short_code", "alphanumeric", "whatsapp", "google", "apple")
TRANSFER_PURPOSES = ("business", "salary", "promotion")
REFUND_REASONS = ("duplicate", "fraudulent", "customer_requested", "other")
IDENTITY_TYPES = ("id_number", "document", "document_and_selfie", "document_and_video")
FILE_PURPOSES = ("business.icon", "business.logo", "customer.signature", "customer.selfie",
                 "customer.tax.document", "message.media", "identity.document", "identity.video")
DOWNLOADABLE_PURPOSES = frozenset({"business.icon", "business.logo", "customer.tax.document",
                                   "message.media"})
FILE_TYPES = ("application/pdf", "image/png", "image/jpeg", "text/csv")


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def valid_url(value: Any, *, max_len: int = 512) -> bool:
    """An absolute http(s) URL with a DNS host name and a port in 1-65535 (RFC 3986)."""
    from urllib.parse import urlsplit
    if not is_str(value) or len(value) > max_len or not URL.fullmatch(value):
        return False
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    if port is not None and not 1 <= port <= 65535:
        return False
    return all(re.fullmatch(_LABEL, label) for label in host.split(".")) and len(host) <= 253


def check_string(errors: Errors, member: str, value: Any, *, required: bool = False,
                 min_len: int = 0, max_len: int | None = None, pattern: re.Pattern | None = None) -> None:
    if value is None:
        if required:
            errors.add(member, f"The {member} field is required.")
        return
    if not is_str(value):
        errors.add(member, f"The JSON value could not be converted to System.String. Path: $.{member}")
        return
    if required and not value.strip():
        errors.add(member, f"The {member} field is required.")
    elif len(value) < min_len or (max_len is not None and len(value) > max_len):
        errors.add(member, f"The field {member} must be a string with a minimum length of {min_len} "
                           f"and a maximum length of {max_len}.")
    elif pattern is not None and not pattern.fullmatch(value):
        errors.add(member, f"The field {member} must match the regular expression '{pattern.pattern}'.")


def check_phone(errors: Errors, member: str, value: Any, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if not is_str(value) or not E164.fullmatch(value):
        errors.add(member, f"The {member} field must be a valid phone number in E.164 format.")


def check_enum(errors: Errors, member: str, value: Any, allowed: tuple[str, ...], *,
               required: bool = True) -> None:
    if value is None:
        if required:
            errors.add(member, f"The {member} field is required.")
        return
    if not is_str(value) or value not in allowed:
        errors.add(member, f"The JSON value could not be converted to {member}; allowed: {', '.join(allowed)}.")


def check_amount(errors: Errors, member: str, value: Any) -> None:
    if value is None:
        errors.add(member, f"The {member} field is required.")
    elif isinstance(value, bool) or not isinstance(value, int):
        errors.add(member, f"The JSON value could not be converted to System.Int64. Path: $.{member}")
    elif not 1 <= value <= MAX_AMOUNT:
        errors.add(member, f"The field {member} must be between 1 and {MAX_AMOUNT}.")


def check_object(errors: Errors, member: str, value: Any, *, required: bool = False) -> bool:
    if value is None:
        if required:
            errors.add(member, f"The {member} field is required.")
        return False
    if not isinstance(value, dict):
        errors.add(member, f"The JSON value could not be converted to an object. Path: $.{member}")
        return False
    return True


def check_metadata(errors: Errors, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or not all(is_str(v) for v in value.values()):
        errors.add("metadata", "The metadata field must be an object of string values.")


def parse_time(value: Any) -> datetime | None:
    if not is_str(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def template_content_problem(body: str) -> str | None:
    """Why a template body is invalid (unbalanced ``{{ }}`` expressions), or None."""
    depth_open = False
    i = 0
    while i < len(body):
        pair = body[i:i + 2]
        if pair == "{{":
            if depth_open:
                return f"Unexpected '{{{{' at position {i}: the previous expression is not closed."
            depth_open = True
            i += 2
            continue
        if pair == "}}":
            if not depth_open:
                return f"Unexpected '}}}}' at position {i}: no expression is open."
            depth_open = False
            i += 2
            continue
        i += 1
    if depth_open:
        return "An expression opened with '{{' is not closed with '}}'."
    return None
