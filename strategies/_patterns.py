"""Strings a regular expression accepts or rejects as a whole value (Python ``re.fullmatch``).

Specifications define names, tags and digests by regex.  The contract here
is ``re.fullmatch(pattern, value)``: the whole value must match.  Not
``re.match`` or ``re.search`` with ``^...$``, because in Python's ``re``
``$`` also matches *before* a trailing newline (``re.match(r"^[a-z]+$",
"abc\\n")`` matches) -- the classic validator bug, and one of the near misses
:func:`strings_not_matching` sends.  ``^`` and ``$`` in a pattern are allowed
and redundant.

Engines disagree on ``\\d``, ``\\w``, ``\\s`` and ``\\b``: ASCII in JSON
Schema's ECMA-262 patterns and most validators, Unicode in Python's ``re``
by default.  A value is only called matching if it matches under both
readings (``re.ASCII`` and not), and only called non-matching if it matches
under neither, so no API is blamed for the reading it chose.

Non-matching values are near misses of valid ones first: a value drawn from
``st.from_regex(pattern, fullmatch=True)``, then changed in one way (one too
long or too short, a trailing newline, case flipped, a look-alike Unicode
character, one character off or added, a space around it).  Each candidate is
kept only if ``re.fullmatch`` rejects it -- the regex is the definition of the
contract, so it is the oracle -- and a list of pattern-independent values
(empty, whitespace, punctuation, non-ASCII, very long) backs them up.  A
pattern that accepts every one of those (``(?s).*``) cannot be violated:
that is an ``InvalidArgument`` when the strategy is built, so catalog lint
reports it instead of a test looping in search of a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._checks import check_str

__all__ = ["strings_matching", "strings_not_matching"]

# Pattern-independent non-matching candidates, simplest first: the empty
# string, whitespace, one character of each class, non-ASCII, and lengths
# past common limits (4096 + 1).
_FIXED = (
    "", " ", "\n", "0", "a", "A", "-", "_", ".", "/", "%", "a b", "\t", "\x00", "é", "\uff41", "\u0430",
    "\U0001f600", "a\n", "0" * 256, "a" * 256, "a" * 4097,
)
# Characters put in place of, or next to, a valid one: separators and
# characters sloppy validators let through, then one of each class.
_OFF = "-_. /%:@+\x00\nAa0~é"
# Look-alikes (Unicode TR39 confusables): Cyrillic for Latin letters,
# fullwidth forms for any other printable ASCII character.
_CONFUSABLE = dict(zip("aceopxyiAOEPCXBHKMT", "асеорхуіАОЕРСХВНКМТ"))
# Extend or shorten a value until the regex rejects it, this far at most.
_STRETCH = 64
# Valid values tried per near miss before a fixed value is sent instead.
_TRIES = 4


def _compile(pattern: object) -> tuple[re.Pattern[str], ...]:
    """The pattern read with ASCII classes, then with Unicode ones (one of them if it sets its own)."""
    check_str("pattern", pattern)
    try:
        unicode = re.compile(pattern)  # type: ignore[arg-type]
    except re.error as exc:
        raise InvalidArgument(f"pattern={pattern!r} is not a valid regular expression: {exc}") from None
    try:
        return re.compile(pattern, re.ASCII), unicode  # type: ignore[arg-type]
    except ValueError:  # an inline (?u): the pattern chose its reading
        return (unicode,)


def _valid(readings: tuple[re.Pattern[str], ...]) -> SearchStrategy[str]:
    # Not validated here: that would build the strategy while pytest loads the
    # plugin (a Hypothesis warning); re.compile has checked the syntax.
    return st.from_regex(readings[0], fullmatch=True).filter(lambda v: all(r.fullmatch(v) for r in readings))


def strings_matching(*, pattern: str) -> SearchStrategy[str]:
    """Regex ``pattern`` matched against the whole value (``re.fullmatch``): strings it accepts, by ``from_regex(fullmatch=True)``.

    ``\\d``, ``\\w``, ``\\s`` match ASCII only (values every engine accepts).
    Shrinks towards the shortest, simplest match.
    """
    return _valid(_compile(pattern))


def _longer(v: str, i: int, c: str, rejects: Callable[[str], bool]) -> str | None:
    # One too long: repeat the last character until the regex rejects it,
    # which lands exactly one past a {m,n} bound.
    last = v[-1:] or c
    return next((w for k in range(1, _STRETCH + 1) if rejects(w := v + last * k)), None)


def _shorter(v: str, i: int, c: str, rejects: Callable[[str], bool]) -> str | None:
    # One too short: drop characters from the end until the regex rejects it.
    return next((w for k in range(1, min(len(v), _STRETCH) + 1) if rejects(w := v[:-k])), None)


def _at(v: str, i: int, change: Callable[[str], str | None]) -> str | None:
    # Change the first character at or after position i (wrapping) that ``change`` can change.
    for k in range(len(v)):
        j = (i + k) % len(v)
        new = change(v[j])
        if new is not None and new != v[j]:
            return v[:j] + new + v[j + 1:]
    return None


def _confusable(ch: str) -> str | None:
    if ch in _CONFUSABLE:
        return _CONFUSABLE[ch]
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else None


# Simplest first: a failing example shrinks towards the first that applies.
_NEAR_MISSES: tuple[Callable[[str, int, str, Callable[[str], bool]], str | None], ...] = (
    _longer,
    _shorter,
    lambda v, i, c, r: v + "\n",
    lambda v, i, c, r: _at(v, i, lambda ch: ch.swapcase() if len(ch.swapcase()) == 1 else None),
    lambda v, i, c, r: _at(v, i, _confusable),
    lambda v, i, c, r: v[:i] + c + v[i + 1:] if v else c,
    lambda v, i, c, r: v[:i] + c + v[i:],
    lambda v, i, c, r: " " + v,
    lambda v, i, c, r: v + " ",
)


@st.composite
def _near_misses(draw, valid: SearchStrategy[str], rejects: Callable[[str], bool], fixed: tuple[str, ...]) -> str:
    for _ in range(_TRIES):
        v = draw(valid)
        first = draw(st.integers(0, len(_NEAR_MISSES) - 1))
        i = draw(st.integers(0, max(len(v) - 1, 0)))
        c = draw(st.sampled_from(_OFF))
        # From the drawn kind on, the first change the regex rejects.
        for k in range(len(_NEAR_MISSES)):
            w = _NEAR_MISSES[(first + k) % len(_NEAR_MISSES)](v, i, c, rejects)
            if w is not None and rejects(w):
                return w
    # Nothing near this pattern's values is rejected: a fixed value is (checked at build time).
    return draw(st.sampled_from(fixed))


def strings_not_matching(*, pattern: str) -> SearchStrategy[str]:
    """Regex ``pattern`` matched against the whole value (``re.fullmatch``, violated): strings it rejects, near misses first.

    One too long or too short (exactly one past a length bound), a trailing
    newline (Python's ``$`` accepts one), case flipped, a look-alike Unicode
    character, one character off or added, a space around the value; then
    empty, whitespace, punctuation, non-ASCII and very long values.  Every
    value is checked rejected by ``re.fullmatch``, with ASCII and with
    Unicode classes.  Raises ``InvalidArgument``
    for an invalid regex or one that matches everything (nothing to send).
    """
    readings = _compile(pattern)

    def rejects(value: str) -> bool:
        return not any(r.fullmatch(value) for r in readings)

    fixed = tuple(v for v in _FIXED if rejects(v))
    if not fixed:
        raise InvalidArgument(
            f"pattern={pattern!r} matches every value tried (empty, whitespace, a newline, letters, digits, "
            "punctuation, non-ASCII, 4097 characters): it has no non-matching values to send "
            "(a pattern that matches everything, such as '(?s).*', cannot be violated)"
        )
    return st.one_of(_near_misses(_valid(readings), rejects, fixed), st.sampled_from(fixed))
