"""Every reason in the VoIPbin seed (the "Error Reason Codes" page) is in catalogs/voipbin.yaml.

The seed is parsed here on its own terms (the rows of its per-domain list-tables and the
names its notes mention outside the tables), not through the catalog model, so a reason
dropped from the catalog cannot go unnoticed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED = SEEDS / "002_4d54142b7261533e.txt"
CATALOG = ROOT / "catalogs" / "voipbin.yaml"

# A domain heading of the reStructuredText page: "call-manager ------------".
_HEADING = re.compile(r"(?:^|\s)([A-Za-z][\w-]*(?: [A-Z]\w*)*) (-{3,})(?=\s)")
# A list-table row: "* - ``REASON`` - 404 - cause".
_ROW = re.compile(r"\* - ``([A-Z][A-Z0-9_]*)`` - (\d{3}) - ")
# Any ``UPPER_SNAKE`` literal of the page.
_LITERAL = re.compile(r"``([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)``")

# Names the seed mentions outside its tables, with why each is a reason code.
EXTRA = {
    "STATE_INVALID": "flow-manager note: ACTIVEFLOW_ALREADY_STOPPED currently surfaces as STATE_INVALID",
    "ACCOUNT_SUSPENDED": "billing-manager note: deeper reason scheduled for migration PR 5",
    "BILLING_ACCOUNT_NOT_FOUND": "billing-manager note: deeper reason scheduled for migration PR 5",
}
# UPPER_SNAKE literals of the page that are not reason codes.
NOT_REASONS = {"UPPER_SNAKE", "PAYMENT_REQUIRED"}  # a notation, and a canonical status

# The canonical status of each HTTP code (restful_api.rst "Status to HTTP Mapping").
CANONICAL = {400: {"INVALID_ARGUMENT"}, 401: {"UNAUTHENTICATED"}, 402: {"PAYMENT_REQUIRED"},
             403: {"PERMISSION_DENIED"}, 404: {"NOT_FOUND"}, 409: {"ALREADY_EXISTS", "FAILED_PRECONDITION"},
             429: {"RESOURCE_EXHAUSTED"}, 500: {"INTERNAL"}, 503: {"UNAVAILABLE"}}


def _seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed document not available: {SEED} (the shared/seeds folder sits next to the repository)")
    return SEED.read_text(encoding="utf-8")


def seed_rows_by_domain() -> dict[str, list[tuple[str, int]]]:
    text = _seed_text()
    headings = [h for h in _HEADING.finditer(text) if len(h.group(2)) == len(h.group(1))]
    out: dict[str, list[tuple[str, int]]] = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        rows = [(name, int(status)) for name, status in _ROW.findall(text[heading.end():end])]
        if rows:
            out[heading.group(1)] = rows
    return out


def seed_tabled_reasons() -> dict[str, set[int]]:
    reasons: dict[str, set[int]] = {}
    for rows in seed_rows_by_domain().values():
        for name, status in rows:
            reasons.setdefault(name, set()).add(status)
    return reasons


def catalog() -> dict:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


def entries() -> dict[str, dict]:
    return {entry["code"]: entry for entry in catalog()["errors"]}


def test_seed_tables_hold_31_distinct_reasons_in_six_domains():
    by_domain = seed_rows_by_domain()
    assert list(by_domain) == ["api-manager", "call-manager", "flow-manager", "billing-manager",
                               "number-manager", "provisioning-admin"]
    assert sum(len(rows) for rows in by_domain.values()) == 33  # two reasons are tabled twice
    assert len(seed_tabled_reasons()) == 31


def test_every_literal_of_the_seed_is_tabled_or_a_known_extra():
    literals = set(_LITERAL.findall(_seed_text())) - NOT_REASONS
    assert literals - set(seed_tabled_reasons()) == set(EXTRA)


def test_every_seed_reason_is_in_the_catalog_and_counts_match():
    seed = set(seed_tabled_reasons()) | set(EXTRA)
    codes = [entry["code"] for entry in catalog()["errors"]]
    assert len(codes) == len(set(codes)), "a reason is listed twice"
    missing = sorted(seed - set(codes))
    extra = sorted(set(codes) - seed)
    assert not missing, f"seed reasons missing from the catalog: {missing}"
    assert not extra, f"catalog reasons not in the seed: {extra}"
    assert len(codes) == 31 + 3


def test_statuses_and_domains_follow_the_seed_tables():
    catalog_entries = entries()
    for domain, rows in seed_rows_by_domain().items():
        for name, status in rows:
            entry = catalog_entries[name]
            statuses = entry["status"] if isinstance(entry["status"], list) else [entry["status"]]
            assert statuses == [status], name
            categories = entry["category"] if isinstance(entry["category"], list) else [entry["category"]]
            assert domain in categories, (name, domain)
            assert entry["provenance"] == {**entry["provenance"], "name": "seed", "status": "seed"}, name


def test_reasons_tabled_twice_are_one_entry_carrying_both_domains():
    catalog_entries = entries()
    twice = {name for name, statuses in seed_tabled_reasons().items()
             if sum(name == row[0] for rows in seed_rows_by_domain().values() for row in rows) > 1}
    assert twice == {"ROUTE_NOT_FOUND", "INSUFFICIENT_BALANCE"}
    assert catalog_entries["ROUTE_NOT_FOUND"]["category"] == ["api-manager", "provisioning-admin"]
    description = catalog_entries["ROUTE_NOT_FOUND"]["description"]
    assert "endpoint" in description and "route resource" in description
    assert catalog_entries["INSUFFICIENT_BALANCE"]["category"] == ["call-manager", "billing-manager"]


def test_every_status_has_a_canonical_name_in_the_envelope():
    status_map = catalog()["envelopes"]["default"]["status_map"]
    for status, names in CANONICAL.items():
        for name in names:
            assert status_map[name] == status
    for name, statuses in seed_tabled_reasons().items():
        assert statuses <= set(CANONICAL), name


# What the seed's notes say each planned reason surfaces as today.
SURFACES = {
    "CALL_NOT_FOUND": "RESOURCE_NOT_FOUND", "RECORDING_NOT_FOUND": "RESOURCE_NOT_FOUND",
    "GROUPCALL_NOT_FOUND": "RESOURCE_NOT_FOUND", "FLOW_NOT_FOUND": "RESOURCE_NOT_FOUND",
    "ACTIVEFLOW_NOT_FOUND": "RESOURCE_NOT_FOUND", "NUMBER_NOT_FOUND": "RESOURCE_NOT_FOUND",
    "PROVIDER_NOT_FOUND": "RESOURCE_NOT_FOUND", "TRUNK_NOT_FOUND": "RESOURCE_NOT_FOUND",
    "CALL_ALREADY_HANGUP": "STATE_INVALID", "RECORDING_ALREADY_ACTIVE": "STATE_INVALID",
    "RECORDING_NOT_ACTIVE": "STATE_INVALID", "ACTIVEFLOW_ALREADY_STOPPED": "STATE_INVALID",
}
REACHABLE_TODAY = {"INSUFFICIENT_BALANCE", "IDENTITY_VERIFICATION_REQUIRED"}


def test_planned_reasons_surface_as_the_seed_says():
    catalog_entries = entries()
    for name, target in SURFACES.items():
        assert catalog_entries[name]["planned"]["surfaces_as"] == target, name
    for name in REACHABLE_TODAY | {"ROUTE_NOT_FOUND"}:
        assert "planned" not in catalog_entries[name], name
    for name in ("ACCOUNT_SUSPENDED", "BILLING_ACCOUNT_NOT_FOUND", "CALL_STATE_INVALID", "FLOW_STATE_INVALID"):
        assert "planned" in catalog_entries[name], name
    state_invalid = catalog_entries["STATE_INVALID"]
    assert state_invalid["status"] == 409 and state_invalid["provenance"]["status"] == "inferred"
