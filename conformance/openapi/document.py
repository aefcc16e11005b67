"""Reading an OpenAPI document: JSON or YAML, from a file or an http(s) URL; one error class.

OpenAPI 3.1 section 4.3 (Format): a document is a JSON object, written in JSON or in YAML
1.2. What decides the form is the document itself, not the name of its file or the media type
its server sends (``openapi.json`` served as ``text/plain``, a YAML file named ``.json``):
text whose first non-blank character is ``{`` is read as JSON (RFC 8259), anything else as
YAML (the YAML 1.2 core schema, see :class:`_Loader`). Every place of the suite that reads a
document (the pytest route, ``openapi-lint``, the bench) goes through :func:`load_document`;
whatever goes wrong is one :class:`DocumentError` whose message is one line naming the
document and the problem, with its line and column where the text did not parse.

A URL is fetched through the engine's transport: the only host contacted is the one in the
URL (no redirect followed, no proxy from the environment), within one deadline and a size cap.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULT_MAX_BODY", "DEFAULT_TIMEOUT", "DocumentError", "DocumentNotFound", "is_url", "load_document", "parse_document"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY = 16 << 20  # 16 MiB: the largest public API descriptions are a few MiB
ACCEPT = "application/json, application/yaml;q=0.9, */*;q=0.5"


class DocumentError(ValueError):
    """An OpenAPI document that cannot be read or parsed. ``str()`` is the one line a user sees:
    ``cannot read OpenAPI document SOURCE: PROBLEM``."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"cannot read OpenAPI document {source}: {problem}")


class DocumentNotFound(DocumentError):
    """Nothing at the location: no such file, or the server answered 404 or 410 (RFC 9110
    sections 15.5.5 and 15.5.11). Apart from the others because a target that publishes no
    document is not the same finding as one that publishes a broken one."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def load_document(source: str, *, timeout: float = DEFAULT_TIMEOUT, max_body: int = DEFAULT_MAX_BODY,
                  transport=None) -> dict[str, Any]:
    """The OpenAPI document at ``source`` (an http(s) URL, else a file path) as a dict.
    ``transport``: the run's (an ``engine.transport.Transport``), so that fetching the document
    from the target is paced and counted as every other request to it; else a transport of its own."""
    text = _fetch(source, timeout=timeout, max_body=max_body, transport=transport) if is_url(source) else _read(source)
    return parse_document(text, source=source)


def parse_document(content: bytes | str, *, source: str) -> dict[str, Any]:
    """``content`` parsed as JSON or YAML (whichever it is written in), checked to be an
    OpenAPI (or Swagger 2.0) root object."""
    text = _decode(content, source)
    if text.lstrip()[:1] == "{":
        document = _json(text, source)
    else:
        document = _yaml(text, source)
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {_json_type(document)}"
        raise DocumentError(source, f"the document is {kind}, not an object (OpenAPI 3.1 section 4.3)")
    if "openapi" not in document and "swagger" not in document:
        # OpenAPI 3.1 section 4.8.1: the root object's `openapi` field is required (`swagger` in 2.0).
        raise DocumentError(source, "no 'openapi' field at the top level: not an OpenAPI document (OpenAPI 3.1 section 4.8.1)")
    if not isinstance(document.get("openapi", ""), str):
        # A YAML `openapi: 3.1` is a number; the field is a version string (section 4.8.1).
        raise DocumentError(source, f"'openapi' must be a string such as \"3.1.0\" (got {document['openapi']!r}; quote it)")
    return document


def _read(source: str) -> bytes:
    try:
        return Path(source).expanduser().read_bytes()
    except FileNotFoundError:
        raise DocumentNotFound(source, "no such file") from None
    except IsADirectoryError:
        raise DocumentError(source, "a directory, not a file") from None
    except OSError as exc:
        raise DocumentError(source, exc.strerror or type(exc).__name__) from None


def _fetch(url: str, *, timeout: float, max_body: int, transport=None) -> bytes:
    from ..engine.transport import OutgoingRequest, Transport

    own = transport is None
    transport = Transport(timeout=timeout, max_body=max_body) if own else transport
    try:
        exchange = transport.send(OutgoingRequest("GET", url, {"Accept": ACCEPT}), max_body=max_body)
    finally:
        if own:
            transport.close()
    if exchange.error:
        raise DocumentError(url, f"GET failed: {exchange.error}")
    if exchange.truncated:
        raise DocumentError(url, f"larger than {max_body} bytes")
    if exchange.status in (404, 410):
        raise DocumentNotFound(url, f"GET answered {exchange.status}")
    if not exchange.ok:
        where = exchange.headers.get("location")
        # A redirect is not followed: it could lead to a host the user did not name.
        suffix = f" (redirect to {where} not followed)" if where and 300 <= (exchange.status or 0) < 400 else ""
        raise DocumentError(url, f"GET answered {exchange.status}{suffix}")
    return exchange.body


def _decode(content: bytes | str, source: str) -> str:
    if isinstance(content, str):
        return content
    try:
        # RFC 8259 section 8.1 (JSON) and YAML 1.2 section 5.2: UTF-8, a byte order mark allowed.
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise DocumentError(source, f"not UTF-8 text at line {line}: byte 0x{content[exc.start]:02x}") from None


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise DocumentError(source, "invalid JSON: nested too deeply") from None


def _yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise DocumentError(source, f"invalid YAML{where}: {exc.problem or exc.context}{context}") from None
    except yaml.YAMLError as exc:
        raise DocumentError(source, f"invalid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise DocumentError(source, "invalid YAML: nested too deeply") from None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    return "string"


class _Loader(yaml.SafeLoader):
    """YAML 1.2 core schema (section 10.3) on PyYAML's YAML 1.1 safe loader, so that a YAML
    document reads as its JSON twin would:

    - only ``true`` / ``false`` are booleans (1.1 also took ``yes``, ``no``, ``on``, ``off``:
      a parameter named ``on`` became ``True``);
    - no timestamps (1.2 has none, JSON has none: an example date stays a string);
    - mapping keys stay the text written: an unquoted status code ``404:`` is the key
      ``"404"`` (OpenAPI 3.1 section 4.8.16.1 asks to quote them, many documents do not);
    - ``!!binary`` stays its base64 text (JSON has no bytes).
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "a key must be text, not a list or a mapping (a JSON object's keys are strings)", key_node.start_mark,
            )
        key = key_node.value
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:binary", lambda loader, node: loader.construct_scalar(node))
