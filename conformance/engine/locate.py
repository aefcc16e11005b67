"""Reading values out of a response: RFC 6901 JSON pointers, catalog locators (a pointer or
a header, narrowed by a pattern) and strict RFC 8259 JSON parsing."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from ..catalog.model import Locator


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 evaluation; MISSING where the pointer leads nowhere."""
    if pointer == "":
        return document
    node = document
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A catalog pattern compiled once (locators are evaluated on every error response)."""
    return re.compile(pattern)


def locate(locator: Locator, body: Any, headers) -> Any:
    """The value a locator names in a response; MISSING if absent or not matching its pattern."""
    if locator.header is not None:
        value = headers.get(locator.header)
        if value is None:
            return MISSING
    else:
        value = resolve_pointer(body, locator.pointer or "")
        if value is MISSING:
            return MISSING
    if locator.pattern is not None:
        if not isinstance(value, str):
            return MISSING
        match = _compiled(locator.pattern).search(value)
        if not match:
            return MISSING
        groups = match.groupdict()
        return groups.get("value") or (match.group(1) if match.groups() else match.group(0))
    return value


def strict_json(raw: bytes) -> Any:
    """RFC 8259 JSON: UTF-8, no NaN/Infinity (Python's json accepts them by default)."""

    def reject(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON (RFC 8259 section 6)")

    return json.loads(raw.decode("utf-8"), parse_constant=reject)
