"""The pytest route: suites/test_openapi.py through pytester, against reference servers."""

from pathlib import Path

import pytest
from conformance import reference

SUITE = Path(__file__).resolve().parents[2] / "suites" / "test_openapi.py"


@pytest.fixture(scope="module")
def servers():
    started = {"ok": reference.start("flowbrite"), "code-case": reference.start("flowbrite", fault="code-case")}
    yield started
    for server in started.values():
        server.stop()


def _run(pytester, monkeypatch, url):
    monkeypatch.setenv("CONFORMANCE_OPENAPI_EXAMPLES", "5")
    monkeypatch.delenv("CONFORMANCE_CATALOG", raising=False)
    pytester.makepyfile(test_openapi=SUITE.read_text(encoding="utf-8"))
    key = reference.credentials("flowbrite")["primary"]
    return pytester.runpytest("-p", "conformance.plugin", "--catalog", "flowbrite", "--base-url", url,
                              "--api-key", key, "-k", "positive", "-p", "no:randomly", "-p", "no:cacheprovider")


def test_pytest_route_passes_a_conforming_api(pytester, monkeypatch, servers):
    result = _run(pytester, monkeypatch, servers["ok"].url)
    result.assert_outcomes(passed=1, deselected=1)


def test_pytest_route_reports_the_catalog_violation(pytester, monkeypatch, servers):
    result = _run(pytester, monkeypatch, servers["code-case"].url)
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines([
        "*operations broke a contract:",
        "GET /v1/wallets/{walletId} ?positive?: *Code not in catalog (catalog)*",
        "Code not in catalog (catalog)",
        "Received code: api.common.validationfailed",
        "Did you mean: api.common.validationFailed",
        "Catalog: flowbrite",
    ])
    assert "fbk_sandbox_" not in result.stdout.str()
