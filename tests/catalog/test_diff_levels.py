"""``diff``: raising a header rule's level from should to must (RFC 2119) is breaking, since
an API that conformed before now fails; lowering it is not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conformance.catalog.diff import diff_catalogs
from conformance.catalog.loader import CatalogError, parse

REPO = Path(__file__).resolve().parents[2]
ANCHOR = "      description: Correlation id for support requests.\n"


def variant(folder: Path, name: str, level: str) -> Path:
    text = (REPO / "catalogs" / "flowbrite.yaml").read_text()
    assert ANCHOR in text
    path = folder / f"{name}.yaml"
    path.write_text(text.replace(ANCHOR, ANCHOR + f"  every_error:\n    - {{name: WWW-Authenticate, statuses: [401], level: {level}}}\n", 1))
    return path


def test_should_to_must_is_breaking(tmp_path):
    old, _ = parse(variant(tmp_path, "old", "should"))
    new, _ = parse(variant(tmp_path, "new", "must"))
    result = diff_catalogs(old, new)
    assert result.breaking
    assert result.lines() == ["BREAKING level raised from should to must: headers.every_error WWW-Authenticate on 401"]


def test_must_to_should_is_not(tmp_path):
    old, _ = parse(variant(tmp_path, "old", "must"))
    new, _ = parse(variant(tmp_path, "new", "should"))
    assert not diff_catalogs(old, new).breaking and diff_catalogs(old, new).lines() == []


def test_the_cli_exits_1(pytester, tmp_path):
    result = pytester.run(sys.executable, "-m", "conformance", "diff", str(variant(tmp_path, "old", "should")),
                          str(variant(tmp_path, "new", "must")))
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*BREAKING level raised from should to must: headers.every_error WWW-Authenticate on 401*"])


def test_only_must_and_should(tmp_path):
    with pytest.raises(CatalogError) as caught:
        parse(variant(tmp_path, "bad", "may"))
    assert "bad.yaml:" in str(caught.value)


def test_an_envelope_schema_raised_from_should_to_must_is_breaking(tmp_path):
    text = (REPO / "catalogs" / "flowbrite.yaml").read_text()
    anchor = "envelopes:\n  default:\n"
    assert anchor in text
    old_path, new_path = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old_path.write_text(text.replace(anchor, anchor + "    schema_level: should\n", 1))
    new_path.write_text(text)
    old, _ = parse(old_path)
    new, _ = parse(new_path)
    assert diff_catalogs(old, new).lines() == ["BREAKING level raised from should to must: envelopes.default schema"]
    assert diff_catalogs(new, old).lines() == []
