"""VoIPbin reference API (CPaaS: calls, groupcalls, flows, activeflows, recordings, numbers,
admin-only providers, trunks and routes).

Written from the VoIPbin "Error Reason Codes" page (seed 002), the envelope page
(restful_api.rst) and the real OpenAPI document of bin-api-manager (paths and request bodies),
plus the public bin-api-manager middleware (authentication order, frozen-account details,
per-customer rate limit with ``Retry-After`` and ``details[0].limited_by``).

Envelope
--------
Every error is ``application/json``::

    {"error": {"status": "<CANONICAL>", "reason": "<UPPER_SNAKE>", "message": "...",
               "request_id": "req_...", "details": [...]}}

``status`` names the HTTP status 1:1 (INVALID_ARGUMENT 400, UNAUTHENTICATED 401,
PAYMENT_REQUIRED 402, PERMISSION_DENIED 403, NOT_FOUND 404, FAILED_PRECONDITION 409,
RESOURCE_EXHAUSTED 429, INTERNAL 500, UNAVAILABLE 503); ``details`` is present only when
non-empty. Every response carries ``X-Request-Id`` (``req_`` + 26 base32 characters), the same
value as ``error.request_id``. Success bodies are the resource itself; lists are
``{"result": [...], "next_page_token": ""}``.

Reasons this server emits (and when)
------------------------------------
=====  ==============================  ===========================================================
400    INVALID_JSON_BODY               body not JSON (malformed, not an object, empty, non-JSON type)
400    INVALID_ID                      a path id or body id (flow_id, call_flow_id...) not 8-4-4-4-12 hex
400    INVALID_ARGUMENT                missing required member, wrong JSON type, value outside enum/format
401    AUTHENTICATION_REQUIRED         no Bearer token, token cookie/query or accesskey
401    INVALID_CREDENTIALS             token not signed by this server, expired, or unknown/expired access key
402    INSUFFICIENT_BALANCE            POST /numbers when the balance is below the number price
403    ACCOUNT_FROZEN                  frozen customer (details[0].recovery_endpoint = DELETE /auth/unregister)
403    PERMISSION_DENIED               non-admin on /providers, /trunks, /routes (and sub-paths)
403    DIRECT_ACCESS_NOT_SUPPORTED     an access key (?accesskey=) on a JWT-only endpoint (/contact_addresses)
403    IDENTITY_VERIFICATION_REQUIRED  POST /numbers type normal by a customer that is not verified
404    ROUTE_NOT_FOUND                 unknown path, or a method the path does not serve
404    RESOURCE_NOT_FOUND              unknown (or another customer's) id: calls, groupcalls, flows,
                                       activeflows, recordings, numbers, billing accounts, providers,
                                       trunks, routes, accesskeys
409    STATE_INVALID                   hangup of a hung-up call; recording_start with a recording
                                       active; recording_stop with none; any call action after hangup;
                                       DELETE /auth/unregister when the account is not frozen
429    RATE_LIMIT_EXCEEDED             per-customer token bucket empty; Retry-After; details[0].limited_by
500    INTERNAL                        only on unexpected exceptions (not reachable by design)
=====  ==============================  ===========================================================

The translator's substring fallback is modelled literally: the domain reasons of the seed
(CALL_NOT_FOUND, RECORDING_ALREADY_ACTIVE, ACTIVEFLOW_ALREADY_STOPPED, ...) are planned and never
emitted. Handlers raise "legacy" errors as plain strings (``LegacyError("call not found")``) and
:func:`translate` maps them exactly as the seed describes: "not found" -> RESOURCE_NOT_FOUND,
"already" / "not active" -> STATE_INVALID, "insufficient" -> INSUFFICIENT_BALANCE,
"identity verification required" -> IDENTITY_VERIFICATION_REQUIRED, "no permission" ->
PERMISSION_DENIED, "unavailable" -> SERVICE_UNAVAILABLE, anything else -> INTERNAL.
``POST /activeflows/{id}/stop`` is idempotent (a second stop answers 200), as the seed says.
REQUEST_TIMEOUT, REQUEST_CANCELED and SERVICE_UNAVAILABLE need an upstream failure and are
never produced by this single-process server.

Check order: route -> credential (401) -> frozen account (403) -> rate limit (429) ->
admin permission / direct access (403) -> path id (400 INVALID_ID) -> body (400) -> lookup
(404) -> state / billing / verification -> 2xx.

Decisions where the sources are silent (documented, not invented codes)
-----------------------------------------------------------------------
* **Tokens** are HS256 JWTs signed by this server; the customer's attributes (admin,
  identity verification, balance, frozen) ride in the claims. Any other Bearer value is
  INVALID_CREDENTIALS; an ``Authorization`` header without ``Bearer `` counts as no token
  (as the public middleware does). Access keys (``vb_...``) are created by
  ``POST /accesskeys`` and sent as ``?accesskey=``.
* **Ids** must be canonical 8-4-4-4-12 hex UUIDs (any case); brace, URN and hyphen-less forms
  are INVALID_ID (the seed's form). An empty last path segment (``/calls/``) is an empty id.
* **Numbers**: ``number`` must be E.164; ``type`` is ``normal`` (default) or ``virtual``;
  prices 5.00 (normal) and 1.00 (virtual) are checked against the balance but not charged,
  so fixtures never run dry. Verification is checked before the balance.
* **Rate limit**: 100 requests burst, refilled at 50 per second, per customer (access keys
  share their customer's bucket). Override with ``REFERENCE_VOIPBIN_BURST``,
  ``REFERENCE_VOIPBIN_REFILL_TOKENS``, ``REFERENCE_VOIPBIN_REFILL_SECONDS``.
* **Login**: ``POST /auth/login`` with ``{"username": "primary@voipbin.example",
  "password": "conformance-password"}`` returns a fresh token of the primary customer.
* **Unregister**: ``POST /auth/unregister`` (``password`` or ``confirmation_phrase`` "DELETE",
  exactly one) freezes the caller's account; ``DELETE /auth/unregister`` restores it. Both are
  allowed for frozen accounts (the recovery path).
* The client-supplied ``X-Request-Id`` is not echoed (the shared machinery always generates one).
"""
from __future__ import annotations

from .app import Voipbin
from .checks import (check_actions, check_address, is_uuid, listing, optional_id, optional_int,
                     path_id, require_str, route_not_found)
from .codes import (ACTION_TYPES, ADDRESS_TYPES, BASE, CANONICAL_BY_HTTP, CANONICAL_STATUS, NAME,
                    NUMBER_PRICE, RECOVERY_ENDPOINT, LegacyError, VoipbinEnvelope, err,
                    invalid_argument, invalid_id, translate)
from .tokens import CREDENTIALS, LOGIN, customer_claims, mint_key, now_iso, sign, verify

__all__ = [
    "NAME", "CREDENTIALS", "mint_key", "FAULTS", "OPENAPI", "build_app", "API", "Voipbin",
    "VoipbinEnvelope", "BASE", "CANONICAL_STATUS", "CANONICAL_BY_HTTP", "RECOVERY_ENDPOINT",
    "NUMBER_PRICE", "ADDRESS_TYPES", "ACTION_TYPES", "LOGIN", "LegacyError", "err",
    "invalid_argument", "invalid_id", "translate", "sign", "verify", "customer_claims", "now_iso",
    "is_uuid", "path_id", "route_not_found", "require_str", "optional_id", "optional_int",
    "check_actions", "check_address", "listing",
]


API = Voipbin()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
