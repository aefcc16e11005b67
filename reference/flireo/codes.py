"""Flireo's error codes with their types and statuses, limits and fixture credentials
(seed 001 and APIS.md)."""
from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass

from .._machinery import Principal

NAME = "flireo"
BASE = "/api/v1"

TYPE_OF: dict[str, str] = {}
for _type, _codes in {
    "authentication": ("unauthorized", "api_key_expired", "api_key_revoked"),
    "validation": ("invalid_request", "missing_field", "invalid_field", "invalid_phone_number",
                   "invalid_uuid", "invalid_url"),
    "resource": ("not_found", "already_exists", "conflict"),
    "billing": ("insufficient_credits", "payment_required"),
    "rate_limit": ("rate_limit_exceeded", "call_control_limit"),
    "provider": ("provider_error", "provider_timeout", "invalid_api_key"),
    "call": ("call_not_found", "call_not_active", "invalid_destination"),
}.items():
    for _code in _codes:
        TYPE_OF[_code] = _type
VALIDATION_CODES = tuple(c for c, t in TYPE_OF.items() if t == "validation") + ("invalid_destination",)
INTERNAL = "internal_error"
CODES_BY_STATUS: dict[int, tuple[str, ...]] = {
    400: ("invalid_request", "missing_field", "invalid_field", "invalid_phone_number", "invalid_uuid",
          "invalid_url"),
    401: ("unauthorized", "api_key_expired", "api_key_revoked"),
    402: ("insufficient_credits", "payment_required"),
    404: ("not_found", "call_not_found"),
    409: ("already_exists", "conflict"),
    422: ("invalid_destination", "call_not_active", "invalid_api_key"),
    429: ("rate_limit_exceeded", "call_control_limit"),
    500: (INTERNAL,),
}

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
PROVIDER_KEY = re.compile(r"^sk-[A-Za-z0-9_-]{20,200}$")
PROVIDERS = ("openai", "elevenlabs", "deepgram")
COUNTRIES = ("BE", "DE", "FR", "GB", "NL", "US")
VOICES = ("female", "male")
CREDITS = 1_000_000
NUMBER_PRICE = 1
CONTROL_LIMIT = 10
CONTROL_WINDOW = 60

# ---- credentials ----------------------------------------------------------------------
_KEY = re.compile(r"^flk_[0-9a-f]{32}$")
CREDENTIALS: dict[str, str] = {
    "primary": "flk_" + "0" * 31 + "1",
    "secondary": "flk_" + "0" * 31 + "2",
    "low_credits": "flk_" + "0" * 31 + "3",
    "expired": "flk_expired_00000000000000000000",
    "revoked": "flk_revoked_00000000000000000000",
    "invalid": "flk_invalid_00000000000000000000",
}
_STARTING_CREDITS = {CREDENTIALS["low_credits"]: 0}


FIXTURE_RATE_SHARDS = 50


@dataclass(frozen=True)
class FixturePrincipal(Principal):
    """A fixture key (primary, secondary, low_credits): provisioned with a raised rate limit.

    The conformance suite sends several hundred requests with these keys against one server;
    at the documented 100/min it would spend minutes waiting. Their requests are spread over
    ``FIXTURE_RATE_SHARDS`` buckets (so 50 x 100 per minute); every minted key (what the
    rate-limit probes use) has exactly the documented 100 requests per minute.
    """

    @property
    def rate_key(self) -> str:
        return f"{self.key}#{next(_SHARD) % FIXTURE_RATE_SHARDS}"


_SHARD = itertools.count()


def mint_key() -> str:
    """A fresh valid key: its own account (data, credits) and its own rate-limit bucket."""
    return "flk_" + secrets.token_hex(16)
