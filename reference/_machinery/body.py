"""JSON request-body parsing that tells the failure modes apart."""
from __future__ import annotations

import json
from typing import Any


class BodyError(Exception):
    """``kind`` is one of:

    * ``content_type``: a body was sent with a non-JSON Content-Type;
    * ``empty``: no body where one is required;
    * ``malformed``: the bytes are not valid UTF-8 JSON (``detail`` says where);
    * ``not_object``: valid JSON whose top-level type is not an object (``detail`` names it).
    ``raw`` is the decoded text (truncated to 200 characters) for attemptedValue-like members.
    """

    def __init__(self, kind: str, detail: str, raw: str | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.raw = raw


JSON_TYPE_NAMES = {dict: "object", list: "array", str: "string", int: "number",
                   float: "number", bool: "boolean", type(None): "null"}


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def dumps(value: Any) -> bytes:
    """Compact JSON bytes; non-finite floats (from huge literals like 1e999) become strings."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":")).encode()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    mt = content_type.split(";", 1)[0].strip().lower()
    return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))


def parse_json(raw: bytes, content_type: str | None, *, require_object: bool = True,
               strict_content_type: bool = False) -> Any:
    """Parse ``raw``; raise :class:`BodyError`.

    A missing Content-Type is accepted unless ``strict_content_type``; an explicit non-JSON
    one (an empty header value included: it names no media type) is always ``content_type``.
    """
    text_preview = raw[:200].decode("utf-8", "replace")
    if content_type is not None and not is_json_media_type(content_type):
        raise BodyError("content_type", f"unsupported Content-Type {content_type.split(';')[0].strip()!r}; "
                        "expected application/json", text_preview)
    if not content_type and strict_content_type and raw.strip():
        raise BodyError("content_type", "missing Content-Type; expected application/json", text_preview)
    if not raw.strip():
        raise BodyError("empty", "a JSON request body is required", "")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError("malformed", f"body is not valid UTF-8 at byte {exc.start}", text_preview)
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BodyError("malformed", f"{exc.msg} at line {exc.lineno} column {exc.colno}", text_preview)
    except RecursionError:
        raise BodyError("malformed", "JSON nesting too deep", text_preview)
    except ValueError as exc:  # NaN/Infinity literals, integers beyond the digit limit
        raise BodyError("malformed", str(exc).split(";")[0], text_preview)
    if require_object and not isinstance(value, dict):
        name = JSON_TYPE_NAMES.get(type(value), type(value).__name__)
        raise BodyError("not_object", f"expected a JSON object, got {name}", text_preview)
    return value
