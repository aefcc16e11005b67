"""The OpenAPI document the Falu reference serves at ``/openapi.json``: the generic document
plus what the faluapp/falu-openapi document (2024-06-01) says differently: the required
``X-Falu-Version`` header, bearer keys, multipart uploads and binary downloads, 401/403/429
without a body, ``ProblemDetails`` error bodies and each operation's ``x-error-codes`` (the
codes of https://docs.falu.io/error-codes it can answer with).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .._machinery.openapi import REASONS, build_document
from .constants import API_VERSION
from .validation import FILE_PURPOSES

if TYPE_CHECKING:  # pragma: no cover
    from .api import Falu


def document(api: "Falu") -> dict:
    version_header = {"name": "X-Falu-Version", "in": "header", "required": True,
                      "schema": {"type": "string", "enum": [API_VERSION]}}
    doc = build_document(api, security_scheme={"type": "http", "scheme": "bearer"},
                         extra_headers=[version_header])
    codes = {op.operation_id: getattr(op, "x_error_codes", ()) for op in api.operations()}
    for item in doc["paths"].values():
        for operation in item.values():
            # Falu answers idempotency conflicts with 400 (idempotency_error), never 409
            operation["responses"].pop("409", None)
            if operation["operationId"] == "files-create":
                operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file", "purpose"],
                    "properties": {"file": {"type": "string", "format": "binary"},
                                   "purpose": {"type": "string", "enum": list(FILE_PURPOSES)},
                                   "expires": {"type": "string", "format": "date-time"}}}}}}
                operation["responses"]["415"] = error_response(415)
            if operation["operationId"] == "files-contents":
                operation["responses"]["200"]["content"] = {
                    "*/*": {"schema": {"type": "string", "format": "binary"}}}
                operation["responses"]["410"] = error_response(410)
            listed = codes.get(operation["operationId"], ())
            if listed:
                operation["x-error-codes"] = list(listed)
    doc["components"]["schemas"]["ProblemDetails"] = {
        "type": "object", "required": ["type", "title", "status", "traceId"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                       "status": {"type": "integer"}, "detail": {"type": "string"},
                       "instance": {"type": "string"}, "traceId": {"type": "string"},
                       "errors": {"type": "object", "additionalProperties": {
                           "type": "array", "items": {"type": "string"}}}}}
    doc["info"]["description"] = ("Reference implementation of the Falu API (embedded test server); "
                                  "paths follow faluapp/falu-openapi where they exist there.")
    return doc


def error_response(status: int) -> dict:
    headers = {"X-Request-Id": {"schema": {"type": "string", "pattern": "^req_"}},
               "X-Trace-Id": {"schema": {"type": "string"}}}
    if status == 401:
        headers["WWW-Authenticate"] = {"schema": {"type": "string"},
                                       "example": 'ApiKey error="invalid_token"'}
        return {"description": "The request is not authenticated (no body)", "headers": headers}
    if status == 403:
        return {"description": "Forbidden (no body)", "headers": headers}
    if status == 429:
        headers["Retry-After"] = {"required": True, "schema": {"type": "integer", "minimum": 1}}
        return {"description": "Too many requests (no body)", "headers": headers}
    return {"description": REASONS.get(status, "Error"), "headers": headers,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
