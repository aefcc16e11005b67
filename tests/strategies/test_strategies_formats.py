"""Emails, dates, URLs, enums, numeric ranges, lengths and JSON types against independent oracles."""

import datetime as dt
import json
import math
import re
import string
from urllib.parse import urlsplit

import jsonschema
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)


# ---------------------------------------------------------------- emails

def email_ok(value: str) -> bool:
    try:
        # strict=True enforces the RFC 5321 length limits (64-octet local part).
        validate_email(value, check_deliverability=False, strict=True)
    except EmailNotValidError:
        return False
    return True


@SETTINGS
@given(s.emails())
def test_emails_validate(value):
    assert email_ok(value)


@SETTINGS
@given(s.invalid_emails())
def test_invalid_emails_do_not_validate(value):
    assert not email_ok(value)


# ---------------------------------------------------------------- dates

def full_date_ok(value: str) -> bool:
    # RFC 3339 full-date = 4DIGIT "-" 2DIGIT "-" 2DIGIT naming a real day.
    # fromisoformat alone is too lenient (it takes "20230105"), strptime alone
    # takes "2023-1-5"; the shape check rules both out.
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    if not all(c in string.digits for i, c in enumerate(value) if i not in (4, 7)):
        return False
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return False
    return dt.date.fromisoformat(value) == parsed


@SETTINGS
@given(s.valid_dates())
def test_valid_dates(value):
    assert full_date_ok(value)


@SETTINGS
@given(s.valid_dates(min_year=2000, max_year=2001))
def test_valid_dates_in_year_range(value):
    assert full_date_ok(value) and value[:4] in ("2000", "2001")


@SETTINGS
@given(s.invalid_dates())
def test_invalid_dates(value):
    assert not full_date_ok(value)


def test_impossible_dates_come_first():
    strat = s.invalid_dates()
    assert find(strat, lambda v: True) == ""
    for wanted in ("2023-02-30", "2023-13-01", "2023-00-10", "01/02/2023", "2023-1-5", "20230105"):
        assert find(strat, lambda v, w=wanted: v == w) == wanted


# ---------------------------------------------------------------- URLs

URI_CHARS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
LABEL = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")


def absolute_url_ok(value: str, *, require_https: bool = True) -> bool:
    if not value or any(c not in URI_CHARS for c in value):
        return False
    if re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return False
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return False
    schemes = {"https"} if require_https else {"http", "https"}
    host = parts.hostname or ""
    return (
        parts.scheme in schemes
        and bool(host)
        and all(LABEL.fullmatch(label) for label in host.split("."))
        and (port is None or 0 < port < 65536)
    )


@SETTINGS
@given(s.https_urls())
def test_https_urls(value):
    assert absolute_url_ok(value)
    assert urlsplit(value).scheme == "https"


@SETTINGS
@given(s.invalid_urls())
def test_invalid_urls(value):
    assert not absolute_url_ok(value, require_https=True)


@SETTINGS
@given(s.invalid_urls(require_https=False))
def test_invalid_urls_even_allowing_http(value):
    assert not absolute_url_ok(value, require_https=False)


def test_plain_http_only_when_https_required():
    assert find(s.invalid_urls(), lambda v: v.startswith("http://"))
    with pytest.raises(NoSuchExample):
        find(s.invalid_urls(require_https=False), lambda v: v.startswith("http://"), settings=settings(max_examples=300))


# ---------------------------------------------------------------- enums

def json_equal(a, b) -> bool:
    # Compare as JSON values: true is not 1, 1 equals 1.0.
    numeric = (int, float)
    if isinstance(a, numeric) and isinstance(b, numeric) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return json.dumps(a) == json.dumps(b)


ENUMS = [["active", "inactive", "pending_review"], [1, 2, 3], ["usd", 0, True, None]]


