"""The Customer Verification API's error codes, statuses and field rules (seed 003 and APIS.md)."""
from __future__ import annotations

import re

NAME = "customer-verification"
BASE = "/api/v1"

AUTH_FAILED = "AUTHENTICATION_FAILED"
TOKEN_EXPIRED = "TOKEN_EXPIRED"
FORBIDDEN = "INSUFFICIENT_PERMISSIONS"
VALIDATION = "VALIDATION_ERROR"
FIELD_FORMAT = "INVALID_FIELD_FORMAT"
DOC_FORMAT = "INVALID_DOCUMENT_FORMAT"
NOT_FOUND = "RESOURCE_NOT_FOUND"
CONFLICT = "RESOURCE_CONFLICT"
DUPLICATE = "DUPLICATE_RESOURCE"
RATE_LIMITED = "RATE_LIMIT_EXCEEDED"
VERIFICATION_FAILED = "VERIFICATION_FAILED"
QUALITY = "DOCUMENT_QUALITY_INSUFFICIENT"
INTERNAL = "INTERNAL_SERVER_ERROR"
CODES_BY_STATUS = {400: (VALIDATION,), 401: (AUTH_FAILED, TOKEN_EXPIRED), 403: (FORBIDDEN,),
                   404: (NOT_FOUND,), 409: (CONFLICT, DUPLICATE),
                   422: (FIELD_FORMAT, DOC_FORMAT, VERIFICATION_FAILED, QUALITY),
                   429: (RATE_LIMITED,), 500: (INTERNAL,)}

DOCUMENT_TYPES = ("PASSPORT", "ID_CARD", "DRIVERS_LICENSE", "PROOF_OF_ADDRESS")
IDENTITY_DOCUMENTS = ("PASSPORT", "ID_CARD", "DRIVERS_LICENSE")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MIN_LONG_SIDE, MIN_SHORT_SIDE = 600, 400
IMMUTABLE = ("id", "status", "createdAt")
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)"
                   rf"@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
POSTAL_CODES = {
    "US": r"[0-9]{5}(?:-[0-9]{4})?", "CA": r"[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]", "NL": r"[0-9]{4} ?[A-Z]{2}",
    "GB": r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", "DE": r"[0-9]{5}", "FR": r"[0-9]{5}",
    "BE": r"[0-9]{4}", "ES": r"[0-9]{5}", "IT": r"[0-9]{5}", "AU": r"[0-9]{4}", "IE": r"[A-Z0-9]{3} ?[A-Z0-9]{4}",
}
COUNTRIES = tuple(sorted(POSTAL_CODES))
GENERIC_POSTAL = r"[A-Z0-9][A-Z0-9 -]{1,9}"
