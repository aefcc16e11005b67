"""Safe against production, shown on the wire: a loopback proxy in front of a reference API
records every request the suite sends (method and request-target as received).

- ``-m "not writes"`` sends no unsafe method (RFC 9110 section 9.2.1), whatever the credential;
- every request stays under the catalog's base_path once resolved (RFC 3986 section 5.2.4);
  a catalog path that escapes is a setup problem and is never sent;
- rate-limit probes run after every other probe of their catalog (also under -n), and a probe
  that meets a persistent 429 is a "rate-limited" setup problem with its wait, not a failure.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


from conformance import reference
from conformance.catalog import load_catalog
from conformance.engine import target as target_module

sys.path.insert(0, str(Path(__file__).parent))
from wiretap import Wiretap  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
API = "flowbrite"  # base_path /v1
ROOMY = {"REFERENCE_FLOWBRITE_BURST": "100000"}  # one shared key for a whole run
SAFE = {"GET", "HEAD", "OPTIONS"}


def env_credentials(monkeypatch) -> None:
    creds = reference.credentials(API)
    monkeypatch.setenv("CONFORMANCE_API_KEY", creds["primary"])
    for name, spec in load_catalog(API).auth.credentials.items():
        if name in creds:
            monkeypatch.setenv(spec.env, creds[name])


def run(pytester, monkeypatch, url, *args, catalog=API, profile="smoke"):
    env_credentials(monkeypatch)
    return pytester.runpytest_subprocess(
        *args, "--catalog", str(catalog), "--base-url", url, "-p", "no:randomly",
        "--hypothesis-profile", profile, "--hypothesis-seed", "1",
    )


def under_base(target: str, base: str = "/v1") -> bool:
    """Oracle independent of the suite's normaliser: the stdlib's unquote and urljoin."""
    path = re.sub(r"/+", "/", unquote(urlsplit(target).path).replace("\\", "/"))
    resolved = urlsplit(urljoin("http://h/", path)).path
    return resolved == base or resolved.startswith(base + "/")


# -- item 9: the envelope fuzz and -m "not writes" -------------------------------------


def test_not_writes_sends_no_unsafe_method(pytester, monkeypatch):
    with reference.start(API, env=ROOMY) as server, Wiretap(server.url) as tap:
        result = run(pytester, monkeypatch, tap.url, str(SUITES), "-m", "not writes", profile="dev")
        assert result.ret == 0, result.stdout.str()
        # the fuzz again, with many examples: its made-up paths are drawn often enough to show
        fuzz = run(pytester, monkeypatch, tap.url, str(SUITES / "test_envelope.py"), "-m", "not writes", profile="thorough")
        fuzz.assert_outcomes(passed=1, deselected=1)
    methods = tap.methods()
    assert methods <= SAFE, sorted(methods - SAFE)
    assert {"HEAD", "OPTIONS"} <= methods  # the fuzz sends the other safe methods too
    # the fuzz's made-up paths (".." and "%2F" segments) never left /v1 on the wire
    assert [target for _, target in tap.seen if not under_base(target)] == []
    # made-up paths were sent (the client resolves their ".." before the wire), "%2F" and "//" included
    assert any("%2F" in target for _, target in tap.seen) and any("/v1//" in target for _, target in tap.seen)


def test_the_unsafe_half_of_the_fuzz_is_marked_writes(pytester, monkeypatch):
    with reference.start(API, env=ROOMY) as server, Wiretap(server.url) as tap:
        result = run(pytester, monkeypatch, tap.url, str(SUITES / "test_envelope.py"), "-m", "writes", "-v")
    result.stdout.fnmatch_lines(["*test_envelope.py::test_every_error_conforms_on_writes[[]flowbrite[]] *"])
    assert "test_every_error_conforms[flowbrite]" not in result.stdout.str()
    assert tap.methods() - {"GET"} <= {"POST", "PUT", "PATCH", "DELETE"}
    assert {"POST", "PUT", "PATCH", "DELETE"} & tap.methods()
    assert all(under_base(target) for method, target in tap.seen if method != "GET")


# -- item 1: a catalog path that escapes base_path ---------------------------------------

ESCAPING = """
  - id: routing.escapes
    kind: routing
    request: {method: GET, path: '/wallets/%2e%2e/../openapi.json'}
    expect: api.common.validationFailed   # never sent: nothing to judge
