"""Turning a probe step into an HTTP request.

Placeholders (``{name}``) are filled from the probe's variables: values captured by
earlier steps and the built-ins ``{uuid}`` (RFC 4122 version 4), ``{ulid}`` and
``{unique}``, each drawn once per probe run so that "create twice" sends the same body.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets as _random
import time
import uuid
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from ..catalog.model import Catalog, Step, Vary
from .failures import ProbeSetupError
from .transport import OutgoingRequest

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
NOTHING: Any = object()  # "no varied value" (None is a real value: an omitted credential)
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # RFC 3986 section 3.1: a scheme
_HEADER_TARGETS = frozenset({"header", "credential", "idempotency-key", "content-type"})


class UnsendableValue(ValueError):
    """A value HTTP/1.1 cannot carry where the probe puts it (e.g. CR or LF in a header)."""


class OutsideBasePath(ProbeSetupError):
    """A request that would reach the server outside the API: its path, as a server resolves
    it, leaves ``api.base_path``, or its origin is not the target's. Refused before sending:
    whatever answers there (a web server's HTML 405, a redirect) is no answer of the API, so
    judging it against the catalog would blame the API for the suite's own request."""


# Forms a server may decode before it resolves dot segments: "%2E%2E" is "..", and "%2F" or a
# backslash may separate segments (RFC 3986 section 2.4 says not to, servers do anyway).
_DECODED_BY_SERVERS = re.compile(r"%2[eEfF]|%5[cC]|\\")
_DECODED = {"%2e": ".", "%2f": "/", "%5c": "/", "\\": "/"}


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: the path with "." and ".." segments resolved (a ".." above the
    root stays at the root)."""
    output: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if output:
                output.pop()
        elif path == "/..":
            path = "/"
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            end = path.find("/", 1)
            end = len(path) if end == -1 else end
            output.append(path[:end])
            path = path[end:]
    return "".join(output)


def resolved_path(path: str) -> str:
    """The path a lenient server ends up serving for ``path``: percent-encoded dots and
    slashes decoded, empty segments ("//") collapsed, then RFC 3986 section 5.2.4 dot-segment
    removal. The strictest reading is the one to check: any server may be that lenient."""
    decoded = _DECODED_BY_SERVERS.sub(lambda match: _DECODED[match.group(0).lower()], path)
    collapsed = re.sub(r"/{2,}", "/", decoded)
    return remove_dot_segments(collapsed) or "/"


def is_under(path: str, base_path: str) -> bool:
    """Whether ``path`` (a URL path) resolves to ``base_path`` or below it."""
    base = resolved_path(base_path or "/").rstrip("/")
    resolved = resolved_path(path)
    return not base or resolved == base or resolved.startswith(base + "/")


def header_value(value: Any) -> str:
    """RFC 9110 section 5.5: a field value carries no leading or trailing whitespace (parsers
    strip it), and no CR, LF or NUL. What the server would receive is what we send: a value
    that would arrive as another one (" 00" as "00", a valid key with a space around it as
    the valid key) is not sent at all, so its verdict can never be about a value the API
    did not see."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if any(char in text for char in "\r\n\x00"):
        raise UnsendableValue(f"header value {text!r} has CR, LF or NUL")
    if text != text.strip(" \t"):
        raise UnsendableValue(f"header value {text!r} has whitespace at an end, which the server strips")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        # Non-Latin-1 text is sent as its UTF-8 bytes, as clients commonly do (RFC 9110 5.5: obs-text)
        text = text.encode("utf-8").decode("latin-1")
    return text


def new_ulid() -> str:
    """A ULID: 48-bit millisecond time + 80 random bits, Crockford base32 (ulid/spec)."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


class Variables(dict):
    """Captured values plus lazily drawn built-ins, fixed for one probe run."""

    _BUILTINS = {
        "uuid": lambda: str(uuid.uuid4()),
        "ulid": new_ulid,
        "unique": lambda: "c" + _random.token_hex(6),
    }

    def __missing__(self, key: str) -> Any:
        if key in self._BUILTINS:
            value = self._BUILTINS[key]()
            self[key] = value
            return value
        # A catalog's own gap, not the API's: say which name and how to give it a value.
        raise ProbeSetupError(
            f"no value for {{{key}}}: no setup step captures it and it is no built-in "
            "({uuid}, {ulid}, {unique}); add a setup step whose capture names it",
            ("Variable", key),
        )


def fill(value: Any, variables: Variables) -> Any:
    """Replace placeholders in strings, recursively; an exact "{name}" keeps the value's type."""
    if isinstance(value, str):
        whole = _FIELD.fullmatch(value)
        if whole:
            return variables[whole.group(1)]
        return _FIELD.sub(lambda match: str(variables[match.group(1)]), value)
    if isinstance(value, dict):
        return {key: fill(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, variables) for item in value]
    return value


def set_pointer(document: Any, pointer: str, value: Any) -> Any:
    """A copy of ``document`` with the member at RFC 6901 ``pointer`` set to ``value``."""
    if pointer == "":
        return value
    document = copy.deepcopy(document)
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]
    node = document
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node.setdefault(token, {})
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


