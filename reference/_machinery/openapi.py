"""Generic OpenAPI 3.0 document builder from an ApiDefinition's operations."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .api import ApiDefinition

_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")

REASONS = {400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
           415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def build_document(api: "ApiDefinition", *, security_scheme: dict | None = None,
                   extra_headers: list[dict] | None = None,
                   success_wrapper=None) -> dict:
    """Paths from ``api.operations()``; error responses from ``api.openapi_error_response``.

    Each operation declares ``api.common_error_statuses`` (authenticated ops), its own
    ``op.errors``, 400 when it has a request body or idempotency key, and 409 when idempotent.
    ``success_wrapper(schema)`` wraps the success schema (e.g. in ``{"data": ...}``).
    """
    paths: dict = {}
    idem = api.idempotency
    for op in api.operations():
        oas_path = _PARAM.sub(r"{\1}", op.path)
        params = [{"name": n, "in": "path", "required": True,
                   "schema": dict(op.path_schemas.get(n, {"type": "string"}))}
                  for n in _PARAM.findall(op.path)]
        statuses = set(op.errors)
        if op.authenticated:
            statuses |= set(api.common_error_statuses)
        if op.side_effects and idem is not None:
            params.append({"name": idem.header, "in": "header", "required": idem.required,
                           "schema": {"type": "string", "minLength": 1}})
            statuses |= {400, 409}
        if op.request_schema is not None:
            statuses.add(400)
        params.extend(extra_headers or [])
        schema = op.response_schema or {"type": "object"}
        if success_wrapper is not None:
            schema = success_wrapper(schema)
        responses = {str(op.success_status): {
            "description": REASONS.get(op.success_status, "Success"),
            "content": {"application/json": {"schema": schema}}}}
        if api.request_id_header:
            responses[str(op.success_status)]["headers"] = {api.request_id_header: {
                "description": "request id", "schema": {"type": "string"}}}
        for status in sorted(statuses):
            responses[str(status)] = api.openapi_error_response(status)
        operation = {"operationId": op.operation_id, "summary": op.summary or op.operation_id,
                     "parameters": params, "responses": responses}
        if op.request_schema is not None:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": op.request_schema}}}
        if not op.authenticated:
            operation["security"] = []
        paths.setdefault(oas_path, {})[op.method.lower()] = operation
    doc = {
        "openapi": "3.0.3",
        "info": {"title": api.title, "version": api.version,
                 "description": f"Reference implementation of {api.title} (embedded test server)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": {}, "securitySchemes": {}},
    }
    if security_scheme:
        doc["components"]["securitySchemes"]["apiKey"] = security_scheme
        doc["security"] = [{"apiKey": []}]
    return doc
