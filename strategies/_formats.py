"""Field formats: emails, dates, URLs, enums, numeric ranges, lengths and JSON types."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._checks import check_bool, check_choice, check_int, check_number
from ._recipes import Draws, drawn, filter_values, nasty_first, rng_text

__all__ = [
    "EMAIL_POLICIES",
    "JSON_TYPES",
    "emails",
    "invalid_dates",
    "invalid_emails",
    "invalid_urls",
    "https_urls",
    "json_values_not_of_type",
    "numbers_outside",
    "strings_too_long",
    "valid_dates",
    "values_outside_enum",
]

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_LOWER_DIGITS = _LOWER + "0123456789"
# Real, delegated TLDs only: email-validator (and servers) reject special-use
# names such as .test, .local, .invalid.
_TLDS = ("com", "org", "net", "io", "dev", "co", "uk", "de", "app", "info")


def _label(rnd: Draws) -> str:
    # LDH label that neither starts nor ends with a hyphen (RFC 1035 section 2.3.1).
    # No "--" anywhere: in positions 3-4 it marks IDNA labels, which validators reject.
    label = rnd.choice(_LOWER) + re.sub("-+", "-", rng_text(rnd, _LOWER_DIGITS + "-", 0, 10))
    return label + "x" if label.endswith("-") else label


def _domain(rnd: Draws) -> str:
    return ".".join([_label(rnd) for _ in range(rnd.randint(1, 3))] + [rnd.choice(_TLDS)])


def _email(rnd: Draws) -> str:
    atoms = [rng_text(rnd, _LOWER_DIGITS + "_%+-'", 1, 12) for _ in range(rnd.randint(1, 3))]
    return ".".join(atoms) + "@" + _domain(rnd)


# ---------------------------------------------------------------- emails

def emails() -> SearchStrategy[str]:
    """RFC 5321 / RFC 5322 addr-spec: conventional ASCII ``local@domain.tld`` addresses.

    Dot-atom local parts (letters, digits, ``._%+-'``, no leading, trailing or
    doubled dots) at a real TLD, so even strict validators accept them.
    """
    generated = drawn(_email)
    return nasty_first(
        ["a@example.com", "user+tag@example.com", "first.last@example.org", "x@sub.example.co.uk", "o'brien@example.net"],
        generated,
    )


# RFC-invalid: no RFC 5322 section 3.4.1 addr-spec (not even with its CFWS and
# obsolete forms) matches, or an RFC 5321 section 4.5.3.1 length limit is broken.
_NASTY_EMAILS = (
    "",
    "plainaddress",
    "@example.com",
    "user@",
    "user@@example.com",
    "user..dots@example.com",
    ".user@example.com",
    "user.@example.com",  # dot-atom-text: no leading, trailing or doubled dot
    "user@example..com",
    "user@example.com.",  # the DNS root dot is no part of dot-atom (nor of RFC 5321's Domain)
    "user name@example.com",  # white space between atoms needs a dot
    "user@exam ple.com",
    "<user@example.com>",  # angle-addr, not addr-spec
    "User <user@example.com>",  # name-addr
    "user@example.com\n",  # a bare LF is not folding white space (CRLF 1*WSP)
    "user@example.com,other@example.com",
    'us"er@example.com',
    "user@[192.0.2.1",  # unclosed domain literal
)
_TOO_LONG_EMAILS = (
    "a" * 65 + "@example.com",  # local part > 64 octets (RFC 5321 section 4.5.3.1.1)
    "user@" + ".".join(["d" * 63] * 4) + ".com",  # domain > 255 octets (section 4.5.3.1.2)
    "a" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com",  # path > 256 octets (section 4.5.3.1.3)
)

# RFC-valid (an RFC 5322 addr-spec within RFC 5321's length limits) but refused by a
# "deliverable" policy, as email-validator's defaults and most sign-up forms refuse them.
_DELIVERABLE_EMAILS = (
    "user@localhost",  # dotless special-use name: RFC 5321 section 2.3.5 (FQDNs only), RFC 6761 section 6.3
    "user@example",  # no TLD: RFC 5321 section 2.3.5
    "user@exa_mple.com",  # underscore: RFC 5321 section 4.1.2 sub-domain = Let-dig [Ldh-str]
    "user@-example.com",  # label starts with a hyphen: same rule
    "user@example-.com",  # label ends with a hyphen: same rule
    "user@example.123",  # all-numeric TLD: RFC 3696 section 2
    "user@example.test",  # reserved TLD: RFC 6761 section 6.2
    "user@[192.0.2.1]",  # address literal (RFC 5321 section 4.1.3): no domain to deliver to
    "user@[IPv6:2001:db8::1]",
    '"john doe"@example.com',  # quoted local part: RFC 5321 section 4.1.2 says SHOULD avoid
    "user(comment)@example.com",  # comment (RFC 5322 section 3.2.2 CFWS): not in RFC 5321's Mailbox
    " user@example.com",  # surrounding folding white space: CFWS too
    "user@example.com ",
    "user . name@example.com",  # obs-local-part: RFC 5322 section 4.4, MUST NOT be generated
)
_LONG_LABEL_EMAIL = "user@" + "d" * 64 + ".com"  # label > 63 octets: RFC 1035 section 2.3.4

EMAIL_POLICIES = ("rfc", "deliverable")


def _no_at(e: str, i: int) -> str:
    return e.replace("@", "")


def _insert_at_local(e: str, i: int, bad: str) -> str:
    local, domain = e.split("@", 1)
    p = i % (len(local) + 1)
    return local[:p] + bad + local[p:] + "@" + domain


def _space_in_local(e: str, i: int) -> str:
    # Inside the local part only: a space before or after it is CFWS, which RFC 5322 allows.
    local, domain = e.split("@", 1)
    p = 1 + i % len(local)
    return local[:p] + (" ", "\t")[i % 2] + (local[p:] or "x") + "@" + domain


def _parts(e: str) -> tuple[str, str, str]:
    local, domain = e.split("@", 1)
    label, rest = domain.split(".", 1)
    return local, label, rest


def _underscore_in_label(e: str, i: int) -> str:
    local, label, rest = _parts(e)
    k = 1 + i % len(label)
    return f"{local}@{label[:k]}_{label[k:]}.{rest}"


# Mutations of a valid address that no RFC 5322 addr-spec within RFC 5321's limits matches.
_EMAIL_MUTATIONS: tuple[Callable[[str, int], str], ...] = (
    _no_at,
    lambda e, i: e.replace("@", "@@"),
    lambda e, i: "." + e,
    lambda e, i: e.replace("@", ".@"),
    lambda e, i: e.replace("@", "..x@") if i % 2 else e.replace(".", "..", 1),
    lambda e, i: _insert_at_local(e, i, "()<>[]:;,\\\"@"[i % 12]),
    _space_in_local,
    lambda e, i: "x" * (65 + i % 8) + "@" + e.split("@", 1)[1],
    lambda e, i: e.split("@")[0] + "@" + ".".join(["d" * 63] * 4) + "." + e.split("@")[1],
    lambda e, i: e + ".",
    lambda e, i: e.split("@")[0] + "@",
    lambda e, i: "@" + e.split("@")[1],
    lambda e, i: ("", "\n", "")[i % 3] + e + ("\n", "", "\r\n")[i % 3],
)

# Mutations that keep the address RFC-valid but break the "deliverable" policy.
_DELIVERABLE_MUTATIONS: tuple[Callable[[str, int], str], ...] = (
    lambda e, i: "{0}@{1}".format(*_parts(e)),  # no TLD
    lambda e, i: e.replace("@", "@-"),
    _underscore_in_label,
    lambda e, i: e.replace("@", "@" + "d" * (64 + i % 8) + "."),
    lambda e, i: e.split("@")[0] + ("@[192.0.2.%d]" % (i % 256), "@[IPv6:2001:db8::%x]" % i)[i % 2],
    lambda e, i: '"' + e.replace("@", (" x", "", "@x")[i % 3] + '"@', 1),
    lambda e, i: e.replace("@", "(%s)@" % ("comment", "", "x y")[i % 3]),
    lambda e, i: (" ", "\t", "")[i % 3] + e + ("", " ", "\t")[i % 3],
)


def invalid_emails(*, policy: str = "rfc") -> SearchStrategy[str]:
    """RFC 5322 section 3.4.1 addr-spec, RFC 5321 section 4.5.3.1 limits (violated): non-addresses; policy="deliverable" adds undeliverable RFC-valid ones.

    ``policy="rfc"`` (the default) gives only strings that no RFC accepts,
    so an API that follows the RFCs rejects them all: missing or doubled
    ``@``, bad dots, unquoted spaces and specials, a trailing dot, angle
    brackets and display names, a bare line feed, a local part over 64
    octets, a domain over 255, an address over 254 (path over 256).

    ``policy="deliverable"`` adds addresses the RFCs allow but a
    deliverable-address policy refuses (as email-validator's defaults and
    most sign-up forms do), for APIs whose rules say so: a dotless domain (``user@localhost``, ``user@example``: RFC 5321
    section 2.3.5, FQDNs only), an underscore or an edge hyphen in a label
    (RFC 5321 section 4.1.2 ``sub-domain``), a label over 63 octets
    (RFC 1035 section 2.3.4), an all-numeric TLD (RFC 3696 section 2), a
    reserved TLD (RFC 6761), an IP address literal (RFC 5321 section 4.1.3),
    a quoted local part (RFC 5321 section 4.1.2: SHOULD be avoided),
    comments, surrounding white space and obsolete forms (RFC 5322 CFWS and
    section 4.4, not part of RFC 5321's ``Mailbox``).
    """
    check_choice("policy", policy, EMAIL_POLICIES)
    nasty, mutations = _NASTY_EMAILS + _TOO_LONG_EMAILS, _EMAIL_MUTATIONS
    if policy == "deliverable":
        nasty += (*_DELIVERABLE_EMAILS, _LONG_LABEL_EMAIL)
        mutations += _DELIVERABLE_MUTATIONS
    generated = drawn(
        lambda m, rnd: m(rng_text(rnd, _LOWER, 1, 10) + "@" + _domain(rnd), rnd.randrange(64)),
        mutations,
    )
    return nasty_first(nasty, generated)


# ---------------------------------------------------------------- dates

def valid_dates(*, min_year: int = 1, max_year: int = 9999) -> SearchStrategy[str]:
    """RFC 3339 full-date: ``YYYY-MM-DD`` naming a real calendar day.

    Leap days and year/month ends come first.
    """
    lo = check_int("min_year", min_year, min_value=1, max_value=9999)
    hi = check_int("max_year", max_year, min_value=1, max_value=9999)
    if hi < lo:
        raise InvalidArgument(f"max_year={hi!r} must be >= min_year={lo!r}")
    nasty = ["2024-02-29", "2000-02-29", "1970-01-01", "2023-12-31", "9999-12-31", "0001-01-01"]
    nasty = [d for d in nasty if lo <= int(d[:4]) <= hi]
    first, last = dt.date(lo, 1, 1).toordinal(), dt.date(hi, 12, 31).toordinal()
    nasty.append(dt.date.fromordinal(first).isoformat())  # the earliest allowed day, even without nasty dates in range
    return drawn(lambda rnd: dt.date.fromordinal(rnd.randint(first, last)).isoformat(), nasty=nasty)


_NASTY_DATES = (
    "",
    "2023-02-30",
    "2023-02-29",  # not a leap year
    "1900-02-29",  # century, not a leap year
    "2023-13-01",
    "2023-00-10",
    "2023-01-00",
    "2023-01-32",
    "2023-04-31",
    "01/02/2023",
    "2023/01/05",
    "2023-1-5",
    "20230105",
    "23-01-05",
    "2023-01-05T00:00:00Z",
    "2023-01-05 10:00",
    " 2023-01-05",
    "2023-01-05\n",
    "2023-W01-1",  # ISO 8601 week date: not an RFC 3339 full-date
    "2023-001",  # ordinal date
    "+2023-01-05",
    "2023-01-5",
    "０２０２３-01-05",
    "today",
    "0000-01-01",  # year 0 does not exist in the proleptic Gregorian calendar
)

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _impossible_day(y: int, m: int, k: int) -> str:
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    last = _MONTH_DAYS[m - 1] + (1 if m == 2 and leap else 0)
    return f"{y:04d}-{m:02d}-{last + 1 + k % (99 - last):02d}"


_DATE_MUTATIONS: tuple[Callable[[dt.date, int], str], ...] = (
    lambda d, k: _impossible_day(d.year, d.month, k),
    lambda d, k: f"{d.year:04d}-{13 + k % 87:02d}-{d.day:02d}",
    lambda d, k: f"{d.year:04d}-00-{d.day:02d}",
    lambda d, k: f"{d.year:04d}-{d.month:02d}-00",
    lambda d, k: d.strftime("%d/%m/") + f"{d.year:04d}",
    lambda d, k: d.strftime("%m/%d/") + f"{d.year:04d}",
    lambda d, k: f"{d.year:04d}/{d.month:02d}/{d.day:02d}",
    lambda d, k: f"{d.year:04d}{d.month:02d}{d.day:02d}",
    lambda d, k: f"{d.year:04d}-{d.month}-{d.day}" if d.month < 10 or d.day < 10 else f"{d.year}-{d.month:03d}-{d.day}",
    lambda d, k: f"{d.year % 100:02d}-{d.month:02d}-{d.day:02d}",
    lambda d, k: d.isoformat() + ("T00:00:00Z", "T12:30:00+02:00", " 00:00", "T00:00")[k % 4],
    lambda d, k: (" ", "\t", "")[k % 3] + d.isoformat() + ("", " ", "\n")[k % 3],
    lambda d, k: f"{d.year:04d}.{d.month:02d}.{d.day:02d}",
)


def invalid_dates() -> SearchStrategy[str]:
    """RFC 3339 full-date (violated): impossible calendar dates and other date formats.

    Day 0 or past the month's end (``2023-02-30``), month 0 or above 12,
    ``DD/MM/YYYY`` and ``MM/DD/YYYY``, missing zero padding, compact
    ``YYYYMMDD``, two-digit years, date-times, week and ordinal dates,
    surrounding whitespace.
    """
    first, last = dt.date(1000, 1, 1).toordinal(), dt.date(9999, 12, 31).toordinal()
    generated = drawn(
        lambda m, rnd: m(dt.date.fromordinal(rnd.randint(first, last)), rnd.randrange(256)),
        _DATE_MUTATIONS,
    )
    return nasty_first(_NASTY_DATES, generated)


# ---------------------------------------------------------------- URLs

def https_urls() -> SearchStrategy[str]:
    """RFC 3986 absolute URI, https required: ``https://`` + registered-name host + optional path and query."""
    generated = drawn(_https_url)
    return nasty_first(
        ["https://example.com", "https://example.com/", "https://example.com/callback?x=1", "https://api.example.co.uk:8443/hooks/a-b_c"],
        generated,
    )


def _https_url(rnd: Draws) -> str:
    path = "".join("/" + rng_text(rnd, _LOWER_DIGITS + "-._~", 1, 8) for _ in range(rnd.randint(0, 3)))
    query = f"?{rng_text(rnd, _LOWER, 1, 5)}={rng_text(rnd, _LOWER_DIGITS, 0, 5)}" if rnd.chance(0.3) else ""
    return f"https://{_domain(rnd)}{path}{query}"


_NASTY_URLS = (
    "",
    " ",
    "example.com",  # no scheme
    "/relative/path",
    "relative/path",
    "//example.com/path",  # scheme-relative
    "https://",
    "https:///path",  # no host
    "https:/example.com",
    "https//example.com",
    "https://exa mple.com",
    "https://example.com/a b",
    " https://example.com",
    "https://example.com\n",
    "https://example.com:99999",
    "https://example.com:port",
    "https://[::1",
    "ht tp://example.com",
    "javascript:alert(1)",
    "mailto:user@example.com",
    "ftp://example.com/file",
    "file:///etc/passwd",
    "https://user@",
    "://example.com",
)


def _host(url: str) -> str:
    return re.split("[/?#]", url.split("://", 1)[1], maxsplit=1)[0]


_URL_MUTATIONS: tuple[Callable[[str, int], str], ...] = (
    lambda u, i: u.split("://", 1)[1],  # scheme dropped
    lambda u, i: "//" + u.split("://", 1)[1],
    lambda u, i: "/" + u.split("://", 1)[1].split("/", 1)[-1],  # relative path
    lambda u, i: "https:///" + u.split("://", 1)[1].split("/", 1)[-1],  # no host
    lambda u, i: u.replace("://", ":/", 1),
    lambda u, i: u.replace("://", "//", 1),
    lambda u, i: u[: 8 + i % max(1, len(u) - 8)] + (" ", "\t", "\n", "%zz", "<", "|")[i % 6] + u[8 + i % max(1, len(u) - 8):],
    lambda u, i: (" ", "\t")[i % 2] + u,
    lambda u, i: u.replace("https://", ("ftp://", "ws://", "gopher://", "javascript://")[i % 4], 1),
    lambda u, i: "https://" + _host(u) + ":" + str(65536 + i * 1000) + "/",
    lambda u, i: "https://" + _host(u) + ":" + ("abc", "-1", "8o")[i % 3] + "/",
)


def invalid_urls(*, require_https: bool = True) -> SearchStrategy[str]:
    """RFC 3986 (violated): strings that are not absolute ``https`` URLs with a host.

    Plain ``http`` (only when ``require_https``), malformed schemes and
    separators, relative references, missing host, spaces, invalid ports,
    non-web schemes.
    """
    require_https = check_bool("require_https", require_https)
    nasty = list(_NASTY_URLS)
    mutations = list(_URL_MUTATIONS)
    if require_https:
        nasty[2:2] = ["http://example.com", "http://example.com/callback"]
        mutations.append(lambda u, i: "http://" + u.split("://", 1)[1])
    generated = drawn(lambda m, rnd: m(_https_url(rnd), rnd.randrange(64)), mutations)
    return nasty_first(nasty, generated)


# ---------------------------------------------------------------- enums

_Scalar = str | int | float | bool | None


def _same_json(a: object, b: object) -> bool:
    # JSON equality: true != 1 (Python says True == 1), but 1 == 1.0.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return a == b


def values_outside_enum(*, values: Sequence[_Scalar]) -> SearchStrategy[Any]:
    """JSON Schema ``enum`` (violated): JSON values equal to none of ``values``.

    Near misses first: re-cased, padded, truncated and extended members,
    empty string, ``null``, numbers-as-strings and the other JSON type; then
    random strings and integers.  Comparison follows JSON (``true != 1``).
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise InvalidArgument(f"values={values!r} must be a non-empty list of JSON scalars")
    for v in values:
        if not isinstance(v, (str, int, float, bool)) and v is not None:
            raise InvalidArgument(f"values must contain only JSON scalars, got {v!r}")
        if isinstance(v, float) and not math.isfinite(v):
            raise InvalidArgument(f"values must contain only finite numbers, got {v!r}")
    members = list(values)

    def outside(x: object) -> bool:
        return not any(_same_json(x, v) for v in members)

    near: list[Any] = ["", " ", None, True, False, 0, -1, "null", "undefined"]
    for v in members:
        if isinstance(v, str):
            near += [v.upper(), v.lower(), v.title(), v.swapcase(), " " + v, v + " ", v[:-1], v + "x", v + "\x00"]
            near.append(v.replace("_", "-") if "_" in v else v.replace("-", "_"))
        elif isinstance(v, bool):
            near += [str(v).lower(), int(v)]
        elif isinstance(v, (int, float)):
            near += [str(v), v + 1, v - 1]
            if isinstance(v, int):
                near.append(v + 0.5)
    near = [x for x in near if outside(x)]
    strings = [m for m in members if isinstance(m, str)] or ["x"]

    def build(rnd: Draws) -> Any:
        kind = rnd.randrange(3)
        if kind == 0:
            return _random_string(rnd, 20)
        if kind == 1:
            return _random_integer(rnd)
        return rnd.choice(strings) + "_"

    return nasty_first(near, filter_values(drawn(build), outside))


# ---------------------------------------------------------------- numbers

def numbers_outside(
    *,
    minimum: int | float | None = None,
    maximum: int | float | None = None,
    integer: bool = True,
) -> SearchStrategy[int | float]:
    """JSON Schema ``minimum``/``maximum`` (violated): numbers below minimum or above maximum (inclusive bounds).

    The values just outside come first (``minimum - 1`` / ``maximum + 1`` for
    integers, the adjacent float for floats), then far-out values such as
    ``2**63`` and random ones.  With ``integer=False`` the values are floats;
    NaN and infinities are excluded because JSON cannot carry them.
    """
    integer = check_bool("integer", integer)
    if minimum is None and maximum is None:
        raise InvalidArgument("at least one of minimum= or maximum= is required")
    lo = None if minimum is None else check_number("minimum", minimum)
    hi = None if maximum is None else check_number("maximum", maximum)
    if lo is not None and hi is not None and hi < lo:
        raise InvalidArgument(f"maximum={hi!r} must be >= minimum={lo!r}")
    nasty: list[int | float] = []
    parts: list[SearchStrategy[Any]] = []
    if integer:
        for name, b in (("minimum", lo), ("maximum", hi)):
            if isinstance(b, float) and not b.is_integer():
                raise InvalidArgument(f"{name}={b!r} must be a whole number when integer=True")
        if lo is not None:
            below = int(lo) - 1
            nasty += [below, below - 1]
            far = [-(2**31) - 1, -(2**53) - 1, -(2**63) - 1, -(2**64)]
            nasty += [x for x in far if x < lo]
            parts.append(st.integers(max_value=below))
        if hi is not None:
            above = int(hi) + 1
            nasty += [above, above + 1]
            far = [2**31, 2**53 + 1, 2**63, 2**64]
            nasty += [x for x in far if x > hi]
            parts.append(st.integers(min_value=above))
    else:
        if lo is not None:
            below = math.nextafter(float(lo), -math.inf)
            nasty += [below, float(lo) - 1.0, -1.7976931348623157e308]
            parts.append(st.floats(max_value=below, allow_nan=False, allow_infinity=False))
        if hi is not None:
            above = math.nextafter(float(hi), math.inf)
            nasty += [above, float(hi) + 1.0, 1.7976931348623157e308]
            parts.append(st.floats(min_value=above, allow_nan=False, allow_infinity=False))
        nasty = [x for x in nasty if math.isfinite(x) and ((lo is not None and x < lo) or (hi is not None and x > hi))]
    return nasty_first(nasty, st.one_of(parts))


# ---------------------------------------------------------------- lengths

# Letters, digits, space, accents, combining mark, zero-width space, astral
# emoji, NUL: code-point length differs from UTF-8 and UTF-16 length for some.
_MIXED = "abcXYZ019 éßΩ\u0301\u200b😀\x00"


def strings_too_long(*, max_length: int) -> SearchStrategy[str]:
    """JSON Schema ``maxLength`` (violated): strings of more than max_length code points.

    Exactly ``max_length + 1`` ASCII letters is the minimal example; then
    multi-byte and astral characters (longer in UTF-8 and UTF-16 too) and
    random lengths up to twice the limit.
    """
    n = check_int("max_length", max_length, min_value=0, max_value=10_000_000)
    nasty = ["a" * (n + 1), "é" * (n + 1), "😀" * (n + 1), "a" * (n + 2), "a" * (2 * n + 1)]
    def build(rnd: Draws) -> str:
        # A short mixed-script core padded with one repeated character.
        core = rng_text(rnd, _MIXED, 0, min(n + 1, 32))
        return core + rnd.choice(_MIXED) * (n + 1 + rnd.randint(0, max(n, 1)) - len(core))

    generated = drawn(build)
    return nasty_first(nasty, generated)


# ---------------------------------------------------------------- JSON types

JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")

_EXAMPLE_BY_TYPE: dict[str, list[Any]] = {
    "string": ["", "1", "true", "null", "string"],
    "integer": [0, 1, -1, 2**53],
    "number": [0.5, -1.5, 1e300],
    "boolean": [True, False],
    "object": [{}, {"a": 1}],
    "array": [[], [1], ["a"]],
    "null": [None],
}


# Printable ASCII, Latin-1 and BMP letters, an astral emoji, controls: what JSON strings may carry.
_STRING_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "éßΩж中\u200b😀\x00\n\t\u2028"


def _random_string(rnd: Draws, max_size: int) -> str:
    return rng_text(rnd, _STRING_CHARS, 0, max_size)


def _random_integer(rnd: Draws) -> int:
    # Magnitudes from one digit to past 64 bits, both signs.
    return rnd.choice((1, -1)) * rnd.getrandbits(rnd.choice((4, 16, 32, 53, 64, 80)))


def _random_number(rnd: Draws) -> float:
    # Non-integral floats only: 1.0 is an integer in JSON Schema, and so is
    # every float of magnitude 2**52 or more (1e300 is in the nasty list).
    while True:
        x = rnd.uniform(-1.0, 1.0) * 10.0 ** rnd.randint(-5, 15)
        if not x.is_integer():
            return x


def _random_scalar(rnd: Draws) -> Any:
    return (None, rnd.chance(0.5), rnd.randint(-10, 10), _random_string(rnd, 5))[rnd.randrange(4)]


def _random_json(kind: str, rnd: Draws) -> Any:
    if kind == "string":
        return _random_string(rnd, 20)
    if kind == "integer":
        return _random_integer(rnd)
    if kind == "number":
        return _random_number(rnd)
    if kind == "boolean":
        return rnd.chance(0.5)
    if kind == "null":
        return None
    if kind == "array":
        return [_random_scalar(rnd) for _ in range(rnd.randint(0, 4))]
    return {_random_string(rnd, 5): _random_scalar(rnd) for _ in range(rnd.randint(0, 4))}


def json_values_not_of_type(*, expected: str) -> SearchStrategy[Any]:
    """RFC 8259 / JSON Schema ``type`` (violated): JSON values whose type is not ``expected``.

    ``expected`` is one of string, integer, number, boolean, object, array,
    null.  "number" excludes integers; "integer" gets non-integral numbers
    and other types (``1.0`` counts as an integer, so it is never produced).
    Typical mistakes come first: ``"1"`` for integer, ``"true"`` for boolean.
    """
    check_choice("expected", expected, JSON_TYPES)
    # "number" includes the integers, and an integral number is an integer.
    excluded = {expected} | ({"integer"} if expected == "number" else set()) | ({"number"} if expected == "integer" else set())
    others = [k for k in JSON_TYPES if k not in excluded]
    nasty: list[Any] = []
    for k in others:
        nasty += _EXAMPLE_BY_TYPE[k]
    if expected == "integer":
        others = [*others, "number"]  # _random_json("number") is non-integral only
        nasty = [0.5, -1.5, *nasty]
    return drawn(_random_json, others, nasty=nasty)
