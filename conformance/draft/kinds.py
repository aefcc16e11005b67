"""Idempotency and rate-limit probes (docs/catalog.md, "How each kind runs").

- Idempotency: where an operation declares the catalog's idempotency header. A required key
  (the parameter's ``required``) gets a ``missing-key`` probe and an ``invalid-key`` probe with
  the empty key; a key with length or pattern bounds an ``invalid-key`` probe breaking them.
  The expected codes are the operation's validation codes naming idempotency, else all of
  them. No replay probe: the document does not say whether a replay returns the first answer
  or a conflict (``idempotency.replay``), so a reviewer adds it.
- Rate limit: where the collection read declares 429 (RFC 6585 section 4), one burst with the
  ``burst`` credential (a key no other test uses), run after every other probe."""
from __future__ import annotations

import re

from .probes import IDEMPOTENCY, VALIDATION
from .schemas import resolve

BURST_ENV = "CONFORMANCE_BURST_KEY"
MAX_REQUESTS = 400


def _key_param(params: list[dict]) -> dict | None:
    return next((p for p in params if p.get("in") == "header" and IDEMPOTENCY.search(str(p.get("name", "")))), None)


def key_bounds(document: dict, param: dict) -> dict:
    """min_length, max_length and pattern of a valid key, from the header's schema."""
    schema = resolve(document, param.get("schema") or {})
    out: dict = {}
    if isinstance(schema.get("minLength"), int):
        out["min_length"] = schema["minLength"]
    if isinstance(schema.get("maxLength"), int) and schema["maxLength"] >= 1:
        out["max_length"] = schema["maxLength"]
    if isinstance(schema.get("pattern"), str):
        out["pattern"] = schema["pattern"]
    return out


def idempotency(drafter, path, method, operation, item, params, name) -> None:
    rule = drafter.idempotency
    param = _key_param(params)
    if rule is None or param is None or param["name"] != rule["header"] or method not in rule["methods"]:
        return
    statuses = [s for s in VALIDATION if s in drafter.declared(operation)]
    expect = drafter.expect(statuses, (path, method))
    if expect is None:
        drafter.notes.append(f"{method} {path}: no idempotency probes (no code for 400/422)")
        return
    codes = [expect] if isinstance(expect, str) else expect
    named = [c for c in codes if re.search(r"idempot", c, re.IGNORECASE)]
    expect = (named[0] if len(named) == 1 else named) if named else expect
    drafted = drafter.request(path, method, operation, item, params, body=True)
    if isinstance(drafted, str):
        drafter.notes.append(f"{method} {path}: no idempotency probes: {drafted}")
        return
    request, steps, _ = drafted
    setup = {"setup": steps} if steps else {}
    bounds = key_bounds(drafter.document, param)
    if param.get("required"):
        drafter.add({"id": f"{name}.idempotency-missing-key", "kind": "idempotency", "mode": "missing-key",
                     **setup, "request": request, "expect": expect})
        drafter.add({"id": f"{name}.idempotency-empty-key", "kind": "idempotency", "mode": "invalid-key",
                     **setup, "request": request,
                     "vary": {"target": "idempotency-key", "strategy": "idempotency_key.empty", **({"args": bounds} if bounds else {})},
                     "expect": expect})
    if "max_length" in bounds or "pattern" in bounds:
        drafter.add({"id": f"{name}.idempotency-invalid-key", "kind": "idempotency", "mode": "invalid-key",
                     **setup, "request": request,
                     "vary": {"target": "idempotency-key", "strategy": "idempotency_key.invalid", "args": bounds},
                     "expect": expect})


def rate_limit(drafter, ops) -> None:
    found = drafter.collection_probe(ops, 429, "rate-limit probe left out",
                                     no_read="no GET without path parameters declares 429", declared=True)
    if found is None:
        return
    request, expect = found
    drafter.add({"id": "rate-limit.burst", "kind": "rate-limit",
                 "description": f"The limit the document declares (429); at most {MAX_REQUESTS} requests.",
                 "request": request,
                 "burst": {"max_requests": MAX_REQUESTS, "credential": "burst" if drafter.secured else None},
                 "expect": expect})
    drafter.burst = True
