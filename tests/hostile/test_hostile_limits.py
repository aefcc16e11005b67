"""Pacing and budget as a user meets them: --max-rps measured on the server's clock,
--max-requests stopping the run cleanly, Retry-After honoured between probes."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
KEY = "sk_live_SECRET_7f3a9c41d2e8b6a0f5c3e1d9"


def run(pytester, monkeypatch, server, mode, *args):
    monkeypatch.setenv("CONFORMANCE_API_KEY", KEY)
    server.reset()
    started = time.monotonic()
    result = pytester.runpytest(
        str(SUITES), "--catalog", "flowbrite", "--base-url", server.url(mode), "-p", "no:randomly",
        "--request-timeout", "2", "--hypothesis-seed", "1", *args,
    )
    elapsed = time.monotonic() - started
    print(f"{mode} {' '.join(args)}: {result.parseoutcomes()} in {elapsed:.2f} s, {len(server.requests)} requests")
    return result, elapsed


def test_max_rps_is_honoured(pytester, monkeypatch, server):
    """21 requests (the reachability check and 20 probe requests) at --max-rps 10: >= 2 s."""
    result, elapsed = run(pytester, monkeypatch, server, "always-200", "--max-rps", "10", "--max-requests", "21", "-k", "auth or currency")
    stamps = [req.at for req in server.requests]
    span = stamps[-1] - stamps[0]
    # any 11 consecutive requests span at least 1 s, whatever the arrival jitter
    windows = [later - earlier for earlier, later in zip(stamps, stamps[10:])]
    print(f"{len(stamps)} requests over {span:.2f} s (server clock), shortest 11-request window {min(windows):.2f} s")
    assert len(stamps) == 21
    assert span >= 2.0 * 0.95
    assert min(windows) >= 0.95
    result.stdout.fnmatch_lines(["conformance limits: max-rps 10.0, max-requests 21"])


def test_max_requests_stops_the_run_cleanly(pytester, monkeypatch, server):
    result, elapsed = run(pytester, monkeypatch, server, "always-200", "--max-requests", "5", "-rs")
    assert len(server.requests) <= 5
    result.stdout.fnmatch_lines(
        [
            "conformance limits: max-rps none, max-requests 5",
            "SKIPPED [[]1[]] *: --max-requests 5 reached; the run stops here",
            "!!!!!!!!!! Interrupted: --max-requests 5 reached; the run stops here !!!!!!!!!!!",
        ]
    )
    outcomes = result.parseoutcomes()
    assert "error" not in outcomes and "errors" not in outcomes
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "BudgetExhausted" not in result.stdout.str()  # a skip, not a failure with a traceback


def test_limits_hold_for_the_whole_run_under_xdist(pytester, monkeypatch, server):
    """Two workers and the controller share one count and one pace: --max-requests 7 is 7
    requests to the target in all, and --max-rps 5 spaces them across processes."""
    result, elapsed = run(
        pytester, monkeypatch, server, "always-200", "-n", "2", "--max-requests", "7", "--max-rps", "5"
    )
    stamps = sorted(req.at for req in server.requests)
    print(f"{len(stamps)} requests over {stamps[-1] - stamps[0]:.2f} s (server clock)")
    assert len(stamps) == 7
    assert stamps[-1] - stamps[0] >= 6 / 5 - 0.05  # 7 starts at 5 per second: 1.2 s at least
    assert "Interrupted: --max-requests 7 reached; the run stops here" in result.stdout.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert not list(Path(tempfile.gettempdir()).glob("conformance-ledger-*"))  # removed at the end


def test_retry_after_is_waited_for_between_probes(pytester, monkeypatch, server):
    """Each kind of request first meets a 429 with Retry-After: 1; the suite waits, retries,
    and the probe goes on (to its own verdict: this target accepts anything)."""
    result, elapsed = run(pytester, monkeypatch, server, "retry-after", "-k", "missing-key and auth")
    seen = server.requests
    assert [req.mode for req in seen] == ["retry-after"] * len(seen)
    kinds: dict[tuple, list[float]] = {}
    for req in seen[1:]:  # after the reachability check
        kinds.setdefault((req.method, req.target, req.headers.get("X-API-KEY") is None), []).append(req.at)
    retried = [stamps for stamps in kinds.values() if len(stamps) >= 2]
    assert retried
    for stamps in retried:
        assert stamps[1] - stamps[0] >= 0.95, stamps
    result.stdout.fnmatch_lines(["Invalid input accepted"])
    assert result.parseoutcomes() == {"failed": 1, "deselected": 24}  # the envelope fuzz is two tests (safe methods, writes)
