"""Idempotency-key strategies against an oracle built here from the rule's parameters.

The rule under test is Falu's ``^[a-zA-Z0-9-_:]{2,128}$``.  The oracle is a
length check plus set membership, written independently of the strategy's
character-class parsing.
"""

import string

import pytest
from hypothesis import find, given, settings
from hypothesis.errors import InvalidArgument

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)

MIN, MAX = 2, 128
ALLOWED = frozenset(string.ascii_letters + string.digits + "-_:")
# The same rule, spelled three ways a catalog might.
RULES = {
    "pattern": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "class": {"alphabet": "[a-zA-Z0-9-_:]", "min_length": MIN, "max_length": MAX},
    "explicit": {"alphabet": sorted(ALLOWED), "min_length": MIN, "max_length": MAX},
}


def conforms(key: str) -> bool:
    return MIN <= len(key) <= MAX and all(c in ALLOWED for c in key)


def received(key: str) -> str:
    """The key as the server reads the header: RFC 9110 section 5.5 trims spaces and tabs."""
    return key.strip(" \t")


@pytest.mark.parametrize("spelling", list(RULES))
def test_rule_spellings_agree(spelling):
    rule = RULES[spelling]
    assert find(s.idempotency_keys(**rule), lambda k: len(k) == MAX)
    assert len(find(s.too_long_idempotency_keys(**rule), lambda k: True)) == MAX + 1


@SETTINGS
@given(s.idempotency_keys(**RULES["pattern"]))
def test_valid_keys_conform(key):
    assert conforms(key)


@SETTINGS
@given(s.at_limit_idempotency_keys(**RULES["class"]))
def test_at_limit_keys_conform_and_sit_on_a_limit(key):
    assert conforms(key) and len(key) in (MIN, MAX)


@SETTINGS
@given(s.too_long_idempotency_keys(**RULES["explicit"]))
def test_too_long_keys(key):
    assert len(key) > MAX and all(c in ALLOWED for c in key)
    assert not conforms(key)


@SETTINGS
@given(s.too_short_idempotency_keys(**RULES["pattern"]))
def test_too_short_keys(key):
    assert len(key) < MIN and not conforms(key)


@SETTINGS
@given(s.invalid_char_idempotency_keys(**RULES["pattern"]))
def test_invalid_char_keys(key):
    assert MIN <= len(key) <= MAX
    assert any(c not in ALLOWED for c in key)
    assert not conforms(key) and not conforms(received(key))


@SETTINGS
@given(s.empty_idempotency_keys(**RULES["pattern"]))
def test_empty_keys(key):
    assert key.strip() == "" and not conforms(key)


@SETTINGS
@given(s.invalid_idempotency_keys(**RULES["pattern"]))
def test_invalid_keys(key):
    assert not conforms(key) and not conforms(received(key))


@pytest.mark.parametrize("low, high", [(2, 2), (1, 3), (2, 128)])
def test_invalid_char_keys_stay_invalid_once_trimmed(low, high):
    ok = lambda key: low <= len(key) <= high and set(key) <= set(string.ascii_lowercase + string.digits)  # noqa: E731

    @settings(max_examples=300, deadline=None, database=None)
    @given(s.invalid_char_idempotency_keys(pattern=f"^[a-z0-9]{{{low},{high}}}$"))
    def stays_invalid(key):
        assert not ok(key) and not ok(received(key)), repr(key)

    stays_invalid()


def test_boundaries_appear_and_are_classified():
    at_max = find(s.at_limit_idempotency_keys(**RULES["pattern"]), lambda k: len(k) == 128)
    at_min = find(s.at_limit_idempotency_keys(**RULES["pattern"]), lambda k: len(k) == 2)
    over = find(s.too_long_idempotency_keys(**RULES["pattern"]), lambda k: True)
    assert conforms(at_max) and conforms(at_min)
    assert len(over) == 129 and not conforms(over)
    assert find(s.too_short_idempotency_keys(**RULES["pattern"]), lambda k: True) == ""
    # Far over is also present.
    assert len(find(s.too_long_idempotency_keys(**RULES["pattern"]), lambda k: len(k) >= 1000)) >= 1000
    assert find(s.invalid_idempotency_keys(**RULES["pattern"]), lambda k: True) == ""


@SETTINGS
@given(s.invalid_idempotency_keys(min_length=1, max_length=5000, alphabet="abc"))
def test_long_limits_stay_correct(key):
    assert not (1 <= len(key) <= 5000 and set(key) <= set("abc"))


@pytest.mark.parametrize(
    "kwargs, argname",
    [
        ({"min_length": -1}, "min_length"),
        ({"max_length": "10"}, "max_length"),
        ({"min_length": 5, "max_length": 4}, "max_length"),
        ({"alphabet": "[z-a]"}, "alphabet"),
        ({"alphabet": 5}, "alphabet"),
        ({"pattern": "abc"}, "pattern"),
        ({"pattern": "^[a-z]{1,2}$", "min_length": 1}, "pattern"),
    ],
)
def test_bad_rules_rejected_at_call_time(kwargs, argname):
    with pytest.raises(InvalidArgument, match=argname):
        s.idempotency_keys(**kwargs)
