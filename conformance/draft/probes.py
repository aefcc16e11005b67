"""Probes drafted from the document: auth (missing and garbage credential), identifier (path
parameters with a format, pattern, enum or integer bounds), field (one per request-body
constraint), body (malformed JSON, RFC 8259) and routing (unknown path, wrong method: RFC 9110
sections 15.5.5 and 15.5.6). Each expects the codes the document gives the status the rule
calls for; a probe with no such code is left out with a note saying why."""
from __future__ import annotations

import re
from typing import Any

from .infer import error_responses, json_media, operations
from .schemas import example_value, properties, required, resolve, schema_type

VALIDATION = (400, 422)
UNKNOWN_PATH = "/conformance-draft-unknown-path"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "root"


class Drafter:
    def __init__(self, document: dict, errors: list[dict], base_path: str):
        self.document = document
        self.base_path = base_path
        self.by_status: dict[int, list[str]] = {}
        for entry in errors:
            if entry.get("provokable", True):
                for status in entry["status"] if isinstance(entry["status"], list) else [entry["status"]]:
                    self.by_status.setdefault(status, []).append(entry["code"])
        self.probes: list[dict] = []
        self.notes: list[str] = []
        self.ids: set[str] = set()

    def expect(self, statuses) -> list[str] | str | None:
        codes = list(dict.fromkeys(c for s in statuses for c in self.by_status.get(s, [])))
        return None if not codes else codes[0] if len(codes) == 1 else codes

    def add(self, probe: dict) -> None:
        if not self.secured:
            probe["request"] = {**probe["request"], "credential": None}  # no credential is defined
        base, n = probe["id"], 2
        while probe["id"] in self.ids:
            probe["id"], n = f"{base}-{n}", n + 1
        self.ids.add(probe["id"])
        self.probes.append(probe)

    def path(self, path: str) -> str:
        return path[len(self.base_path):] if self.base_path and path.startswith(self.base_path) else path

    def parameters(self, operation: dict, item: dict) -> list[dict]:
        params = {}
        for param in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
            param = resolve(self.document, param)
            if isinstance(param, dict) and "name" in param:
                params[(param.get("in"), param["name"])] = param
        return list(params.values())

    def fill(self, path: str, params: list[dict], keep: str | None = None) -> str:
        """Path with every parameter but ``keep`` replaced by a valid value (example or built-in)."""
        for param in params:
            if param.get("in") != "path" or param["name"] == keep:
                continue
            value = param.get("example", example_value(self.document, param.get("schema") or {}))
            path = path.replace("{" + param["name"] + "}", str(value if value not in (None, "") else "{unique}"))
        return path

    def run(self, security: bool) -> None:
        ops = list(operations(self.document))
        self.auth(ops, security)
        for path, method, operation, item in ops:
            params = self.parameters(operation, item)
            name = _slug(operation.get("operationId") or f"{method} {path}")
            self.identifiers(path, method, operation, params, name)
            self.fields(path, method, operation, params, name)
        self.routing(ops)

    def auth(self, ops, security: bool) -> None:
        if not security:
            return
        expect = self.expect([401])
        if expect is None:
            self.notes.append("auth probes left out: the document names no code for 401")
            return
        target = next(((p, m, o, i) for p, m, o, i in ops if m == "GET" and "{" not in p), None)
        if target is None:
            self.notes.append("auth probes left out: no GET operation without path parameters")
            return
        request = {"method": "GET", "path": self.path(target[0])}
        self.add({"id": "auth.missing-credential", "kind": "auth", "description": "No credential at all.",
                  "request": {**request, "credential": None}, "expect": expect})
        self.add({"id": "auth.garbage-credential", "kind": "auth", "description": "A credential that cannot be valid.",
                  "request": dict(request), "vary": {"target": "credential", "strategy": "credential.garbage",
                                                     "args": {"scheme": self.scheme}}, "expect": expect})

    scheme: str | None = None
    secured: bool = True

    def declared(self, operation: dict) -> list[int]:
        return [s for s, _ in error_responses(self.document, operation) if s is not None]

    def identifiers(self, path, method, operation, params, name) -> None:
        if method != "GET":
            return  # a safe method: a malformed id must not change data (RFC 9110 section 9.2.1)
        declared = self.declared(operation)
        expect = self.expect([s for s in (*VALIDATION, 404) if s in declared])
        for param in params:
            if param.get("in") != "path":
                continue
            vary = invalid_strategy(resolve(self.document, param.get("schema") or {}))
            if vary is None:
                continue
            if expect is None:
                self.notes.append(f"{method} {path}: no identifier probe for '{param['name']}' (no code for 400/404/422)")
                continue
            self.add({"id": f"{name}.{_slug(param['name'])}", "kind": "identifier",
                      "request": {"method": method, "path": self.path(self.fill(path, params, keep=param["name"]))},
                      "vary": {"target": "path", "name": param["name"], **vary}, "expect": expect})

    def fields(self, path, method, operation, params, name) -> None:
        body = resolve(self.document, operation.get("requestBody") or {})
        media = json_media(body.get("content") or {}) if isinstance(body, dict) else None
        if not media:
            return
        schema = resolve(self.document, media[1].get("schema") or {})
        expect = self.expect([s for s in VALIDATION if s in self.declared(operation)])
        if expect is None:
            self.notes.append(f"{method} {path}: no field or body probes (no code for 400/422)")
            return
        base = media[1].get("example", example_value(self.document, schema))
        request = {"method": method, "path": self.path(self.fill(path, params)), "json": base}
        self.add({"id": f"{name}.malformed-json", "kind": "body", "request": request,
                  "vary": {"target": "body", "strategy": "json_body.malformed",
                           "args": {"base": base if isinstance(base, dict) else {}}}, "expect": expect})
        if not isinstance(base, dict):
            return
        needed = required(self.document, schema)
        for prop, sub in properties(self.document, schema).items():
            vary = invalid_strategy(sub, body=True)
            if vary is None and prop in needed and schema_type(sub):
                vary = {"strategy": "json_type.wrong", "args": {"expected": schema_type(sub)}}
            if vary is None:
                continue
            self.add({"id": f"{name}.{_slug(prop)}", "kind": "field", "request": request,
                      "vary": {"target": "json", "name": "/" + prop.replace("~", "~0").replace("/", "~1"), **vary},
                      "expect": expect})

    def routing(self, ops) -> None:
        expect = self.expect([404])
        if expect is None:
            self.notes.append("routing probe for an unknown path left out: the document names no code for 404")
        else:
            self.add({"id": "routing.unknown-path", "kind": "routing", "request": {"method": "GET", "path": UNKNOWN_PATH},
                      "expect": {"code": expect, "status": 404}})
        expect = self.expect([405])
        target = next(((p, i) for p, m, o, i in ops if "{" not in p and "delete" not in i), None)
        if expect is None or target is None:
            self.notes.append("routing probe for a wrong method left out: the document names no code for 405")
            return
        self.add({"id": "routing.wrong-method", "kind": "routing",
                  "request": {"method": "DELETE", "path": self.path(target[0])}, "expect": {"code": expect, "status": 405}})


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
        return {"strategy": "string.not_matching", "args": {"pattern": schema["pattern"]}}
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
