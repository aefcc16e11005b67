"""The dotted-name registry: the interface catalogs and suites depend on."""

import inspect

import pytest
from hypothesis import find
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from conformance import strategies as s

REQUIRED_NAMES = """
uuid.valid uuid.malformed prefixed_id.valid prefixed_id.wrong_prefix prefixed_id.no_prefix
prefixed_id.bad_body prefixed_id.malformed ulid.valid ulid.malformed
idempotency_key.valid idempotency_key.at_limit idempotency_key.too_long idempotency_key.invalid_chars
idempotency_key.empty idempotency_key.invalid phone.e164 phone.non_e164 email.valid email.invalid
date.valid date.invalid url.https url.invalid enum.outside number.outside string.too_long json_type.wrong
json_body.malformed json_body.wrong_top_level json_body.deep json_body.oversized content_type.mismatched
credential.missing credential.empty credential.wrong_scheme credential.garbage credential.jwt_unsigned
credential.jwt_expired credential.whitespace credential.invalid string.matching string.not_matching
""".split()

# Smallest args a catalog would pass (YAML scalars and lists only).
MINIMAL_ARGS = {
    "prefixed_id.valid": {"prefix": "wal_"},
    "prefixed_id.wrong_prefix": {"prefix": "wal_"},
    "prefixed_id.no_prefix": {"prefix": "wal_"},
    "prefixed_id.bad_body": {"prefix": "wal_"},
    "prefixed_id.malformed": {"prefix": "wal_"},
    "enum.outside": {"values": ["a", "b"]},
    "number.outside": {"minimum": 0},
    "string.too_long": {"max_length": 10},
    "json_type.wrong": {"expected": "string"},
    "json_body.oversized": {"size": 100},
    "json_body.deep": {"depth": 50},
    "string.matching": {"pattern": "[a-z0-9]+(-[a-z0-9]+)*"},
    "string.not_matching": {"pattern": "[a-z0-9]+(-[a-z0-9]+)*"},
}


def test_required_names_are_registered():
    assert set(REQUIRED_NAMES) <= set(s.REGISTRY)
    assert s.names() == list(s.REGISTRY)


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        s.REGISTRY["x"] = s.uuids  # type: ignore[index]


@pytest.mark.parametrize("name", s.names())
def test_every_name_builds_and_draws(name):
    strategy = s.get(name, **MINIMAL_ARGS.get(name, {}))
    assert isinstance(strategy, SearchStrategy)
    strategy.validate()
    find(strategy, lambda v: True)


@pytest.mark.parametrize("name", s.names())
def test_describe(name):
    info = s.describe(name)
    assert isinstance(info, s.StrategyInfo)
    assert info.name == name
    factory = s.REGISTRY[name]
    assert info.summary == inspect.getdoc(factory).splitlines()[0]
    assert len(info.summary) > 20 and ":" in info.summary  # "RULE: what it produces"
    assert isinstance(info.invalid, bool)
    params = inspect.signature(factory).parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values()), "keyword-only arguments"
    assert info.parameters == tuple((n, p.default is inspect.Parameter.empty) for n, p in params.items())
    for arg, required in info.parameters:
        assert isinstance(arg, str) and isinstance(required, bool)
    # Required args are exactly what a minimal call must pass.
    required = {a for a, r in info.parameters if r}
    assert required <= set(MINIMAL_ARGS.get(name, {}))


def test_invalid_flags():
    assert not s.describe("uuid.valid").invalid
    assert not s.describe("idempotency_key.at_limit").invalid
    assert s.describe("uuid.malformed").invalid
    assert s.describe("credential.invalid").invalid
    assert s.describe("idempotency_key.too_long").parameters[0] == ("min_length", False)


@pytest.mark.parametrize(
    "bad, suggestion",
    [("uuid.malformd", "uuid.malformed"), ("phone.e165", "phone.e164"), ("credentials.missing", "credential.missing")],
)
def test_unknown_name_suggests(bad, suggestion):
    with pytest.raises(KeyError, match=suggestion):
        s.get(bad)
    with pytest.raises(KeyError, match=suggestion):
        s.describe(bad)


@pytest.mark.parametrize(
    "name, args, argname",
    [
        ("uuid.valid", {"bogus": 1}, "bogus"),
        ("enum.outside", {}, "values"),
        ("string.too_long", {"max_length": -1}, "max_length"),
        ("string.too_long", {"max_length": "10"}, "max_length"),
        ("url.invalid", {"require_https": "yes"}, "require_https"),
        ("email.invalid", {"policy": "strict"}, "policy"),
        ("number.outside", {}, "minimum"),
        ("json_type.wrong", {"expected": "float"}, "expected"),
        ("json_body.deep", {"depth": -5}, "depth"),
        ("json_body.oversized", {}, "size"),
        ("prefixed_id.valid", {"prefix": "wal_", "body": "uuid"}, "body"),
        ("prefixed_id.valid", {"prefix": "wal_", "min_length": 4}, "min_length"),
        ("idempotency_key.valid", {"min_length": 10, "max_length": 2}, "max_length"),
        ("credential.garbage", {"scheme": 1}, "scheme"),
        ("content_type.mismatched", {"expected": "nonsense"}, "expected"),
        ("string.not_matching", {"pattern": "[a-"}, "pattern"),
        ("string.not_matching", {"pattern": "(?s).*"}, "pattern"),
        ("string.matching", {"pattern": 5}, "pattern"),
    ],
)
def test_bad_args_raise_invalid_argument_naming_the_argument(name, args, argname):
    with pytest.raises(InvalidArgument, match=argname):
        s.get(name, **args)


def test_catalog_style_args():
    # What a YAML catalog entry would produce.
    s.get("idempotency_key.invalid", pattern="^[a-zA-Z0-9-_:]{2,128}$")
    s.get("prefixed_id.malformed", prefix="cus_", body="alphanumeric", min_length=14, max_length=14)
    s.get("enum.outside", values=["usd", "eur"])
    s.get("number.outside", minimum=1, maximum=100, integer=False)
    s.get("credential.invalid", scheme=None, key="abc123")
    s.get("json_body.malformed", base={"amount": 1, "currency": "usd"}, kinds=["truncated", "trailing_comma"])
    s.get("content_type.mismatched", expected="application/json")
    s.get("email.invalid", policy="deliverable")
    assert s.describe("email.invalid").parameters == (("policy", False),)


def test_public_face():
    assert set(s.__all__) <= set(dir(s))
    for name in s.__all__:
        assert not name.startswith("_")
