"""A distinctive credential never appears in anything a run prints or writes: terminal
(-v --tb=long), JUnit XML, reports, reproducers, Hypothesis output, files on disk. The
adversaries: a target that echoes request headers into its error bodies and headers (with
the key placed across the preview cuts), and the reference API with a fault."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conformance import reference
from conformance.engine import secrets

sys.path.insert(0, str(Path(__file__).parent))
from hostile_server import HostileServer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
KEY = "sk_live_SECRET_7f3a9c41d2e8b6a0f5c3e1d9"
BURST_KEY = "sk_live_BURST_0c9e77a5d1f24b3e8a6d"


@pytest.fixture
def fresh_registry(monkeypatch):
    """An empty secret registry: the run under test must register its credentials itself."""
    monkeypatch.setattr(secrets, "_secrets", set())
    monkeypatch.setattr(secrets, "_patterns", {})
    monkeypatch.setattr(secrets, "_byte_patterns", {})


def report_args(pytester) -> list[str]:
    """--conformance-report DIR when the report plugin offers it."""
    if "--conformance-report" in (REPO / "conformance" / "report" / "plugin.py").read_text(encoding="utf-8"):
        return ["--conformance-report", str(pytester.path / "reports")]
    return []


def run_and_collect(pytester, base_url: str, *args) -> tuple[str, object]:
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest(
        str(SUITES), "--catalog", "flowbrite", "--base-url", base_url, "-p", "no:randomly", "-v", "--tb=long",
        "--request-timeout", "2", "--hypothesis-seed", "3", f"--junitxml={junit}",
        *report_args(pytester), *args,
    )
    outputs = [result.stdout.str(), result.stderr.str()]
    for path in sorted(pytester.path.rglob("*")):  # JUnit, reports, the Hypothesis database: every file written
        if path.is_file():
            outputs.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(outputs), result


def assert_never_shown(text: str, *keys: str, pieces: bool = True) -> None:
    for key in keys:
        assert key not in text
        if pieces:  # nor the pieces a preview cut would leave: a head or a tail of 10 characters
            assert key[:10] not in text, f"head of a key in the output: {key[:10]}"
            assert key[-10:] not in text, f"tail of a key in the output: {key[-10:]}"


def test_echoing_target_never_gets_the_key_shown(pytester, monkeypatch, fresh_registry):
    server = HostileServer().start()
    try:
        monkeypatch.setenv("CONFORMANCE_API_KEY", KEY)
        monkeypatch.setenv("FLOWBRITE_BURST_KEY", BURST_KEY)
        text, result = run_and_collect(pytester, server.url("echo-after-first"))
        echoed = [req for req in server.requests if req.headers.get("X-API-KEY") == KEY]
    finally:
        server.stop()
    outcomes = result.parseoutcomes()
    print(outcomes, f"{len(text)} characters of output searched")
    assert outcomes["failed"] >= 10 and "error" not in outcomes and "errors" not in outcomes
    assert echoed, "the target saw the key (and echoed it)"
    # what the run showed: failures with bodies, reproducers, Hypothesis' falsifying examples
    assert "Unparseable error body" in text and "Reproduce: curl" in text
    assert "Input: " in text  # the shrunk input (--tb=long: the traceback with it, as pytest renders it)
    assert (pytester.path / "junit.xml").exists()
    assert_never_shown(text, KEY, BURST_KEY)


def test_showlocals_and_captured_output_never_show_the_key(pytester, monkeypatch, fresh_registry):
    """pytest renders these itself: the locals of every frame (request headers among them)
    and what a test printed."""
    server = HostileServer().start()
    try:
        monkeypatch.setenv("CONFORMANCE_API_KEY", KEY)
        monkeypatch.setenv("FLOWBRITE_BURST_KEY", BURST_KEY)
        text, result = run_and_collect(pytester, server.url("echo-after-first"), "--showlocals", "-k", "auth or currency")
    finally:
        server.stop()
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 1 and "error" not in outcomes and "errors" not in outcomes
    assert "[REDACTED]" in text and "headers" in text  # the locals were shown, with the key taken out
    assert_never_shown(text, KEY, BURST_KEY)


def test_reference_api_with_a_fault_never_gets_the_key_shown(pytester, monkeypatch, fresh_registry):
    credentials = reference.credentials("flowbrite")
    server = reference.start("flowbrite", fault="wrong-status")
    try:
        monkeypatch.setenv("CONFORMANCE_API_KEY", credentials["primary"])
        for name, env in (("forbidden", "FLOWBRITE_FORBIDDEN_KEY"), ("burst", "FLOWBRITE_BURST_KEY")):
            if name in credentials:
                monkeypatch.setenv(env, credentials[name])
        text, result = run_and_collect(pytester, server.url, "-k", "auth or currency")
    finally:
        server.stop()
    outcomes = result.parseoutcomes()
    print(outcomes, f"{len(text)} characters of output searched")
    assert outcomes["failed"] >= 1 and "error" not in outcomes and "errors" not in outcomes
    assert "Wrong HTTP status" in text and "Reproduce: curl" in text
    # (the fixture keys are low-entropy, "fbk_sandbox_000...01": their pieces are everywhere)
    assert_never_shown(text, *credentials.values(), pieces=False)