"""


def test_a_catalog_path_outside_base_path_is_a_setup_problem_and_never_sent(pytester, monkeypatch):
    catalog = pytester.path / "flowbrite-escape.yaml"
    catalog.write_text((REPO / "catalogs" / "flowbrite.yaml").read_text() + ESCAPING)
    with reference.start(API, env=ROOMY) as server, Wiretap(server.url) as tap:
        result = run(pytester, monkeypatch, tap.url, str(SUITES / "test_routing.py"), "-k", "escapes", catalog=catalog)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*Probe setup problem",
        "*the request path /v1/wallets/%2e%2e/../openapi.json resolves to /openapi.json, outside the API's base path /v1",
    ])
    result.stdout.fnmatch_lines([
        "*= conformance setup problems =*",
        "flowbrite:routing.escapes: the request path /v1/wallets/%2e%2e/../openapi.json resolves to "
        "/openapi.json, outside the API's base path /v1",
        "1 probe could not run (0 rate-limited): setup problems, not conformance failures",
    ])
    assert [target for _, target in tap.seen if "openapi" in target] == []


# -- item 11: bursts last, and a persistent 429 ----------------------------------------


def test_burst_probes_are_collected_after_every_other_probe(pytester, monkeypatch):
    env_credentials(monkeypatch)
    result = pytester.runpytest_subprocess(
        str(SUITES), "--catalog", API, "--catalog", "falu", "--collect-only", "-q", "-p", "no:randomly")
    lines = result.stdout.lines
    end = lines.index("")
    # test_rate_limits.py sorts before test_requests.py and test_states.py: collected last only by the plugin
    assert lines[end - 3:end] == [
        "suites/test_states.py::test_state_conflict[falu:visits.start-without-destination]",
        "suites/test_rate_limits.py::test_burst_hits_rate_limit[flowbrite:rate-limit.burst]",
        "suites/test_rate_limits.py::test_burst_hits_rate_limit[falu:rate-limit.burst]",
    ]
    assert not any("test_rate_limits" in line for line in lines[:end - 2])


def test_burst_probes_run_last_on_their_worker_under_xdist(pytester):
    # falu has routing, request and state probes, whose modules sort after test_rate_limits.py
    result = pytester.runpytest_subprocess(
        str(SUITES), "--catalog", "falu", "-n", "2", "-v", "-m", "not writes", "-p", "no:randomly",
        "--hypothesis-profile", "smoke", "--hypothesis-seed", "1")
    done = [line for line in result.stdout.lines if re.match(r"\[gw\d\] \[ *\d+%\] (PASSED|FAILED|SKIPPED) .*\[falu:", line)]
    assert len({line.split()[0] for line in done}) == 1, result.stdout.str()  # one catalog, one worker (loadgroup)
    assert re.search(r"/suites/test_rate_limits\.py::test_burst_hits_rate_limit\[falu:rate-limit\.burst\]@falu $", done[-1]), done
    assert any("/suites/test_routing.py::" in line for line in done[:-1])
    assert any("/suites/test_requests.py::" in line for line in done[:-1])


LIMITED = {  # two requests per key, then Retry-After: 300 (one token per 300 s)
    "REFERENCE_FLOWBRITE_BURST": "2", "REFERENCE_FLOWBRITE_REFILL_TOKENS": "1", "REFERENCE_FLOWBRITE_REFILL_SECONDS": "300",
}


def test_a_probe_that_meets_a_persistent_429_is_a_rate_limited_setup_problem(pytester, monkeypatch):
    # In-process, so the suite's retry waits can be made short: the server asks for 300 s.
    monkeypatch.setattr(target_module, "MAX_RETRY_AFTER", 0.05)
    monkeypatch.setattr(target_module, "MAX_RETRY_WAIT", 0.2)
    env_credentials(monkeypatch)
    with reference.start(API, env=LIMITED) as server:
        result = pytester.runpytest_inprocess(
            str(SUITES / "test_identifiers.py"), "-k", "unknown-id", "--catalog", API, "--base-url", server.url,
            "-p", "no:randomly", "--hypothesis-profile", "smoke", "--hypothesis-seed", "1",
            "--conformance-report", str(pytester.path / "reports"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Probe setup problem", "*rate-limited: the target kept answering 429 (Retry-After: 300;*",
                                 "*Wait needed: 300 s"])
    result.stdout.fnmatch_lines([
        "*= conformance setup problems =*",
        "flowbrite:wallets.get.unknown-id: rate-limited, wait 300 s (Retry-After: 300)",
        "1 probe could not run (1 rate-limited): setup problems, not conformance failures",
    ])
    # not a conformance failure: no code fails for it, and it is listed with the setup problems only
    result.stdout.fnmatch_lines(["flowbrite: * 0 failing, *"])
    assert not [line for line in result.stdout.lines if "= conformance failures =" in line]
    data = json.loads((pytester.path / "reports" / "report.json").read_text())
    section = data["catalogs"][API]
    assert section["failures"] == []
    [failed] = data["failed_tests"]  # still a failed test: a gate must not pass when probes never ran
    assert failed.endswith("test_identifiers.py::test_identifier_rejected[flowbrite:wallets.get.unknown-id]")
    assert section["setup_counts"] == {"probes": 1, "rate_limited": 1, "line": "1 probe could not run (1 rate-limited): setup problems, not conformance failures"}
    [problem] = section["setup_problems"]
    assert (problem["probe"], problem["reason"], problem["retry_after"], problem["wait_seconds"]) == ("wallets.get.unknown-id", "rate-limited", "300", 300.0)
    markdown = (pytester.path / "reports" / "report.md").read_text()
    assert "1 probe could not run (1 rate-limited): setup problems, not conformance failures." in markdown.splitlines()
