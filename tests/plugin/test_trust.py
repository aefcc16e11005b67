"""Verdicts a user can trust, each shown against a reference API over real sockets: HEAD
answers judged without a body, a 5xx to an invalid request reported as a server error, the
status of a wrong media type shown, and a probe's expect_status honoured."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conformance import reference
from conformance.catalog import load_catalog

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
API = "flowbrite"
BURST = {"REFERENCE_FLOWBRITE_BURST": "100000"}  # one shared key for a whole run


def with_probes(pytester, text: str) -> Path:
    """A copy of the seed catalog with ``text`` (YAML list items) appended to its probes."""
    path = pytester.path / "flowbrite-extra.yaml"
    path.write_text((REPO / "catalogs" / "flowbrite.yaml").read_text() + text)
    return path


def run(pytester, monkeypatch, server, catalog, *args):
    creds = reference.credentials(API)
    monkeypatch.setenv("CONFORMANCE_API_KEY", creds["primary"])
    for name, spec in load_catalog(API).auth.credentials.items():
        if name in creds:
            monkeypatch.setenv(spec.env, creds[name])
    return pytester.runpytest_subprocess(
        *args, "--catalog", str(catalog), "--base-url", server.url, "-p", "no:randomly",
        "--hypothesis-profile", "smoke", "--hypothesis-seed", "1",
    )


HEAD_PROBES = """
  - id: head.missing-key
    kind: auth
    request: {method: HEAD, path: /wallets, credential: null}
    expect: api.common.unauthorized
  - id: head.no-permission
    kind: auth
    request: {method: HEAD, path: /wallets, credential: forbidden}
    expect: api.common.forbidden
"""


def test_head_answers_have_no_body_and_pass_on_status_and_headers(pytester, monkeypatch):
    """RFC 9110 section 9.3.2: before, each was an 'Unparseable error body'."""
    catalog = with_probes(pytester, HEAD_PROBES)
    with reference.start(API, env=BURST) as server:
        result = run(pytester, monkeypatch, server, catalog, str(SUITES / "test_auth.py"), "-k", "head.", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_credential_rejected[[]flowbrite:head.missing-key[]] PASSED*"])


def test_a_500_to_an_invalid_request_is_a_server_error(pytester, monkeypatch):
    with reference.start(API, fault="html-500", env=BURST) as server:
        result = run(pytester, monkeypatch, server, REPO / "catalogs" / "flowbrite.yaml",
                     str(SUITES / "test_bodies.py"), "-k", "malformed-json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*Server error",
        "*Received status: 500",
        "*Received code: <none>",
        "*Expected code: api.common.validationFailed",
        "*Expected status: 400",
        "*Also: Unparseable error body*",
    ])


def test_a_wrong_media_type_shows_the_status_it_came_with(pytester, monkeypatch):
    with reference.start(API, fault="wrong-media-type", env=BURST) as server:
        result = run(pytester, monkeypatch, server, REPO / "catalogs" / "flowbrite.yaml",
                     str(SUITES / "test_auth.py"), "-k", "missing-key")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*Wrong media type",
        "*Expected media type: application/json",
        "*Received media type: *",
        "*Received status: 401",
    ])


PINNED = """
  - id: pinned.wrong-status
    kind: auth
    request: {method: GET, path: /wallets, credential: null, expect_status: [%s]}
    expect: [api.common.unauthorized, api.common.forbidden]
"""


@pytest.mark.parametrize("pinned, outcome", [(401, "passed"), (403, "failed")])
def test_expect_status_on_the_request_under_test_is_honoured(pytester, monkeypatch, pinned, outcome):
    catalog = with_probes(pytester, PINNED % pinned)
    with reference.start(API, env=BURST) as server:
        result = run(pytester, monkeypatch, server, catalog, str(SUITES / "test_auth.py"), "-k", "pinned.")
    result.assert_outcomes(**{outcome: 1})
    if outcome == "failed":
        result.stdout.fnmatch_lines([
            "*Wrong HTTP status",
            "*Expected status: 403",
            "*Received status: 401",
            "*Rule: the probe's expect_status",
        ])


def test_a_pinned_status_no_expected_code_allows_is_a_lint_error(pytester):
    catalog = with_probes(pytester, PINNED % 404)
    result = pytester.run(sys.executable, "-m", "conformance", "lint", str(catalog))
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "flowbrite-extra.yaml:*:*: expect_status 404 is no status of the expected codes (they allow [[]401, 403[]]) [[]expect-status[]]",
    ])


ANONYMOUS_BURST = """
  - id: burst.anonymous
    kind: rate-limit
    request: {method: GET, path: /wallets}
    burst: {max_requests: 5, credential: null}
    expect: api.common.rateLimitExceeded
"""


def test_a_burst_with_credential_null_is_sent_unauthenticated(pytester, monkeypatch, tmp_path):
    catalog = with_probes(pytester, ANONYMOUS_BURST)
    lint = pytester.run(sys.executable, "-m", "conformance", "lint", str(catalog))
    assert lint.ret == 0, lint.stdout.str()
    with reference.start(API, env=BURST) as server:
        result = run(pytester, monkeypatch, server, catalog, str(SUITES / "test_rate_limits.py"), "-k", "anonymous",
                     "--conformance-report", str(tmp_path))
    # The reference limits per key: five unauthenticated requests are five 401s, never a 429.
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Expected error never produced", "*5 requests in a burst, no 429"])
    report = json.loads((tmp_path / "report.json").read_text())
    unauthorized = next(code for code in report["catalogs"][API]["codes"] if code["code"] == "api.common.unauthorized")
    assert unauthorized["observed_statuses"] == {"401": 5} and unauthorized["verdict"] == "pass"


PINNED_BY_EXPECT = """
  - id: pinned.by-expect
    kind: auth
    request: {method: GET, path: /wallets, credential: null}
    expect: {code: [api.common.unauthorized, api.common.forbidden], status: %s}
"""


@pytest.mark.parametrize("pinned, outcome", [(401, "passed"), (403, "failed")])
def test_expect_code_and_status_pins_the_status(pytester, monkeypatch, pinned, outcome):
    catalog = with_probes(pytester, PINNED_BY_EXPECT % pinned)
    with reference.start(API, env=BURST) as server:
        result = run(pytester, monkeypatch, server, catalog, str(SUITES / "test_auth.py"), "-k", "pinned.")
    result.assert_outcomes(**{outcome: 1})
    if outcome == "failed":
        result.stdout.fnmatch_lines(["Wrong HTTP status", "Expected status: 403", "Received status: 401"])


def test_expect_status_no_expected_code_allows_is_a_lint_error(pytester):
    catalog = with_probes(pytester, PINNED_BY_EXPECT % 404)
    result = pytester.run(sys.executable, "-m", "conformance", "lint", str(catalog))
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "flowbrite-extra.yaml:*:*: status 404 is no status of the expected codes (they allow [[]401, 403[]]) [[]expect-status[]]",
    ])
