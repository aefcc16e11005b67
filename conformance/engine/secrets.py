"""Credentials never appear in output, reports or reproducers.

Every credential value the run uses is registered here; everything the suite prints or
writes passes through ``redact``.

A secret travels in encodings as well as verbatim (CWE-532, OWASP ASVS 8.3.5: no
credentials in logs or output): ``register`` also registers its percent-encoded and
form-encoded forms (RFC 3986 section 2.1, either hex case), its JSON-escaped forms (RFC 8259
section 7, "\\/" included), and under the ``Basic`` scheme (RFC 7617) both the
``user:password`` pair and its base64, whichever of the two the credential holds, and the
password alone.

Whole values are replaced, and so are the pieces a cut leaves behind: output shows bodies
and header values cut to a preview length, and a key that straddles the cut would
otherwise leak as a prefix ("sk_live_7f3a...") or a suffix. A fragment of at least
``MIN_FRAGMENT`` characters is redacted where it sits at a cut: a prefix of the secret
followed by the end of the text or a character that cannot continue a key, or a suffix
preceded by the start of the text or such a character.

Words of a secret are not fragments of it. A key such as ``conformance-key-1`` begins
with a word the output is full of ("conformance catalogs", ``conformance.engine``), and
the rule above would take that word out everywhere. A piece made only of letters and
separators that ends (a prefix) or begins (a suffix) where the secret itself has a word
boundary carries no key material beyond words anyone can read, so it is left as it is;
a piece holding a digit, or cut inside a word of the secret, is redacted.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from urllib.parse import quote, quote_plus

REDACTED = "[REDACTED]"
MIN_LENGTH = 6  # very short values would redact ordinary words; real keys are longer
MIN_FRAGMENT = 8
_KEY_CHARS = "A-Za-z0-9_\\-"
_lock = threading.Lock()
_secrets: set[str] = set()
_patterns: dict[str, tuple] = {}  # secret -> (head, tail, word cuts), see _compiled
_byte_patterns: dict[str, tuple] = {}


def register(value: str | None, *, scheme: str | None = None) -> None:
    """Register a credential and the encodings it may be shown in (see the module docs);
    ``scheme`` is the catalog's auth scheme (``Basic`` adds the RFC 7617 forms)."""
    # Patterns are compiled on first use (see _compiled): a run registers a fresh key per
    # test, and the fragment patterns of a long key (a JWT) are costly to build.
    if value and len(value.strip()) >= MIN_LENGTH:
        forms = {value, *encodings(value.strip(), scheme=scheme)}
        with _lock:
            _secrets.update(form for form in forms if len(form.strip()) >= MIN_LENGTH)


def encodings(secret: str, *, scheme: str | None = None) -> list[str]:
    """``secret`` and the forms it takes on the wire and in output: percent- and
    form-encoded (RFC 3986 section 2.1; hex digits in either case), JSON-escaped (RFC 8259
    section 7), and for ``Basic`` (RFC 7617) the pair, its base64 and the password."""
    forms = [secret]
    if scheme is not None and scheme.strip().lower() == "basic":
        forms += _basic_forms(secret)
    out: list[str] = []
    for form in forms:
        for encoded in (form, quote(form, safe=""), quote_plus(form), quote(form, safe="/:@")):
            out += [encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded)]
        for escaped in (json.dumps(form)[1:-1], json.dumps(form, ensure_ascii=False)[1:-1]):
            out += [escaped, escaped.replace("/", "\\/")]
    return list(dict.fromkeys(out))


