"""Phone numbers: valid E.164 strings and near-misses that are not E.164.

Valid numbers are derived from libphonenumber's per-region example numbers
(``phonenumbers.example_number_for_type``), optionally with their last digits
varied and re-validated, so every value passes ``is_valid_number``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import phonenumbers
from hypothesis.strategies import SearchStrategy

from ._recipes import Draws, drawn, rng_text

__all__ = ["e164_phone_numbers", "non_e164_phone_numbers"]

_E164 = phonenumbers.PhoneNumberFormat.E164
_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
)
# Well-known fictional / documentation numbers read best in failure reports.
_PREFERRED = ("US", "GB", "DE", "FR", "KE", "NG", "IN", "JP", "BR", "AU")


@functools.cache
def _examples() -> tuple[str, ...]:
    # Computed lazily (about 0.4 s): importing the package must stay cheap.
    # Every value is validated against many regions' metadata, whose several
    # thousand patterns overflow the re module's 512-entry cache; without
    # phonenumbers' own (public, unbounded, metadata-only) pattern cache each
    # check recompiles its regexes (~2 ms per value instead of ~0.1 ms).
    phonenumbers.enable_pattern_cache()
    regions = list(_PREFERRED) + sorted(set(phonenumbers.SUPPORTED_REGIONS) - set(_PREFERRED))
    found: dict[str, None] = {}
    for region in regions:
        for kind in _TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and phonenumbers.is_valid_number(number):
                found[phonenumbers.format_number(number, _E164)] = None
    return tuple(found)


def _is_valid_e164(s: str) -> bool:
    try:
        number = phonenumbers.parse(s, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.format_number(number, _E164) == s


def e164_phone_numbers() -> SearchStrategy[str]:
    """ITU-T E.164: ``+`` then country code and subscriber number, at most 15 digits, valid per libphonenumber.

    Region example numbers first (US ``+12015550123`` is the minimal example),
    then examples with their last 1-3 digits varied (kept only if still valid).
    """
    examples = _examples()
    # One choice: even seeds an example, odd ones a variation; 0 is examples[0].
    return drawn(_vary, examples, nasty=examples)


@functools.cache
def _parsed(example: str) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(example, None)


def _vary(example: str, rnd: Draws) -> str:
    # Vary the national number of the parsed example (parsing costs more
    # than validating) and keep the variant only if libphonenumber still
    # calls it valid; retried inside the draw rather than by .filter().
    base = _parsed(example)
    national = str(base.national_number)
    for _ in range(4):
        k = rnd.randint(1, max(1, min(3, len(national) - 1)))
        candidate = phonenumbers.PhoneNumber(
            country_code=base.country_code,
            national_number=int(national[:-k] + rng_text(rnd, "0123456789", k, k)),
            italian_leading_zero=base.italian_leading_zero,
            number_of_leading_zeros=base.number_of_leading_zeros,
        )
        if phonenumbers.is_valid_number(candidate):
            return phonenumbers.format_number(candidate, _E164)
    return example


_NASTY_NON_E164 = (
    "",
    "+",
    "+1",
    "12015550123",  # no plus
    "+012015550123",  # country code cannot start with 0
    "0012015550123",  # international dialling prefix instead of +
    "+1 201-555-0123",  # spaces and dashes
    "+1-201-555-0123",
    "(201) 555-0123",  # national format
    "+44 (0)20 7946 0958",
    "+1201555O123",  # letter O instead of zero
    "+1234567890123456",  # 16 digits
    " +12015550123",
    "+12015550123 ",
    "tel:+1-201-555-0123",
    "++12015550123",
    "+１２０１５５５０１２３",  # fullwidth digits
)


def _national(e: str, i: int) -> str:
    return phonenumbers.format_number(_parsed(e), phonenumbers.PhoneNumberFormat.NATIONAL)


def _international(e: str, i: int) -> str:
    return phonenumbers.format_number(_parsed(e), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _too_long(e: str, i: int) -> str:
    digits = len(e) - 1
    return e + "1234567890"[: max(1, 16 - digits + i % 3)]


def _letter(e: str, i: int) -> str:
    p = 2 + i % (len(e) - 2)
    return e[:p] + "OIlABx"[i % 6] + e[p + 1:]


_PHONE_MUTATIONS: tuple[Callable[[str, int], str], ...] = (
    lambda e, i: e[1:],  # no plus
    lambda e, i: "+0" + e[1:],
    lambda e, i: "00" + e[1:],
    _too_long,
    _letter,
    _international,  # "+44 20 7946 0958": spaces
    lambda e, i: _international(e, i).replace(" ", "-"),
    _national,
    lambda e, i: (" ", "\t", "")[i % 3] + e + ("", " ", "\n")[i % 3],
    lambda e, i: "tel:" + e,
    lambda e, i: "+" + "".join(chr(0xFF10 + int(c)) for c in e[1:]),
    lambda e, i: e[: 2 + i % 4] + " " + e[2 + i % 4:],
)


def _ensure_not_e164(s: str) -> str:
    # _national can in principle return an E.164-looking string; make sure
    # every value really breaks the rule.
    # Canonical E.164 is "+" and ASCII digits only; anything else cannot pass
    # _is_valid_e164 (format_number(E164) never yields it), so skip the parse.
    if not (s[:1] == "+" and s[1:].isascii() and s[1:].isdigit()):
        return s
    return s if not _is_valid_e164(s) else s[1:]


def non_e164_phone_numbers() -> SearchStrategy[str]:
    """ITU-T E.164 (violated): phone-number-like strings that are not canonical E.164.

    Missing ``+``, country code starting with 0, ``00`` prefix, more than 15
    digits, letters, spaces or dashes, national format, surrounding
    whitespace, ``tel:`` URIs, fullwidth digits, empty and ``+`` alone.
    """
    # The examples (about 0.4 s to find) are looked up at the first draw, not when a catalog
    # naming the strategy is loaded and linted, which every process of a run does.
    return drawn(
        lambda m, rnd: _ensure_not_e164(m(rnd.choice(_examples()), rnd.randrange(64))),
        _PHONE_MUTATIONS,
        nasty=_NASTY_NON_E164,
    )