@SETTINGS
@given(st.one_of([s.values_outside_enum(values=e).map(lambda v, e=e: (e, v)) for e in ENUMS]))
def test_values_outside_enum(enum_value):
    values, value = enum_value
    json.dumps(value, allow_nan=False)
    assert not any(json_equal(value, v) for v in values)


def test_enum_near_misses_first():
    strat = s.values_outside_enum(values=["active"])
    assert find(strat, lambda v: v == "ACTIVE") == "ACTIVE"
    assert find(strat, lambda v: v == " active") == " active"


# ---------------------------------------------------------------- numbers

@SETTINGS
@given(s.numbers_outside(minimum=1, maximum=100))
def test_integers_outside(value):
    assert type(value) is int
    assert value < 1 or value > 100


@SETTINGS
@given(s.numbers_outside(minimum=-0.5, maximum=2.5, integer=False))
def test_floats_outside(value):
    assert isinstance(value, float) and math.isfinite(value)
    assert value < -0.5 or value > 2.5


@SETTINGS
@given(s.numbers_outside(maximum=10))
def test_only_maximum(value):
    assert value > 10


def test_number_boundaries_just_outside():
    ints = s.numbers_outside(minimum=1, maximum=100)
    assert find(ints, lambda v: True) == 0
    assert find(ints, lambda v: v > 100) == 101
    floats = s.numbers_outside(minimum=0.0, maximum=1.0, integer=False)
    assert find(floats, lambda v: v > 1.0) == math.nextafter(1.0, math.inf)
    assert find(floats, lambda v: v < 0.0) == math.nextafter(0.0, -math.inf)


# ---------------------------------------------------------------- lengths

@SETTINGS
@given(st.one_of([s.strings_too_long(max_length=n).map(lambda v, n=n: (n, v)) for n in (0, 1, 10, 255)]))
def test_strings_too_long(limit_value):
    max_length, value = limit_value
    assert len(value) > max_length


@pytest.mark.parametrize("max_length", [0, 7, 255, 10_000])
def test_too_long_minimal_example_is_max_plus_one(max_length):
    assert find(s.strings_too_long(max_length=max_length), lambda v: True) == "a" * (max_length + 1)


# ---------------------------------------------------------------- JSON types

VALIDATORS = {t: jsonschema.Draft202012Validator({"type": t}) for t in s.JSON_TYPES}


@SETTINGS
@given(st.one_of([s.json_values_not_of_type(expected=t).map(lambda v, t=t: (t, v)) for t in s.JSON_TYPES]))
def test_json_values_not_of_type(type_value):
    expected, value = type_value
    json.loads(json.dumps(value, allow_nan=False))
    assert not VALIDATORS[expected].is_valid(value)


@pytest.mark.parametrize("expected", s.JSON_TYPES)
def test_json_type_typical_mistakes_first(expected):
    first = find(s.json_values_not_of_type(expected=expected), lambda v: True)
    assert not VALIDATORS[expected].is_valid(first)


@pytest.mark.parametrize(
    "factory, kwargs, argname",
    [
        (s.valid_dates, {"min_year": 0}, "min_year"),
        (s.invalid_urls, {"require_https": "yes"}, "require_https"),
        (s.values_outside_enum, {"values": "abc"}, "values"),
        (s.values_outside_enum, {"values": []}, "values"),
        (s.numbers_outside, {"minimum": "1"}, "minimum"),
        (s.numbers_outside, {}, "minimum"),
        (s.numbers_outside, {"minimum": 5, "maximum": 1}, "maximum"),
        (s.numbers_outside, {"minimum": 0.5, "maximum": 3}, "minimum"),
        (s.strings_too_long, {"max_length": -1}, "max_length"),
        (s.strings_too_long, {"max_length": True}, "max_length"),
        (s.json_values_not_of_type, {"expected": "float"}, "expected"),
    ],
)
def test_bad_arguments_rejected_at_call_time(factory, kwargs, argname):
    with pytest.raises(InvalidArgument, match=argname):
        factory(**kwargs)
