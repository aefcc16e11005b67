"""Failures the suites decide themselves (a replay that differs, an error never produced) are
recorded like the judge's: the terminal summary and report.json count them."""

from __future__ import annotations

import json
from pathlib import Path

from conformance import reference
from conformance.catalog import load_catalog

SUITES = Path(__file__).resolve().parents[2] / "suites"
API = "customer-verification"


def test_an_ignored_replay_is_counted_everywhere(pytester, monkeypatch, tmp_path):
    creds = reference.credentials(API)
    monkeypatch.setenv("CONFORMANCE_API_KEY", creds["primary"])
    for name, spec in load_catalog(API).auth.credentials.items():
        if name in creds:
            monkeypatch.setenv(spec.env, creds[name])
    with reference.start(API, fault="replay-ignored") as server:
        result = pytester.runpytest_subprocess(
            str(SUITES / "test_idempotency.py"), "--catalog", API, "--base-url", server.url, "-p", "no:randomly",
            "-k", "idempotency.replay", "--conformance-report", str(tmp_path),
        )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "Idempotent replay not honoured",
        f"Probe: {API}:idempotency.replay",
        f"{API}: 16 codes, *; 1 failing answers outside codes",
    ])
    catalog = json.loads((tmp_path / "report.json").read_text())["catalogs"][API]
    (failure,) = catalog["failures_outside_codes"]
    assert failure["probe"] == f"{API}:idempotency.replay"
    assert failure["title"] == "Idempotent replay not honoured"
    assert failure["reproducer"].startswith("curl ")
