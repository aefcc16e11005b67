"""End to end: the suite as a user runs it (``pytest suites --catalog flowbrite --base-url
http://127.0.0.1:PORT/<mode>``) against hostile targets. Failed tests, never errors,
crashes, hangs, runaway memory or connections to another host."""

from __future__ import annotations

import re
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hostile_server import REDIRECT_AWAY  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
KEY = "sk_live_SECRET_7f3a9c41d2e8b6a0f5c3e1d9"
TIMEOUT = 1.0


# An exception of the suite itself (not a verdict on the API), in a traceback or in a
# Hypothesis exception group.
CRASH = re.compile(
    r"(?m)^(?:E\s+|\s*\|\s+)(?:TypeError|AttributeError|KeyError|IndexError|NameError|RecursionError|MemoryError"
    r"|UnicodeDecodeError|UnicodeEncodeError|ValueError|OSError|ConnectionError|ZeroDivisionError|httpx\.\w+|httpcore\.\w+)\b"
)


def run(pytester, monkeypatch, server, mode, *args, timeout=TIMEOUT):
    monkeypatch.setenv("CONFORMANCE_API_KEY", KEY)
    server.reset()
    started = time.monotonic()
    result = pytester.runpytest(
        str(SUITES), "--catalog", "flowbrite", "--base-url", server.url(mode), "-p", "no:randomly",
        "--request-timeout", str(timeout), "--hypothesis-profile", "smoke", "--hypothesis-seed", "1", *args,
    )
    elapsed = time.monotonic() - started
    print(f"{mode}: {result.parseoutcomes()} in {elapsed:.1f} s, {len(server.requests)} requests")
    return result, elapsed


def assert_clean(result, server, mode, connects):
    """Failures, but no errors, no internal error, no traffic anywhere but the target."""
    outcomes = result.parseoutcomes()
    text = result.stdout.str() + result.stderr.str()
    assert outcomes.get("failed", 0) > 0
    assert "errors" not in outcomes and "error" not in outcomes
    assert "INTERNALERROR" not in text
    assert not CRASH.search(text), CRASH.search(text).group(0)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert {req.mode for req in server.requests} == {mode}
    assert set(connects) == {("127.0.0.1", server.port)}
    assert KEY not in text


def test_always_200_fails_as_invalid_input_accepted(pytester, monkeypatch, server, connects):
    result, elapsed = run(pytester, monkeypatch, server, "always-200", timeout=5.0)
    assert_clean(result, server, "always-200", connects)
    result.stdout.fnmatch_lines(["Invalid input accepted"])
    result.stdout.fnmatch_lines(["flowbrite: 8 codes, 4 exercised, 0 conforming, 4 failing, *"])


def test_html_error_pages_fail_every_probe_at_its_control(pytester, monkeypatch, server, connects):
    result, elapsed = run(pytester, monkeypatch, server, "html", "-k", "fields or identifiers")
    assert_clean(result, server, "html", connects)
    result.stdout.fnmatch_lines(["*Probe setup problem*", "*answered 500; expected 2xx*"])
    assert elapsed < 20


@pytest.mark.parametrize("mode", ["silent", "drip"])
def test_silent_and_dripping_targets_are_bounded_by_the_timeout(pytester, monkeypatch, server, connects, mode):
    result, elapsed = run(pytester, monkeypatch, server, mode, "-k", "currency or missing-key")
    assert_clean(result, server, mode, connects)
    assert result.parseoutcomes()["failed"] == 3  # auth.missing-key, wallets.create.currency, idempotency.missing-key
    seen = "no answer after 1 s (ReadTimeout)" if mode == "silent" else "400"  # drip: the status came, the body never did
    result.stdout.fnmatch_lines([f"the control request (unvaried) answered {seen}; expected 2xx"])
    # three probes, each stopped at its control request: 3 x timeout, plus the run's own overhead
    assert len(server.requests) == 4  # the reachability check and one control per probe
    assert elapsed < 3 * TIMEOUT + 8


@pytest.mark.parametrize("mode", ["gzip-bomb", "huge"])
def test_bombs_stay_bounded_in_memory(pytester, monkeypatch, server, connects, mode):
    """The rate-limit probe meets the bomb on every error it sees: 4 GiB of gzip, 60 MB plain."""
    monkeypatch.setenv("FLOWBRITE_BURST_KEY", KEY + "_burst")
    tracemalloc.start()
    try:
        result, elapsed = run(pytester, monkeypatch, server, mode, "-k", "rate-limit or auth", "--max-body", "65536")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"{mode}: peak traced memory {peak / 1e6:.1f} MB over the whole in-process run")
    assert_clean(result, server, mode, connects)
    assert peak < 100e6
    assert elapsed < 20


def test_redirects_are_judged_not_followed(pytester, monkeypatch, server, connects):
    result, elapsed = run(pytester, monkeypatch, server, "redirect-away", "-k", "auth or currency")
    assert_clean(result, server, "redirect-away", connects)
    result.stdout.fnmatch_lines(["*answered 301; expected 2xx*"])
    assert "198.51.100.7" not in {host for host, _ in connects}
    assert all(req.target.startswith("/redirect-away") for req in server.requests)
    assert REDIRECT_AWAY  # the Location every answer carried


def test_deep_json_and_resets(pytester, monkeypatch, server, connects):
    for mode in ("deep-json", "reset", "wrong-length"):
        connects.clear()
        result, elapsed = run(pytester, monkeypatch, server, mode, "-k", "rate-limit or missing-key")
        assert_clean(result, server, mode, connects)
        assert elapsed < 15
