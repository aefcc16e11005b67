"""The whole draft: api, auth, idempotency, envelopes, errors and probes, assembled from the
other modules, then written as YAML (writer)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .errors import draft_errors, operation_codes
from .infer import envelopes, operations
from .check import keep_valid, problems
from .kinds import BURST_ENV, key_bounds
from .probes import Drafter
from .schemas import resolve
from .writer import render

PRIMARY_ENV = "CONFORMANCE_API_KEY"
IDEMPOTENCY = re.compile(r"idempotency|idempotent", re.IGNORECASE)


def _name(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug if slug[:1].isalpha() else f"api-{slug}".rstrip("-")


def _base_path(document: dict) -> str:
    servers = document.get("servers") or []
    url = servers[0].get("url", "") if servers and isinstance(servers[0], dict) else ""
    return urlsplit(url).path.rstrip("/") if "{" not in url else ""


def _auth(document: dict) -> tuple[dict[str, Any], list[str], bool]:
    """``auth`` from a security scheme that travels in a header (RFC 9110 section 11.6.2).
    Where the document offers several, Bearer (RFC 6750) comes first, then an API-key header,
    then Basic: the key a user passes as ``--api-key`` then works as it is, where Basic would
    need it base64-encoded with a password (RFC 7617)."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    notes: list[str] = []

    def rank(item) -> int:
        scheme = resolve(document, item[1])
        kind, value = scheme.get("type"), str(scheme.get("scheme", "")).lower()
        return 0 if kind == "http" and value == "bearer" else 1 if kind == "apiKey" else 2

    for name, scheme in sorted(schemes.items(), key=rank):
        scheme = resolve(document, scheme)
        kind = scheme.get("type")
        if kind == "http" and str(scheme.get("scheme", "")).lower() in ("bearer", "basic"):
            value = str(scheme["scheme"]).capitalize()
            header, prefix = "Authorization", value
        elif kind == "apiKey" and scheme.get("in") == "header":
            header, prefix = scheme.get("name", "Authorization"), None
        else:
            notes.append(f"security scheme '{name}' ({kind}, in {scheme.get('in', '-')}) is not a header the format can describe")
            continue
        notes.insert(0, f"auth from security scheme '{name}'")
        credential = {"env": PRIMARY_ENV, "description": f"A valid credential for security scheme '{name}'."}
        return {"header": header, "scheme": prefix, "credentials": {"primary": credential}}, notes, True
    notes.append("TODO: no header security scheme in the document; set auth.header if the API needs one")
    return {"header": "Authorization", "scheme": None, "credentials": {}}, notes, False


def _idempotency(document: dict) -> dict[str, Any] | None:
    methods: list[str] = []
    header, needed, bounds = None, False, {}
    for _, method, operation, item in operations(document):
        for param in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
            param = resolve(document, param)
            if param.get("in") == "header" and IDEMPOTENCY.search(str(param.get("name", ""))):
                if header is None:
                    header, bounds = param["name"], key_bounds(document, param)
                needed = needed or bool(param.get("required"))
                if method not in methods:
                    methods.append(method)
    if header is None:
        return None
    order = ("POST", "PUT", "PATCH", "DELETE", "GET", "HEAD", "OPTIONS")
    return {"header": header, "methods": sorted(methods, key=order.index), "required": needed, **bounds}


def _envelope(envelope) -> dict[str, Any]:
    if envelope.media_type is None:
        return {"description": "Responses the document declares without a body.", "body": "none"}
    out: dict[str, Any] = {"description": "Drafted from the document's error schemas.", "media_type": envelope.media_type}
    for key in ("code", "status", "message"):
        if getattr(envelope, key):
            out[key] = {"pointer": getattr(envelope, key)}
    return out


def draft_text(document: dict, source: str) -> str:
    info = document.get("info") or {}
    title = str(info.get("title") or "API")
    base_path = _base_path(document)
    auth, auth_notes, secured = _auth(document)
    found, where = envelopes(document)
    errors = draft_errors(document, found, where)
    env_notes = [f"envelope '{e.name}' ({e.media_type or 'no body'}, statuses {', '.join(map(str, sorted(e.statuses))) or 'default'}): "
                 f"inferred: code {e.code or 'none'}, status {e.status or 'none'}, message {e.message or 'none'}"
                 + (f"; {'; '.join(e.notes)}" if e.notes else "") for e in found.values()]
    if not any(e.media_type for e in found.values()):
        found = {"default": None, **found}
        env_notes.append("TODO: the document declares no JSON error body; 'default' is a placeholder envelope")
    no_errors = not errors
    if no_errors:
        errors = [{"code": f"http-{s}", "status": s, "description": f"TODO: the document declares no error responses; "
                   f"replace 'http-{s}' with the code the API sends.", "provenance": {"name": "inferred", "status": "inferred"}}
                  for s in ((400, 401, 404) if secured else (400, 404))]
    idem = _idempotency(document)
    drafter = Drafter(document, errors, base_path, operation_codes(document, found, where), auth["header"])
    drafter.scheme = auth["scheme"]
    drafter.secured = secured
    drafter.idempotency = idem
    drafter.no_errors = no_errors
    drafter.run(secured)
    if drafter.burst and secured:
        auth["credentials"]["burst"] = {"env": BURST_ENV, "description": "A valid key used only by the rate-limit "
                                        "probe, so the limit it trips throttles no other test."}
    used = {e.get("envelope", "default") for e in errors}
    envs = {name: (_envelope(e) if e else {"description": "TODO: placeholder", "media_type": "application/json"})
            for name, e in found.items() if name in used}
    header = [f"Draft catalog for {title}, written by 'conformance draft' from {source}.",
              "Every fact below is inferred from the OpenAPI document: review it before relying on it."]
    api = {"format": 1, "api": {"name": _name(title), "title": title,
                               "description": str(info.get("description") or "").strip().split("\n")[0],
                               "base_path": base_path,
                               "sources": [{"id": "inferred", "title": "OpenAPI document", "ref": source}]}}
    data = {**api, "auth": auth, **({"idempotency": idem} if idem else {}), "envelopes": envs, "errors": errors}
    broken = problems(data)
    if broken:  # a bug of the drafter, not of the document: fail loudly rather than write a broken catalog
        raise ValueError(f"draft does not lint: {broken[0]}")
    drafter.probes = keep_valid(data, drafter.probes, drafter.notes)
    sections: list[tuple[list[str], dict[str, Any]]] = [(header, api), (auth_notes, {"auth": auth})]
    if idem:
        sections.append((["idempotency from the document's idempotency header parameter: review window and replay"],
                         {"idempotency": idem}))
    sections += [(["provenance: inferred (the format has no provenance key on envelopes)", *env_notes], {"envelopes": envs}),
                 ([], {"errors": errors}),
                 (drafter.notes, {"probes": drafter.probes} if drafter.probes else {})]
    return render(sections)
