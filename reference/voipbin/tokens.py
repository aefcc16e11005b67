"""VoIPbin's bearer tokens (HS256 JWTs this server signs), fixture credentials and timestamps,
as bin-api-manager's middleware reads them (seed 002 notes)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

# ---- tokens ---------------------------------------------------------------------------------
_SECRET = b"voipbin-reference-signing-key"
_FAR = 4102444800  # 2100-01-01
_ISSUED = 1767225600  # 2026-01-01


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict) -> str:
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(_SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


def verify(token: str) -> dict | None:
    """The claims of a token this server signed and that has not expired, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        mac = _unb64(parts[2])
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    expected = hmac.new(_SECRET, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected) or not isinstance(header, dict) or header.get("alg") != "HS256":
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), (int, float)) or claims["exp"] < time.time():
        return None
    return claims


def customer_claims(name: str, customer_id: str, *, permission: str = "customer",
                    verification: str = "verified", balance: float = 1000.0,
                    status: str = "active", exp: int = _FAR) -> dict:
    return {"name": name, "customer_id": customer_id, "agent_id": str(uuid.uuid5(uuid.NAMESPACE_URL, customer_id)),
            "permission": permission, "identity_verification_status": verification,
            "balance": balance, "status": status, "iat": _ISSUED, "exp": exp}


def _fixture_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


_FIXTURE_CLAIMS = {
    "primary": customer_claims("primary", _fixture_id(1)),
    "expired": customer_claims("expired", _fixture_id(2), exp=_ISSUED + 7 * 86400),
    "frozen": customer_claims("frozen", _fixture_id(3), status="frozen"),
    "admin": customer_claims("admin", _fixture_id(4), permission="admin"),
    "low_balance": customer_claims("low_balance", _fixture_id(5), balance=0.5),
    "unverified": customer_claims("unverified", _fixture_id(6), verification="unverified"),
    "secondary": customer_claims("secondary", _fixture_id(7)),
}
CREDENTIALS: dict[str, str] = {name: sign(claims) for name, claims in _FIXTURE_CLAIMS.items()}
LOGIN = {"username": "primary@voipbin.example", "password": "conformance-password"}


def mint_key() -> str:
    """A fresh valid customer token: its own customer (data and rate-limit bucket)."""
    return sign(customer_claims("minted", str(uuid.uuid4())))


def now_iso(offset: float = 0.0) -> str:
    t = time.time() + offset
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d}Z"


