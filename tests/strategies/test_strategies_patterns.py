"""string.matching / string.not_matching against oracles the strategies do not use.

The contract is the regex under full-match semantics, so the regex is the oracle, but run by
another engine: the ``regex`` package (its own parser and matcher, not Python's ``re``), with
ASCII and with Unicode classes as the strategies promise.  Where a pattern comes from a real
specification there is also a check written without any regex (a UUID parse, character sets
and lengths as the specification states them).
"""

import itertools
import string
import unicodedata
import uuid

import pytest
import regex
from hypothesis import find, given, settings
from hypothesis.errors import InvalidArgument

from conformance import strategies as s

SETTINGS = settings(max_examples=300, deadline=None, database=None)
HEX = set("0123456789abcdef")
ALNUM_LOWER = set(string.ascii_lowercase + string.digits)
TAG_CHARS = set(string.ascii_letters + string.digits + "._-")


def oci_component_ok(part: str) -> bool:
    """OCI distribution spec path component: lowercase alphanumerics joined by '.', '_', '__' or a run of '-'."""
    runs = [("".join(g), alnum) for alnum, g in itertools.groupby(part, key=lambda ch: ch in ALNUM_LOWER)]
    if not runs or not runs[0][1] or not runs[-1][1]:
        return False
    return all(alnum or text in (".", "_", "__") or set(text) == {"-"} for text, alnum in runs)


def uuid_ok(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


# (pattern, independent check or None): names, tags and digests as specifications define them.
PATTERNS = [
    # OCI distribution spec: repository name, tag, digest.
    (r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*",
     lambda v: all(oci_component_ok(p) for p in v.split("/"))),
    (r"[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}",
     lambda v: 1 <= len(v) <= 128 and set(v) <= TAG_CHARS and v[0] != "." and v[0] != "-"),
    (r"^sha256:[a-f0-9]{64}$", lambda v: v.startswith("sha256:") and len(v) == 71 and set(v[7:]) <= HEX),
    # RFC 9562 UUID, canonical lowercase form.
    (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", uuid_ok),
    # \d read two ways: values are valid, or invalid, under both.
    (r"\d{4}", lambda v: len(v) == 4 and set(v) <= set(string.digits)),
    (r"(?i)[a-z]{2,4}", lambda v: 2 <= len(v) <= 4 and set(v.lower()) <= set(string.ascii_lowercase)),
    (r"[A-Z]{3}", None),
    (r".+", None),
]


def other_engine_matches(pattern: str, value: str) -> list[bool]:
    return [regex.fullmatch(pattern, value, flags=flags) is not None for flags in (regex.ASCII, 0)]


@pytest.mark.parametrize("pattern, check", PATTERNS)
def test_non_matching_values_are_rejected(pattern, check):
    @SETTINGS
    @given(s.get("string.not_matching", pattern=pattern))
    def rejected(value):
        assert isinstance(value, str)
        assert other_engine_matches(pattern, value) == [False, False]
        if check is not None:
            assert not check(value)
        if pattern == r"\d{4}":  # rejected with Unicode classes too, not only ASCII
            assert not (len(value) == 4 and all(unicodedata.category(ch) == "Nd" for ch in value))

    rejected()


@pytest.mark.parametrize("pattern, check", PATTERNS)
def test_matching_values_are_accepted(pattern, check):
    @SETTINGS
    @given(s.get("string.matching", pattern=pattern))
    def accepted(value):
        assert other_engine_matches(pattern, value) == [True, True]
        if check is not None:
            assert check(value)

    accepted()


# Hypothesis's own defaults, whatever profile an earlier in-process pytester run loaded
# (the smoke profile has no shrink phase): these tests are about what shrinking gives.
DEFAULTS = settings.get_profile("default")


def near(pattern, condition):
    return find(s.get("string.not_matching", pattern=pattern), condition,
                settings=settings(DEFAULTS, database=None, max_examples=2000, derandomize=True))


LOWER = set(string.ascii_lowercase)


def test_near_misses_one_past_each_length_bound():
    assert near("[a-z]{3,8}", lambda v: len(v) == 9 and set(v) <= LOWER) == "a" * 9
    assert near("[a-z]{3,8}", lambda v: len(v) == 2 and set(v) <= LOWER) == "aa"


def test_near_miss_with_a_trailing_newline_that_python_dollar_accepts():
    slug = r"^[a-z0-9]+(-[a-z0-9]+)*$"
    value = near(slug, lambda v: v.endswith("\n") and v[:-1] and oci_component_ok(v[:-1]))
    assert regex.match(slug, value)  # what a validator using re.match / $ would let through
    assert len(value) == 2  # shrunk to one valid character and the newline


def test_near_misses_case_flipped_and_look_alike():
    flipped = near("[a-z]{3}", lambda v: len(v) == 3 and v.isascii() and v.isalpha() and not v.islower())
    assert sum(ch.isupper() for ch in flipped) == 1
    look_alike = near("[a-z]{3}", lambda v: len(v) == 3 and sum(not ch.isascii() for ch in v) == 1)
    odd = next(ch for ch in look_alike if not ch.isascii())
    assert unicodedata.name(odd).startswith(("CYRILLIC", "FULLWIDTH"))


def test_near_miss_one_character_off():
    value = near(r"[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}", lambda v: 2 <= len(v) <= 10 and len(set(v) - TAG_CHARS) == 1)
    assert len(set(value) - TAG_CHARS) == 1


def test_most_generated_values_are_near_misses():
    values = []

    @settings(DEFAULTS, max_examples=300, database=None, derandomize=True)
    @given(s.get("string.not_matching", pattern="[a-z]{4,6}"))
    def collect(value):
        values.append(value)

    collect()
    # A near miss keeps most of a valid value: three or more lowercase letters.
    share = sum(sum(ch in LOWER for ch in v) >= 3 for v in values) / len(values)
    assert share > 0.4, share


def test_shrinks_to_the_simplest_rejected_value():
    assert near("[a-z]+", lambda v: True) == ""
    assert near("[a-z]*", lambda v: True) == " "
    assert find(s.get("string.matching", pattern="[a-z]{3}"), lambda v: True, settings=settings(DEFAULTS, database=None)) == "aaa"


@pytest.mark.parametrize("pattern", [r"(?s).*", r"[\s\S]*", r"(.|\n)*"])
def test_a_pattern_that_matches_everything_is_an_error_not_a_loop(pattern):
    with pytest.raises(InvalidArgument, match="has no non-matching values"):
        s.get("string.not_matching", pattern=pattern)
    s.get("string.matching", pattern=pattern)  # valid values it has


@pytest.mark.parametrize("name", ["string.matching", "string.not_matching"])
def test_an_invalid_regex_is_an_error_naming_the_problem(name):
    with pytest.raises(InvalidArgument, match=r"pattern='\[a-' is not a valid regular expression: unterminated character set"):
        s.get(name, pattern="[a-")
