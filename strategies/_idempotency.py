"""Idempotency keys for a length + alphabet rule, e.g. Falu's ``^[a-zA-Z0-9-_:]{2,128}$``.

A rule is ``min_length``, ``max_length`` and an alphabet.  The alphabet is
either a regex character class (``"[a-zA-Z0-9-_:]"``, interpreted by Python's
``re`` against printable ASCII) or an explicit string/list of allowed
characters.  ``pattern`` accepts the whole ``^[class]{min,max}$`` rule in one
string, which is how API docs usually state it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._checks import check_int, check_str
from ._recipes import Draws, drawn, nasty_first, one_of, rng_text, sampled

__all__ = [
    "IdempotencyRule",
    "at_limit_idempotency_keys",
    "empty_idempotency_keys",
    "idempotency_keys",
    "invalid_char_idempotency_keys",
    "invalid_idempotency_keys",
    "too_long_idempotency_keys",
    "too_short_idempotency_keys",
]

# Valid keys are drawn from printable ASCII only: a header value outside it
# tests the HTTP client, not the API.
_UNIVERSE = "".join(chr(c) for c in range(0x20, 0x7F))
# Characters that commonly slip through sloppy validators.
_BAD_CANDIDATES = " \t\n/\\?#%+=.,;!\"'<>@&*()[]{}|~`$^é\u00a0\u200b\u2028０Ａ😀\x00\x7f"
_OWS = " \t"  # optional whitespace around a header field value (RFC 9110 section 5.6.3)
_RULE_PATTERN = re.compile(r"\^?(\[.+\])\{(\d+),(\d+)\}\$?")
_MAX_ALLOWED_LENGTH = 1 << 16


@dataclass(frozen=True)
class IdempotencyRule:
    min_length: int
    max_length: int
    allowed: str  # sorted allowed characters (within printable ASCII)
    bad: str  # characters that violate the rule, nastiest first


def _expand_alphabet(alphabet: str | Sequence[str]) -> str:
    if isinstance(alphabet, str) and len(alphabet) > 2 and alphabet[0] == "[" and alphabet[-1] == "]":
        try:
            cls = re.compile(alphabet)
        except re.error as err:
            raise InvalidArgument(f"alphabet={alphabet!r} is not a valid character class: {err}") from None
        return "".join(c for c in _UNIVERSE if cls.fullmatch(c))
    if isinstance(alphabet, str):
        chars = alphabet
    elif isinstance(alphabet, Sequence) and all(isinstance(c, str) and len(c) == 1 for c in alphabet):
        chars = "".join(alphabet)
    else:
        raise InvalidArgument(
            f"alphabet={alphabet!r} must be a regex character class like '[a-z0-9]', "
            "a string of allowed characters, or a list of single characters"
        )
    return "".join(sorted(set(chars)))


def _rule(
    min_length: int | None,
    max_length: int | None,
    alphabet: str | Sequence[str] | None,
    pattern: str | None,
) -> IdempotencyRule:
    if pattern is not None:
        pattern = check_str("pattern", pattern)
        if alphabet is not None or min_length is not None or max_length is not None:
            raise InvalidArgument("pattern= cannot be combined with alphabet=, min_length= or max_length=")
        m = _RULE_PATTERN.fullmatch(pattern)
        if m is None:
            raise InvalidArgument(f"pattern={pattern!r} must look like '^[class]{{min,max}}$'")
        alphabet, min_length, max_length = m.group(1), int(m.group(2)), int(m.group(3))
    lo = 1 if min_length is None else check_int("min_length", min_length, min_value=0)
    hi = 255 if max_length is None else check_int("max_length", max_length, min_value=1)
    if hi < lo:
        raise InvalidArgument(f"max_length={hi!r} must be >= min_length={lo!r}")
    if hi > _MAX_ALLOWED_LENGTH:
        raise InvalidArgument(f"max_length={hi!r} must be <= {_MAX_ALLOWED_LENGTH}")
    allowed = _expand_alphabet("[!-~]" if alphabet is None else alphabet)
    if not allowed:
        raise InvalidArgument(f"alphabet={alphabet!r} allows no printable ASCII character")
    allowed_set = set(allowed)
    bad = "".join(c for c in _BAD_CANDIDATES + _UNIVERSE if c not in allowed_set)
    bad = "".join(dict.fromkeys(bad))
    return IdempotencyRule(lo, hi, allowed, bad)


def _fill(rule: IdempotencyRule, n: int) -> str:
    # A readable key of exactly n characters: the first allowed letters/digits cycled.
    readable = "".join(c for c in rule.allowed if c.isalnum()) or rule.allowed
    return (readable * (n // len(readable) + 1))[:n]


def _random_key(rnd: Draws, rule: IdempotencyRule, lo: int, hi: int) -> str:
    if hi <= 1024:
        return rng_text(rnd, rule.allowed, lo, hi)
    # Very long keys: a random core plus one repeated character keeps this cheap.
    core = rng_text(rnd, rule.allowed, 0, 64)
    return core + rnd.choice(rule.allowed) * max(0, rnd.randint(lo, hi) - len(core))


def _keys(rule: IdempotencyRule, lo: int, hi: int) -> SearchStrategy[str]:
    return drawn(lambda rnd: _random_key(rnd, rule, lo, hi))


_RULE_DOC_ARGS = """
    Rule arguments: ``min_length`` (default 1), ``max_length`` (default 255),
    ``alphabet`` (regex character class or explicit characters; default
    ``[!-~]``) or ``pattern`` (``^[class]{min,max}$``)."""


def idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule: only allowed characters, length within min_length..max_length.

    Both limits come first (they are valid too), then random keys.
    """
    rule = _rule(min_length, max_length, alphabet, pattern)
    return nasty_first([_fill(rule, rule.min_length), _fill(rule, rule.max_length)], _keys(rule, rule.min_length, rule.max_length))


