"""A SHOULD rule (RFC 2119) broken under the catalog check outside pytest (the schemathesis
route with no run target): a warning on stderr with its lines, once; a failure with
CONFORMANCE_STRICT_SHOULD=1. Against the flowbrite reference, which sends no WWW-Authenticate
on its 401s (RFC 9110 section 11.6.1)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conformance import reference
from conformance.openapi import checks
from conformance.openapi.run import run_schema

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugin"))
from test_should_level import BROKEN, catalog  # noqa: E402

WALLET = "/v1/wallets/{walletId}"


def _run(folder: Path):
    document = reference.openapi("flowbrite")
    document = {**document, "paths": {WALLET: {"get": document["paths"][WALLET]["get"]}}}
    with reference.start("flowbrite") as server:
        # No credential: every answer is the 401 the rule is about.
        return run_schema(document, base_url=server.url, checks=[checks.catalog_check(str(catalog(folder, BROKEN)))],
                          max_examples=3)


def test_a_should_violation_is_one_warning_on_stderr(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(checks.STRICT_SHOULD_ENV, raising=False)
    monkeypatch.setattr(checks, "_WARNED", set())
    result = _run(tmp_path)
    assert result.findings == [] and result.examples >= 1
    err = capsys.readouterr().err
    assert err.count("conformance warning (should), GET /v1/wallets/{walletId}:") == 1
    assert "\nMissing required header\nHeader: WWW-Authenticate\nCode: api.common.unauthorized\nReceived status: 401\nLevel: should\n" in err


@pytest.mark.parametrize("value", ["1", "true"])
def test_strict_should_makes_it_a_finding(tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv(checks.STRICT_SHOULD_ENV, value)
    result = _run(tmp_path)
    # one finding per generation mode (negative, positive)
    assert [(finding.mode, finding.titles) for finding in result.findings] == [
        ("negative", ["Missing required header (catalog)"]), ("positive", ["Missing required header (catalog)"])]
    assert all("Level: should (--strict-should)" in finding.text for finding in result.findings)
    assert "conformance warning" not in capsys.readouterr().err
