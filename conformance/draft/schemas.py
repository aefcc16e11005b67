"""Local ``$ref`` resolution (OpenAPI 3.1 section 4.8.24, RFC 6901 pointers) and valid example
values generated from a schema, used as the base bodies probes vary."""
from __future__ import annotations

from typing import Any

MAX_DEPTH = 8


def resolve(document: dict, node: Any, depth: int = 0) -> Any:
    """``node`` with a local ``$ref`` followed (``#/components/...``); foreign refs stay as is."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < MAX_DEPTH:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Any = document
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        if target is None:
            return {}
        node, depth = target, depth + 1
    return node if node is not None else {}


def properties(document: dict, schema: Any) -> dict[str, Any]:
    """Properties of an object schema, ``allOf`` members merged."""
    schema = resolve(document, schema)
    out: dict[str, Any] = {}
    if not isinstance(schema, dict):
        return out
    for part in schema.get("allOf") or []:
        out.update(properties(document, part))
    for name, sub in (schema.get("properties") or {}).items():
        out[name] = resolve(document, sub)
    return out


def required(document: dict, schema: Any) -> list[str]:
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return []
    names = list(schema.get("required") or [])
    for part in schema.get("allOf") or []:
        names += [n for n in required(document, part) if n not in names]
    return names


def schema_type(schema: dict) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


_FORMATS = {"uuid": "{uuid}", "email": "user@example.com", "date": "2024-01-15",
            "date-time": "2024-01-15T10:00:00Z", "uri": "https://example.com/", "url": "https://example.com/"}


def example_value(document: dict, schema: Any, depth: int = 0) -> Any:
    """A value the schema should accept: its example, default or first enum value, else one
    built from its type; objects get their required properties only."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return example_value(document, schema[key][0], depth + 1)
    kind = schema_type(schema) or ("object" if "properties" in schema or "allOf" in schema else None)
    if kind == "object":
        props = properties(document, schema)
        return {name: example_value(document, props.get(name, {}), depth + 1) for name in required(document, schema)}
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        return [example_value(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 1)) if "minimum" in schema else 1
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        text = "example"
        low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
        text = text + "x" * max(0, low - len(text))
        return text[: int(high)] if high is not None else text
    return None
