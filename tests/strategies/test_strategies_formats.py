"""Emails, dates, URLs, enums, numeric ranges, lengths and JSON types against independent oracles.

The email and URL oracles are parsers written elsewhere (the ``abnf`` package's
RFC 5322 and RFC 3986 grammars, email-validator), never this project's
strategies or reference APIs.
"""

import datetime as dt
import json
import math
import string

import jsonschema
import pytest
from abnf import Node, ParseError
from abnf.grammars import rfc3986, rfc5322
from email_validator import EmailNotValidError, validate_email
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)


# ---------------------------------------------------------------- emails

ADDR_SPEC = rfc5322.Rule("addr-spec")


def rfc_email_ok(value: str) -> bool:
    """RFC 5322 section 3.4.1 ``addr-spec`` within RFC 5321 section 4.5.3.1's length limits.

    The syntax oracle is the ``abnf`` package's RFC 5322 grammar: the RFC's own
    ABNF run by a generic ABNF parser, so it knows the whole ``addr-spec``
    (quoted strings, domain literals, comments and folding white space, and the
    obsolete forms section 4 tells receivers to accept) and shares nothing with
    the strategies.  email-validator cannot serve here: even with
    ``globally_deliverable=False`` and every ``allow_*`` flag it refuses
    RFC-valid comments, surrounding white space, underscores and edge hyphens
    in labels and special-use names such as ``localhost`` (it is the policy
    oracle below instead).  The stdlib's ``email.headerregistry`` parser records
    defects but accepts nearly anything, so it cannot say "invalid".
    The lengths are RFC 5321's: local part 64 octets, domain 255, and a path
    of 256 octets with its angle brackets, so 254 for the address.
    """
    local, _, domain = value.rpartition("@")
    if len(local.encode()) > 64 or len(domain.encode()) > 255 or len(value.encode()) > 254:
        return False
    try:
        ADDR_SPEC.parse_all(value)
    except ParseError:
        return False
    return True


def deliverable_email_ok(value: str) -> bool:
    """The "deliverable" policy: email-validator's defaults without DNS look-ups.

    Globally deliverable domains only (a dot, no special-use or reserved
    names, LDH labels), no quoted local parts, no IP literals, no white space
    or comments; ``strict=True`` adds RFC 5321's length limits.
    """
    try:
        validate_email(value, check_deliverability=False, strict=True)
    except EmailNotValidError:
        return False
    return True


# Addresses the RFCs allow that a stricter policy refuses, and the rule each breaks.
RFC_VALID_UNDELIVERABLE = [
    "user@localhost",  # RFC 5321 section 2.3.5: FQDNs only; RFC 6761: special-use name
    "user@example",  # no TLD
    "user@exa_mple.com",  # RFC 5321 section 4.1.2: LDH labels
    "user@-example.com",  # the same
    "user@" + "d" * 64 + ".com",  # RFC 1035 section 2.3.4: labels of 63 octets at most
    "user@example.123",  # RFC 3696 section 2: no all-numeric TLD
    "user@[192.0.2.1]",  # address literal
    '"john doe"@example.com',  # quoted local part
    "user(comment)@example.com",  # comment
    " user@example.com",  # folding white space
    "user . name@example.com",  # obsolete local part
]

# Known answers: the oracles themselves must tell these apart, or the properties below prove nothing.
RFC_VALID = ["a@b", "first.last@example.com", "!#$%&'*+-/=?^_`{|}~@example.com", '"a@b\\ c"@example.com',
             "user@[IPv6:2001:db8::1]", "a" * 64 + "@example.com", *RFC_VALID_UNDELIVERABLE]
RFC_INVALID = ["", "a", "a@", "@b", "a@b@c", "a..b@c", "a.@c", "a@c.", "a b@c", "a@c\n", "<a@c>", '"a@c',
               "a" * 65 + "@example.com", "a@" + ".".join(["d" * 63] * 4) + ".com"]


@pytest.mark.parametrize("value", RFC_VALID)
def test_rfc_oracle_accepts_rfc_valid_addresses(value):
    assert rfc_email_ok(value)


