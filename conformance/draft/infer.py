"""Error envelopes inferred from the error responses (4xx/5xx and ``default``, RFC 9110 section
15) of an OpenAPI document: one envelope per distinct body schema and media type, with the
code, status and message pointers (RFC 6901) guessed from property names. RFC 9457
problem+json is recognised by its media type: ``type`` is its code, ``status`` and ``title``."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from .schemas import properties, resolve, schema_type

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
CODE_NAMES = ("code", "error_code", "errorCode", "type", "reason")
MESSAGE_NAMES = ("message", "title", "detail", "error_description", "description")
STATUS_NAMES = ("status", "statusCode", "status_code", "http_status")
WRAPPERS = ("error", "errors")


@dataclass
class Envelope:
    name: str
    media_type: str | None  # None: the response has no body
    schema: dict[str, Any] = field(default_factory=dict)
    code: str | None = None
    status: str | None = None
    message: str | None = None
    statuses: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def operations(document: dict) -> Iterator[tuple[str, str, dict, dict]]:
    """(path, METHOD, operation, path item) in document order."""
    for path, item in (document.get("paths") or {}).items():
        item = resolve(document, item)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method.upper(), item[method], item


def error_responses(document: dict, operation: dict) -> Iterator[tuple[int | None, dict]]:
    """(status, response) of every error response; ``default`` has status None."""
    for key, response in (operation.get("responses") or {}).items():
        key = str(key)
        if key == "default":
            yield None, resolve(document, response)
        elif key.isdigit() and 400 <= int(key) <= 599:
            yield int(key), resolve(document, response)
        elif key[:1] in "45" and key[1:].upper() == "XX":
            continue  # a status range names no single status to probe


def json_media(content: dict) -> tuple[str, dict] | None:
    """The first JSON media type of a response (``application/json`` or ``*/*+json``)."""
    for media in sorted(content or {}):
        base = media.split(";")[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return base, content[media] or {}
    return None


def _pointer(document: dict, schema: dict, names: tuple[str, ...], kinds: tuple[str, ...]) -> str | None:
    props = properties(document, schema)
    for name in names:
        if name in props and (schema_type(props[name]) or "string") in kinds:
            return "/" + name
    for wrapper in WRAPPERS:
        inner = props.get(wrapper)
        if inner and schema_type(inner) == "object":
            found = _pointer(document, inner, names, kinds)
            if found:
                return "/" + wrapper + found
    return None


def _key(media_type: str | None, schema: Any) -> str:
    return json.dumps([media_type, schema], sort_keys=True, default=str)


def envelopes(document: dict) -> tuple[dict[str, Envelope], dict[tuple[str, str, int | None], str]]:
    """Envelopes by name, and (path, METHOD, status) -> envelope name."""
    found: dict[str, Envelope] = {}
    by_response: dict[tuple[str, str, int | None], str] = {}
    for path, method, operation, _ in operations(document):
        for status, response in error_responses(document, operation):
            media = json_media(response.get("content") or {})
            media_type, schema = (media[0], resolve(document, media[1].get("schema") or {})) if media else (None, {})
            # One envelope per shape: schemas that differ only in their code enum share one.
            inferred = _infer(document, media_type, schema)
            key = _key(media_type, [inferred.code, inferred.status, inferred.message])
            found.setdefault(key, inferred)
            if status is not None:
                found[key].statuses.add(status)
            by_response[(path, method, status)] = key
    # The most used JSON envelope is "default"; others are numbered in order of appearance.
    ranked = sorted(found, key=lambda k: (found[k].media_type is None, -len(found[k].statuses)))
    names: dict[str, str] = {}
    counter = 1
    for key in ranked:
        if found[key].media_type is None:
            names[key] = "no-body"
        elif "default" not in names.values():
            names[key] = "default"
        else:
            counter += 1
            names[key] = f"envelope-{counter}"
        found[key].name = names[key]
    return ({found[k].name: found[k] for k in ranked},
            {where: names[key] for where, key in by_response.items()})


def _infer(document: dict, media_type: str | None, schema: dict) -> Envelope:
    envelope = Envelope(name="", media_type=media_type, schema=schema)
    if media_type is None:
        return envelope
    if media_type == "application/problem+json":
        # RFC 9457 section 3.1: type (a URI naming the problem), status, title, detail.
        props = properties(document, schema)
        envelope.code = "/type" if "type" in props or not props else None
        envelope.status = "/status"
        envelope.message = "/title" if "title" in props or not props else _pointer(document, schema, MESSAGE_NAMES, ("string",))
        envelope.notes.append("RFC 9457 problem+json recognised by its media type")
        return envelope
    envelope.code = _pointer(document, schema, CODE_NAMES, ("string", "integer"))
    envelope.status = _pointer(document, schema, STATUS_NAMES, ("integer",))  # a named status needs a status_map: review
    envelope.message = _pointer(document, schema, MESSAGE_NAMES, ("string",))
    if envelope.code is None:
        envelope.notes.append("no code property found (looked for: " + ", ".join(CODE_NAMES) + ")")
    return envelope
