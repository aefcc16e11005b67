"""The invalid-value strategy breaking a schema's one checkable constraint (JSON Schema 2020-12
validation keywords: format, enum, pattern, minimum/maximum, maxLength), for a field or
identifier probe's ``vary``."""
from __future__ import annotations

import re
from typing import Any

from .schemas import schema_type


def invalid_strategy(schema: dict, body: bool = False) -> dict[str, Any] | None:
    """The strategy (with args) breaking the schema's one checkable constraint, or None."""
    kind = schema_type(schema)
    if schema.get("format") == "uuid":
        return {"strategy": "uuid.malformed"}
    if schema.get("enum") and all(isinstance(v, (str, int)) for v in schema["enum"]):
        return {"strategy": "enum.outside", "args": {"values": list(schema["enum"])}}
    if kind == "string" and isinstance(schema.get("pattern"), str):
        try:
            re.compile(schema["pattern"])
        except re.error:
            return None
        return {"strategy": "string.not_matching", "args": {"pattern": whole(schema["pattern"])}}
    if kind == "string" and schema.get("format") == "date":
        return {"strategy": "date.invalid"}
    if kind == "string" and schema.get("format") == "email" and body:
        return {"strategy": "email.invalid"}
    if kind in ("integer", "number") and ("minimum" in schema or "maximum" in schema):
        args = {k: schema[k] for k in ("minimum", "maximum") if k in schema}
        return {"strategy": "number.outside", "args": {**args, "integer": kind == "integer"}}
    if kind == "string" and body and isinstance(schema.get("maxLength"), int):
        return {"strategy": "string.too_long", "args": {"max_length": schema["maxLength"]}}
    return None


def whole(pattern: str) -> str:
    """The pattern as a whole-value match (the strategies use ``re.fullmatch``): JSON Schema's
    ``pattern`` matches anywhere (2020-12 section 6.3.3), so an unanchored end accepts anything
    there; ``^wal_`` becomes ``^wal_(?s:.*)``, whose non-matching values do not start with wal_."""
    head = "" if pattern.startswith("^") else "(?s:.*)"
    tail = "" if pattern.endswith("$") and not pattern.endswith("\\$") else "(?s:.*)"
    return pattern if not head and not tail else f"{head}(?:{pattern}){tail}"
