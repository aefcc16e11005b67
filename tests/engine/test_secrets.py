"""Redaction takes out whole secrets and their encodings, never the words a secret is made
of (issue 14 item 12): with ``--api-key conformance-key-1`` the word "conformance" stays
in tracebacks, the report header and the report title."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from conformance import reference
from conformance.engine import secrets

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
WORDY_KEYS = ["conformance-key-1", "report-token", "flowbrite-primary"]
ORDINARY = [
    "conformance catalogs: flowbrite",
    "the flowbrite API",
    "conformance report",
    "# Error-contract conformance report",
    "E       conformance.engine.failures.WrongStatus: Wrong HTTP status",
    "/site-packages/conformance/engine/case.py:154: in every_varied_value_fails",
    "Probe: flowbrite:wallets.create.currency",
    "the report header is missing a token",
    "a primary key and a report",
]


@pytest.fixture
def fresh_registry(monkeypatch):
    """An empty registry, so each test sees only the secrets it registers."""
    monkeypatch.setattr(secrets, "_secrets", set())
    monkeypatch.setattr(secrets, "_patterns", {})
    monkeypatch.setattr(secrets, "_byte_patterns", {})


def encoded(key: str) -> list[str]:
    """The forms a key is shown in: verbatim, percent- and form-encoded, JSON-escaped."""
    return [key, quote(key, safe=""), quote_plus(key), json.dumps(key)[1:-1]]


@pytest.mark.parametrize("key", WORDY_KEYS)
def test_words_of_a_key_stay_in_ordinary_text(fresh_registry, key):
    secrets.register(key)
    for text in ORDINARY:
        assert secrets.redact(text) == text
        assert secrets.redact_bytes(text.encode()) == text.encode()


@pytest.mark.parametrize("key", WORDY_KEYS)
@pytest.mark.parametrize("frame", ["X-API-KEY: {}", "{}", '{{"echo": "{}"}}', "'{}' is not valid", "url=/v1/x?k={}&a=1"])
def test_a_wordy_key_is_redacted_in_full(fresh_registry, key, frame):
    secrets.register(key)
    text = "conformance report: " + frame.format(key) + " (the flowbrite API)"
    assert secrets.redact(text) == "conformance report: " + frame.format("[REDACTED]") + " (the flowbrite API)"
    assert secrets.redact_bytes(text.encode()) == secrets.redact(text).encode()


def test_the_cut_pieces_of_a_wordy_key_are_still_redacted(fresh_registry):
    """A preview cut inside a word of the key, or after a piece that holds a digit,
    still leaves nothing of it."""
    key = "conformance-key-1"
    secrets.register(key)
    assert secrets.redact("X-API-KEY: conforman") == "X-API-KEY: [REDACTED]"  # cut inside a word
    assert secrets.redact("X-API-KEY: conformance-ke") == "X-API-KEY: [REDACTED]"
    assert secrets.redact("...ance-key-1 (echoed)") == "...[REDACTED] (echoed)"  # a tail with the digit
    assert secrets.redact_bytes(b"X-API-KEY: conformance-ke") == b"X-API-KEY: [REDACTED]"


@pytest.mark.parametrize(
    "key",
    ["conformance key/1+flowbrite", 'report "token" \\ 1 flowbrite', "flowbrite-primary=über&report"],
)
def test_each_encoding_of_a_key_is_redacted(fresh_registry, key):
    secrets.register(key)
    lower_hex = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(key, safe=""))
    for form in encoded(key) + [lower_hex]:
        text = f"the flowbrite API said: {form}; conformance report"
        shown = secrets.redact(text)
        assert shown == "the flowbrite API said: [REDACTED]; conformance report", (form, shown)
        assert secrets.redact_bytes(text.encode()) == shown.encode()
    escaped_slash = json.dumps(key)[1:-1].replace("/", "\\/")  # JSON encoders that escape "/"
    assert secrets.redact(f'{{"key": "{escaped_slash}"}}') == '{"key": "[REDACTED]"}'


@pytest.mark.parametrize("held", ["pair", "base64"])
def test_basic_credentials_are_redacted_as_pair_base64_and_password(fresh_registry, held):
    """RFC 7617: whichever of ``user:password`` and its base64 the credential holds, both
    are redacted, and the password alone; the user name and the words stay."""
    pair = "conformance:report-token-7"
    token = base64.b64encode(pair.encode()).decode()
    secrets.register(pair if held == "pair" else token, scheme="Basic")
    for form in (pair, token, token.rstrip("="), "report-token-7", quote(pair, safe="")):
        assert secrets.redact(f"Authorization: Basic {form}\nconformance report") == "Authorization: Basic [REDACTED]\nconformance report"
    assert secrets.redact("user conformance, conformance report") == "user conformance, conformance report"


def test_base64_forms_only_under_basic(fresh_registry):
    """A raw key under another scheme is not taken for a pair: its base64 is no form of it."""
    secrets.register("conformance:report-token-7", scheme="Bearer")
    assert secrets.registered() == len(set(secrets.encodings("conformance:report-token-7")))
    token = base64.b64encode(b"conformance:report-token-7").decode()
    assert secrets.redact(token) == token
    assert secrets.redact("conformance:report-token-7") == "[REDACTED]"


def test_keys_that_are_words_themselves_stay_redacted_in_full(fresh_registry):
    """The whole secret is always taken out, however ordinary it looks."""
    secrets.register("flowbrite")
    assert secrets.redact("the flowbrite API") == "the [REDACTED] API"


def test_a_run_with_a_wordy_api_key_keeps_the_words(pytester, fresh_registry):
    """End to end: the plugin registers --api-key; what the user sees (header, the failure
    in the terminal, report.md) keeps the word "conformance", and the key is nowhere. The
    reference API rejects this key, so the probe's control fails as a setup problem: a
    failure rendered through redaction, with the key in its request."""
    key = "conformance-key-1"
    out = pytester.path / "reports"
    with reference.start("flowbrite") as server:
        result = pytester.runpytest_subprocess(
            f"{SUITES}/test_fields.py::test_invalid_field_rejected[flowbrite:wallets.create.currency]",
            "-p", "no:randomly", "--catalog", "flowbrite", "--base-url", server.url, "--api-key", key,
            "--hypothesis-profile", "ci", "--conformance-report", str(out),
        )
    text = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        f"conformance target: {server.url}",
        "conformance catalogs: flowbrite",
        "*Probe setup problem*",
        "*the control request (unvaried) answered 401; expected 2xx",
        "*Probe: flowbrite:wallets.create.currency",
    ])
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert markdown.splitlines()[0] == "# Error-contract conformance report"
    assert key not in text + markdown
    # [REDACTED] stands only where the key was: the credential header of the request.
    redacted = [line for line in text.splitlines() if "[REDACTED]" in line]
    assert redacted and all("X-API-KEY" in line for line in redacted), redacted
