"""Nothing hidden: every distinct failure of a test reaches the terminal and every report,
each failed test is in report.json, the reproducer reported is the shrunk one the terminal
shows, and a failure reads as the catalog author needs it (no frames of the suite's own)."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance import reference
from conformance.catalog import load_catalog
from conformance.reference._machinery.server import start_in_process

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
API = "flowbrite"
ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


def _error(status: int, code: str) -> JSONResponse:
    body = {"error": {"status": status, "code": code, "message": "no"}}
    return JSONResponse(body, status_code=status, headers={"X-Correlation-Id": ULID})


async def _wallets(request):
    """Two bugs, each for its own inputs: a currency longer than three characters crashes
    (a 500 with the catch-all code), any other unknown currency gets a wrong code."""
    currency = str((await request.json()).get("currency"))
    if currency == "EUR":
        return JSONResponse({"data": {"id": "wal_" + ULID}}, status_code=201, headers={"X-Correlation-Id": ULID})
    if len(currency) > 3:
        return _error(500, "api.common.internalServerError")
    return _error(403, "api.common.forbidden")


TWO_BUGS = Starlette(routes=[Route("/v1/wallets", _wallets, methods=["POST"]), Route("/", lambda r: JSONResponse({}))])


def test_two_distinct_failures_of_one_probe_are_both_reported(pytester, tmp_path):
    server = start_in_process("two-bugs", TWO_BUGS, fault=None, port=0)
    try:
        result = pytester.runpytest_subprocess(
            str(SUITES / "test_fields.py"), "-k", "wallets.create.currency", "--catalog", API, "--base-url", server.url,
            "--api-key", "k", "-p", "no:randomly", "--hypothesis-seed", "3", "--hypothesis-profile", "dev",
            "--conformance-report", str(tmp_path), "--junitxml", str(tmp_path / "junit.xml"),
        )
    finally:
        server.stop()
    result.assert_outcomes(failed=1)
    test = "test_fields.py::test_invalid_field_rejected[flowbrite:wallets.create.currency]"
    out = result.stdout.str()
    pattern = test.replace("[", "[[]")
    result.stdout.fnmatch_lines([
        "Failure 1 of 2",
        "Server error",
        "Received status: 500",
        "Received code: api.common.internalServerError",
        "Failure 2 of 2",
        "Wrong error code",
        "Expected code: api.common.validationFailed",
        "Received code: api.common.forbidden",
        f"Replay: pytest '*{pattern}' --catalog=flowbrite --base-url={server.url} --hypothesis-profile=dev --hypothesis-seed=3",
        "*= conformance failures =*",
        f"*{pattern}: Server error (answered 500, code api.common.internalServerError)",
        f"*{pattern}: Wrong error code (answered 403, code api.common.forbidden)",
    ])
    # The catalog author's view: no frames of the suite, no Hypothesis advice for test authors.
    for machinery in ("judge.py", "target.py", "Traceback", "Explanation:", "@reproduce_failure", "k\n"):
        assert machinery not in out, machinery
    report = json.loads((tmp_path / "report.json").read_text())
    found = report["catalogs"][API]["failures"]
    assert [(f["title"], f["code"]) for f in found] == [("Server error", "api.common.internalServerError"),
                                                        ("Wrong error code", "api.common.forbidden")]
    # The reproducer reported is the one the terminal shows (the shrunk example).
    shown = re.findall(r"^Reproduce: (curl .*)$", out, re.M)
    assert [f["reproducer"] for f in found] == shown
    assert [f["input"] for f in found] == re.findall(r"^Input: (.*)$", out, re.M)
    markdown = (tmp_path / "report.md").read_text()
    assert "#### `api.common.forbidden`: Wrong error code" in markdown
    assert "#### `api.common.internalServerError`: Server error" in markdown
    assert report["failed_tests"] == _failed_in_junit(tmp_path / "junit.xml")


def _failed_in_junit(path: Path) -> list[str]:
    """The failed tests of a run, as node ids, from its JUnit XML (pytest's own record)."""
    failed = []
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None:
            module = case.get("classname").replace(".", "/") + ".py"
            failed.append(f"{module}::{case.get('name')}")
    return sorted(failed)


def test_the_failures_in_report_json_are_the_failed_tests_of_the_run(pytester, monkeypatch, tmp_path):
    """A whole run against a faulty server: every failed test (envelope fuzz included) is in
    report.json, and nothing else is."""
    creds = reference.credentials(API)
    monkeypatch.setenv("CONFORMANCE_API_KEY", creds["primary"])
    for name, spec in load_catalog(API).auth.credentials.items():
        if name in creds:
            monkeypatch.setenv(spec.env, creds[name])
    with reference.start(API, fault="wrong-media-type", env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server:
        result = pytester.runpytest_subprocess(
            str(SUITES), "--catalog", API, "--base-url", server.url, "-p", "no:randomly", "-m", "not burst",
            "--hypothesis-profile", "smoke", "--hypothesis-seed", "1", "-k", "not openapi",
            "--conformance-report", str(tmp_path), "--junitxml", str(tmp_path / "junit.xml"),
        )
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 10, outcomes
    failed = _failed_in_junit(tmp_path / "junit.xml")
    assert any("test_every_error_conforms" in test for test in failed)
    report = json.loads((tmp_path / "report.json").read_text())
    assert len(failed) == outcomes["failed"]
    assert [os.path.basename(t.split("::")[0]) + "::" + t.split("::", 1)[1] for t in report["failed_tests"]] == \
           [os.path.basename(t.split("::")[0]) + "::" + t.split("::", 1)[1] for t in failed]
