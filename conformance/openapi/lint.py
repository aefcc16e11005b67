"""Catalog vs OpenAPI consistency: ``python -m conformance openapi-lint CATALOG SPEC``.

Findings, grouped:

- ``status``: an error status the spec declares that no catalog code has;
- ``undeclared``: a catalog code whose status no operation of the spec declares;
- ``carry``: a catalog code the spec's error schema for its status cannot carry (a body
  built from the catalog's envelope and the code, validated against that schema, fails at
  the code or status member) or a JSON error where the spec declares no body;
- ``media-type``: the spec's media type for an error status differs from the envelope's;
- ``spec-only`` / ``catalog-only``: where the spec names its codes (``x-error-codes`` per
  operation, or an ``enum`` at the code member of an error schema), codes on one side only.

Exit 0 when consistent, 1 on findings, 2 when an input cannot be read (the spec: a path or
an http(s) URL, JSON or YAML, see :mod:`.document`).
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator

from ..catalog import CatalogError, load_catalog
from ..catalog.model import Catalog, Envelope, ErrorEntry
from .document import DocumentError, load_document

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
GROUPS = {
    "status": "Error statuses the spec declares that no catalog code has",
    "undeclared": "Catalog codes whose status the spec never declares",
    "carry": "Catalog codes the spec's error response cannot carry",
    "media-type": "Error media types that differ",
    "spec-only": "Codes the spec names that the catalog lacks",
    "catalog-only": "Catalog codes the spec never names",
}


@dataclass(frozen=True)
class Finding:
    group: str
    text: str


@dataclass
class _Response:
    operation: str
    status: str
    media_type: str | None
    schema: dict | None


def load_spec(source: str) -> dict:
    """The document at ``source`` (a path or an http(s) URL; JSON or YAML, whichever it is
    written in): the suite's one loader, :func:`.document.load_document`."""
    return load_document(source)