@pytest.mark.parametrize("value", RFC_INVALID)
def test_oracles_reject_rfc_invalid_addresses(value):
    assert not rfc_email_ok(value)
    assert not deliverable_email_ok(value)


@SETTINGS
@given(s.emails())
def test_emails_validate(value):
    assert rfc_email_ok(value)
    assert deliverable_email_ok(value)


@SETTINGS
@given(s.invalid_emails())
def test_invalid_emails_break_the_rfcs(value):
    assert not rfc_email_ok(value)


@SETTINGS
@given(s.invalid_emails(policy="deliverable"))
def test_deliverable_policy_emails_are_refused_by_the_policy(value):
    assert not deliverable_email_ok(value)


@pytest.mark.parametrize("value", RFC_VALID_UNDELIVERABLE)
def test_rfc_valid_undeliverable_addresses_only_under_the_policy(value):
    assert rfc_email_ok(value) and not deliverable_email_ok(value)
    assert find(s.invalid_emails(policy="deliverable"), lambda v: v == value) == value


def test_default_never_yields_rfc_valid_addresses():
    listed = set(RFC_VALID_UNDELIVERABLE)
    with pytest.raises(NoSuchExample):
        find(s.invalid_emails(), lambda v: v in listed, settings=settings(max_examples=3000, database=None))


def test_deliverable_policy_generates_rfc_valid_addresses():
    # Not only the listed ones: generated values keep RFC validity too.
    listed = set(RFC_VALID_UNDELIVERABLE)
    assert find(s.invalid_emails(policy="deliverable"), lambda v: v not in listed and rfc_email_ok(v))


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

URI = rfc3986.Rule("URI")


def _first(tree: Node, name: str) -> str | None:
    stack = [tree]
    while stack:
        node = stack.pop(0)
        if node.name == name:
            return node.value
        stack.extend(getattr(node, "children", ()))
    return None


def absolute_url_ok(value: str, *, require_https: bool = True) -> bool:
    """RFC 3986 ``URI`` with an http(s) scheme, a non-empty host and a port in 1-65535.

    The syntax is the ``abnf`` package's RFC 3986 grammar, the RFC's ABNF run
    by a generic parser (the reference APIs' validators are regexes and
    ``urlsplit``; the strategies share neither).  Not the ``rfc3986``
    package: its ``uri_reference`` percent-encodes path, query and fragment
    before its validator looks at them, so it passes
    ``https://example.com/a b``, ``%zz`` and ``|``, and it takes the empty host
    of ``https://user@`` as present.  An empty host is forbidden for http(s)
    by RFC 9110 section 4.2; RFC 3986 allows any digits as a port, TCP only
    1-65535 (0 is reserved).
    """
    try:
        tree = URI.parse_all(value)
    except ParseError:
        return False
    schemes = {"https"} if require_https else {"http", "https"}
    port = _first(tree, "port")
    return (
        (_first(tree, "scheme") or "").lower() in schemes
        and bool(_first(tree, "host"))
        and (not port or 0 < int(port) < 65536)
    )


@pytest.mark.parametrize(
    "value, https, http",
    [
        ("https://example.com", True, True),
        ("https://example.com:8443/a-b_c?x=1#top", True, True),
        ("https://192.0.2.1/", True, True),
        ("https://[2001:db8::1]:443/", True, True),
        ("http://example.com", False, True),
        ("https://example.com/a b", False, False),
        ("https://example.com/%zz", False, False),
        ("https://user@", False, False),
        ("https://example.com:65536/", False, False),
        ("//example.com/", False, False),
        ("ftp://example.com/", False, False),
    ],
)
def test_url_oracle_known_answers(value, https, http):
    assert absolute_url_ok(value) is https
    assert absolute_url_ok(value, require_https=False) is http


@SETTINGS
@given(s.https_urls())
def test_https_urls(value):
    assert absolute_url_ok(value)


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
        (s.invalid_emails, {"policy": "strict"}, "policy"),
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