def _basic_forms(secret: str) -> list[str]:
    """RFC 7617: the credential is ``user:password`` or its base64 (what the header
    carries); register the other one too, and the password on its own."""
    pair = secret
    try:
        decoded = base64.b64decode(secret, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        decoded = None
    if decoded is not None and ":" in decoded and decoded.isprintable():
        pair = decoded
    elif ":" not in secret:
        return []
    raw = pair.encode("utf-8")
    password = pair.split(":", 1)[1]
    return [pair, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode(),
            base64.b64encode(raw).decode().rstrip("="), password]


def _compiled(secret: str) -> tuple[tuple, tuple]:
    """(head, tail, word cuts) for the text form and for the byte form of ``secret``."""
    with _lock:
        if secret not in _patterns:
            head, tail = _pattern(secret)
            raw = secret.encode("utf-8", "surrogateescape")
            _patterns[secret] = (head, tail, _word_cuts(secret))
            _byte_patterns[secret] = (
                re.compile(head.pattern.encode("utf-8", "surrogateescape")),
                re.compile(tail.pattern.encode("utf-8", "surrogateescape")),
                _word_cuts(raw.decode("latin-1")),  # one char per byte: cut lengths count bytes
            )
        return _patterns[secret], _byte_patterns[secret]


def registered() -> int:
    """How many values are registered (for tests and diagnostics; never the values)."""
    return len(_secrets)


def _nested(chars: str) -> str:
    """A regex matching any prefix of ``chars`` (including the empty one)."""
    out = ""
    for char in reversed(chars):
        out = f"(?:{re.escape(char)}{out})?"
    return out


def _pattern(secret: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A prefix of the secret at a cut; a suffix of it at a cut (the whole secret is
    replaced before these run)."""
    head = re.escape(secret[:MIN_FRAGMENT]) + _nested(secret[MIN_FRAGMENT:-1])
    tails = "|".join(re.escape(secret[start:]) for start in range(1, len(secret) - MIN_FRAGMENT + 1))
    return re.compile(f"{head}(?![{_KEY_CHARS}])"), re.compile(f"(?<![{_KEY_CHARS}])(?:{tails})")


_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\.")  # RFC 3986 2.1, RFC 8259 7


def _word_cuts(secret: str) -> tuple[frozenset[int], frozenset[int]]:
    """The lengths of the prefixes and of the suffixes of ``secret`` that are words of it
    (module docs): letters and separators only, cut at a word boundary of the secret. An
    escape (``%2F``, ``\\u00fc``, ``\\/``) separates words like the character it stands for."""
    kinds = ["letter" if _letter(char) else "digit" if _alnum(char) else "separator" for char in secret]
    for escape in _ESCAPE.finditer(secret):
        kinds[escape.start():escape.end()] = ["separator"] * (escape.end() - escape.start())

    def boundary(at: int) -> bool:
        return "separator" in (kinds[at - 1], kinds[at])

    def words(start: int, end: int) -> bool:
        return "digit" not in kinds[start:end]

    n = len(secret)
    heads = frozenset(cut for cut in range(MIN_FRAGMENT, n) if boundary(cut) and words(0, cut))
    tails = frozenset(n - cut for cut in range(1, n - MIN_FRAGMENT + 1) if boundary(cut) and words(cut, n))
    return heads, tails


def _alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()  # a byte form decodes as latin-1: non-ASCII never counts


def _letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _cut_away(pattern, cuts: frozenset[int], text, replacement):
    """``pattern`` substituted in ``text``, except the pieces whose length is in ``cuts``."""
    return pattern.sub(lambda m: m.group(0) if len(m.group(0)) in cuts else replacement, text)


def _snapshot() -> list[str]:
    with _lock:
        return sorted(_secrets, key=len, reverse=True)


def redact(text: str) -> str:
    if not _secrets or not text:
        return text
    ordered = _snapshot()
    # Every whole form first: a fragment pass of one form must not eat into another form
    # that is there in full (a key and its JSON-escaped form share most of their text).
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for secret in ordered:
        if len(secret) > MIN_FRAGMENT and (secret[:MIN_FRAGMENT] in text or secret[-MIN_FRAGMENT:] in text):
            head, tail, (head_words, tail_words) = _compiled(secret)[0]
            text = _cut_away(tail, tail_words, _cut_away(head, head_words, text, REDACTED), REDACTED)
    return text


def redact_bytes(data: bytes) -> bytes:
    if not _secrets or not data:
        return data
    ordered = _snapshot()
    for secret in ordered:  # whole forms first, as in redact
        data = data.replace(secret.encode("utf-8", "surrogateescape"), REDACTED.encode())
    for secret in ordered:
        raw = secret.encode("utf-8", "surrogateescape")
        if len(secret) > MIN_FRAGMENT and (raw[:MIN_FRAGMENT] in data or raw[-MIN_FRAGMENT:] in data):
            head, tail, (head_words, tail_words) = _compiled(secret)[1]
            marker = REDACTED.encode()
            data = _cut_away(tail, tail_words, _cut_away(head, head_words, data, marker), marker)
    return data
