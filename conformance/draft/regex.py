"""A value a regular expression accepts, for the example bodies of a draft (JSON Schema 2020-12
section 6.3.3: ``pattern`` is an ECMA-262 regex matched anywhere in the string; the value built
here matches it whole, which satisfies both readings).

Deterministic: well-known sample values first (a dialable E.164 number, an ISO country or
currency code, an https URL), taken when the pattern accepts them whole, so that a server
checking more than the pattern (a phone-number library, a country list) still accepts them;
else one value walked out of the parsed pattern (the first alternative, the first character of
a class, the least repetition allowed). None when the walk fails or its result
does not match."""
from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]  # the parser's opcodes (Python 3.11+)
from re import _parser as P  # type: ignore[attr-defined]

SAMPLES = ("+447911123456", "+14155552671", "GB29NWBK60161331926819", "US", "USD", "en",
           "https://example.com/", "example", "EXAMPLE", "123456", "sk-" + "a" * 24)
_CATEGORY = {C.CATEGORY_DIGIT: "0", C.CATEGORY_WORD: "a", C.CATEGORY_SPACE: " ",
             C.CATEGORY_NOT_DIGIT: "a", C.CATEGORY_NOT_WORD: "-", C.CATEGORY_NOT_SPACE: "a"}


def example_for(pattern: str) -> str | None:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    for sample in SAMPLES:
        if compiled.fullmatch(sample):
            return sample
    try:
        value = _walk(P.parse(pattern))
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return value if compiled.search(value) else None


def _walk(items) -> str:
    out: list[str] = []
    for op, arg in items:
        out.append(_one(op, arg))
    return "".join(out)


def _one(op, arg) -> str:
    if op is C.LITERAL:
        return chr(arg)
    if op is C.NOT_LITERAL:
        return "a" if chr(arg) != "a" else "b"
    if op is C.ANY:
        return "a"
    if op is C.IN:
        return _in(arg)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _, sub = arg
        return _walk(sub) * low  # the least repetition: an optional part is left out
    if op is C.SUBPATTERN:
        return _walk(arg[-1])
    if op is C.BRANCH:
        return _walk(arg[1][0])
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return ""  # anchors and lookarounds consume nothing
    if op is C.GROUPREF:
        raise ValueError("back-references are not walked")
    raise ValueError(f"opcode {op} is not walked")


def _in(items) -> str:
    if items and items[0][0] is C.NEGATE:
        banned = {chr(a) for o, a in items[1:] if o is C.LITERAL}
        return next(c for c in "aA0-_." if c not in banned)
    op, arg = items[0]
    if op is C.LITERAL:
        return chr(arg)
    if op is C.RANGE:
        return chr(arg[0])
    if op is C.CATEGORY:
        return _CATEGORY[arg]
    raise ValueError(f"class member {op} is not walked")
