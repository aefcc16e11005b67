"""Flireo reference API (voice calls, phone numbers, BYOK provider keys).

Written from Flireo's "Error codes" reference (seed 001) and the public facts in APIS.md only
(``Authorization: Bearer <key>``, base path ``/api/v1``, UUID ids, 100 requests/min per key,
10 call-control commands/min per active call, ``X-RateLimit-*`` and ``Retry-After`` headers).

Envelope
--------
Every error is ``{"error": {"code", "message", "param", "type"}}`` (application/json).
``param`` names the offending field (a body member, or ``id`` for a path id) and is ``null``
where no single field is at fault; ``type`` is the seed's category of the code:

==============  =====================================================================
authentication  unauthorized, api_key_expired, api_key_revoked
validation      invalid_request, missing_field, invalid_field, invalid_phone_number,
                invalid_uuid, invalid_url
resource        not_found, already_exists, conflict
billing         insufficient_credits, payment_required
rate_limit      rate_limit_exceeded, call_control_limit
provider        provider_error, provider_timeout, invalid_api_key
call            call_not_found, call_not_active, invalid_destination
==============  =====================================================================

Statuses (the seed has only a status table, so each choice is the row that fits best):
401 authentication codes; 400 invalid_request, missing_field, invalid_field,
invalid_phone_number, invalid_uuid, invalid_url ("Invalid request format or validation
error"); 422 invalid_destination, call_not_active, invalid_api_key ("Request understood but
cannot be processed"); 404 not_found, call_not_found; 409 already_exists, conflict;
402 insufficient_credits, payment_required; 429 rate_limit_exceeded, call_control_limit.

Surface (all under ``/api/v1``)
-------------------------------
``GET/POST /calls``, ``GET /calls/{id}``, ``POST /calls/{id}/hangup|speak|play``,
``GET/POST /phone-numbers``, ``GET/DELETE /phone-numbers/{id}``, ``GET/POST /byok``,
``DELETE /byok/{provider}``, ``GET /balance``; ``GET /openapi.json``.

Decisions where the seed is silent
----------------------------------
* **Auth**: a missing header, a scheme other than Bearer or an unknown key -> 401
  unauthorized; fixture keys ``expired`` / ``revoked`` -> api_key_expired / api_key_revoked.
  Every key is its own account (tenant).
* **Bodies**: malformed JSON, a non-object body, an empty body or a non-JSON Content-Type ->
  400 invalid_request (param null). A missing required member -> missing_field; a member of
  the wrong JSON type (including null), out of range or not an allowed value -> invalid_field.
* **Calls** (``to``, ``from`` required; ``webhook_url`` optional HTTPS URL; ``timeout``
  optional integer 5-120 s): a number that is not E.164 (``^\\+[1-9]\\d{1,14}$``) ->
  invalid_phone_number (param ``to``/``from``); an E.164-shaped ``to`` that is not a dialable
  number (unassigned country code, impossible length for the country) -> invalid_destination
  (param ``to``); a webhook_url that is not an absolute HTTPS URL -> invalid_url. An account
  with no credits -> 402 payment_required ("Add credits to make outbound calls").
  Sandbox calls are answered at once: a created call is ``in-progress`` until hung up
  (``completed``).
* **Call control** (hangup, speak ``{text, voice?}``, play ``{url, loop?}``): a malformed id ->
  invalid_uuid (param ``id``), an unknown one -> call_not_found; a command on an ended call
  -> call_not_active; the 11th command within a minute on one call -> 429 call_control_limit
  (token bucket of 10 per 60 s per call, with Retry-After and X-RateLimit-* of that bucket).
* **Phone numbers**: ``POST /phone-numbers`` buys ``{"phone_number": "+..."}`` (a specific
  number) or ``{"country": "NL"}`` (any free number of that country). A number this account
  already owns -> already_exists; one another account owns -> conflict; a purchase costs one
  credit: an account with no credits -> 402 insufficient_credits. An unknown id -> not_found.
* **BYOK** (``{"provider", "api_key"}``, providers openai, elevenlabs, deepgram):
  SANDBOX SIMULATION: the reference stands in for the upstream provider's key check; it
  accepts provider keys of the form ``sk-`` followed by 20-200 letters, digits, ``-`` or ``_``
  and rejects any other key with 422 invalid_api_key (param ``api_key``), as the provider
  would reject an invalid key. An unknown provider -> invalid_field (param ``provider``).
* **provider_error / provider_timeout** are never sent: they need a failing upstream provider
  and Flireo documents no sandbox value that simulates one.
* **Fixture keys** (primary, secondary, low_credits) have a raised rate limit (50 x 100/min)
  so the conformance suite can use them for hundreds of requests; minted keys (rate-limit
  probes) have exactly the documented 100 requests per minute.
* **Unknown routes and methods** (after authentication): 404 not_found (the seed has no 405).
* **Rate limit**: token bucket of 100 per 60 s per key (``REFERENCE_FLIREO_BURST`` /
  ``_REFILL_TOKENS`` / ``_REFILL_SECONDS`` override); 429 rate_limit_exceeded with
  Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (unix time).
* **500**: the seed lists no code for it; an unexpected exception answers
  ``internal_error`` (type ``api_error``), unreachable on a conforming server.
"""
from __future__ import annotations

from .app import Flireo
from .checks import (CALLS, FlireoEnvelope, check_e164, check_https_url, check_int, check_string,
                     check_uuid, dialable, error, invalid, missing, now_iso, require)
from .codes import (BASE, CODES_BY_STATUS, CONTROL_LIMIT, CONTROL_WINDOW, COUNTRIES, CREDENTIALS,
                    CREDITS, E164, FIXTURE_RATE_SHARDS, INTERNAL, NAME, NUMBER_PRICE, PROVIDER_KEY,
                    PROVIDERS, TYPE_OF, UUID, VALIDATION_CODES, VOICES, FixturePrincipal, mint_key)

__all__ = [
    "NAME", "CREDENTIALS", "mint_key", "FAULTS", "OPENAPI", "build_app", "API", "Flireo",
    "FlireoEnvelope", "FixturePrincipal", "BASE", "TYPE_OF", "VALIDATION_CODES", "INTERNAL",
    "CODES_BY_STATUS", "E164", "UUID", "PROVIDER_KEY", "PROVIDERS", "COUNTRIES", "VOICES",
    "CREDITS", "NUMBER_PRICE", "CONTROL_LIMIT", "CONTROL_WINDOW", "FIXTURE_RATE_SHARDS", "CALLS",
    "error", "missing", "invalid", "now_iso", "require", "check_string", "check_e164", "dialable",
    "check_https_url", "check_int", "check_uuid",
]


API = Flireo()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
