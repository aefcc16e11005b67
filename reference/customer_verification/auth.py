"""The Customer Verification API's credentials: API keys and HS256 JWTs (RFC 7519) this server
signs, fixture keys with raised rate limits (seed 003 and APIS.md)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
from dataclasses import dataclass

from .._machinery import Principal

_SECRET = b"customer-verification-reference-hs256-secret"
_KEY = re.compile(r"cvk_[0-9a-f]{32}")
_READ_WRITE = frozenset({"READ", "WRITE"})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_jwt(claims: dict) -> str:
    """An HS256 JWT (RFC 7519) signed with this server's secret."""
    head = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(_SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64url(sig)}"


CREDENTIALS: dict[str, str] = {
    "primary": "cvk_" + "0" * 31 + "1",
    "secondary": "cvk_" + "0" * 31 + "2",
    "readonly": "cvk_readonly_0000000000000000000",
    "revoked": "cvk_revoked_00000000000000000000",
    "invalid": "cvk_invalid_00000000000000000000",
    "expired": sign_jwt({"sub": "usr_expired", "scope": ["READ", "WRITE"], "iat": 1_699_000_000,
                         "exp": 1_699_003_600}),
    "token": sign_jwt({"sub": "usr_token", "scope": ["READ", "WRITE"], "iat": 1_700_000_000,
                       "exp": 4_102_444_800}),
}
_FIXTURE_SCOPES = {CREDENTIALS["primary"]: _READ_WRITE, CREDENTIALS["secondary"]: _READ_WRITE,
                   CREDENTIALS["readonly"]: frozenset({"READ"})}
FIXTURE_RATE_SHARDS = 50
_SHARD = itertools.count()


@dataclass(frozen=True)
class FixturePrincipal(Principal):
    """A fixture credential: provisioned with a raised rate limit (see the package docstring)."""

    @property
    def rate_key(self) -> str:
        return f"{self.key}#{next(_SHARD) % FIXTURE_RATE_SHARDS}"


def mint_key() -> str:
    """A fresh valid API key (READ and WRITE): its own data and its own rate-limit bucket."""
    return "cvk_" + secrets.token_hex(16)
