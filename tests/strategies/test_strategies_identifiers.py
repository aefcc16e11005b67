"""UUID, ULID and prefixed-id strategies, checked against independent oracles.

"Malformed UUID" means: not the canonical 8-4-4-4-12 ASCII hex form.  The
oracle is the stdlib ``uuid`` module: a string is canonical iff
``uuid.UUID(s)`` succeeds and ``str(uuid.UUID(s)) == s.lower()``.
"""

import string
import uuid

from hypothesis import given, settings
from hypothesis import find, strategies as st

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)

# Written out from the ULID spec, independently of strategies.CROCKFORD_BASE32.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ALNUM = set(string.ascii_letters + string.digits)


def is_canonical_uuid(value: str) -> bool:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return str(parsed) == value.lower()


def ulid_int(value: str) -> int | None:
    if len(value) != 26 or not value.isascii():
        return None
    n = 0
    for ch in value.upper():
        if ch not in CROCKFORD:
            return None
        n = n * 32 + CROCKFORD.index(ch)
    return n if n < 2**128 else None


@SETTINGS
@given(s.uuids())
def test_uuids_are_canonical_lowercase(value):
    assert is_canonical_uuid(value)
    assert value == value.lower()


@SETTINGS
@given(s.uuids(version=4))
def test_uuid4_has_version_4(value):
    assert uuid.UUID(value).version == 4 and is_canonical_uuid(value)


@SETTINGS
@given(s.malformed_uuids())
def test_malformed_uuids_are_not_canonical(value):
    assert not is_canonical_uuid(value)


def test_malformed_uuid_kinds_are_all_present():
    strat = s.malformed_uuids()
    assert find(strat, lambda v: True) == ""
    find(strat, lambda v: v.startswith("{"))
    find(strat, lambda v: v.startswith("urn:uuid:"))
    find(strat, lambda v: any("\uff10" <= c <= "\uff19" for c in v))
    find(strat, lambda v: any("\u0660" <= c <= "\u0669" for c in v))
    find(strat, lambda v: len(v) == 36 and v.count("-") == 4 and not is_canonical_uuid(v))


@SETTINGS
@given(s.ulids())
def test_ulids_decode(value):
    assert ulid_int(value) is not None
    assert value == value.upper() and value[0] in "01234567"


@SETTINGS
@given(s.malformed_ulids())
def test_malformed_ulids_do_not_decode(value):
    assert ulid_int(value) is None


def test_ulid_minimal_example_is_zero():
    assert find(s.ulids(), lambda v: True) == "0" * 26


PREFIX_RULES = [
    {"prefix": "wal_", "body": "ulid"},
    {"prefix": "cus_", "body": "alphanumeric", "min_length": 8, "max_length": 24},
]


def body_ok(rule: dict, body: str) -> bool:
    if rule["body"] == "ulid":
        return ulid_int(body) is not None
    return rule["min_length"] <= len(body) <= rule["max_length"] and set(body) <= ALNUM


def per_rule(factory):
    # One property covers every rule: (rule, value) pairs from a one_of, so
    # the 500 examples are shared instead of multiplied by parametrisation.
    return st.one_of([factory(**rule).map(lambda v, r=rule: (r, v)) for rule in PREFIX_RULES])


def conforms(rule: dict, value: str) -> bool:
    prefix = rule["prefix"]
    return value.startswith(prefix) and body_ok(rule, value[len(prefix):])


@SETTINGS
@given(per_rule(s.prefixed_ids))
def test_prefixed_ids_conform(rule_value):
    rule, value = rule_value
    assert conforms(rule, value)


@SETTINGS
@given(per_rule(s.wrong_prefix_ids))
def test_wrong_prefix_ids(rule_value):
    rule, value = rule_value
    assert not value.startswith(rule["prefix"])
    assert not conforms(rule, value)


@SETTINGS
@given(per_rule(s.no_prefix_ids))
def test_no_prefix_ids(rule_value):
    rule, value = rule_value
    assert not value.startswith(rule["prefix"]) and body_ok(rule, value)


@SETTINGS
@given(per_rule(s.bad_body_prefixed_ids))
def test_bad_body_prefixed_ids(rule_value):
    rule, value = rule_value
    assert value.startswith(rule["prefix"]) and not conforms(rule, value)


@SETTINGS
@given(per_rule(s.malformed_prefixed_ids))
def test_malformed_prefixed_ids(rule_value):
    rule, value = rule_value
    assert not conforms(rule, value)


def test_wrong_prefix_prefers_other_known_prefix():
    assert find(s.wrong_prefix_ids(prefix="wal_"), lambda v: True).startswith("cus_")
