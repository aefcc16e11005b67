"""Phone strategies against ITU-T E.164 and libphonenumber's parser.

The oracle is E.164's own shape plus libphonenumber's parser and validity
metadata; it does not format the number back, which is how the strategies
themselves decide.
"""

import re

import phonenumbers
from hypothesis import find, given, settings

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)


# ITU-T E.164: "+", a country code (never starting with 0), at most 15 digits in all.
E164 = re.compile(r"\+[1-9][0-9]{0,14}")


def is_e164(value: str) -> bool:
    """An E.164 number: the shape above, and a number libphonenumber parses and calls possible and valid.

    ``parse`` with no default region (so the ``+`` and country code must be
    there) drops a national (trunk) prefix written after the country code
    (``+44 0 20...``), which E.164 excludes: every digit must be the country
    code or the national significant number.
    """
    if not E164.fullmatch(value):
        return False
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    if value[1:] != f"{number.country_code}{phonenumbers.national_significant_number(number)}":
        return False
    return phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number)


def test_oracle_known_answers():
    assert is_e164("+12015550123") and is_e164("+442079460958") and is_e164("+390612345678")
    for value in ("12015550123", "+1 201-555-0123", "+4402079460958", "+1201555012", "+1234567890123456",
                  "+12015550123\n", "+１２０１５５５０１２３", "+12015550123;ext=1"):
        assert not is_e164(value), value


@SETTINGS
@given(s.e164_phone_numbers())
def test_e164_numbers_validate(value):
    assert is_e164(value)


@SETTINGS
@given(s.non_e164_phone_numbers())
def test_non_e164_numbers_are_not_e164(value):
    assert not is_e164(value)


def test_minimal_examples_are_readable():
    assert find(s.e164_phone_numbers(), lambda v: True) == "+12015550123"
    assert find(s.non_e164_phone_numbers(), lambda v: True) == ""
    # More than 15 digits parses but is never a valid number.
    long = find(s.non_e164_phone_numbers(), lambda v: v.startswith("+") and v[1:].isdigit() and len(v) > 16)
    assert not is_e164(long)
