"""The OpenAPI route under the run's guarantees, against the hostile server.

Schemathesis generates the requests; the suite's transport sends them (conformance/openapi/
send.py). So ``--max-requests``, ``--max-rps``, the body cap, the request timeout, the
no-redirect rule and the base-path gate hold here as they do for the probes: each is
measured on the server's side (what arrived, when) or on this process's sockets.
"""

from __future__ import annotations

import copy
import json
import sys
import time
import tracemalloc
from pathlib import Path

from conformance import reference

sys.path.insert(0, str(Path(__file__).parent))
from hostile_server import REDIRECT_AWAY  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
KEY = "sk_live_SECRET_5b0c7e2a9d41f8e3c6a1b7d0"
OPERATION = "/v1/wallets/{walletId}"  # one read-only operation of Flowbrite's document


def _document(tmp_path: Path, *extra_paths: str) -> Path:
    """Flowbrite's document with one operation, also served under ``extra_paths``."""
    document = reference.openapi("flowbrite")
    item = document["paths"][OPERATION]
    document = {**document, "paths": {OPERATION: item, **{path: copy.deepcopy(item) for path in extra_paths}}}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def run(pytester, monkeypatch, server, mode, document: Path, *args, examples: int = 5, timeout: float = 2.0):
    monkeypatch.setenv("CONFORMANCE_API_KEY", KEY)
    monkeypatch.setenv("CONFORMANCE_OPENAPI", str(document))
    monkeypatch.setenv("CONFORMANCE_OPENAPI_EXAMPLES", str(examples))
    server.reset()
    started = time.monotonic()
    result = pytester.runpytest(
        str(SUITES), "-k", "openapi", "--catalog", "flowbrite", "--base-url", server.url(mode), "-p", "no:randomly",
        "--request-timeout", str(timeout), "--hypothesis-seed", "1", *args,
    )
    elapsed = time.monotonic() - started
    print(f"{mode} {' '.join(args)}: {result.parseoutcomes()} in {elapsed:.2f} s, {len(server.requests)} requests")
    text = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in text
    assert KEY not in text
    return result, elapsed


def test_max_requests_holds_on_the_openapi_route(pytester, monkeypatch, server, tmp_path):
    result, _ = run(pytester, monkeypatch, server, "always-200", _document(tmp_path), "--max-requests", "4", "-rs",
                    examples=20)
    assert len(server.requests) == 4  # the reachability check and three generated requests, then the stop
    result.stdout.fnmatch_lines(["!!!!!!!!!! Interrupted: --max-requests 4 reached; the run stops here !!!!!!!!!!!"])
    outcomes = result.parseoutcomes()
    assert "error" not in outcomes and "errors" not in outcomes
    assert "BudgetExhausted" not in result.stdout.str()


def test_max_rps_holds_on_the_openapi_route(pytester, monkeypatch, server, tmp_path):
    run(pytester, monkeypatch, server, "always-200", _document(tmp_path), "--max-rps", "10", examples=8)
    stamps = [req.at for req in server.requests]
    assert len(stamps) >= 8, len(stamps)  # a failing example ends its search: not every example is sent
    # any 6 consecutive requests span at least 0.5 s at 10 per second, whatever the arrival jitter
    windows = [later - earlier for earlier, later in zip(stamps, stamps[5:])]
    assert min(windows) >= 0.5 * 0.95, min(windows)


def test_redirects_from_the_openapi_route_are_not_followed(pytester, monkeypatch, server, connects, tmp_path):
    result, _ = run(pytester, monkeypatch, server, "redirect-away", _document(tmp_path), examples=3)
    assert result.parseoutcomes().get("failed", 0) == 2  # 301 is no status the document declares
    assert set(connects) == {("127.0.0.1", server.port)}
    assert all(req.target.startswith("/redirect-away/") for req in server.requests)
    assert REDIRECT_AWAY.split("/")[2] not in {host for host, _ in connects}


def test_a_dripping_target_is_bounded_by_the_request_timeout(pytester, monkeypatch, server, tmp_path):
    result, elapsed = run(pytester, monkeypatch, server, "drip", _document(tmp_path), examples=2, timeout=1.0)
    generated = len(server.requests) - 1
    assert generated >= 1
    result.stdout.fnmatch_lines(["*Transport failure*"])
    assert elapsed < generated * 1.0 + 10, elapsed  # the body drips for 60 s; each request stops at 1 s


def test_a_huge_body_is_capped_on_the_openapi_route(pytester, monkeypatch, server, tmp_path):
    tracemalloc.start()
    try:
        result, elapsed = run(pytester, monkeypatch, server, "huge", _document(tmp_path), "--max-body", "65536", examples=3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"huge: peak traced memory {peak / 1e6:.1f} MB")
    assert len(server.requests) > 1
    assert peak < 100e6  # six answers of 60 MB each, never read past the cap
    assert elapsed < 30


def test_generated_requests_outside_the_base_path_are_never_sent(pytester, monkeypatch, server, tmp_path):
    """Operations the document places outside the catalog's base path (another prefix, a dot
    segment climbing out of it) are refused before sending, and the run says how many."""
    document = _document(tmp_path, "/admin/wallets/{walletId}", "/v1/../admin/{walletId}")
    result, _ = run(pytester, monkeypatch, server, "always-200", document, examples=3)
    targets = [req.target for req in server.requests]
    assert targets and all(target.startswith("/always-200/v1/") or target == "/always-200/v1" for target in targets), targets
    assert not any("admin" in target for target in targets)
    result.stdout.fnmatch_lines(["*generated requests would have left flowbrite's base path /always-200/v1: refused, not sent"])
