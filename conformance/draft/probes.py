"""Probes drafted from the document: auth (missing and garbage credential), identifier (path
parameters with a format, pattern, enum or integer bounds), field (one per request-body
constraint), body (malformed JSON, RFC 8259) and routing (unknown path, wrong method: RFC 9110
sections 15.5.5 and 15.5.6); idempotency and rate-limit probes come from ``kinds``.

Each expects the codes the operation's own responses name at the status the rule calls for
(else every code of that status); a probe with no such code is left out with a note saying why.
Every request carries the header parameters the operation requires, and the resources it
needs come from setup steps (``resources``); a probe whose setup cannot be inferred is left
out with the reason, since it could only report a setup problem."""
from __future__ import annotations

import re
from typing import Any

from .infer import error_responses, json_media, operations
from .resources import Plan, Planner, Unresolved
from .schemas import example_value, properties, required, resolve, schema_type
from .vary import invalid_strategy

VALIDATION = (400, 422)
UNKNOWN_PATH = "/conformance-draft-unknown-path"
IDEMPOTENCY = re.compile(r"idempotency|idempotent", re.IGNORECASE)
NOT_SENT = ("content-type", "accept", "authorization", "content-length")
ACCOUNT_END = re.compile(r"unregister|deregister|deactivat|close.?account|delete.?account|freeze", re.IGNORECASE)
SECRET = re.compile(r"password|passwd|secret|api_?key|token|private_?key|credential", re.IGNORECASE)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "root"


