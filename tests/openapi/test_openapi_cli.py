"""The schemathesis command line with the catalog hooks, against reference servers.

Runs ``schemathesis run`` as a user would (SCHEMATHESIS_HOOKS + CONFORMANCE_CATALOG)
against a conforming Flowbrite and one with the ``code-case`` fault.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conformance import reference

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def servers():
    started = {"ok": reference.start("flowbrite"), "code-case": reference.start("flowbrite", fault="code-case")}
    yield started
    for server in started.values():
        server.stop()


def _run(url: str, *, catalog: str = "flowbrite", checks: str = "catalog_conformance") -> subprocess.CompletedProcess:
    key = reference.credentials("flowbrite")["primary"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "conformance.openapi.hooks", "CONFORMANCE_CATALOG": catalog,
           "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("CI", None)
    command = [str(SCHEMATHESIS), "run", f"{url}/openapi.json", "-H", f"X-API-KEY: {key}", "-c", checks,
               "-n", "5", "--phases", "coverage,fuzzing", "-w", "1", "--seed", "1", "--no-shrink"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def test_cli_passes_a_conforming_api(servers):
    result = _run(servers["ok"].url)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "catalog" not in result.stdout.split("SUMMARY")[-1].lower() or "Failures:" not in result.stdout


def test_cli_reports_the_catalog_violation(servers):
    result = _run(servers["code-case"].url)
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    assert "- ST901 Code not in catalog (catalog)" in out
    assert "    Received code: api.common.validationfailed" in out
    assert "    Did you mean: api.common.validationFailed" in out
    assert "    Catalog: flowbrite" in out
    assert "ST901 Code not in catalog (catalog):" in out.split("SUMMARY")[-1]


def test_cli_without_a_catalog_says_how_to_name_one(servers):
    result = _run(servers["ok"].url, catalog="")
    assert result.returncode != 0
    assert "set CONFORMANCE_CATALOG=NAME|PATH" in result.stdout + result.stderr
