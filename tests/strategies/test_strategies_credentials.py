"""Credential header values, decoded independently (base64url + JSON for JWTs).

Validity model: for a scheme, ``"<scheme> <key>"`` with the scheme compared
case-insensitively (RFC 9110 section 11.1) and the key exactly; for a raw
API-key header (scheme None), exactly ``key``.
"""

import base64
import binascii
import json
import time

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

from conformance import strategies as s

SETTINGS = settings(max_examples=500, deadline=None)
KEY = "sk_live_51HvT3xKZ9"
HEADER_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\t"}
CONFIGS = [("Bearer", KEY), (None, KEY), ("Token", None)]


def is_valid(value, scheme, key):
    if value is None:
        return False
    if scheme is None:
        return value == key
    parts = value.split(" ", 1)
    return len(parts) == 2 and parts[0].lower() == scheme.lower() and parts[1] == key


def per_config(factory, *, with_key=True):
    out = []
    for scheme, key in CONFIGS:
        kwargs = {"scheme": scheme}
        if with_key and key is not None:
            kwargs["key"] = key
        out.append(factory(**kwargs).map(lambda v, c=(scheme, key): (c, v)))
    return st.one_of(out)


def token_of(value, scheme):
    if scheme is None:
        return value
    assert value.startswith(scheme + " ")
    return value[len(scheme) + 1:]


def b64url_json(part):
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.b64decode(padded, altchars=b"-_", validate=True))


def test_missing_is_none():
    assert find(s.missing_credentials(scheme="Bearer"), lambda v: True) is None


@SETTINGS
@given(per_config(s.empty_credentials, with_key=False))
def test_empty(config_value):
    (scheme, key), value = config_value
    assert value is not None
    assert value.strip() == "" or (scheme is not None and value.strip() == scheme)


@SETTINGS
@given(per_config(s.wrong_scheme_credentials))
def test_wrong_scheme(config_value):
    (scheme, key), value = config_value
    assert not is_valid(value, scheme, key or "sk_test_4eC39HqLyjWDarjtT1zdp7dc")
    if scheme is not None:
        assert value.split(" ", 1)[0].lower() != scheme.lower()
    assert set(value) <= HEADER_CHARS


def test_lowercase_scheme_only_when_case_sensitive():
    lenient = s.wrong_scheme_credentials(scheme="Bearer", key=KEY)
    strict = s.wrong_scheme_credentials(scheme="Bearer", key=KEY, case_sensitive=True)
    assert find(strict, lambda v: v == f"bearer {KEY}")
    with pytest.raises(NoSuchExample):
        find(lenient, lambda v: v.split(" ")[0] == "bearer", settings=settings(max_examples=300))


@SETTINGS
@given(per_config(s.garbage_credentials))
def test_garbage(config_value):
    (scheme, key), value = config_value
    token = token_of(value, scheme)
    assert token and token != key
    assert set(value) <= HEADER_CHARS


@SETTINGS
@given(per_config(s.unsigned_jwt_credentials, with_key=False))
def test_unsigned_jwt(config_value):
    (scheme, _), value = config_value
    parts = token_of(value, scheme).split(".")
    assert len(parts) in (2, 3) and (len(parts) == 2 or parts[2] == "")
    header, payload = b64url_json(parts[0]), b64url_json(parts[1])
    assert header["alg"].lower() == "none"
    assert payload["exp"] > time.time()  # only the signature is wrong


@SETTINGS
@given(per_config(s.expired_jwt_credentials, with_key=False))
def test_expired_jwt(config_value):
    (scheme, _), value = config_value
    parts = token_of(value, scheme).split(".")
    assert len(parts) == 3
    header, payload = b64url_json(parts[0]), b64url_json(parts[1])
    assert header["alg"].lower() != "none"
    assert payload["exp"] < time.time()
    assert parts[2]
    base64.b64decode(parts[2] + "=" * (-len(parts[2]) % 4), altchars=b"-_")  # decodable garbage


@SETTINGS
@given(per_config(s.whitespace_credentials))
def test_whitespace(config_value):
    (scheme, key), value = config_value
    key = key or "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
    canonical = key if scheme is None else f"{scheme} {key}"
    assert not is_valid(value, scheme, key)
    assert " ".join(value.split()) == canonical  # only whitespace was added


@SETTINGS
@given(per_config(s.invalid_credentials))
def test_invalid(config_value):
    (scheme, key), value = config_value
    assert value is not None
    assert not is_valid(value, scheme, key or "sk_test_4eC39HqLyjWDarjtT1zdp7dc")
    assert set(value) <= HEADER_CHARS


def test_jwt_decoding_oracle_rejects_garbage():
    with pytest.raises((ValueError, binascii.Error)):
        b64url_json("!!!")


@pytest.mark.parametrize(
    "factory, kwargs, argname",
    [
        (s.empty_credentials, {"scheme": ""}, "scheme"),
        (s.garbage_credentials, {"scheme": 3}, "scheme"),
        (s.whitespace_credentials, {"key": "a b"}, "key"),
        (s.wrong_scheme_credentials, {"case_sensitive": "no"}, "case_sensitive"),
        (s.unsigned_jwt_credentials, {"scheme": "Bear er"}, "scheme"),
    ],
)
def test_bad_arguments_rejected_at_call_time(factory, kwargs, argname):
    with pytest.raises(InvalidArgument, match=argname):
        factory(**kwargs)
