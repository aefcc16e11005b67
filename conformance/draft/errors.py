"""Error codes named by the document: ``enum`` and ``example(s)`` of the code property of error
schemas, response examples, and ``x-`` extensions listing codes, each with the statuses of the
responses that carry it. Where an error status names no code, one placeholder entry per status
with a TODO (the reviewer supplies the code)."""
from __future__ import annotations

from typing import Any

from .infer import Envelope, error_responses, json_media, operations
from .schemas import properties, resolve

CODE_EXTENSIONS = ("x-error-codes", "x-codes", "x-error-code", "x-code")


def _at(value: Any, pointer: str | None) -> Any:
    for token in (pointer or "").split("/")[1:]:
        value = value.get(token) if isinstance(value, dict) else None
    return value


def _code_schema(document: dict, schema: dict, pointer: str | None) -> dict:
    node: Any = schema
    for token in (pointer or "").split("/")[1:]:
        node = properties(document, node).get(token, {})
    return resolve(document, node) if isinstance(node, dict) else {}


def _scalars(values: Any) -> list[str]:
    items = values if isinstance(values, list) else [values]
    out = []
    for item in items:
        if isinstance(item, dict) and "code" in item:
            item = item["code"]
        if isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip():
            out.append(str(item))
    return out


def response_codes(document: dict, response: dict, envelope: Envelope | None, *, schema_examples: bool = True) -> list[str]:
    """The codes one error response names, in document order (without ``schema_examples``:
    not the code schema's own ``example(s)``, which may only illustrate a shared schema)."""
    codes: list[str] = []
    for key in CODE_EXTENSIONS:
        codes += _scalars(response.get(key))
    media = json_media(response.get("content") or {})
    if media and envelope is not None and envelope.code:
        body = media[1]
        sub = _code_schema(document, resolve(document, body.get("schema") or {}), envelope.code)
        codes += _scalars(sub.get("enum"))
        if schema_examples:
            codes += _scalars(sub.get("example"))
            codes += _scalars(sub.get("examples"))
        for key in CODE_EXTENSIONS:
            codes += _scalars(sub.get(key))
        if "example" in body:
            codes += _scalars(_at(body["example"], envelope.code))
        for example in (body.get("examples") or {}).values():
            example = resolve(document, example)
            if isinstance(example, dict) and "value" in example:
                codes += _scalars(_at(example["value"], envelope.code))
    return list(dict.fromkeys(codes))


def draft_errors(document: dict, envelopes: dict[str, Envelope], where: dict) -> list[dict]:
    """Catalog ``errors`` entries: codes with their statuses, then TODO placeholders."""
    statuses: dict[tuple[str, str], set[int]] = {}  # (code, envelope) -> statuses
    uncovered: dict[int, str] = {}  # status -> envelope of a response naming no code
    strong: set[str] = set()  # codes named other than by a schema's example
    for path, method, operation, _ in operations(document):
        for status, response in error_responses(document, operation):
            if status is None:
                continue  # "default" names no status a code could be pinned to
            name = where[(path, method, status)]
            codes = response_codes(document, response, envelopes[name])
            strong.update(response_codes(document, response, envelopes[name], schema_examples=False))
            for code in codes:
                statuses.setdefault((code, name), set()).add(status)
            if not codes:
                uncovered.setdefault(status, name)
    # A code known only from the example of a schema many statuses share (VoIPbin's
    # ErrorBody: reason example CALL_NOT_FOUND, at 400 to 503) illustrates the schema; it
    # names no status, so those statuses count as naming no code.
    for key in [k for k, found in statuses.items() if k[0] not in strong and len(found) > 1]:
        for status in statuses.pop(key):
            uncovered.setdefault(status, key[1])
    entries: list[dict] = []
    seen: set[str] = set()
    for (code, name), found in sorted(statuses.items()):
        if code in seen:
            continue  # one code under two envelopes: the first (alphabetically) is kept
        seen.add(code)
        entries.append(_entry(code, sorted(found), name, "Named by the OpenAPI document."))
    covered = {s for found in statuses.values() for s in found}
    for status in sorted(uncovered):
        if status in covered:
            continue
        code = f"http-{status}"
        name = uncovered[status]
        todo = (f"TODO: the document declares {status} but names no code; replace '{code}' "
                "with the code the API sends.")
        entries.append(_entry(code, [status], name, todo))
    return entries


def _entry(code: str, statuses: list[int], envelope: str, description: str) -> dict:
    entry: dict[str, Any] = {"code": code, "status": statuses[0] if len(statuses) == 1 else statuses,
                             "description": description, "provenance": {"name": "inferred", "status": "inferred"}}
    if envelope != "default":
        entry["envelope"] = envelope
    if all(s >= 500 for s in statuses):
        entry["provokable"] = False
        entry["not_provokable_reason"] = "A server error; no request provokes it on purpose (drafted: review)."
    return entry


def operation_codes(document: dict, envelopes: dict[str, Envelope], where: dict) -> dict[tuple[str, str], dict[int, list[str]]]:
    """(path, METHOD) -> status -> the codes that operation's own response names, so that a
    probe expects what its operation answers rather than every code of the status."""
    out: dict[tuple[str, str], dict[int, list[str]]] = {}
    for path, method, operation, _ in operations(document):
        for status, response in error_responses(document, operation):
            if status is not None:
                codes = response_codes(document, response, envelopes[where[(path, method, status)]])
                out.setdefault((path, method), {})[status] = codes
    return out
