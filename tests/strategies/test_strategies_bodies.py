"""Request bodies and Content-Type values against strict JSON parsing and the email package's media-type parser."""

import json
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)

BASES = [None, {}, {"currency": "usd", "amount": 1500, "customer": "cus_123", "metadata": {"note": "o'clock"}, "tags": ["a", "b"]}]


class Rejected(ValueError):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Rejected(f"duplicate keys {keys}")
    return dict(pairs)


def _no_constants(name):
    raise Rejected(f"non-JSON constant {name}")


def strict_json(body: bytes):
    """RFC 8259 strictly: UTF-8 without BOM, one value, unique names, no NaN/Infinity."""
    text = body.decode("utf-8")  # strict: invalid UTF-8 raises; a BOM stays as U+FEFF and json rejects it
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)


def is_strict_json(body: bytes) -> bool:
    try:
        strict_json(body)
    except (ValueError, UnicodeDecodeError):  # JSONDecodeError and Rejected are ValueErrors
        return False
    return True


def max_depth(body: bytes) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        ch = chr(byte)
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


@SETTINGS
@given(st.one_of([s.malformed_json_bodies(base=b) for b in BASES]))
def test_malformed_bodies_are_not_strict_json(body):
    assert isinstance(body, bytes)
    assert not is_strict_json(body)


@pytest.mark.parametrize("kind", s.MALFORMED_JSON_KINDS)
def test_each_malformed_kind_alone(kind):
    strat = s.malformed_json_bodies(base=BASES[2], kinds=[kind])
    first = find(strat, lambda b: True)
    assert not is_strict_json(first)
    other = find(strat, lambda b: b != first)
    assert not is_strict_json(other)


def test_malformed_bodies_look_like_the_base():
    base = BASES[2]
    body = find(s.malformed_json_bodies(base=base, kinds=["trailing_comma"]), lambda b: b.startswith(b"{"))
    assert b'"customer": "cus_123"' in body


@SETTINGS
@given(st.one_of([s.wrong_top_level_json_bodies(expected=e, base=BASES[2]).map(lambda b, e=e: (e, b)) for e in ("object", "array", "string")]))
def test_wrong_top_level_bodies(expected_body):
    expected, body = expected_body
    value = strict_json(body)
    python_type = {"object": dict, "array": list, "string": str}[expected]
    assert not isinstance(value, python_type)


@SETTINGS
@given(s.deep_json_bodies(depth=60))
def test_deep_bodies_are_valid_and_exactly_that_deep(body):
    assert max_depth(body) == 60
    strict_json(body)


LARGE_REPR = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@LARGE_REPR
def test_deep_default_depth():
    strat = s.deep_json_bodies()
    for shape in range(3):
        body = find(strat, lambda b, n=shape: b[:1] == (b"[", b"{", b"[")[n] and (n != 2 or b[1:2] == b"{"))
        assert max_depth(body) == 10_000
    for depth in (1, 2, 3):
        for body in (find(s.deep_json_bodies(depth=depth), lambda b, c=c: b[:1] == c) for c in (b"[", b"{")):
            assert max_depth(body) == depth and is_strict_json(body)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of([s.oversized_json_bodies(size=n, base=b).map(lambda v, n=n: (n, v)) for n in (0, 10, 4096) for b in (None, BASES[2])]))
def test_oversized_bodies(size_body):
    size, body = size_body
    assert len(body) > size
    strict_json(body)


@LARGE_REPR
@pytest.mark.parametrize("size", [0, 1, 100, 1_000_000])
def test_oversized_minimal_is_size_plus_one(size):
    assert len(find(s.oversized_json_bodies(size=size), lambda b: True)) == max(size + 1, len(b'{"name": "example", "amount": 100, "active": true, "padding": ""}'))


def media_type_matches(value: str, expected: str) -> bool:
    msg = EmailMessage()
    msg["Content-Type"] = value
    header = msg["Content-Type"]
    if header.defects:
        return False
    want = expected.split(";")[0].strip().lower()
    if header.content_type != want:
        return False
    return not want.startswith("multipart/") or "boundary" in header.params


EXPECTED_TYPES = ("application/json", "multipart/form-data", "text/plain", "application/json; charset=utf-8")


@SETTINGS
@given(st.one_of([s.mismatched_content_types(expected=e).map(lambda v, e=e: (e, v)) for e in EXPECTED_TYPES]))
def test_mismatched_content_types(expected_value):
    expected, value = expected_value
    assert "\r" not in value and "\n" not in value
    assert not media_type_matches(value, expected)


def test_content_type_oracle_sanity():
    assert media_type_matches("Application/JSON; charset=utf-8", "application/json")
    assert media_type_matches("multipart/form-data; boundary=x", "multipart/form-data")
    assert not media_type_matches("multipart/form-data", "multipart/form-data")


@pytest.mark.parametrize(
    "factory, kwargs, argname",
    [
        (s.malformed_json_bodies, {"base": [1, 2]}, "base"),
        (s.malformed_json_bodies, {"kinds": ["nope"]}, "kinds"),
        (s.malformed_json_bodies, {"kinds": "bom"}, "kinds"),
        (s.wrong_top_level_json_bodies, {"expected": "dict"}, "expected"),
        (s.deep_json_bodies, {"depth": 0}, "depth"),
        (s.oversized_json_bodies, {"size": -1}, "size"),
        (s.mismatched_content_types, {"expected": "json"}, "expected"),
    ],
)
def test_bad_arguments_rejected_at_call_time(factory, kwargs, argname):
    with pytest.raises(InvalidArgument, match=argname):
        factory(**kwargs)
