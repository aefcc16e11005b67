"""Setup steps for the resources a probe needs (docs/catalog.md, "setup" and "capture").

A path parameter (``/wallets/{walletId}``) names a resource the API must hold before the probe
runs. Its creator is, first, the operation an OpenAPI link (OpenAPI 3.1 section 4.8.20) says
fills that parameter from its response; else the POST to the collection the path continues
(``POST /wallets``). The setup step sends the creator a valid body and captures the id at the
pointer the creator's 2xx response schema gives (``/id``, ``/data/id``, or a property named like
the parameter). A request body property naming another resource (``walletId``, ``flow_id``,
``wallet``) gets the same treatment, matched to a collection by name.

What cannot be inferred is reported, never guessed: a probe whose resources have no creator
would only measure its own setup, so the drafter leaves it out with the reason."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from .infer import json_media, operations
from .schemas import braces as _braces, example_value, properties, required, resolve

WRAPPERS = ("data", "result", "item", "object", "resource")
REFERENCE = re.compile(r"^(?P<base>.+?)(?:_id|Id|ID|_uuid|Uuid)$")
LINK_BODY = re.compile(r"^\$response\.body#(?P<pointer>/.*)$")
DATE_FORMATS = ("date", "date-time")
MAX_DEPTH = 4


class Unresolved(Exception):
    """A resource the probe needs whose creation the document does not say."""


@dataclass
class Creator:
    path: str
    operation: dict
    item: dict
    pointer: str | None  # where the created resource's id is in the 2xx body
    body_key: str | None = None  # or: the body property the resource is keyed by (PUT-like keys)


@dataclass
class Plan:
    """Steps to run before a request, and the request's path and body with placeholders."""
    steps: list[dict] = field(default_factory=list)
    captured: dict[str, str] = field(default_factory=dict)  # variable -> creator path
    pending: set[str] = field(default_factory=set)  # creators being planned (a cycle guard)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def singular(word: str) -> str:
    word = _norm(word)
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _success_schema(document: dict, operation: dict) -> tuple[int, dict] | None:
    for key, response in sorted((operation.get("responses") or {}).items(), key=lambda kv: str(kv[0])):
        if str(key) in ("200", "201", "202"):
            media = json_media(resolve(document, response).get("content") or {})
            return int(key), resolve(document, media[1].get("schema") or {}) if media else {}
    return None


def id_pointer(document: dict, operation: dict, names: tuple[str, ...]) -> str | None:
    """The pointer to the created resource's id in the creator's 2xx body: ``id`` or one of
    ``names``, at the top or under one wrapper object (``data``, ``result``, ...)."""
    found = _success_schema(document, operation)
    if found is None:
        return None
    props = properties(document, found[1])
    for name in ("id", *names):
        if name in props:
            return "/" + name
    for wrapper in WRAPPERS:
        inner = properties(document, props.get(wrapper, {}))
        for name in ("id", *names):
            if name in inner:
                return f"/{wrapper}/{name}"
    return None