def at_limit_idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule: valid keys of exactly max_length or exactly min_length characters."""
    rule = _rule(min_length, max_length, alphabet, pattern)
    return nasty_first(
        [_fill(rule, rule.max_length), _fill(rule, rule.min_length)],
        one_of(_keys(rule, rule.max_length, rule.max_length), _keys(rule, rule.min_length, rule.min_length)),
    )


def too_long_idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule (violated): allowed characters but longer than max_length.

    Exactly max_length + 1 first, then far over (2x, +1000, 10x), then random overs.
    """
    rule = _rule(min_length, max_length, alphabet, pattern)
    hi = rule.max_length
    far = [hi + 1, 2 * hi, hi + 1000, 10 * hi]
    return nasty_first(
        [_fill(rule, n) for n in far],
        drawn(lambda rnd: _random_key(rnd, rule, hi + 1, hi + 1) + _fill(rule, rnd.randint(0, 2 * hi))),
    )


def too_short_idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule (violated): allowed characters but shorter than min_length (includes "")."""
    rule = _rule(min_length, max_length, alphabet, pattern)
    if rule.min_length == 0:
        raise InvalidArgument("min_length=0: no key is too short")
    lo = rule.min_length
    return nasty_first(["", _fill(rule, lo - 1)], _keys(rule, 0, lo - 1))


def invalid_char_idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule (violated): valid length but at least one character outside the alphabet."""
    rule = _rule(min_length, max_length, alphabet, pattern)
    lo = max(rule.min_length, 1)
    # RFC 9110 section 5.5: whitespace around a field value is not part of it, so a space or
    # tab put first or last would reach the server trimmed (" 00" arrives as the valid "00").
    # Inside the key it stays; a key that has no inside (under 3 characters) gets none.
    bad = rule.bad if rule.max_length >= 3 else rule.bad.translate({ord(c): None for c in _OWS})

    def put(key: str, char: str, where: int) -> str:
        if char in _OWS:
            if len(key) < 3:
                key = _fill(rule, 3)
            i = 1 + where % (len(key) - 2)
        else:
            i = where % len(key)
        return key[:i] + char + key[i + 1:]

    nasty = [put(_fill(rule, lo), c, lo - 1) for c in bad[:8]]
    return nasty_first(
        nasty,
        drawn(lambda rnd: put(_random_key(rnd, rule, lo, rule.max_length), rnd.choice(bad), rnd.randrange(1 << 30))),
    )


def empty_idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule (violated): the empty key, then whitespace-only keys the rule forbids."""
    rule = _rule(min_length, max_length, alphabet, pattern)
    allowed = set(rule.allowed)
    values = [""] if rule.min_length > 0 else []
    for ws in (" ", "\t", "   ", "\u00a0", " \t ", " " * max(rule.min_length, 1)):
        if not set(ws) <= allowed or not rule.min_length <= len(ws) <= rule.max_length:
            values.append(ws)
    if not values:
        raise InvalidArgument(
            f"min_length={rule.min_length} and an alphabet allowing whitespace: no empty key is invalid"
        )
    return sampled(values)


def invalid_idempotency_keys(
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    alphabet: str | Sequence[str] | None = None,
    pattern: str | None = None,
) -> SearchStrategy[str]:
    """Idempotency-key rule (violated): empty, too short, too long or with invalid characters."""
    kw = {"min_length": min_length, "max_length": max_length, "alphabet": alphabet, "pattern": pattern}
    rule = _rule(min_length, max_length, alphabet, pattern)
    # Short violations first: a failure shrinks towards the first part's
    # values, so one that any bad character provokes ends on a short key.
    parts = [invalid_char_idempotency_keys(**kw), too_long_idempotency_keys(**kw)]
    if rule.min_length > 1:
        parts.insert(0, too_short_idempotency_keys(**kw))
    if rule.min_length > 0:
        parts.insert(0, empty_idempotency_keys(**kw))
    return one_of(*parts)


for _f in (
    idempotency_keys,
    at_limit_idempotency_keys,
    too_long_idempotency_keys,
    too_short_idempotency_keys,
    invalid_char_idempotency_keys,
    empty_idempotency_keys,
    invalid_idempotency_keys,
):
    _f.__doc__ = (_f.__doc__ or "") + _RULE_DOC_ARGS
del _f
