"""Header rules scoped to statuses, at the catalog level: ``WWW-Authenticate`` on every 401
(RFC 9110 section 11.6.1), ``Allow`` on every 405 (section 15.5.6), ``Retry-After`` on 429
and 503; an answer with another status need not carry the header."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import reference
from conformance.catalog.loader import CatalogError, parse

REPO = Path(__file__).resolve().parents[2]
SCOPED = """  every_error:
    - {name: WWW-Authenticate, statuses: [401], description: RFC 9110 section 11.6.1}
"""


def scoped_catalog(folder: Path, rule: str = SCOPED) -> Path:
    text = (REPO / "catalogs" / "flowbrite.yaml").read_text()
    anchor = "      description: Correlation id for support requests.\n"
    assert anchor in text
    path = folder / "flowbrite-scoped.yaml"
    path.write_text(text.replace(anchor, anchor + rule, 1))
    return path


def test_a_rule_applies_only_to_its_statuses(pytester, flowbrite_credentials):
    """The flowbrite reference sends no WWW-Authenticate: its 401s fail, its 400s do not."""
    path = scoped_catalog(pytester.path)
    with reference.start("flowbrite", env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server:
        result = pytester.runpytest_subprocess(
            str(REPO / "suites" / "test_auth.py"), str(REPO / "suites" / "test_fields.py"), "--catalog", str(path),
            "--base-url", server.url, "-p", "no:randomly", "--hypothesis-profile", "smoke", "-k", "missing-key or currency", "-v")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines([
        "*test_credential_rejected[[]flowbrite:auth.missing-key[]] FAILED*",
        "Missing required header",
        "Header: WWW-Authenticate",
    ])
    result.stdout.fnmatch_lines(["*test_invalid_field_rejected[[]flowbrite:wallets.create.currency[]] PASSED*"])


def test_statuses_take_numbers_and_classes_only(tmp_path):
    parse(scoped_catalog(tmp_path, "  every_error:\n    - {name: Retry-After, statuses: [429, 503, 5xx]}\n"))
    with pytest.raises(CatalogError) as caught:
        parse(scoped_catalog(tmp_path, "  every_error:\n    - {name: Retry-After, statuses: [42]}\n"))
    assert "flowbrite-scoped.yaml:" in str(caught.value) and "outside 100-599" in str(caught.value)
