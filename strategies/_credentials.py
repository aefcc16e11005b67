"""Credential header values: missing, empty, wrong scheme, garbage, unsigned or expired JWTs, whitespace.

``scheme`` is the auth scheme the API expects in ``Authorization``
(``"Bearer"``), or ``None`` for a raw API-key header such as ``X-API-Key``.
Values are header values (``str``), or ``None`` meaning "send no header".

Scheme case: RFC 9110 section 11.1 makes auth-scheme names case-insensitive,
so ``bearer xyz`` is a *valid* Bearer credential and is only produced as a
wrong scheme when ``case_sensitive=True`` (an API that documents otherwise).
All values stay within visible ASCII plus space/tab: anything else would
test the HTTP client rather than the API.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._checks import check_bool, check_str
from ._recipes import Draws, drawn, filter_values, map_values, nasty_first, one_of, rng_text, sampled

__all__ = [
    "empty_credentials",
    "expired_jwt_credentials",
    "garbage_credentials",
    "invalid_credentials",
    "missing_credentials",
    "unsigned_jwt_credentials",
    "whitespace_credentials",
    "wrong_scheme_credentials",
]

_TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/"
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VISIBLE = "".join(chr(c) for c in range(0x21, 0x7F))
_SUB_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_DEFAULT_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"  # shape of a typical secret key
# Fixed and long past, so "expired" never depends on the clock running the tests.
_LATEST_EXPIRY = 1_577_836_800  # 2020-01-01T00:00:00Z


def _check_scheme(scheme: object) -> str | None:
    if scheme is None:
        return None
    scheme = check_str("scheme", scheme)
    if not all(c in _VISIBLE for c in scheme):
        raise InvalidArgument(f"scheme={scheme!r} must be a single token of visible ASCII")
    return scheme


def _check_key(key: object) -> str:
    if key is None:
        return _DEFAULT_KEY
    key = check_str("key", key)
    if not all(c in _VISIBLE for c in key):
        raise InvalidArgument(f"key={key!r} must be visible ASCII without spaces")
    return key


def _with_scheme(scheme: str | None) -> Callable[[str], str]:
    if scheme is None:
        return lambda token: token
    return lambda token: f"{scheme} {token}"


def _b64url(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@functools.cache
def _jwt_header(alg: str) -> str:
    return _b64url({"alg": alg, "typ": "JWT"})


def missing_credentials(*, scheme: str | None = None) -> SearchStrategy[None]:
    """RFC 9110 section 11.6.2 / RFC 6750 section 3: no credentials at all (``None``: omit the header)."""
    _check_scheme(scheme)
    return st.none()


def empty_credentials(*, scheme: str | None = None) -> SearchStrategy[str]:
    """RFC 6750 section 2.1 / RFC 9110 section 11.4 (violated): an empty credential.

    The empty header value, whitespace only, and (with a scheme) the scheme with no token.
    """
    scheme = _check_scheme(scheme)
    values = ["", " ", "\t"]
    if scheme is not None:
        values[1:1] = [scheme, scheme + " "]
    return sampled(values)


def wrong_scheme_credentials(
    *, scheme: str | None = None, key: str | None = None, case_sensitive: bool = False
) -> SearchStrategy[str]:
    """RFC 9110 section 11.4 / RFC 6750 (violated): the token presented under a different auth scheme.

    ``Basic``, ``Token``, ``Digest``, ``ApiKey``, ``Bearer`` (for a raw key or
    another scheme), a scheme glued to the token without a space; lower-case
    of ``scheme`` only with ``case_sensitive=True`` (see module docs).
    """
    scheme = _check_scheme(scheme)
    token = _check_key(key)
    case_sensitive = check_bool("case_sensitive", case_sensitive)
    wrong = ["Basic", "Token", "Bearer", "Digest", "ApiKey", "Key", "JWT", "OAuth", "MAC", "Negotiate"]
    if scheme is not None:
        wrong = [w for w in wrong if w.lower() != scheme.lower()]
        if case_sensitive:
            variants = {scheme.lower(), scheme.upper(), scheme.swapcase()} - {scheme}
            wrong += sorted(variants)
    basic = base64.b64encode(f"{token}:".encode()).decode()
    values = [f"{w} {basic if w == 'Basic' else token}" for w in wrong]
    if scheme is not None:
        values.append(f"{scheme}{token}")  # no separator: one unknown scheme
        values.append(f"{scheme}:{token}")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    generated = filter_values(
        drawn(lambda rnd: f"{rng_text(rnd, letters, 1, 8)} {token}"),
        lambda v: scheme is None or v.split(" ", 1)[0].lower() != scheme.lower(),
    )
    return nasty_first(values, generated)


def garbage_credentials(*, scheme: str | None = None, key: str | None = None) -> SearchStrategy[str]:
    """RFC 6750 section 3.1 ``invalid_token``: the right scheme followed by a token that cannot be valid.

    Fixed junk (``null``, ``undefined``, ``x``, quotes, SQL) first, then random
    visible-ASCII tokens; never equal to ``key`` when one is given.
    """
    scheme = _check_scheme(scheme)
    valid = None if key is None else _check_key(key)
    wrap = _with_scheme(scheme)
    junk = ["x", "null", "undefined", "0", "invalid", "' OR '1'='1", '""', "%00", "a" * 4096]
    tokens = filter_values(drawn(lambda rnd: rng_text(rnd, _VISIBLE, 1, 64), nasty=junk), lambda t: t != valid)
    return map_values(tokens, wrap)


def unsigned_jwt_credentials(*, scheme: str | None = "Bearer") -> SearchStrategy[str]:
    """RFC 7519 section 6 / RFC 6750: an unsecured JWT (``alg: none``, empty signature) presented as a token.

    Claims are otherwise plausible (``sub``, ``iat``, ``exp`` far in the
    future), so only the missing signature makes it invalid.  ``alg`` spelled
    ``none``, ``None`` and ``NONE``; with and without the trailing dot.
    """
    scheme = _check_scheme(scheme)
    wrap = _with_scheme(scheme)

    def token(alg: str, trailing_dot: bool, sub: str, iat: int) -> str:
        header = _jwt_header(alg)
        payload = _b64url({"sub": sub, "iat": iat, "exp": iat + 100 * 365 * 86400})
        return wrap(f"{header}.{payload}" + ("." if trailing_dot else ""))

    algs = ("none", "None", "NONE", "nOnE")
    # The compact form (trailing dot, empty signature) first.
    nasty = [token(alg, dot, "user", 1_700_000_000) for dot in (True, False) for alg in algs]
    return drawn(
        lambda alg, dot, rnd: token(alg, dot, rng_text(rnd, _SUB_CHARS, 1, 16), rnd.randint(1_700_000_000, 1_800_000_000)),
        algs,
        (True, False),
        nasty=nasty,
    )


def expired_jwt_credentials(*, scheme: str | None = "Bearer") -> SearchStrategy[str]:
    """RFC 7519 section 4.1.4 ``exp``: a JWT whose expiry lies in the past (no later than 2020-01-01), signature garbage.

    The header claims HS256/RS256; the signature is random base64url, so a
    server must reject it as expired or as badly signed, never accept it.
    """
    scheme = _check_scheme(scheme)
    wrap = _with_scheme(scheme)

    def token(alg: str, exp: int, sub: str, signature: bytes) -> str:
        header = _jwt_header(alg)
        payload = _b64url({"sub": sub, "iat": exp - 3600, "exp": exp})
        return wrap(f"{header}.{payload}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode())

    algs = ("HS256", "RS256", "ES256")
    # The latest allowed expiry first, then the earliest (one hour after the epoch).
    nasty = [token(alg, exp, "user", b"signature") for exp in (_LATEST_EXPIRY, 3600) for alg in algs]
    return drawn(
        lambda alg, rnd: token(
            alg, rnd.randint(3600, _LATEST_EXPIRY), rng_text(rnd, _SUB_CHARS, 1, 16), rnd.randbytes(rnd.randint(32, 64))
        ),
        algs,
        nasty=nasty,
    )


def whitespace_credentials(*, scheme: str | None = None, key: str | None = None) -> SearchStrategy[str]:
    """Exact-match credential rule (violated): the valid ``key`` with whitespace around it.

    Leading/trailing spaces and tabs, and (with a scheme) a tab or several
    spaces between scheme and key.  Caveat: RFC 9110 section 5.5 strips
    whitespace at the ends of a field value, and some clients refuse to send
    it, so servers may legitimately see the bare key.
    """
    scheme = _check_scheme(scheme)
    token = _check_key(key)
    pads = [(" ", ""), ("", " "), (" ", " "), ("\t", ""), ("", "\t"), ("  ", "  ")]
    values = [f"{a}{token}{b}" if scheme is None else f"{scheme} {a}{token}{b}" for a, b in pads]
    if scheme is not None:
        values += [f"{scheme}\t{token}", f"{scheme}  {token}", f" {scheme} {token}"]
    def build(rnd: Draws) -> str:
        which = rnd.randrange(3)  # 0: leading, 1: trailing, 2: both
        lead = rng_text(rnd, " \t", 1, 4) if which != 1 else ""
        trail = rng_text(rnd, " \t", 1, 4) if which != 0 else ""
        return lead + token + trail

    generated = map_values(drawn(build), _with_scheme(scheme))
    return nasty_first(values, generated)


def invalid_credentials(
    *, scheme: str | None = None, key: str | None = None, case_sensitive: bool = False
) -> SearchStrategy[str]:
    """RFC 6750 section 3.1 / RFC 9110 section 11: any present-but-invalid credential.

    Empty, wrong scheme, garbage, unsigned JWT, expired JWT, whitespace-padded
    key (in that order).  A missing credential is :func:`missing_credentials`.
    """
    return one_of(
        empty_credentials(scheme=scheme),
        wrong_scheme_credentials(scheme=scheme, key=key, case_sensitive=case_sensitive),
        garbage_credentials(scheme=scheme, key=key),
        unsigned_jwt_credentials(scheme=scheme),
        expired_jwt_credentials(scheme=scheme),
        whitespace_credentials(scheme=scheme, key=key),
    )
