"""Flowbrite's codes, headers, limits and fixture credentials (seed 004 and APIS.md)."""
from __future__ import annotations

import re
import secrets

NAME = "flowbrite"

UNAUTHORIZED = "api.common.unauthorized"
FORBIDDEN = "api.common.forbidden"
REUSED_KEY = "api.common.reusedIdempotencyKey"
RATE_LIMITED = "api.common.rateLimitExceeded"
VALIDATION = "api.common.validationFailed"
INTERNAL = "api.common.internalServerError"
MISSING_KEY = "api.common.missingIdempotencyKey"
CODES_BY_STATUS = {400: (MISSING_KEY, VALIDATION), 401: (UNAUTHORIZED,), 403: (FORBIDDEN,),
                   409: (REUSED_KEY,), 429: (RATE_LIMITED,), 500: (INTERNAL,)}

IDEMPOTENCY_HEADER = "X-IDEMPOTENCY-KEY"
SIMULATE_HEADER = "X-Flowbrite-Simulate"
CURRENCIES = ("AUD", "CAD", "CHF", "EUR", "GBP", "JPY", "NZD", "SEK", "USD")
SANDBOX_BALANCE = 1_000_000
MAX_AMOUNT = 10 ** 12

# ---- credentials ----------------------------------------------------------------------
_MINTED = re.compile(r"^fbk_sandbox_[0-9a-f]{32}$")
_ALL = frozenset({"*"})
_READ = frozenset({"read:*"})
CREDENTIALS: dict[str, str] = {
    "primary": "fbk_sandbox_" + "0" * 31 + "1",
    "secondary": "fbk_sandbox_" + "0" * 31 + "2",
    "readonly": "fbk_sandbox_readonly_000000000000",  # read:* only -> 403 on POST
    "forbidden": "fbk_sandbox_noperms_0000000000000",  # no permission -> 403 everywhere
    "invalid": "fbk_sandbox_invalid_0000000000000",   # not a key -> 401
}
_FIXTURES = {CREDENTIALS["readonly"]: ("readonly", _READ),
             CREDENTIALS["forbidden"]: ("forbidden", frozenset())}


def mint_key() -> str:
    """A fresh valid key: own rate-limit bucket and own data (tenant)."""
    return "fbk_sandbox_" + secrets.token_hex(16)
