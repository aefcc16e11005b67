"""Falu reference API (payments, messaging, identity verification, files, terminal, visits).

Written from Falu's "Error codes" page (seed 000) and the public facts in APIS.md (the
faluapp/falu-openapi document, API version 2024-06-01); it reads no catalog.

Surface
-------
``Authorization: Bearer <key>``; ``X-Falu-Version: 2024-06-01`` is required on every operation;
``X-Idempotency-Key`` (``^[a-zA-Z0-9-_:]{2,128}$``) on POST. Success bodies are the bare
objects (lists are JSON arrays). Every response carries ``X-Request-Id`` (``req_...``) and
``X-Trace-Id`` (W3C trace context id).

Errors are problem details (``application/problem+json``)::

    {"type": "https://docs.falu.io/error-codes#<code>", "title": "<code>", "status": 400,
     "detail": "...", "instance": "/v1/...", "traceId": "<X-Trace-Id>"}

Falu's own codes are all sent with 400 (the spec attaches every code to 400), except
``file_expired`` on ``GET /v1/files/{id}/contents``, which the spec answers with 410.
Framework problems keep the ASP.NET Core defaults: validation (missing/malformed fields,
headers, malformed JSON) -> 400 ``"One or more validation errors occurred."`` with ``errors``
(member -> [messages]) and type ``https://tools.ietf.org/html/rfc9110#section-15.5.1``;
unknown route -> 404 ``"Not Found"``; wrong method -> 405 ``"Method Not Allowed"``; a body
that is not ``application/json`` -> 415 ``"Unsupported Media Type"``.
401 has no body, only ``WWW-Authenticate: ApiKey error="invalid_token"``; 403 and 429 have no
body (429 carries ``Retry-After``).

Check order: authentication (401) -> rate limit (429, before the idempotency layer) ->
scope of temporary keys (403) -> workspace state (400 invalid_workspace_state) ->
X-Falu-Version (400 validation) -> idempotency key -> body and fields -> lookups -> state.

Decisions where the sources are silent (documented here, not invented codes)
---------------------------------------------------------------------------
* **Credentials** (:data:`CREDENTIALS`): ``primary`` (test key, every feature), ``expired``
  (temporary key past expiry) and ``revoked`` (rolled secret key) -> 401; ``temporary`` (a
  valid temporary key: only ``GET /v1/identity/verifications/{id}``) -> 403 elsewhere;
  ``suspended`` (live key of a suspended workspace) -> ``invalid_workspace_state``;
  ``features_disabled`` (no identity feature) -> ``features_disabled`` on identity creates;
  ``unconfigured`` (no M-Pesa settings) -> ``invalid_settings`` on payments and transfers.
  ``mint_key()`` returns ``sk_test_<32 hex>``: a fresh workspace with its own data and bucket.
* **Rate limit** per key (token bucket, no public figure): burst 100, +100 per 10 s, so a
  burst with a fresh key hits 429 after ~100 requests (a fraction of a second on loopback).
  ``REFERENCE_FALU_BURST`` / ``REFERENCE_FALU_REFILL_TOKENS`` / ``REFERENCE_FALU_REFILL_SECONDS``
  override it. Fixture keys share their bucket across tests: tests that send many requests
  should use ``mint_key()``.
* **Idempotency**: same key + same request -> the original response replayed; a different body
  -> ``idempotency_error``; a key still in flight -> ``idempotency_key_in_use`` (creates of
  customers, payments, transfers, messages and batches hold 150 ms once validated).
  Only 2xx outcomes consume a key.
* **Unknown ids** (any shape) are the resource's ``*_not_found`` code with 400, on GET too.
* **Balance**: each workspace starts with 10,000,000 (minor units, KES); a transfer above the
  available balance is ``insufficient_balance``.
* **States**: messages without ``schedule`` are ``sent`` at once (cancel ->
  ``message_cannot_be_cancelled``); scheduled ones stay ``accepted`` (redact ->
  ``object_cannot_be_redacted``). Message redaction completes at once; message batch redaction
  runs for 2 s (a second redact meanwhile -> ``object_redaction_in_progress``). Payments are
  ``pending`` (refund -> ``payment_cannot_be_refunded``) except from the test number
  ``+254700000000``, which succeed at once (refundable once). Transfers stay ``pending``
  (reversal -> ``transfer_cannot_be_reversed``). Alphanumeric senders are ``pending`` approval
  and cannot be updated or deleted. The first stream (``transactional``) and the first terminal
  configuration of a workspace are defaults that cannot be updated or deleted. A terminal
  location used by a configuration, and a visitor or destination of an open visit, cannot be
  deleted. A file whose ``expires`` is in the past is purged at once (``file_expired``); a link
  whose ``expires`` is in the past cannot be updated.
* **Terminal devices**: activation tokens come from physical devices, so every token this
  server sees is ``terminal_device_activation_token_invalid``; there are no devices.
* **Surface outside the 2024-06-01 spec** (terminal, visits): paths inferred
  (``/v1/terminal/...``, ``/v1/visitor_destinations``, ``/v1/visitors``, ``/v1/visits``).

Layout
------
* ``routes.py``: the route table, data only (method, path, operation id, handler, codes);
* ``operations.py``: the table turned into operations; ``api.py``: the API definition and the
  hooks in the check order above; ``openapi.py``: the served document;
* ``credentials.py``: keys and authentication; ``faults.py``: what each fault kind changes;
* ``problems.py``: the problem-details envelope and ``X-Trace-Id``; ``validation.py``: field
  rules; ``multipart.py``: uploads; ``resources.py``: lookups, store, strict JSON bodies;
* ``handlers/``: one module per domain.
"""
from __future__ import annotations

from .api import Falu
from .constants import API_VERSION, NAME
from .credentials import CREDENTIALS, mint_key

__all__ = ["NAME", "API_VERSION", "API", "Falu", "CREDENTIALS", "mint_key", "FAULTS", "OPENAPI",
           "build_app"]

API = Falu()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
