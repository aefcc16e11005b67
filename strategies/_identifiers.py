"""UUIDs, ULIDs and prefixed ids (``cus_...``, ``wal_...``): valid and malformed.

"Malformed UUID" here means: *not* the canonical RFC 4122 / RFC 9562 text
form ``8-4-4-4-12`` of ASCII hex digits.  Case alone never makes a UUID
malformed (RFC 4122 section 3 says input is case-insensitive), so no value
produced by :func:`malformed_uuids` is just a re-cased valid UUID.  Several
forms Python's ``uuid.UUID`` happily accepts (braces, ``urn:uuid:``, no
hyphens, fullwidth digits) are still malformed by this definition: an API
that documents canonical UUIDs should reject them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._checks import check_choice, check_int, check_str, check_str_list
from ._recipes import Draws, drawn, filter_values, map_values, nasty_first, one_of, rng_text

__all__ = [
    "CROCKFORD_BASE32",
    "KNOWN_ID_PREFIXES",
    "bad_body_prefixed_ids",
    "malformed_prefixed_ids",
    "malformed_ulids",
    "malformed_uuids",
    "no_prefix_ids",
    "prefixed_ids",
    "ulids",
    "uuids",
    "wrong_prefix_ids",
]

CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_HEX_POSITIONS = tuple(i for i in range(36) if i not in (8, 13, 18, 23))
_NIL = "00000000-0000-0000-0000-000000000000"

# Prefixes real APIs use; a *different* known prefix is the most realistic
# wrong-prefix probe (a customer id sent where a wallet id is expected).
KNOWN_ID_PREFIXES = (
    "cus_", "wal_", "acc_", "txn_", "pay_", "ord_", "usr_", "org_", "key_",
    "evt_", "inv_", "prod_", "sub_", "ch_", "pi_", "tok_",
)


def _fullwidth(s: str) -> str:
    # U+FF10..U+FF19 look like 0-9 and int(..., 16) accepts them.
    return "".join(chr(0xFF10 + ord(c) - 48) if c.isascii() and c.isdigit() else c for c in s)


def _arabic_indic(s: str) -> str:
    # U+0660..U+0669: another script whose digits str.isdigit() accepts.
    return "".join(chr(0x0660 + ord(c) - 48) if c.isascii() and c.isdigit() else c for c in s)


def _ensure_lookalike(s: str, convert: Callable[[str], str]) -> str:
    out = convert(s)
    if out == s:  # no ASCII digit at all: force one look-alike in front
        out = convert("0") + s[1:]
    return out


# ---------------------------------------------------------------- UUIDs

def uuids(*, version: int | None = None) -> SearchStrategy[str]:
    """RFC 4122 section 3: canonical 8-4-4-4-12 lower-case hex UUID strings.

    Random, so they almost surely name no existing resource: the right input
    for unknown-id (404) probes.  The nil and max UUIDs come first.
    """
    if version is not None:
        check_int("version", version, min_value=1, max_value=5)
    # One seeded RNG choice: cheaper than st.uuids(), and the nasty values
    # below already give the readable minimal example.
    generated = drawn(lambda rnd: str(uuid.UUID(int=rnd.getrandbits(128), version=version)))
    if version is not None:
        return generated  # nil/max have no version nibble
    return nasty_first([_NIL, "ffffffff-ffff-ffff-ffff-ffffffffffff"], generated)


_NASTY_UUIDS = (
    "",
    " ",
    "0",
    "null",
    "not-a-uuid",
    _NIL[:-1],  # 35 chars
    _NIL + "0",  # 37 chars
    "g" + _NIL[1:],  # non-hex
    _NIL.replace("-", ""),  # hyphens missing
    "0000000-00000-0000-0000-000000000000",  # hyphen misplaced
    "{" + _NIL + "}",
    "urn:uuid:" + _NIL,
    " " + _NIL,
    _NIL + "\n",
    _fullwidth(_NIL),
    _arabic_indic(_NIL),
    _NIL[:23],  # last group missing
)


def _drop(u: str, i: int) -> str:
    p = _HEX_POSITIONS[i % 32]
    return u[:p] + u[p + 1:]


def _add(u: str, i: int) -> str:
    p = _HEX_POSITIONS[i % 32]
    return u[:p] + "0" + u[p:]


def _non_hex(u: str, i: int) -> str:
    p = _HEX_POSITIONS[i % 32]
    return u[:p] + "ghijklmnopqrstuvwxyz"[i % 20] + u[p + 1:]


def _move_hyphen(u: str, i: int) -> str:
    # Swap a hyphen with its neighbour: right length, wrong grouping.
    h = (8, 13, 18, 23)[i % 4]
    if i % 2:
        return u[:h] + u[h + 1] + "-" + u[h + 2:]
    return u[:h - 1] + "-" + u[h - 1] + u[h + 1:]


def _extra_hyphen(u: str, i: int) -> str:
    p = _HEX_POSITIONS[i % 32]
    return u[:p] + "-" + u[p:]


_UUID_MUTATIONS: tuple[Callable[[str, int], str], ...] = (
    _drop,
    _add,
    _non_hex,
    lambda u, i: u.replace("-", ""),
    _move_hyphen,
    _extra_hyphen,
    lambda u, i: "{" + u + "}",
    lambda u, i: "urn:uuid:" + u,
    lambda u, i: (" ", "\t", "\n", "")[i % 4] + u + (" ", "", "\r\n", " ")[i % 4],
    lambda u, i: _ensure_lookalike(u, _fullwidth if i % 2 else _arabic_indic),
    lambda u, i: u[: (8, 13, 18, 23)[i % 4]],
)


def malformed_uuids() -> SearchStrategy[str]:
    """RFC 4122 section 3 (violated): strings that are not a canonical 8-4-4-4-12 hex UUID.

    Covers wrong length, non-hex characters, misplaced/missing/extra hyphens,
    braces, URN form, surrounding whitespace, empty, truncation and Unicode
    look-alike digits (fullwidth, Arabic-Indic).  Never a mere re-casing.
    """
    generated = drawn(
        lambda m, rnd: m(str(uuid.UUID(int=rnd.getrandbits(128))), rnd.randrange(64)),
        _UUID_MUTATIONS,
    )
    return nasty_first(_NASTY_UUIDS, generated)


# ---------------------------------------------------------------- ULIDs

def _encode_ulid(n: int) -> str:
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD_BASE32[n & 31])
        n >>= 5
    return "".join(reversed(chars))


_ULID_EXAMPLE = "01ARZ3NDEKTSV4RRFFQ69G5FAV"  # the spec's own example


def ulids() -> SearchStrategy[str]:
    """ULID spec: 26 upper-case Crockford base32 characters encoding 128 bits (first char <= 7).

    Generated from a random 128-bit integer, so every value decodes; the
    minimal example is all zeros.
    """
    generated = drawn(lambda rnd: _encode_ulid(rnd.getrandbits(128)))
    return nasty_first(
        ["00000000000000000000000000", "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", _ULID_EXAMPLE], generated
    )


_NASTY_ULIDS = (
    "",
    " ",
    "0",
    _ULID_EXAMPLE[:-1],  # 25 chars
    _ULID_EXAMPLE + "0",  # 27 chars
    "80000000000000000000000000",  # overflows 128 bits
    "ZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    "01ARZ3NDEKTSV4RRFFQ69G5FAU",  # U is excluded from the alphabet
    "01ARZ3NDEKTSV4RRFFQ69G5FA-",
    " " + _ULID_EXAMPLE,
    _ULID_EXAMPLE + " ",
    _fullwidth(_ULID_EXAMPLE),
    _NIL,  # a UUID is not a ULID
)


def _ulid_replace(u: str, i: int, alphabet: str) -> str:
    p = i % 26
    return u[:p] + alphabet[i % len(alphabet)] + u[p + 1:]


_ULID_MUTATIONS: tuple[Callable[[str, int], str], ...] = (
    lambda u, i: u[: i % 26] + u[i % 26 + 1:],  # 25 chars
    lambda u, i: u[: i % 27] + "0" + u[i % 27:],  # 27 chars
    # I, L, O, U are deliberately not in Crockford base32.
    lambda u, i: _ulid_replace(u, i, "ILOU"),
    lambda u, i: _ulid_replace(u, i, "-_!*.~ #%"),
    # First character above 7 means more than 128 bits.
    lambda u, i: "89ABCDEFGHJKMNPQRSTVWXYZ"[i % 24] + u[1:],
    lambda u, i: (" ", "\t", "")[i % 3] + u + ("", " ", "\n")[i % 3],
    lambda u, i: _ensure_lookalike(u, _fullwidth if i % 2 else _arabic_indic),
    lambda u, i: u[:10] + "-" + u[10:],
)


def malformed_ulids() -> SearchStrategy[str]:
    """ULID spec (violated): strings that are not 26 Crockford base32 chars with first char <= 7.

    Wrong length, excluded letters I/L/O/U, punctuation, 128-bit overflow,
    whitespace, look-alike digits, hyphens, a UUID.  Lower case is *not*
    produced: the ULID spec makes decoding case-insensitive.
    """
    generated = drawn(
        lambda m, rnd: m(_encode_ulid(rnd.getrandbits(128)), rnd.randrange(64)),
        _ULID_MUTATIONS,
    )
    return nasty_first(_NASTY_ULIDS, generated)


# ---------------------------------------------------------------- prefixed ids

_BODIES = ("ulid", "alphanumeric")


def _body_params(
    body: str, min_length: int | None, max_length: int | None
) -> tuple[str, int, int]:
    check_choice("body", body, _BODIES)
    if body == "ulid":
        for name, value in (("min_length", min_length), ("max_length", max_length)):
            if value is not None:
                raise InvalidArgument(f"{name}={value!r} only applies to body='alphanumeric'")
        return body, 26, 26
    lo = 8 if min_length is None else check_int("min_length", min_length, min_value=1)
    hi = max(lo, 32) if max_length is None else check_int("max_length", max_length, min_value=1)
    if hi < lo:
        raise InvalidArgument(f"max_length={hi!r} must be >= min_length={lo!r}")
    if hi > 4096:
        raise InvalidArgument(f"max_length={hi!r} must be <= 4096")
    return body, lo, hi


def _random_body(body: str, lo: int, hi: int) -> Callable[[Draws], str]:
    if body == "ulid":
        return lambda rnd: _encode_ulid(rnd.getrandbits(128))
    return lambda rnd: rng_text(rnd, _ALNUM, lo, hi)


def _valid_bodies(body: str, lo: int, hi: int) -> SearchStrategy[str]:
    if body == "ulid":
        return ulids()
    # Readable minimal example: "a" * lo comes first.
    return nasty_first(["a" * lo, "Z9" * (hi // 2) + "Z" * (hi % 2)], drawn(_random_body(body, lo, hi)))


_BAD_BODY_CHARS = "-_ .!/é\u00a0\u200b０"


def _bad_alnum_body(rnd: Draws, lo: int, hi: int) -> str:
    kind = rnd.randrange(3)
    if kind == 0:  # one character outside [A-Za-z0-9]
        body = rng_text(rnd, _ALNUM, lo, hi)
        i = rnd.randrange(len(body))
        return body[:i] + rnd.choice(_BAD_BODY_CHARS) + body[i + 1:]
    if kind == 1 or lo <= 1:  # too long
        return rng_text(rnd, _ALNUM, hi + 1, hi + 16)
    return rng_text(rnd, _ALNUM, 1, lo - 1)  # too short


def _bad_bodies(body: str, lo: int, hi: int) -> SearchStrategy[str]:
    if body == "ulid":
        return malformed_ulids()
    nasty = ["", "a" * (hi + 1), "a" * lo + "-", "a" * (lo - 1) + "é"]
    if lo > 1:
        nasty.insert(1, "a" * (lo - 1))
    return nasty_first(nasty, drawn(lambda rnd: _bad_alnum_body(rnd, lo, hi)))


def _check_prefix(prefix: object) -> str:
    prefix = check_str("prefix", prefix)
    if any(c.isspace() for c in prefix):
        raise InvalidArgument(f"prefix={prefix!r} must not contain whitespace")
    return prefix


def prefixed_ids(
    *,
    prefix: str,
    body: str = "ulid",
    min_length: int | None = None,
    max_length: int | None = None,
) -> SearchStrategy[str]:
    """Prefixed id rule: ``prefix`` followed by a body of the given shape (ULID or alphanumeric).

    ``body="ulid"`` gives ``wal_01ARZ3NDEKTSV4RRFFQ69G5FAV``; ``body="alphanumeric"``
    gives ASCII letters and digits of ``min_length..max_length`` (default 8..32).
    """
    prefix = _check_prefix(prefix)
    body, lo, hi = _body_params(body, min_length, max_length)
    return map_values(_valid_bodies(body, lo, hi), lambda b: prefix + b)


def wrong_prefix_ids(
    *,
    prefix: str,
    body: str = "ulid",
    min_length: int | None = None,
    max_length: int | None = None,
    other_prefixes: Sequence[str] | None = None,
) -> SearchStrategy[str]:
    """Prefixed id rule (violated): a valid body behind a prefix other than ``prefix``.

    Another known prefix first (``cus_`` where ``wal_`` is expected), then the
    prefix re-cased, then random lower-case prefixes.  Never starts with ``prefix``.
    """
    prefix = _check_prefix(prefix)
    body, lo, hi = _body_params(body, min_length, max_length)
    known = KNOWN_ID_PREFIXES if other_prefixes is None else check_str_list("other_prefixes", other_prefixes)
    others = [p for p in known if not p.startswith(prefix)]
    if prefix.upper() != prefix:
        others.append(prefix.upper())
    # Separator swapped: "wal-" for "wal_".
    if prefix[-1] in "_-":
        others.append(prefix[:-1] + ("-" if prefix[-1] == "_" else "_"))
    others = list(dict.fromkeys(others))
    make_body = _random_body(body, lo, hi)
    # Known prefixes on the simplest valid body first; "cus_" + body is the shrink target.
    simplest = "0" * 26 if body == "ulid" else "a" * lo
    nasty = [p + simplest for p in others if not (p + simplest).startswith(prefix)]

    def random_prefix(rnd: Draws) -> str:
        return rng_text(rnd, "abcdefghijklmnopqrstuvwxyz", 1, 6) + "_"

    def build(rnd: Draws) -> str:
        # Half known prefixes, half random ones; a clash with ``prefix`` is
        # retried inside the draw instead of rejecting the test case.
        for _ in range(8):
            p = rnd.choice(others) if others and rnd.chance(0.5) else random_prefix(rnd)
            value = p + make_body(rnd)
            if not value.startswith(prefix):
                return value
        # A one-letter prefix that differs from prefix[0] never clashes.
        return ("b" if prefix[0] == "a" else "a") + "_" + make_body(rnd)

    return drawn(build, nasty=nasty)


def no_prefix_ids(
    *,
    prefix: str,
    body: str = "ulid",
    min_length: int | None = None,
    max_length: int | None = None,
) -> SearchStrategy[str]:
    """Prefixed id rule (violated): a valid body with the required ``prefix`` left off."""
    prefix = _check_prefix(prefix)
    body, lo, hi = _body_params(body, min_length, max_length)
    return filter_values(_valid_bodies(body, lo, hi), lambda s: not s.startswith(prefix))


def bad_body_prefixed_ids(
    *,
    prefix: str,
    body: str = "ulid",
    min_length: int | None = None,
    max_length: int | None = None,
) -> SearchStrategy[str]:
    """Prefixed id rule (violated): the right ``prefix`` followed by a body of the wrong shape.

    For ULID bodies: any malformed ULID.  For alphanumeric bodies: empty, too
    short, too long, or containing a non-alphanumeric character.
    """
    prefix = _check_prefix(prefix)
    body, lo, hi = _body_params(body, min_length, max_length)
    return map_values(_bad_bodies(body, lo, hi), lambda b: prefix + b)


def malformed_prefixed_ids(
    *,
    prefix: str,
    body: str = "ulid",
    min_length: int | None = None,
    max_length: int | None = None,
) -> SearchStrategy[str]:
    """Prefixed id rule (violated): wrong prefix, no prefix, or bad body, in that order."""
    kw = {"prefix": prefix, "body": body, "min_length": min_length, "max_length": max_length}
    return one_of(wrong_prefix_ids(**kw), no_prefix_ids(**kw), bad_body_prefixed_ids(**kw))
