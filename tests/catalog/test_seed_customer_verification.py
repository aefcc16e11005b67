"""Every code in the Customer Verification seed (its "Error codes" reference) is in
catalogs/customer-verification.yaml, with the seed's status.

The seed is parsed here on its own terms (its "### CODE" sections and their "**Status Code**"
lines), not through the catalog model, so a code dropped from the catalog cannot go unnoticed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED = SEEDS / "003_355f0f7f467081dd.txt"
CATALOG = ROOT / "catalogs" / "customer-verification.yaml"

_SECTION = re.compile(r"^### ([A-Z][A-Z_]+)\s*$", re.MULTILINE)
_STATUS = re.compile(r"^\*\*Status Code\*\*: (\d{3}|varies)", re.MULTILINE)
_BODY_CODE = re.compile(r'"code": "([A-Z][A-Z_]+)"')


def seed_codes() -> dict[str, str]:
    """code -> status text ("401", ..., or "varies"), in seed order."""
    if not SEED.is_file():
        pytest.skip(f"seed document not available: {SEED} (the shared/seeds folder sits next to the repository)")
    text = SEED.read_text(encoding="utf-8")
    sections = list(_SECTION.finditer(text))
    out: dict[str, str] = {}
    for i, match in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        body = text[match.end():end]
        status = _STATUS.search(body)
        assert status, f"no status line under {match.group(1)}"
        example = _BODY_CODE.search(body)
        assert example and example.group(1) == match.group(1), f"example body of {match.group(1)} names another code"
        out[match.group(1)] = status.group(1)
    return out


def catalog_errors() -> dict[str, dict]:
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    return {entry["code"]: entry for entry in data["errors"]}


def test_seed_lists_16_codes():
    assert len(seed_codes()) == 16


def test_every_seed_code_is_in_the_catalog_and_counts_match():
    seed = seed_codes()
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    codes = [entry["code"] for entry in data["errors"]]
    assert sorted(set(seed) - set(codes)) == [], "seed codes missing from the catalog"
    assert sorted(set(codes) - set(seed)) == [], "catalog codes not in the seed"
    assert len(codes) == len(set(codes)) == len(seed)


def test_catalog_statuses_follow_the_seed():
    entries = catalog_errors()
    for code, status in seed_codes().items():
        entry = entries[code]
        assert entry["provenance"]["name"] == "seed", code
        if status == "varies":
            assert isinstance(entry["status"], list) and len(entry["status"]) > 1, code
            assert entry["provenance"]["status"] == "inferred", code
            assert entry.get("provokable") is False, code
        else:
            assert entry["status"] == int(status), code
            assert entry["provenance"]["status"] == "seed", code


def test_quick_reference_table_agrees():
    """The seed's "Quick reference" table repeats some statuses; they must agree with the sections."""
    text = SEED.read_text(encoding="utf-8") if SEED.is_file() else pytest.skip("seed not available")
    rows = re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", text, re.MULTILINE)
    assert rows
    entries = catalog_errors()
    for code, status in rows:
        assert entries[code]["status"] == int(status), code