def _resolve(document: dict, node: Any, stack: tuple[str, ...] = ()) -> Any:
    """Inline local $refs (a cycle becomes an empty schema); OpenAPI 3.0 ``nullable`` becomes a type list."""
    if isinstance(node, list):
        return [_resolve(document, item, stack) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        if ref in stack:
            return {}
        target: Any = document
        for token in ref[2:].split("/"):
            target = target.get(token.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        return _resolve(document, target, (*stack, ref))
    out = {key: _resolve(document, value, stack) for key, value in node.items()}
    if out.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _responses(spec: dict) -> list[_Response]:
    out = []
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            label = f"{method.upper()} {path}"
            for status, response in (operation.get("responses") or {}).items():
                status = str(status)
                if not (status[:1] in "45" or status == "default"):
                    continue
                response = _resolve(spec, response)
                content = response.get("content") or {}
                if not content:
                    out.append(_Response(label, status, None, None))
                for media_type, media in content.items():
                    out.append(_Response(label, status, media_type.lower(), (media or {}).get("schema")))
    return out


def _x_error_codes(spec: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if isinstance(operation, dict) and isinstance(operation.get("x-error-codes"), list):
                out[f"{method.upper()} {path}"] = [str(code) for code in operation["x-error-codes"]]
    return out


def _tokens(pointer: str) -> list[str]:
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")] if pointer else []


def _schema_at(schema: Any, tokens: list[str]) -> dict | None:
    node = schema
    for token in tokens:
        if not isinstance(node, dict):
            return None
        props = node.get("properties") or {}
        if token in props:
            node = props[token]
            continue
        found = None
        for key in ("allOf", "anyOf", "oneOf"):
            for part in node.get(key) or []:
                found = found or _schema_at(part, [token])
        node = found
    return node if isinstance(node, dict) else None


def _minimal(schema: Any, depth: int = 0) -> Any:
    """A small instance shaped like ``schema`` (only what it requires), for overlaying catalog values."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            merged: dict = {}
            for part in schema[key]:
                value = _minimal(part, depth + 1)
                if isinstance(value, dict):
                    merged.update(value)
            if merged:
                return merged
    kind = schema.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        return {name: _minimal(props.get(name, {}), depth + 1) for name in schema.get("required") or []}
    return {"string": "x", "integer": 0, "number": 0, "boolean": False, "array": []}.get(kind)


def _put(body: Any, tokens: list[str], value: Any) -> Any:
    if not tokens:
        return value
    if not isinstance(body, dict):
        body = {}
    body[tokens[0]] = _put(body.get(tokens[0]), tokens[1:], value)
    return body


def _synthetic(schema: dict, envelope: Envelope, entry: ErrorEntry, status: int) -> Any:
    body = _minimal(schema)
    if envelope.code is not None and envelope.code.pointer is not None and envelope.code.pattern is None:
        body = _put(body, _tokens(envelope.code.pointer), entry.code)
    if envelope.status is not None and envelope.status.pointer is not None:
        value: Any = status
        if envelope.status_map:
            value = next((name for name, number in envelope.status_map.items() if number == status), status)
        body = _put(body, _tokens(envelope.status.pointer), value)
    return body


def _validator(spec: dict, schema: dict):
    cls = Draft202012Validator if str(spec.get("openapi", "")).startswith("3.1") else Draft4Validator
    return cls(schema)


def _status_matches(spec_status: str, status: int) -> bool:
    if spec_status.upper().endswith("XX"):
        return spec_status[0] == str(status)[0]
    return spec_status == str(status)


def check(catalog: Catalog, spec: dict) -> list[Finding]:
    findings: list[Finding] = []
    responses = _responses(spec)
    by_status: dict[str, list[_Response]] = defaultdict(list)
    for response in responses:
        by_status[response.status].append(response)
    catalog_statuses = {status for entry in catalog.errors for status in entry.statuses}

    # status: declared error statuses without a catalog code
    for status in sorted(by_status):
        if status == "default":
            continue
        if not any(_status_matches(status, s) for s in catalog_statuses):
            ops = sorted({r.operation for r in by_status[status]})
            findings.append(Finding("status", f"{status}: declared on {len(ops)} operation(s), e.g. {ops[0]}; no catalog code has it"))

    code_pointers: set[str] = set()
    spec_codes: dict[str, set[str]] = defaultdict(set)  # code -> where the spec names it
    media_seen: set[tuple[str, str, str]] = set()
    carry_seen: set[tuple[str, int, str]] = set()
    for entry in catalog.errors:
        envelope = catalog.envelopes[entry.envelope]
        if envelope.code is not None and envelope.code.pointer is not None:
            code_pointers.add(envelope.code.pointer)
        for status in entry.explicit_statuses:  # a class (4xx, any) is checked as its members are declared
            matching = [r for key, rs in by_status.items() if key != "default" and _status_matches(key, status) for r in rs]
            if not matching:
                findings.append(Finding("undeclared", f"{entry.code} ({status}): no operation declares {status}"))
                continue
            if envelope.body == "none":
                continue
            with_body = [r for r in matching if r.schema is not None]
            if not with_body:
                key = ("nobody", status, entry.envelope)
                if key not in carry_seen:
                    carry_seen.add(key)
                    findings.append(Finding("carry", f"{status}: the spec declares no body, but catalog codes with status {status} use JSON envelope '{entry.envelope}' (e.g. {entry.code})"))
                continue
            for response in with_body:
                if envelope.media_type and response.media_type != envelope.media_type.lower():
                    key = (str(status), response.media_type or "", envelope.media_type)
                    if key not in media_seen:
                        media_seen.add(key)
                        findings.append(Finding("media-type", f"{status}: spec says {response.media_type} (e.g. {response.operation}); catalog envelope '{entry.envelope}' says {envelope.media_type}"))
            problems = []
            schemas = {json.dumps(r.schema, sort_keys=True): r for r in with_body}
            for response in schemas.values():
                body = _synthetic(copy.deepcopy(response.schema), envelope, entry, status)
                relevant = {envelope.code.pointer if envelope.code else None, envelope.status.pointer if envelope.status else None}
                errors = [
                    e for e in _validator(spec, response.schema).iter_errors(body)
                    if "/" + "/".join(str(p) for p in e.absolute_path) in relevant
                ]
                if not errors:
                    problems = []
                    break
                error = errors[0]
                problems.append(f"{response.operation}: {'/' + '/'.join(map(str, error.absolute_path))}: {error.message[:160]}")
            if problems:
                findings.append(Finding("carry", f"{entry.code} ({status}): {problems[0]}"))

    # the codes the spec names: x-error-codes, and enums at the catalog's code pointers
    for operation, codes in _x_error_codes(spec).items():
        for code in codes:
            spec_codes[code].add(operation)
    for response in responses:
        for pointer in code_pointers:
            sub = _schema_at(response.schema, _tokens(pointer)) if response.schema else None
            for code in (sub or {}).get("enum") or []:
                spec_codes[str(code)].add(response.operation)
    if spec_codes:
        known = {entry.code for entry in catalog.errors}
        for code in sorted(set(spec_codes) - known):
            ops = sorted(spec_codes[code])
            findings.append(Finding("spec-only", f"{code}: named by {len(ops)} operation(s), e.g. {ops[0]}"))
        for entry in catalog.errors:
            if catalog.envelopes[entry.envelope].code is None:
                continue  # a label of a bodiless answer, never on the wire
            if entry.code not in spec_codes:
                findings.append(Finding("catalog-only", f"{entry.code} ({entry.status_text}, name {entry.provenance.name})"))
    return findings


def render(catalog: Catalog, spec_name: str, spec: dict, findings: list[Finding]) -> list[str]:
    lines: list[str] = []
    for group, heading in GROUPS.items():
        items = [f for f in findings if f.group == group]
        if not items:
            continue
        lines.append(f"{heading} ({len(items)}):")
        lines.extend(f"  [{group}] {f.text}" for f in items)
    counts = ", ".join(f"{sum(1 for f in findings if f.group == g)} {g}" for g in GROUPS if any(f.group == g for f in findings))
    operations = sum(1 for item in (spec.get("paths") or {}).values() if isinstance(item, dict) for m in METHODS if m in item)
    verdict = f"{len(findings)} findings ({counts})" if findings else "consistent"
    lines.append(f"{catalog.api.name} vs {spec_name}: {len(catalog.errors)} codes, {operations} operations: {verdict}")
    return lines


def run(catalog: str, spec: str) -> int:
    try:
        loaded = load_catalog(catalog)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem)
        return 2
    try:
        document = load_spec(spec)
    except DocumentError as exc:
        print(exc)  # one line: the document and the problem (with its line where it did not parse)
        return 2
    findings = check(loaded, document)
    for line in render(loaded, Path(spec).name, document, findings):
        print(line)
    return 1 if findings else 0


