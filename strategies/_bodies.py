"""Request bodies as bytes (malformed, wrong top-level type, deep, oversized) and Content-Type values.

Bodies are corruptions of an optional ``base`` JSON object so they look like
real requests; without one a small generic object is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._checks import check_choice, check_int, check_str, check_str_list
from ._recipes import drawn, filter_values, map_values, nasty_first, rng_text, sampled
from ._formats import JSON_TYPES, json_values_not_of_type

__all__ = [
    "MALFORMED_JSON_KINDS",
    "deep_json_bodies",
    "malformed_json_bodies",
    "mismatched_content_types",
    "oversized_json_bodies",
    "wrong_top_level_json_bodies",
]

_DEFAULT_BASE: dict[str, Any] = {"name": "example", "amount": 100, "active": True}


def _check_base(base: object) -> dict[str, Any]:
    if base is None:
        return dict(_DEFAULT_BASE)
    if not isinstance(base, Mapping) or not all(isinstance(k, str) for k in base):
        raise InvalidArgument(f"base={base!r} must be a JSON object (a mapping with str keys)")
    try:
        json.dumps(base, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise InvalidArgument(f"base={base!r} is not JSON-serialisable: {err}") from None
    return dict(base)


def _members(base: dict[str, Any]) -> list[tuple[str, str]]:
    # (encoded key, encoded value) pairs; an empty base still gets one member
    # because most corruptions need something to corrupt.
    items = list(base.items()) or [("value", 1)]
    return [(json.dumps(k), json.dumps(v)) for k, v in items]


def _obj(members: Sequence[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in members) + "}"


def _truncated(base: dict[str, Any], i: int) -> bytes:
    # Every proper prefix of a JSON object text is invalid: the closing brace is missing.
    text = json.dumps(base).encode()
    return text[: i % len(text)]


def _trailing_comma(base: dict[str, Any], i: int) -> bytes:
    m = _members(base)
    if i % 2:
        return (_obj(m)[:-1] + ",}").encode()
    return ("[" + _obj(m) + ",]").encode()


def _single_quotes(base: dict[str, Any], i: int) -> bytes:
    # Odd i: only the names single-quoted, values left as JSON.
    m = [("'" + json.loads(k).replace("'", "") + "'", v if i % 2 else v.replace('"', "'")) for k, v in _members(base)]
    return _obj(m).encode()


def _nan(base: dict[str, Any], i: int) -> bytes:
    m = _members(base)
    p = i % len(m)
    m[p] = (m[p][0], ("NaN", "Infinity", "-Infinity", "nan", "inf")[i % 5])
    return _obj(m).encode()


def _comment(base: dict[str, Any], i: int) -> bytes:
    text = _obj(_members(base))
    variant = i % 3
    if variant == 0:
        return ("/* comment */ " + text).encode()
    if variant == 1:
        return ("{ // comment\n" + text[1:]).encode()
    return (text + " # comment").encode()


def _bom(base: dict[str, Any], i: int) -> bytes:
    return b"\xef\xbb\xbf" + json.dumps(base, indent=2 if i % 2 else None).encode()


_BAD_UTF8 = (b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80")


def _invalid_utf8(base: dict[str, Any], i: int) -> bytes:
    # Inside a string, where a lenient decoder would otherwise pass it through.
    bad = _BAD_UTF8[i % len(_BAD_UTF8)]
    rest = _obj(_members(base))[1:].encode()
    return b'{"note": "ab' + bad + b'cd", ' + rest


def _duplicate_key(base: dict[str, Any], i: int) -> bytes:
    m = _members(base)
    k, v = m[i % len(m)]
    return _obj([*m, (k, "null" if v != "null" else "1")]).encode()


def _unquoted_key(base: dict[str, Any], i: int) -> bytes:
    m = _members(base)
    p = i % len(m)
    m[p] = (json.loads(m[p][0]) or "key", m[p][1])
    return _obj(m).encode()


def _trailing_garbage(base: dict[str, Any], i: int) -> bytes:
    return (json.dumps(base) + ("x", "}", "{}", "]", ",", "\x00")[i % 6]).encode()


def _control_char(base: dict[str, Any], i: int) -> bytes:
    # RFC 8259 section 7: control characters must be escaped inside strings.
    raw = ("\n", "\t", "\x00", "\x1f", "\r")[i % 5]
    return ('{"note": "a' + raw + 'b", ' + _obj(_members(base))[1:]).encode()


def _empty(base: dict[str, Any], i: int) -> bytes:
    return (b"", b" ", b"\n", b"\r\n\t ")[i % 4]


_KIND_FUNCS: dict[str, Callable[[dict[str, Any], int], bytes]] = {
    "empty": _empty,
    "truncated": _truncated,
    "trailing_comma": _trailing_comma,
    "single_quotes": _single_quotes,
    "nan_infinity": _nan,
    "comment": _comment,
    "bom": _bom,
    "invalid_utf8": _invalid_utf8,
    "duplicate_key": _duplicate_key,
    "unquoted_key": _unquoted_key,
    "trailing_garbage": _trailing_garbage,
    "control_char": _control_char,
}
MALFORMED_JSON_KINDS = tuple(_KIND_FUNCS)
# RFC 8259 lets a parser accept a BOM (section 8.1) and duplicate names (section 4 says names
# SHOULD be unique), so an API that accepts them breaks no MUST: they are opt-in kinds.
DEFAULT_MALFORMED_JSON_KINDS = tuple(k for k in MALFORMED_JSON_KINDS if k not in ("bom", "duplicate_key"))


def malformed_json_bodies(
    *, base: Mapping[str, Any] | None = None, kinds: Sequence[str] | None = None
) -> SearchStrategy[bytes]:
    """RFC 8259: bodies that are not a single strict, UTF-8 JSON text with unique member names.

    Kinds (``kinds`` selects a subset): empty, truncated, trailing_comma,
    single_quotes, nan_infinity, comment, bom, invalid_utf8, duplicate_key,
    unquoted_key, trailing_garbage, control_char.  Note RFC 8259 lets a parser
    *ignore* a BOM (section 8.1) and only says names SHOULD be unique
    (section 4): so those two are sent only when ``kinds`` names them.
    """
    obj = _check_base(base)
    if kinds is None:
        selected = DEFAULT_MALFORMED_JSON_KINDS
    else:
        selected = check_str_list("kinds", kinds)
        for k in selected:
            check_choice("kinds", k, MALFORMED_JSON_KINDS)
    funcs = [_KIND_FUNCS[k] for k in selected]
    # One fixed example per kind, simplest corruption first.
    nasty = [f(obj, 0) for f in funcs]
    return drawn(lambda f, rnd: f(obj, rnd.randrange(1 << 16)), funcs, nasty=nasty)


def wrong_top_level_json_bodies(
    *, expected: str = "object", base: Mapping[str, Any] | None = None
) -> SearchStrategy[bytes]:
    """RFC 8259 section 2 / JSON Schema ``type``: well-formed JSON whose top-level value is not of type ``expected``.

    For ``expected="object"`` the base object wrapped in an array comes first,
    then ``[]``, ``null``, scalars and random values of the other types.
    """
    check_choice("expected", expected, JSON_TYPES)
    obj = _check_base(base)
    nasty: list[bytes] = []
    if expected == "object":
        nasty += [json.dumps([obj]).encode(), b"[]", b"null", b'""', b"0", b"true"]
        nasty += [json.dumps(v).encode() for v in obj.values() if not isinstance(v, dict)][:3]
    return nasty_first(nasty, map_values(json_values_not_of_type(expected=expected), lambda v: json.dumps(v).encode()))


def deep_json_bodies(*, depth: int = 10_000) -> SearchStrategy[bytes]:
    """RFC 8259 section 9 (nesting limit): well-formed JSON nested ``depth`` levels deep.

    Arrays (``[[[...]]]``), objects (``{"a":{"a":...}}``) and alternating
    array/object nesting, each exactly ``depth`` levels.  Valid JSON: a server
    may accept it or refuse it with a 4xx, but must not crash.
    """
    d = check_int("depth", depth, min_value=1, max_value=10_000_000)
    arrays = b"[" * d + b"]" * d
    objects = b'{"a":' * d + b"1" + b"}" * d
    half = d // 2
    mixed = b'[{"a":' * half + (b"[]" if d % 2 else b"1") + b"}]" * half
    return sampled([arrays, objects, mixed])


def oversized_json_bodies(*, size: int, base: Mapping[str, Any] | None = None) -> SearchStrategy[bytes]:
    """Body size limit (exceeded): well-formed JSON objects longer than ``size`` bytes.

    Exactly ``size + 1`` bytes is the minimal example; then twice the size,
    and the limit overshot by 1 byte, 2, 63, 64, 1023, 1024, 4095 and 4096
    (just below and at the powers of two where buffers are sized).  Built by
    padding one string member.  Each distinct body is built once and shared
    (bytes are immutable), up to 64 MiB per strategy; larger ones are
    rebuilt on every draw.
    """
    n = check_int("size", size, min_value=0, max_value=1 << 30)
    obj = _check_base(base)
    inner = json.dumps(obj)[1:-1]
    prefix = ("{" + inner + (", " if inner else "") + '"padding": "').encode()
    suffix = b'"}'
    built: dict[int, bytes] = {}
    budget = [_OVERSIZED_CACHE_BYTES]

    def build(over: int) -> bytes:
        body = built.get(over)
        if body is None:
            pad = max(0, n + 1 + over - len(prefix) - len(suffix))
            body = b"".join((prefix, b"x" * pad, suffix))
            if len(body) <= budget[0]:
                built[over] = body
                budget[0] -= len(body)
        return body

    # An index choice, not a seed: a handful of sizes matter, not random padding.
    return st.sampled_from((0, n, 1, 2, 63, 64, 1023, 1024, 4095, 4096)).map(build)


_OVERSIZED_CACHE_BYTES = 64 << 20


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


_CONTENT_TYPES = (
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data",  # no boundary parameter
    "",
    "application",  # invalid: no subtype
    "application/",
    "/json",
    "json",
    "application json",
    "*/*",
    "text/plain; charset=utf-8",
    "text/xml",
    "text/html",
    "application/octet-stream",
    "text/json",
    "application/jsonp",
    "application/javascript",
    "application/json",
    "multipart/form-data; boundary=----boundary",
    "text/csv",
    ";",
    "application/json/extra",
)


def mismatched_content_types(*, expected: str = "application/json") -> SearchStrategy[str]:
    """RFC 9110 section 8.3 Content-Type: header values that do not name media type ``expected``.

    Common wrong types (text/plain, application/xml, form encoding, multipart
    without boundary), malformed media types and the empty value.  Re-casing
    ``expected`` is never produced: media types are case-insensitive.  A
    missing header is the caller's job (send no Content-Type).
    """
    expected = check_str("expected", expected)
    want = _media_type(expected)
    if want.count("/") != 1 or not all(want.split("/")):
        raise InvalidArgument(f"expected={expected!r} must be a media type like 'application/json'")
    multipart = want.startswith("multipart/")

    def mismatched(v: str) -> bool:
        if _media_type(v) != want:
            return True
        # For multipart the boundary is part of a valid value (RFC 2046 section 5.1.1).
        return multipart and "boundary=" not in v

    values = [v for v in _CONTENT_TYPES if mismatched(v)]
    if multipart:
        values.insert(0, want)
    letters = "abcdefghijklmnopqrstuvwxyz"
    generated = filter_values(drawn(lambda rnd: f"{rng_text(rnd, letters, 1, 10)}/{rng_text(rnd, letters, 1, 10)}"), mismatched)
    return nasty_first(values, generated)
