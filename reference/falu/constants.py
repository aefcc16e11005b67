"""Facts of the Falu surface that several modules share: the API version, the idempotency
header and its key rule, the framework problem titles and their ``type`` URIs.

Sources: Falu's "Error codes" page (https://docs.falu.io/error-codes) for ``DOCS`` and the
idempotency key rule; the faluapp/falu-openapi document (2024-06-01) for the version header;
the ASP.NET Core problem-details defaults (RFC 9110 section links) for the framework titles.
"""
from __future__ import annotations

import re

NAME = "falu"
API_VERSION = "2024-06-01"
DOCS = "https://docs.falu.io/error-codes#"
VALIDATION = "One or more validation errors occurred."
NOT_FOUND = "Not Found"
METHOD_NOT_ALLOWED = "Method Not Allowed"
UNSUPPORTED_MEDIA = "Unsupported Media Type"
INTERNAL_ERROR = "An error occurred while processing your request."
FRAMEWORK_TYPES = {
    VALIDATION: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
    NOT_FOUND: "https://tools.ietf.org/html/rfc9110#section-15.5.5",
    METHOD_NOT_ALLOWED: "https://tools.ietf.org/html/rfc9110#section-15.5.6",
    UNSUPPORTED_MEDIA: "https://tools.ietf.org/html/rfc9110#section-15.5.16",
    INTERNAL_ERROR: "https://tools.ietf.org/html/rfc9110#section-15.6.1",
}
IDEMPOTENCY_HEADER = "X-Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"^[a-zA-Z0-9\-_:]{2,128}$")
