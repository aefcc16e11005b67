"""Customer Verification reference API (KYC: customers, identity documents, verification).

Written from the API's "Error codes" reference (seed 003) and the facts in APIS.md only; no
other public source exists, so everything the seed does not say is a documented decision below.

Envelope
--------
``{"error": {"code", "message", "details", "field"}}`` (application/json): ``details`` is
always sent, ``field`` only on field errors; RATE_LIMIT_EXCEEDED adds ``retryAfter`` (seconds)
and the headers X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (unix time) and
Retry-After. Every response carries ``X-Request-Id`` (``req_`` + ULID).

=====  ==============================  ===========================================================
401    AUTHENTICATION_FAILED           Authorization missing, not Bearer, unknown/revoked key, bad JWT
401    TOKEN_EXPIRED                   a correctly signed JWT whose ``exp`` has passed
403    INSUFFICIENT_PERMISSIONS        a key/token without WRITE scope on a write operation
400    VALIDATION_ERROR                malformed JSON, non-object or non-JSON body, missing field
422    INVALID_FIELD_FORMAT            a present field of the wrong type or format (``field`` set)
422    INVALID_DOCUMENT_FORMAT         document not Base64, not JPG/PNG/PDF, or above 10 MB
404    RESOURCE_NOT_FOUND              unknown or malformed customer id, unknown route or method
409    RESOURCE_CONFLICT               customer UNDER_REVIEW modified; immutable field; idempotency
409    DUPLICATE_RESOURCE              a customer with this email exists (per account)
429    RATE_LIMIT_EXCEEDED             more than 300 requests per 60 s with one key
422    VERIFICATION_FAILED             verification submitted without an identity document
422    DOCUMENT_QUALITY_INSUFFICIENT   a JPG/PNG below 600 x 400 pixels
500    INTERNAL_SERVER_ERROR           only on unexpected exceptions (unreachable by design)
=====  ==============================  ===========================================================

Never sent: SERVICE_UNAVAILABLE (needs an outage), WEBHOOK_SIGNATURE_INVALID (checked by the
client that receives a webhook), WEBHOOK_DELIVERY_FAILED (webhook logs, not an API response).

Decisions where the seed is silent
----------------------------------
* **Auth**: "API key or JWT token", both as ``Authorization: Bearer <credential>``. API keys
  are ``cvk_`` + 32 hex; JWTs are HS256-signed by this server (claims ``sub``, ``scope``,
  ``exp``). A JWT whose signature does not verify fails authentication whatever its ``exp``
  (an expiry is only trusted once the signature is). Fixture credentials: ``primary`` (READ
  and WRITE), ``readonly`` (READ), ``revoked`` (a revoked key), ``expired`` (a signed JWT that
  expired), ``token`` (a signed, valid JWT), ``invalid``.
* **400 vs 422**: the status table says 400 for "Malformed JSON, missing required fields" and
  422 for "Invalid field values or format"; so a missing field is VALIDATION_ERROR (400) and a
  present field with a wrong value or JSON type (null included) is INVALID_FIELD_FORMAT (422).
* **Customers** ``POST /customers``: firstName, lastName (1-100 chars), email, dateOfBirth
  (YYYY-MM-DD, a real past date) required; phoneNumber (E.164), country (ISO 3166 alpha-2) and
  postalCode (checked against the country's format; country required with it) optional.
  Status starts at ``PENDING``.
* **Ids**: ``cus_`` / ``doc_`` + ULID. The seed's own example answers RESOURCE_NOT_FOUND for
  ``cus_invalid123``, so a malformed id is simply not found (no separate code exists).
* **Documents** ``POST /customers/{id}/documents`` ``{documentType, content}``: documentType in
  PASSPORT, ID_CARD, DRIVERS_LICENSE, PROOF_OF_ADDRESS; content Base64 of a JPG, PNG or PDF (by
  magic bytes), at most 10 MB decoded. An image below 600 x 400 pixels is
  DOCUMENT_QUALITY_INSUFFICIENT (the seed's "minimum 300 DPI" for an ID-1 card is ~1000 x 640;
  600 x 400 is a lenient floor). PDFs are not quality-checked.
* **Verification** ``POST /customers/{id}/verifications``: moves the customer to
  ``UNDER_REVIEW``; without any identity document (PASSPORT, ID_CARD, DRIVERS_LICENSE) it is
  VERIFICATION_FAILED ("Identity document could not be verified"). While UNDER_REVIEW, PATCH,
  document uploads and a second submission are RESOURCE_CONFLICT (sandbox reviews never end).
* **Immutable fields**: ``id``, ``status``, ``createdAt`` in a PATCH -> RESOURCE_CONFLICT.
* **Idempotency** (``Idempotency-Key`` on POST, optional): the same key and body replays the
  first response; a different body, or a second request while the first is in flight (create
  holds 150 ms when a key is sent), is RESOURCE_CONFLICT. Keys are scoped per account; only
  2xx outcomes consume a key.
* **Rate limit**: token bucket of 300 per 60 s per key (the seed's example header shows
  300 and Retry-After 60); ``REFERENCE_CUSTOMER_VERIFICATION_BURST`` etc. override. The
  fixture keys are provisioned with a raised limit (50 x 300/min) so the conformance suite can
  use them for hundreds of requests; minted keys have exactly the documented limit.
"""
from __future__ import annotations