class RequestBuilder:
    """Builds requests for one catalog against one base URL with resolved credentials."""

    def __init__(self, catalog: Catalog, base_url: str, credentials: dict[str, str]):
        self.catalog = catalog
        self.base_url = base_url.rstrip("/") + catalog.api.base_path.rstrip("/")
        self.credentials = credentials
        parts = urlsplit(self.base_url)
        self.origin = (parts.scheme.lower(), parts.netloc.lower())
        self.base_path = parts.path.rstrip("/")

    def check_url(self, url: str) -> None:
        """Refuse ``url`` unless it stays at the target's origin and, resolved as a server
        resolves it (RFC 3986 section 5.2.4, encoded dots, "//"), under its base path."""
        parts = urlsplit(url)
        if (parts.scheme.lower(), parts.netloc.lower()) != self.origin:
            raise OutsideBasePath(
                f"the request would go to {parts.scheme}://{parts.netloc}, not to the target {self.origin[0]}://{self.origin[1]}",
                ("URL", url),
            )
        if not is_under(parts.path, self.base_path):
            raise OutsideBasePath(
                f"the request path {parts.path} resolves to {resolved_path(parts.path)}, "
                f"outside the API's base path {self.base_path or '/'}",
                ("URL", url),
            )

    def auth_value(self, name: str) -> str:
        value = self.credentials[name]
        scheme = self.catalog.auth.scheme
        return f"{scheme} {value}" if scheme else value

    def idempotency_key(self) -> str:
        """A fresh key that satisfies the catalog's idempotency rule."""
        rule = self.catalog.idempotency
        candidates = [str(uuid.uuid4()), uuid.uuid4().hex, "k" + _random.token_hex(8)]
        for candidate in candidates:
            if rule is None:
                return candidate
            if rule.max_length is not None and len(candidate) > rule.max_length:
                continue
            if rule.min_length is not None and len(candidate) < rule.min_length:
                continue
            if rule.pattern is not None and not re.fullmatch(rule.pattern, candidate):
                continue
            return candidate
        return candidates[-1][: rule.max_length or None]

    def needs_idempotency_key(self, step: Step) -> bool:
        rule = self.catalog.idempotency
        return rule is not None and step.idempotency_key and step.method in rule.methods

    def build(
        self,
        step: Step,
        variables: Variables,
        *,
        vary: Vary | None = None,
        value: Any = NOTHING,
        idempotency_key: str | None = None,
        credential: str | None | Any = NOTHING,
    ) -> OutgoingRequest:
        """The request for ``step``; with ``vary``/``value``, the varied part replaced."""
        varied = vary is not None and value is not NOTHING
        target = vary.target if varied else None
        if target in _HEADER_TARGETS and value is not None:
            value = header_value(value)
        path = step.path
        if target == "path":
            path = path.replace("{" + str(vary.name) + "}", quote(str(value), safe=""))
        path = fill(path, variables)
        query = {key: fill(item, variables) for key, item in step.query.items()}
        if target == "query":
            query[str(vary.name)] = value
        # A captured URL (capture: {header: Location}) is already absolute: used as it is, and
        # refused by check_url below unless it is at the target's origin under base_path.
        url = path if _ABSOLUTE_URL.match(path) else self.base_url + path
        if query:
            url += ("&" if "?" in url else "?") + urlencode(
                {key: (json.dumps(item) if isinstance(item, bool) else item) for key, item in query.items()}
            )
        headers = {key: str(fill(item, variables)) for key, item in step.headers.items()}
        name = step.credential if credential is NOTHING else credential
        if target == "credential":
            if value is not None:
                headers[self.catalog.auth.header] = value
        elif name is not None:
            headers[self.catalog.auth.header] = self.auth_value(name)
        rule = self.catalog.idempotency
        if rule is not None:
            if target == "idempotency-key":
                headers[rule.header] = value
            elif self.needs_idempotency_key(step):
                headers[rule.header] = idempotency_key or self.idempotency_key()
        content: bytes | None = None
        content_type = step.content_type
        payload = fill(step.json_, variables) if step.json_ is not None else None
        if target == "json":
            payload = set_pointer(payload if payload is not None else {}, str(vary.name), value)
        if target == "body":
            content = value if isinstance(value, bytes) else str(value).encode("utf-8")
            content_type = content_type or "application/json"
        elif payload is not None:
            content = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            content_type = content_type or "application/json"
        elif step.body is not None:
            content = str(fill(step.body, variables)).encode("utf-8")
        if target == "content-type":
            content_type = value
        if content_type is not None and not any(key.lower() == "content-type" for key in headers):
            headers["Content-Type"] = content_type
        if target == "header":  # last, so the drawn value is what is sent (None: the header is absent)
            headers = {key: item for key, item in headers.items() if key.lower() != str(vary.name).lower()}
            if value is not None:
                headers[str(vary.name)] = value
        self.check_url(url)  # every request of every suite is built here: the one gate
        return OutgoingRequest(method=step.method, url=url, headers=headers, content=content)
