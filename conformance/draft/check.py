"""Keep only probes the catalog lint accepts: each probe is checked alone against the drafted
catalog (model and semantic lint); a rejected one is dropped with a note naming the reason,
so that a draft is never a broken catalog."""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from conformance.catalog.lint import semantic_problems
from conformance.catalog.model import Catalog
from conformance.catalog.positions import Located


def problems(data: dict[str, Any]) -> list[str]:
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return [p.message for p in semantic_problems(catalog, Located(data), "draft")]


def keep_valid(data: dict[str, Any], probes: list[dict], notes: list[str]) -> list[dict]:
    kept = []
    for probe in probes:
        found = problems({**data, "probes": [probe]})
        if found:
            notes.append(f"probe {probe['id']} dropped, lint rejects it: {found[0]}")
        else:
            kept.append(probe)
    return kept
