"""Local ``$ref`` resolution (OpenAPI 3.1 section 4.8.24, RFC 6901 pointers) and valid example
values generated from a schema, used as the base bodies probes vary."""
from __future__ import annotations

import copy
import re
from typing import Any

from .regex import example_for

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


def merged(document: dict, schema: dict) -> dict:
    """One schema for ``allOf`` (JSON Schema 2020-12 section 10.2.1.1): the members' keywords,
    properties and required lists joined, the schema's own keywords last."""
    out: dict[str, Any] = {}
    for part in [*(resolve(document, p) for p in schema["allOf"]), {k: v for k, v in schema.items() if k != "allOf"}]:
        if not isinstance(part, dict):
            continue
        if part.get("allOf"):
            part = merged(document, part)
        for key, value in part.items():
            if key == "properties":
                out["properties"] = {**out.get("properties", {}), **value}
            elif key == "required":
                out["required"] = [*out.get("required", []), *[v for v in value if v not in out.get("required", [])]]
            else:
                out[key] = value
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


# Values each format accepts. Emails and free text carry {unique} (a fresh token per probe
# run), so that two probes creating the same kind of resource do not collide on a unique field.
# Bytes (RFC 4648 base64) are a minimal PDF, so that a server sniffing a file's type accepts them.
_FORMATS = {"uuid": "{uuid}", "email": "user-{unique}@example.com", "date": "1990-01-15",
            "date-time": "2024-01-15T10:00:00Z", "uri": "https://example.com/", "url": "https://example.com/",
            "byte": "JVBERi0xLjQKJSVFT0YK", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "hostname": "example.com"}
UNIQUE_TEXT = "example-{unique}"
UNIQUE_LENGTH = len("example-") + 13  # {unique} is 13 characters when filled


def _string(schema: dict) -> str:
    """A string within the schema's format, pattern and length bounds."""
    pattern = schema.get("pattern") if isinstance(schema.get("pattern"), str) else None
    low, high = int(schema.get("minLength") or 0), schema.get("maxLength")
    value = _FORMATS.get(schema.get("format"))
    if value is not None and (pattern is None or _searches(pattern, value.replace("{unique}", "c0"))):
        return value
    if pattern is not None:
        return example_for(pattern) or "example"
    if (high is None or int(high) >= UNIQUE_LENGTH) and low <= UNIQUE_LENGTH:
        return UNIQUE_TEXT
    text = "example" + "x" * max(0, low - len("example"))
    return text[: int(high)] if high is not None else text


def _searches(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


def _number(schema: dict, kind: str) -> int | float:
    """The least value the bounds allow (exclusive bounds: OpenAPI 3.0 booleans or 3.1 numbers)."""
    low = schema.get("minimum")
    if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(schema["exclusiveMinimum"], bool):
        low = schema["exclusiveMinimum"] + 1
    elif schema.get("exclusiveMinimum") is True and low is not None:
        low = low + 1
    value = low if isinstance(low, (int, float)) else 1
    high = schema.get("maximum")
    if isinstance(high, (int, float)) and value > high:
        value = high
    return int(value) if kind == "integer" else value


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def braces(value: Any) -> bool:
    """Whether a value holds ``{...}`` text (a template's own placeholder). The catalog format
    would fill it as a placeholder and has no escape for braces, so such a document example
    is not sent: a value is built from the schema instead."""
    if isinstance(value, str):
        return bool(_PLACEHOLDER.search(value))
    if isinstance(value, dict):
        return any(braces(v) for v in value.values()) or any(braces(k) for k in value)
    return isinstance(value, list) and any(braces(v) for v in value)


def example_value(document: dict, schema: Any, depth: int = 0) -> Any:
    """A value the schema should accept: its example, default or first enum value, else one
    built from its type; objects get their required properties only (nested objects that
    require nothing get all of theirs)."""
    schema = resolve(document, schema)
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    if schema.get("allOf"):
        return example_value(document, merged(document, schema), depth + 1)
    # Copies: the draft fills references into these values, and must not change the document.
    for key in ("example", "default"):
        if key in schema and not braces(schema[key]):
            return copy.deepcopy(schema[key])
    if isinstance(schema.get("examples"), list) and schema["examples"] and not braces(schema["examples"][0]):
        return copy.deepcopy(schema["examples"][0])
    if schema.get("enum"):
        # The first value that says something: "" or null in an enum is rarely a valid choice.
        return next((v for v in schema["enum"] if v not in ("", None)), schema["enum"][0])
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            return example_value(document, schema[key][0], depth + 1)
    kind = schema_type(schema) or ("object" if "properties" in schema or "allOf" in schema else None)
    if kind == "object":
        props = properties(document, schema)
        names = required(document, schema)
        if not names and depth > 0:
            # A nested object whose schema requires nothing is filled whole: its members are
            # then what the server reads ({"type": ..., "target": ...}); an empty one rarely is.
            names = list(props)
        return {name: example_value(document, props.get(name, {}), depth + 1) for name in names}
    if kind == "array":
        count = int(schema.get("minItems") or 0)
        return [example_value(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        return _number(schema, kind)
    if kind == "boolean":
        return True
    if kind == "string":
        return _string(schema)
    return None