class Drafter:
    def __init__(self, document: dict, errors: list[dict], base_path: str,
                 op_codes: dict[tuple[str, str], dict[int, list[str]]] | None = None,
                 auth_header: str = "Authorization"):
        self.document = document
        self.base_path = base_path
        self.op_codes = op_codes or {}
        self.auth_header = auth_header
        self.by_status: dict[int, list[str]] = {}
        for entry in errors:
            if entry.get("provokable", True):
                for status in entry["status"] if isinstance(entry["status"], list) else [entry["status"]]:
                    self.by_status.setdefault(status, []).append(entry["code"])
        self.probes: list[dict] = []
        self.notes: list[str] = []
        self.ids: set[str] = set()
        self.planner = Planner(document, self.headers)

    scheme: str | None = None
    secured: bool = True
    idempotency: dict | None = None  # the catalog's idempotency rule, if drafted
    no_errors: bool = False  # the document declares no error response: placeholder codes only
    burst: bool = False  # a rate-limit probe was drafted: the catalog needs a 'burst' credential

    # -- building blocks --------------------------------------------------------------------

    def expect(self, statuses, where: tuple[str, str] | None = None) -> list[str] | str | None:
        """The codes for ``statuses``: those the operation ``where`` names at them, else every
        provokable code of those statuses."""
        provokable = {c for codes in self.by_status.values() for c in codes}
        named = self.op_codes.get(where, {}) if where else {}
        codes = list(dict.fromkeys(c for s in statuses for c in named.get(s, []) if c in provokable))
        if not codes:
            codes = list(dict.fromkeys(c for s in statuses for c in self.by_status.get(s, [])))
        return None if not codes else codes[0] if len(codes) == 1 else codes

    def add(self, probe: dict) -> None:
        if not self.secured:
            probe["request"] = {**probe["request"], "credential": None}  # no credential is defined
            for step in probe.get("setup", []):
                step["credential"] = None
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

    def headers(self, operation: dict, item: dict) -> dict[str, str]:
        """Required header parameters (an API version, a tenant) with a valid value; the
        idempotency and auth headers are the catalog's business, not the step's."""
        out: dict[str, str] = {}
        for param in self.parameters(operation, item):
            name = str(param["name"])
            if param.get("in") != "header" or not param.get("required") or IDEMPOTENCY.search(name) \
                    or name.lower() in (*NOT_SENT, self.auth_header.lower()):
                continue
            value = param.get("example", example_value(self.document, param.get("schema") or {}))
            if value is not None:
                out[name] = str(value).lower() if isinstance(value, bool) else str(value)
        return out

    def request(self, path: str, method: str, operation: dict, item: dict, params: list[dict],
                keep: str | None = None, body: bool = False) -> tuple[dict, list[dict], str | None] | str:
        """(request, setup steps, variable of ``keep``), or the reason none can be drafted."""
        plan = Plan()
        try:
            filled, kept = self.planner.path(plan, path, params, operation, keep=keep)
            json_body = self.planner.body(plan, operation, own=path) if body else None
        except Unresolved as exc:
            return str(exc)
        request: dict[str, Any] = {"method": method, "path": self.path(filled)}
        headers = self.headers(operation, item)
        if headers:
            request["headers"] = headers
        if json_body is not None:
            request["json"] = json_body
        for step in plan.steps:
            step["path"] = self.path(step["path"])
        return request, plan.steps, kept

    def declared(self, operation: dict) -> list[int]:
        if self.no_errors:
            # The document declares no error response anywhere: every operation is drafted
            # against the placeholder statuses (400, 404, ...), each a TODO to review.
            return sorted(self.by_status)
        return [s for s, _ in error_responses(self.document, operation) if s is not None]

    # -- the probes -------------------------------------------------------------------------

    def run(self, security: bool) -> None:
        from .kinds import idempotency, rate_limit  # here: kinds builds on this module

        ops = list(operations(self.document))
        self.auth(ops, security)
        for path, method, operation, item in ops:
            params = self.parameters(operation, item)
            name = _slug(operation.get("operationId") or f"{method} {path}")
            self.identifiers(path, method, operation, item, params, name)
            self.fields(path, method, operation, item, params, name)
            idempotency(self, path, method, operation, item, params, name)
        self.routing(ops)
        rate_limit(self, ops)

    def collection_get(self, ops) -> tuple[str, dict, dict] | None:
        """The first GET without path parameters: a read every credential check can aim at."""
        return next(((p, o, i) for p, m, o, i in ops if m == "GET" and "{" not in p), None)

    def collection_probe(self, ops, status: int, left_out: str, *, no_read: str, declared: bool = False):
        """The request and expected codes of a probe aimed at the collection read (answering
        ``status``, and declaring it if ``declared``), or None, with a note saying why."""
        target = self.collection_get(ops)
        if target is None or declared and status not in self.declared(target[1]):
            self.notes.append(f"{left_out}: {no_read}")
            return None
        expect = self.expect([status], (target[0], "GET"))
        if expect is None:
            self.notes.append(f"{left_out}: the document names no code for {status}")
            return None
        request, _, _ = self.request(target[0], "GET", target[1], target[2], [])
        return request, expect

    def auth(self, ops, security: bool) -> None:
        if not security:
            return
        found = self.collection_probe(ops, 401, "auth probes left out", no_read="no GET operation without path parameters")
        if found is None:
            return
        request, expect = found
        self.add({"id": "auth.missing-credential", "kind": "auth", "description": "No credential at all.",
                  "request": {**request, "credential": None}, "expect": expect})
        self.add({"id": "auth.garbage-credential", "kind": "auth", "description": "A credential that cannot be valid.",
                  "request": dict(request), "vary": {"target": "credential", "strategy": "credential.garbage",
                                                     "args": {"scheme": self.scheme}}, "expect": expect})

    def identifiers(self, path, method, operation, item, params, name) -> None:
        if method != "GET":
            return  # a safe method: a malformed id must not change data (RFC 9110 section 9.2.1)
        declared = self.declared(operation)
        expect = self.expect([s for s in (*VALIDATION, 404) if s in declared], (path, method))
        for param in params:
            if param.get("in") != "path":
                continue
            vary = invalid_strategy(resolve(self.document, param.get("schema") or {}))
            if vary is None:
                continue
            if expect is None:
                self.notes.append(f"{method} {path}: no identifier probe for '{param['name']}' (no code for 400/404/422)")
                continue
            drafted = self.request(path, method, operation, item, params, keep=param["name"])
            if isinstance(drafted, str):
                self.notes.append(f"{method} {path}: no identifier probe for '{param['name']}': {drafted}")
                continue
            request, steps, variable = drafted
            self.add({"id": f"{name}.{_slug(param['name'])}", "kind": "identifier",
                      **({"setup": steps} if steps else {}), "request": request,
                      "vary": {"target": "path", "name": variable, **vary}, "expect": expect})

    def fields(self, path, method, operation, item, params, name) -> None:
        body = resolve(self.document, operation.get("requestBody") or {})
        media = json_media(body.get("content") or {}) if isinstance(body, dict) else None
        if not media:
            return
        schema = resolve(self.document, media[1].get("schema") or {})
        expect = self.expect([s for s in VALIDATION if s in self.declared(operation)], (path, method))
        if expect is None:
            self.notes.append(f"{method} {path}: no field or body probes (no code for 400/422)")
            return
        props = properties(self.document, schema)
        if not props and "example" not in media[1] and schema_type(schema) in ("object", None) \
                and not any(k in schema for k in ("oneOf", "anyOf", "example", "examples")):
            # An opaque body ({"type": "object"}): any body the draft sent would be a guess, and
            # a control the API refuses makes the probe a setup problem.
            self.notes.append(f"{method} {path}: no field or body probes: the document does not describe the body")
            return
        secret = next((p for p in required(self.document, schema) if SECRET.search(p) and not any(
            k in props.get(p, {}) for k in ("example", "examples", "enum", "pattern", "default"))), None)
        if secret is not None:
            # A sign-in or a third party's key: the control needs a real secret, which no
            # document holds; any made-up value would make every probe a setup problem.
            self.notes.append(f"{method} {path}: no field or body probes: the body's '{secret}' must be a real "
                              "credential the document cannot give")
            return
        if ACCOUNT_END.search(f"{operation.get('operationId', '')} {path}"):
            # Its control would close or freeze the account every other probe runs with.
            self.notes.append(f"{method} {path}: no field or body probes: it ends the account the probes use")
            return
        drafted = self.request(path, method, operation, item, params, body=True)
        if isinstance(drafted, str):
            self.notes.append(f"{method} {path}: no field or body probes: {drafted}")
            return
        request, steps, _ = drafted
        base = request.get("json")
        setup = {"setup": steps} if steps else {}
        self.add({"id": f"{name}.malformed-json", "kind": "body", **setup, "request": request,
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
            self.add({"id": f"{name}.{_slug(prop)}", "kind": "field", **setup, "request": request,
                      "vary": {"target": "json", "name": "/" + prop.replace("~", "~0").replace("/", "~1"), **vary},
                      "expect": expect})

    def routing(self, ops) -> None:
        # Required headers (an API version) travel on these too: without them the answer
        # would be the missing header's error, not the routing one.
        common = self.collection_get(ops)
        headers = {"headers": self.headers(common[1], common[2])} if common and self.headers(common[1], common[2]) else {}
        expect = self.expect([404])
        if expect is None:
            self.notes.append("routing probe for an unknown path left out: the document names no code for 404")
        else:
            self.add({"id": "routing.unknown-path", "kind": "routing", "request": {"method": "GET", "path": UNKNOWN_PATH, **headers},
                      "expect": {"code": expect, "status": 404}})
        expect = self.expect([405])
        target = next(((p, o, i) for p, m, o, i in ops if "{" not in p and "delete" not in i), None)
        if expect is None or target is None:
            self.notes.append("routing probe for a wrong method left out: the document names no code for 405")
            return
        own = self.headers(target[1], target[2])
        self.add({"id": "routing.wrong-method", "kind": "routing",
                  "request": {"method": "DELETE", "path": self.path(target[0]), **({"headers": own} if own else {})},
                  "expect": {"code": expect, "status": 405}})
