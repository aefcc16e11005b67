"""Phone strategies against libphonenumber.

A string is E.164 iff ``phonenumbers.parse(s, None)`` succeeds (no default
region), the number is valid, and formatting it as E.164 gives back ``s``.
"""

import phonenumbers
from hypothesis import find, given, settings

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)


def is_e164(value: str) -> bool:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(number) and formatted == value


@SETTINGS
@given(s.e164_phone_numbers())
def test_e164_numbers_validate(value):
    number = phonenumbers.parse(value, None)
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == value
    assert value.startswith("+") and value[1:].isdigit() and len(value) <= 16


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
