"""The route table (:data:`.routes.ROUTES`, data) turned into the machinery's operations: each
row's handler is looked up under ``handlers/`` by name, factories are called with the row's
``args``, and the row's Falu codes ride along for the OpenAPI document's ``x-error-codes``.
"""
from __future__ import annotations

import importlib
from typing import Any, Callable

from .._machinery import Operation
from .routes import ROUTES


def resolve(name: str, args: tuple[Any, ...] | None) -> Callable:
    """``"<module>.<function>"`` under ``handlers/`` -> the handler (a factory's product with ``args``)."""
    module, _, function = name.partition(".")
    found = getattr(importlib.import_module(f"{__package__}.handlers.{module}"), function)
    return found(*args) if args else found


def build_operations(routes: list[dict[str, Any]] = ROUTES) -> list[Operation]:
    ops: list[Operation] = []
    body_schema = {"type": "object"}
    for row in routes:
        json_body = row.get("json_body", False)
        many = row.get("returns") == "list"
        response = {"type": "array", "items": {"type": "object"}} if many else {"type": "object"}
        o = Operation(row["method"], row["path"], resolve(row["handler"], row.get("args")),
                      row["operation_id"], row["summary"],
                      request_schema=body_schema if json_body else None, response_schema=response,
                      errors=(400, 415) if json_body else (400,))
        o.x_error_codes = tuple(row.get("codes", ()))  # type: ignore[attr-defined]
        ops.append(o)
    return ops