from .app import CustomerVerification
from .auth import CREDENTIALS, FIXTURE_RATE_SHARDS, FixturePrincipal, mint_key, sign_jwt
from .checks import (CustomerVerificationEnvelope, bad_format, check_country, check_date_of_birth,
                     check_document, check_email, check_name, check_phone, check_postal_code, error,
                     image_size, not_found, now_iso, raw_id, required, validate_customer)
from .codes import (AUTH_FAILED, BASE, CODES_BY_STATUS, CONFLICT, COUNTRIES, DATE, DOC_FORMAT,
                    DOCUMENT_TYPES, DUPLICATE, E164, EMAIL, FIELD_FORMAT, FORBIDDEN, GENERIC_POSTAL,
                    IDENTITY_DOCUMENTS, IMMUTABLE, INTERNAL, MAX_DOCUMENT_BYTES, MIN_LONG_SIDE,
                    MIN_SHORT_SIDE, NAME, NOT_FOUND, POSTAL_CODES, QUALITY, RATE_LIMITED,
                    TOKEN_EXPIRED, VALIDATION, VERIFICATION_FAILED)

__all__ = [
    "NAME", "CREDENTIALS", "mint_key", "FAULTS", "OPENAPI", "build_app", "API",
    "CustomerVerification", "CustomerVerificationEnvelope", "FixturePrincipal",
    "FIXTURE_RATE_SHARDS", "sign_jwt", "BASE", "AUTH_FAILED", "TOKEN_EXPIRED", "FORBIDDEN",
    "VALIDATION", "FIELD_FORMAT", "DOC_FORMAT", "NOT_FOUND", "CONFLICT", "DUPLICATE",
    "RATE_LIMITED", "VERIFICATION_FAILED", "QUALITY", "INTERNAL", "CODES_BY_STATUS",
    "DOCUMENT_TYPES", "IDENTITY_DOCUMENTS", "MAX_DOCUMENT_BYTES", "MIN_LONG_SIDE",
    "MIN_SHORT_SIDE", "IMMUTABLE", "E164", "DATE", "EMAIL", "POSTAL_CODES", "COUNTRIES",
    "GENERIC_POSTAL", "error", "required", "bad_format", "not_found", "now_iso", "check_name",
    "check_email", "check_date_of_birth", "check_phone", "check_country", "check_postal_code",
    "validate_customer", "image_size", "check_document", "raw_id",
]


API = CustomerVerification()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
