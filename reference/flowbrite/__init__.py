"""Flowbrite reference API (payments: wallets, balances, beneficiaries, transfers).

Written from Flowbrite's public error guide (seed 004) and the public facts in APIS.md only.

Surface
-------
``X-API-KEY`` authenticates; success bodies are ``{"data": ...}``; every error body is
``{"error": {"status", "code", "message"}}`` plus ``validationErrors`` (``property``,
``message``, ``attemptedValue``) on ``api.common.validationFailed``; 503 has no body.
Every response carries ``X-Correlation-Id`` (a ULID). The seven documented codes:

=====  ================================  ==================================================
400    api.common.validationFailed       invalid input (see decisions below)
400    api.common.missingIdempotencyKey  POST without (or with an empty) X-IDEMPOTENCY-KEY
401    api.common.unauthorized           X-API-KEY missing or not a valid key
403    api.common.forbidden              the key lacks the operation's permission
409    api.common.reusedIdempotencyKey   X-IDEMPOTENCY-KEY reused within 900 s
429    api.common.rateLimitExceeded      token bucket empty (burst 180, +30 per 10 s); Retry-After
500    api.common.internalServerError    only on unexpected exceptions (none reachable by design)
503    (no body)                         ``X-Flowbrite-Simulate: maintenance`` (sandbox header)
=====  ================================  ==================================================

Check order: simulation header (503) -> X-API-KEY (401) -> rate limit (429) -> permission
(403) -> idempotency key present (400 missingIdempotencyKey) -> key reuse (409) -> body and
fields (400 validationFailed) -> 2xx.

Decisions where the seed is silent (documented, not invented codes)
---------------------------------------------------------------------
* **Unknown ids**: the seed has no not-found code, so a well-formed id that does not exist
  (or belongs to another API key: every key is its own tenant) is a validation error:
  400 ``api.common.validationFailed`` with ``property`` = the id's name (``walletId``,
  ``beneficiaryId``, ``transferId``), ``message`` "Wallet not found" (etc.) and the id as
  ``attemptedValue``. The same holds for path parameters.
* **Wrong prefix**: "Supplied ID is not valid for this type of resource. Expected 'wal_', but
  got 'bal_'" (the seed's message); an id with no ``xxx_`` prefix reports ``got ''``.
* **Malformed JSON body / non-object body / non-JSON Content-Type / empty body**: 400
  ``api.common.validationFailed`` with one validation error on ``property`` "body"; the
  ``attemptedValue`` is the (truncated) raw text.
* **Unknown routes and methods** (after authentication): 403 ``api.common.forbidden`` -
  Flowbrite's X-API-KEY surface is an API-gateway one, and gateways answer unknown resources
  with 403; no 404 code exists in the seed.
* **validationErrors** appear only with ``api.common.validationFailed`` (the seed: "In this
  instance the error object will also include a validationErrors array"), never with
  ``missingIdempotencyKey``.
* **Idempotency**: keys are scoped per API key; Flowbrite documents ANY reuse within 900 s as
  409 (no replay, whatever the body). A key is consumed only by a request that succeeded
  (2xx); a request rejected with 4xx can be retried with the same key.
* **Rate limit**: burst 180, refill 30 tokens / 10 s per API key (so ``Retry-After`` is
  normally 1). Override with ``REFERENCE_FLOWBRITE_BURST``, ``REFERENCE_FLOWBRITE_REFILL_TOKENS``,
  ``REFERENCE_FLOWBRITE_REFILL_SECONDS`` (read when the app is built).
* **Amounts** are positive integers in minor units (max 10^12); wallets start with a sandbox
  available balance of 1 000 000 minor units; a transfer above it is a validation error on
  ``amount``. Transfer ids use ``tfr_`` (the seed lists no transfer prefix).
* **Queue**: the documented queue of 60 is not modelled: requests beyond the bucket are
  rejected at once with 429.
* **500**: not reachable on a conforming server (only unexpected exceptions); the
  ``stack-trace``, ``sql-leak`` and ``html-500`` faults exercise it.

Sandbox simulation header: ``X-Flowbrite-Simulate: maintenance`` answers 503 with no body on
any route, before authentication (the payment provider "in maintenance").
"""
from __future__ import annotations

from .app import Flowbrite
from .checks import (TRANSFERS, FlowbriteEnvelope, check_amount, check_currency, check_id,
                     check_string, now_iso, raise_if, validation, verr)
from .codes import (CODES_BY_STATUS, CREDENTIALS, CURRENCIES, FORBIDDEN, IDEMPOTENCY_HEADER,
                    INTERNAL, MAX_AMOUNT, MISSING_KEY, NAME, RATE_LIMITED, REUSED_KEY,
                    SANDBOX_BALANCE, SIMULATE_HEADER, UNAUTHORIZED, VALIDATION, mint_key)

__all__ = [
    "NAME", "CREDENTIALS", "mint_key", "FAULTS", "OPENAPI", "build_app", "API", "Flowbrite",
    "FlowbriteEnvelope", "CODES_BY_STATUS", "FORBIDDEN", "IDEMPOTENCY_HEADER", "INTERNAL",
    "MISSING_KEY", "RATE_LIMITED", "REUSED_KEY", "UNAUTHORIZED", "VALIDATION", "CURRENCIES",
    "MAX_AMOUNT", "SANDBOX_BALANCE", "SIMULATE_HEADER", "TRANSFERS", "check_amount",
    "check_currency", "check_id", "check_string", "now_iso", "raise_if", "validation", "verr",
]


API = Flowbrite()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
