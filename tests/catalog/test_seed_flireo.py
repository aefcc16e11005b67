"""Every code in the Flireo seed (the "Error codes" reference) is in catalogs/flireo.yaml.

The seed is parsed here on its own terms (the rows of its "Error Codes by Category" tables),
not through the catalog model, so a code dropped from the catalog cannot go unnoticed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED = SEEDS / "001_58e21c919338ed6c.txt"
CATALOG = ROOT / "catalogs" / "flireo.yaml"

# A code row of a category table: "code | Message | Solution |" at the start of a line.
_ROW = re.compile(r"^([a-z][a-z0-9_]*) \| [^|]+\| [^|]+\|\s*$", re.MULTILINE)
# A category heading: "Authentication Errors#".
_HEADING = re.compile(r"^(\w[\w ]*?) Errors#$", re.MULTILINE)


def _seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed document not available: {SEED} (the shared/seeds folder sits next to the repository)")
    return SEED.read_text(encoding="utf-8")


def seed_codes_by_category() -> dict[str, list[str]]:
    text = _seed_text()
    section = text[text.index("Error Codes by Category"):text.index("Handling Errors#")]
    headings = list(_HEADING.finditer(section))
    out: dict[str, list[str]] = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(section)
        out[heading.group(1)] = _ROW.findall(section[heading.end():end])
    return out


def catalog_errors() -> list[dict]:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["errors"]


CATEGORY_TYPE = {
    "Authentication": "authentication", "Validation": "validation", "Resource": "resource",
    "Billing": "billing", "Rate Limit": "rate_limit", "Provider": "provider", "Call": "call",
}


def test_seed_lists_22_codes_in_seven_categories():
    by_category = seed_codes_by_category()
    assert list(by_category) == list(CATEGORY_TYPE)
    assert sum(len(codes) for codes in by_category.values()) == 22


def test_every_seed_code_is_in_the_catalog_and_counts_match():
    seed = [code for codes in seed_codes_by_category().values() for code in codes]
    catalog = [entry["code"] for entry in catalog_errors()]
    missing = sorted(set(seed) - set(catalog))
    extra = sorted(set(catalog) - set(seed))
    assert not missing, f"seed codes missing from the catalog: {missing}"
    assert not extra, f"catalog codes not in the seed: {extra}"
    assert len(catalog) == len(seed) == len(set(catalog))


def test_catalog_category_and_type_follow_the_seed_table():
    entries = {entry["code"]: entry for entry in catalog_errors()}
    for category, codes in seed_codes_by_category().items():
        for code in codes:
            entry = entries[code]
            assert entry["category"] == CATEGORY_TYPE[category], code
            assert entry["provenance"]["name"] == "seed", code
            pinned = entry["schema"]["properties"]["error"]["properties"]["type"]
            assert pinned == {"const": CATEGORY_TYPE[category]}, code


def test_statuses_are_inferred_from_the_status_table():
    table = {400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503, 504}
    for entry in catalog_errors():
        statuses = entry["status"] if isinstance(entry["status"], list) else [entry["status"]]
        assert set(statuses) <= table, entry["code"]
        assert entry["provenance"]["status"] == "inferred", entry["code"]
