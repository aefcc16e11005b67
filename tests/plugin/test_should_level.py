"""Requirement levels (RFC 2119): a header rule at ``level: should`` that the API breaks is a
warning, listed with its "Label: value" lines in the terminal summary and in report.json,
report.md and report.html, and counted; ``--strict-should`` (or CONFORMANCE_STRICT_SHOULD, or
the ini ``conformance_strict_should``) makes it a failure. Against the flowbrite reference API,
which sends no WWW-Authenticate on its 401s (RFC 9110 section 11.6.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import reference

pytestmark = pytest.mark.usefixtures("flowbrite_credentials")
REPO = Path(__file__).resolve().parents[2]
ANCHOR = "      description: Correlation id for support requests.\n"
BROKEN = "  every_error:\n    - {name: WWW-Authenticate, statuses: [401], level: should}\n"
KEPT = "  every_error:\n    - {name: X-Correlation-Id, statuses: [401], level: should}\n"


def catalog(folder: Path, rule: str) -> Path:
    text = (REPO / "catalogs" / "flowbrite.yaml").read_text()
    assert ANCHOR in text
    path = folder / "flowbrite-should.yaml"
    path.write_text(text.replace(ANCHOR, ANCHOR + rule, 1))
    return path


def run(pytester, monkeypatch, rule: str, *args):
    with reference.start("flowbrite", env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server:
        return pytester.runpytest_subprocess(
            str(REPO / "suites" / "test_auth.py"), "--catalog", str(catalog(pytester.path, rule)), "--base-url", server.url,
            "-p", "no:randomly", "--hypothesis-profile", "smoke", "-k", "missing-key", "-v", *args)


WARNING_LINES = [
    "*= conformance warnings (should) =*",
    "Missing required header",
    "Header: WWW-Authenticate",
    "Code: api.common.unauthorized",
    "Received status: 401",
    "Level: should",
    "Probe: flowbrite:auth.missing-key",
    "Reproduce: curl *",
]


def test_a_should_violation_is_a_warning_shown_and_counted(pytester, monkeypatch):
    result = run(pytester, monkeypatch, BROKEN, "--conformance-report", "out")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_credential_rejected[[]flowbrite:auth.missing-key[]] PASSED*", *WARNING_LINES,
                                 "1 warning(s): rules at level 'should' (RFC 2119); --strict-should makes them failures"])
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    [warning] = report["catalogs"]["flowbrite"]["warnings"]
    assert warning["probe"] == "auth.missing-key" and warning["count"] >= 1
    assert warning["message"].splitlines()[:5] == [
        "Missing required header", "Header: WWW-Authenticate", "Code: api.common.unauthorized", "Received status: 401",
        "Level: should"]
    markdown = (pytester.path / "out" / "report.md").read_text()
    assert "### Warnings: rules at level should (1)" in markdown and "Header: WWW-Authenticate" in markdown
    html = (pytester.path / "out" / "report.html").read_text()
    assert 'data-warning-count="1"' in html and "Level: should" in html
    assert reference.credentials("flowbrite")["primary"] not in markdown + html + json.dumps(report)


def test_strict_should_turns_the_warning_into_a_failure(pytester, monkeypatch):
    result = run(pytester, monkeypatch, BROKEN, "--strict-should")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Missing required header", "*Header: WWW-Authenticate", "*Code: api.common.unauthorized",
                                 "*Received status: 401", "*Level: should (--strict-should)"])
    assert "conformance warnings (should)" not in result.stdout.str()


def test_the_environment_variable_does_the_same(pytester, monkeypatch):
    monkeypatch.setenv("CONFORMANCE_STRICT_SHOULD", "1")
    run(pytester, monkeypatch, BROKEN).assert_outcomes(failed=1)


def test_a_kept_should_rule_warns_nothing(pytester, monkeypatch):
    result = run(pytester, monkeypatch, KEPT)
    result.assert_outcomes(passed=1)
    assert "conformance warnings" not in result.stdout.str() and "Level: should" not in result.stdout.str()


def test_the_ini_setting_does_the_same(pytester, monkeypatch):
    run(pytester, monkeypatch, BROKEN, "-o", "conformance_strict_should=true").assert_outcomes(failed=1)