class Planner:
    def __init__(self, document: dict, headers):
        self.document = document
        self.headers = headers  # (operation, item) -> required header values
        self.collections: dict[str, tuple[dict, dict]] = {}
        self.every_collection: set[str] = set()  # also those a step cannot send to
        for path, method, operation, item in operations(document):
            if method != "POST" or path.rstrip("/").endswith("}"):
                continue
            self.every_collection.add(path.rstrip("/"))
            body = resolve(document, operation.get("requestBody") or {})
            content = body.get("content") if isinstance(body, dict) else None
            if content and not json_media(content):
                continue  # a multipart upload, say: no step of the format can send it
            self.collections.setdefault(path.rstrip("/"), (operation, item))
        self.links = self._links()

    def _links(self) -> dict[tuple[str, str], Creator]:
        """(target operationId, parameter) -> the operation whose response fills it."""
        out: dict[tuple[str, str], Creator] = {}
        for path, method, operation, item in operations(self.document):
            for response in (operation.get("responses") or {}).values():
                for link in (resolve(self.document, response).get("links") or {}).values():
                    link = resolve(self.document, link)
                    target = link.get("operationId") if isinstance(link, dict) else None
                    for param, expression in ((link or {}).get("parameters") or {}).items():
                        match = LINK_BODY.match(str(expression))
                        if target and match and method == "POST":
                            out.setdefault((target, param.split(".")[-1]), Creator(path, operation, item, match["pointer"]))
        return out

    # -- finding creators -----------------------------------------------------------------

    def creator_for_param(self, path: str, name: str, operation: dict) -> Creator | None:
        linked = self.links.get((str(operation.get("operationId")), name))
        if linked:
            return linked
        marker = "{" + name + "}"
        if marker not in path:
            return None
        collection = path[: path.index(marker)].rstrip("/")
        return self._creator(collection, (name,))

    def creator_for_property(self, name: str) -> Creator | None:
        match = REFERENCE.match(name)
        base = singular(match["base"] if match else name)
        # The collection named exactly, else the longest one the name ends with: a call's
        # ``on_end_flow_id`` and a number's ``call_flow_id`` both name a flow.
        candidates = []
        for collection in sorted(self.collections):
            segments = [s for s in _segments(collection) if not s.startswith("{")]
            kind = singular(segments[-1]) if segments else ""
            if kind == base or (len(kind) >= 3 and base.endswith(kind)):
                candidates.append((kind != base, -len(kind), collection))
        return self._creator(min(candidates)[2], (name,)) if candidates else None

    def names_resource(self, name: str, schema: dict, own: str) -> bool:
        """A plain string property named like a collection (``transfer`` beside ``POST
        /transfers``) holds that resource's id; not in that collection's own body, where it is
        the resource's value (``POST /numbers {number}``)."""
        if schema.get("type") != "string" or schema.get("enum") or schema.get("format"):
            return False
        return any(singular(([s for s in _segments(c) if not s.startswith("{")] or [""])[-1]) == singular(name)
                   for c in self.every_collection if c != own.rstrip("/"))

    def _creator(self, collection: str, names: tuple[str, ...]) -> Creator | None:
        if collection not in self.collections:
            return None
        operation, item = self.collections[collection]
        pointer = id_pointer(self.document, operation, names)
        if pointer is not None:
            return Creator(collection, operation, item, pointer)
        # A resource keyed by a body property (``PUT``-like ``POST /keys {provider}`` then
        # ``/keys/{provider}``): the parameter's value is what the setup step sent.
        body = self.body_schema(operation)
        key = next((n for n in names if n in properties(self.document, body) and n in required(self.document, body)), None)
        return Creator(collection, operation, item, None, body_key=key) if key else None

    def body_schema(self, operation: dict) -> dict:
        body = resolve(self.document, operation.get("requestBody") or {})
        media = json_media(body.get("content") or {}) if isinstance(body, dict) else None
        return resolve(self.document, media[1].get("schema") or {}) if media else {}

    # -- planning ---------------------------------------------------------------------------

    def path(self, plan: Plan, path: str, params: list[dict], operation: dict, depth: int = 0,
             keep: str | None = None) -> tuple[str, str | None]:
        """``path`` with each parameter filled: a placeholder a setup step captures, or a
        literal for an enum or date parameter; and the variable that holds ``keep`` (the
        parameter an identifier probe varies: it must be captured, so the control has a real
        value). Raises Unresolved when a parameter can be filled neither way."""
        kept = None
        for param in params:
            if param.get("in") != "path":
                continue
            name = param["name"]
            schema = resolve(self.document, param.get("schema") or {})
            creator = self.creator_for_param(path, name, operation)
            if creator is not None and (creator.pointer is not None or name != keep):
                token = self.ensure(plan, creator, name, depth)
                if name == keep:
                    kept = token[1:-1]
            elif name != keep and (schema.get("enum") or schema.get("format") in DATE_FORMATS):
                token = str(example_value(self.document, schema))
            else:
                raise Unresolved(f"no operation is known to create the resource '{{{name}}}' names "
                                 "(no link, no POST to its collection with the id in its response)")
            path = path.replace("{" + name + "}", token)
        return path, kept

    def body(self, plan: Plan, operation: dict, depth: int = 0, own: str = "") -> Any:
        """A valid example body (the document's example, else built from the schema) whose
        references to other resources are placeholders of setup steps. Raises Unresolved for a
        required reference no creator is known for."""
        media = json_media(resolve(self.document, operation.get("requestBody") or {}).get("content") or {})
        if not media:
            return None
        if "example" in media[1] and not _braces(media[1]["example"]):
            return copy.deepcopy(media[1]["example"])  # the document's own example: sent as written
        # (an example holding "{name}" text, a template, would be read as a placeholder: the
        # format has no escape for braces, so the body is built from the schema instead)
        schema = resolve(self.document, media[1].get("schema") or {})
        value = example_value(self.document, schema)
        if not isinstance(value, dict):
            return value
        props = properties(self.document, schema)
        needed = required(self.document, schema)
        for name in needed:
            sub = props.get(name, {})
            if not REFERENCE.match(name) and not sub.get("format") == "uuid" and not self.names_resource(name, sub, own):
                continue
            creator = self.creator_for_property(name)
            if creator is None:
                if sub.get("enum"):
                    continue  # one of fixed values, not a resource the API holds
                # (an example id, file_602a..., names a resource of the author's account,
                # not one the target holds: the control would be refused)
                raise Unresolved(f"the body's '{name}' names another resource and no operation is known to create it")
            value[name] = self.ensure(plan, creator, name, depth)
        for name in props:
            # An optional reference to a resource the draft can create is sent too: APIs often
            # need one of several such references (a call needs a flow or actions), in prose.
            if name not in needed and REFERENCE.match(name):
                creator = self.creator_for_property(name)
                if creator is not None and creator.pointer is not None and depth < MAX_DEPTH - 1:
                    try:
                        value[name] = self.ensure(plan, creator, name, depth)
                    except Unresolved:
                        continue
        if not value and props:
            # No property is required, yet an empty create request rarely does anything: one
            # property is sent, an enum one first (its values are valid by definition), never
            # an id the draft would have to make up.
            plain = [n for n in props if n != "id" and not REFERENCE.match(n)]
            first = next((n for n in plain if props[n].get("enum")), plain[0] if plain else None)
            if first is not None:
                value[first] = example_value(self.document, props[first])
        return value

    def ensure(self, plan: Plan, creator: Creator, name: str, depth: int) -> str:
        """What stands for the resource ``creator`` makes: ``{variable}`` a setup step
        captures (the steps added to ``plan`` once), or the body value it is keyed by."""
        for variable, where in plan.captured.items():
            if where == creator.path:
                return "{" + variable + "}"
        if depth >= MAX_DEPTH:
            raise Unresolved(f"resources nested deeper than {MAX_DEPTH} under {creator.path}")
        if creator.path in plan.pending:
            raise Unresolved(f"creating {creator.path} needs a {creator.path} first")
        plan.pending.add(creator.path)
        try:
            return self._create(plan, creator, name, depth)
        finally:
            plan.pending.discard(creator.path)

    def _create(self, plan: Plan, creator: Creator, name: str, depth: int) -> str:
        params = [resolve(self.document, p) for p in [*(creator.item.get("parameters") or []),
                                                      *(creator.operation.get("parameters") or [])]]
        path, _ = self.path(plan, creator.path, params, creator.operation, depth + 1)
        json_body = self.body(plan, creator.operation, depth + 1, own=creator.path)
        step: dict[str, Any] = {"method": "POST", "path": path}
        headers = self.headers(creator.operation, creator.item)
        if headers:
            step["headers"] = headers
        if json_body is not None:
            step["json"] = json_body
        if creator.pointer is None:
            # Keyed by a body value: the path takes that value itself (no capture needed).
            value = json_body.get(creator.body_key) if isinstance(json_body, dict) else None
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                raise Unresolved(f"{creator.path} keys its resources by '{creator.body_key}', which has no example")
            plan.steps.append(step)
            return str(value)
        variable, n = name, 2
        while variable in plan.captured:
            variable, n = f"{name}{n}", n + 1
        step["capture"] = {variable: creator.pointer}
        plan.captured[variable] = creator.path
        plan.steps.append(step)
        return "{" + variable + "}"
