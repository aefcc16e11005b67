"""Who is calling: Falu's API keys (``Authorization: Bearer <key>``) and what each fixture key
is for. A missing or unknown key is 401 with no body and
``WWW-Authenticate: ApiKey error="invalid_token"`` (https://docs.falu.io/error-codes lists
``invalid_token``).

Fixture keys are deterministic constants, no secrets: ``primary`` (test key, every feature),
``expired`` and ``revoked`` (401), ``temporary`` (a valid temporary key: only
``GET /v1/identity/verifications/{id}``, 403 elsewhere), ``suspended`` (live key of a suspended
workspace), ``features_disabled`` (no identity feature), ``unconfigured`` (no M-Pesa settings).
"""
from __future__ import annotations

import re
import secrets
from typing import Any

from .._machinery import ApiError, Principal

CREDENTIALS: dict[str, str] = {
    "primary": "sk_test_" + "0" * 31 + "1",
    "expired": "ftkn_expired_0000000000000000000001",
    "revoked": "sk_test_revoked_00000000000000000001",
    "temporary": "ftkn_active_00000000000000000000001",
    "suspended": "sk_live_suspended_000000000000000001",
    "features_disabled": "sk_test_" + "0" * 31 + "2",
    "unconfigured": "sk_test_" + "0" * 31 + "3",
}
_MINTED = re.compile(r"^sk_test_[0-9a-f]{32}$")
# expired and revoked are absent on purpose: they authenticate as nobody (401)
_FIXTURE_ATTRS: dict[str, dict[str, Any]] = {
    CREDENTIALS["primary"]: {"mode": "test"},
    CREDENTIALS["temporary"]: {"mode": "test", "temporary": True},
    CREDENTIALS["suspended"]: {"mode": "live", "suspended": True},
    CREDENTIALS["features_disabled"]: {"mode": "test", "no_identity": True},
    CREDENTIALS["unconfigured"]: {"mode": "test", "no_mpesa": True},
}
TEMPORARY_KEY_OPERATIONS = frozenset({"identity-verifications-get"})


def mint_key() -> str:
    """A fresh valid test key: its own workspace (data) and rate-limit bucket."""
    return "sk_test_" + secrets.token_hex(16)


def authenticate(request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() == "bearer" and key:
        if key in _FIXTURE_ATTRS:
            name = next(n for n, k in CREDENTIALS.items() if k == key)
            return Principal(key=key, tenant=key, name=name, attrs=dict(_FIXTURE_ATTRS[key]))
        if _MINTED.match(key):
            return Principal(key=key, tenant=key, name="minted", attrs={"mode": "test", "minted": True})
    raise ApiError("invalid_token", 401, "", headers={"WWW-Authenticate": 'ApiKey error="invalid_token"'})
