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

import re
import secrets
import time
from typing import Any

from ._machinery import (ApiDefinition, ApiError, Ctx, Envelope, Fault, IdempotencyConfig,
                         Operation, Principal, RateLimitConfig, StateMachine, prefixed, ulid)
from ._machinery.body import BodyError

NAME = "flowbrite"

UNAUTHORIZED = "api.common.unauthorized"
FORBIDDEN = "api.common.forbidden"
REUSED_KEY = "api.common.reusedIdempotencyKey"
RATE_LIMITED = "api.common.rateLimitExceeded"
VALIDATION = "api.common.validationFailed"
INTERNAL = "api.common.internalServerError"
MISSING_KEY = "api.common.missingIdempotencyKey"
CODES_BY_STATUS = {400: (MISSING_KEY, VALIDATION), 401: (UNAUTHORIZED,), 403: (FORBIDDEN,),
                   409: (REUSED_KEY,), 429: (RATE_LIMITED,), 500: (INTERNAL,)}

IDEMPOTENCY_HEADER = "X-IDEMPOTENCY-KEY"
SIMULATE_HEADER = "X-Flowbrite-Simulate"
CURRENCIES = ("AUD", "CAD", "CHF", "EUR", "GBP", "JPY", "NZD", "SEK", "USD")
SANDBOX_BALANCE = 1_000_000
MAX_AMOUNT = 10 ** 12

# ---- credentials ----------------------------------------------------------------------
_MINTED = re.compile(r"^fbk_sandbox_[0-9a-f]{32}$")
_ALL = frozenset({"*"})
_READ = frozenset({"read:*"})
CREDENTIALS: dict[str, str] = {
    "primary": "fbk_sandbox_" + "0" * 31 + "1",
    "secondary": "fbk_sandbox_" + "0" * 31 + "2",
    "readonly": "fbk_sandbox_readonly_000000000000",  # read:* only -> 403 on POST
    "forbidden": "fbk_sandbox_noperms_0000000000000",  # no permission -> 403 everywhere
    "invalid": "fbk_sandbox_invalid_0000000000000",   # not a key -> 401
}
_FIXTURES = {CREDENTIALS["readonly"]: ("readonly", _READ),
             CREDENTIALS["forbidden"]: ("forbidden", frozenset())}


def mint_key() -> str:
    """A fresh valid key: own rate-limit bucket and own data (tenant)."""
    return "fbk_sandbox_" + secrets.token_hex(16)


# ---- envelope --------------------------------------------------------------------------
class FlowbriteEnvelope(Envelope):
    media_type = "application/json"
    status_path = ("error", "status")
    code_path = ("error", "code")
    message_path = ("error", "message")
    required_paths = (("error", "message"),)
    detail_paths = (("error", "validationErrors"),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        if err.status == 503 or err.code is None:
            return None
        inner: dict[str, Any] = {"status": err.status, "code": err.code, "message": err.message}
        if "validation_errors" in err.extras:
            inner["validationErrors"] = err.extras["validation_errors"]
        return {"error": inner}

    def success(self, data: Any) -> Any:
        return {"data": data}


def validation(*errors: dict) -> ApiError:
    return ApiError(VALIDATION, 400, "Validation failed", validation_errors=list(errors))


def verr(prop: str, message: str, attempted: Any) -> dict:
    return {"property": prop, "message": message, "attemptedValue": attempted}


# ---- field validation ------------------------------------------------------------------
_ID_BODY = re.compile(r"^[0-9A-Za-z]{20,40}$")
_ACCOUNT = re.compile(r"^[0-9A-Z]{6,34}$")


def check_id(prop: str, value: Any, prefix: str, errors: list[dict], required: bool = True) -> None:
    if value is None:
        if required:
            errors.append(verr(prop, f"'{prop}' must not be empty.", None))
        return
    if not isinstance(value, str):
        errors.append(verr(prop, f"'{prop}' must be a string.", value))
        return
    got = value.split("_", 1)[0] + "_" if "_" in value else ""
    if got != prefix:
        errors.append(verr(prop, "Supplied ID is not valid for this type of resource. "
                                 f"Expected '{prefix}', but got '{got}'", value))
    elif not _ID_BODY.match(value[len(prefix):]):
        errors.append(verr(prop, f"Supplied ID is malformed. Expected '{prefix}' followed by a ULID", value))


def check_string(prop: str, value: Any, errors: list[dict], *, min_len: int = 1, max_len: int,
                 required: bool = True) -> None:
    if value is None:
        if required:
            errors.append(verr(prop, f"'{prop}' must not be empty.", None))
        return
    if not isinstance(value, str):
        errors.append(verr(prop, f"'{prop}' must be a string.", value))
    elif len(value.strip()) < min_len:
        errors.append(verr(prop, f"'{prop}' must not be empty.", value))
    elif len(value) > max_len:
        errors.append(verr(prop, f"The length of '{prop}' must be {max_len} characters or fewer. "
                                 f"You entered {len(value)} characters.", value))


def check_currency(prop: str, value: Any, errors: list[dict]) -> None:
    if value is None:
        errors.append(verr(prop, f"'{prop}' must not be empty.", None))
    elif not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        errors.append(verr(prop, f"'{prop}' must be a three-letter upper-case ISO 4217 code.", value))
    elif value not in CURRENCIES:
        errors.append(verr(prop, f"'{prop}' must be one of: {', '.join(CURRENCIES)}.", value))


def check_amount(prop: str, value: Any, errors: list[dict]) -> None:
    if value is None:
        errors.append(verr(prop, f"'{prop}' must not be empty.", None))
    elif isinstance(value, bool) or not isinstance(value, int):
        errors.append(verr(prop, f"'{prop}' must be a positive integer amount in minor units.", value))
    elif value <= 0:
        errors.append(verr(prop, f"'{prop}' must be greater than '0'.", value))
    elif value > MAX_AMOUNT:
        errors.append(verr(prop, f"'{prop}' must be less than or equal to '{MAX_AMOUNT}'.", value))


def raise_if(errors: list[dict]) -> None:
    if errors:
        raise validation(*errors)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


TRANSFERS = StateMachine({"pending": {"processing", "cancelled", "failed"},
                          "processing": {"completed", "failed"}}, initial="pending")


# ---- the API ---------------------------------------------------------------------------
class Flowbrite(ApiDefinition):
    name = NAME
    title = "Flowbrite API"
    version = "1.0.0"
    envelope = FlowbriteEnvelope()
    request_id_header = "X-Correlation-Id"
    rate_limit = RateLimitConfig(capacity=180, refill_tokens=30, refill_seconds=10,
                                 env_prefix="REFERENCE_FLOWBRITE")
    idempotency = IdempotencyConfig(header=IDEMPOTENCY_HEADER, required=True, window=900,
                                    policy="reject")
    strict_content_type = False
    common_error_statuses = (401, 403, 429, 500, 503)
    credentials = CREDENTIALS

    faults = {
        "wrong-status": Fault("wrong-status", codes=(VALIDATION,), param=422,
                              affects=f"{VALIDATION} is sent with HTTP 422 (and body status 422) instead of 400"),
        "code-case": Fault("code-case", codes=(VALIDATION,), param="api.common.validationfailed",
                           affects=f"{VALIDATION} is sent as 'api.common.validationfailed' (lower-cased)"),
        "unknown-code": Fault("unknown-code", codes=(MISSING_KEY,), param="api.common.idempotencyKeyRequired",
                              affects=f"{MISSING_KEY} is replaced by the undocumented 'api.common.idempotencyKeyRequired'"),
        "missing-member": Fault("missing-member", param=(("error", "message"),),
                                affects="error.message is removed from every error body"),
        "wrong-media-type": Fault("wrong-media-type", param="text/plain",
                                  affects="every error body (JSON) is sent as text/plain instead of application/json"),
        "body-status-mismatch": Fault("body-status-mismatch",
                                      affects="error.status is 400 on every non-400 error and 422 on 400s"),
        "missing-header": Fault("missing-header", param=("X-Correlation-Id", "Retry-After"),
                                affects="X-Correlation-Id is missing on every error response; Retry-After is missing on 429"),
        "accept-invalid": Fault("accept-invalid", operations=("createWallet",),
                                affects="POST /v1/wallets skips field validation (name, currency): invalid bodies get 201"),
        "html-500": Fault("html-500",
                          affects="a malformed JSON body on any POST answers 500 text/html (nginx page) instead of 400 validationFailed"),
        "replay-ignored": Fault("replay-ignored",
                                affects=f"reusing {IDEMPOTENCY_HEADER} with the same body within 900 s creates a second "
                                        f"resource (201, new id) instead of 409 {REUSED_KEY}; a different body still gets 409"),
        "missing-detail-member": Fault("missing-detail-member", codes=(VALIDATION,),
                                       affects=f"error.validationErrors is removed from {VALIDATION} bodies"),
        "stack-trace": Fault("stack-trace", codes=(VALIDATION, INTERNAL),
                             affects=f"a Python traceback is appended to error.message of {VALIDATION} (and {INTERNAL})"),
        "sql-leak": Fault("sql-leak", codes=(VALIDATION, INTERNAL),
                          affects=f"a PostgreSQL driver error is appended to error.message of {VALIDATION} (and {INTERNAL})"),
    }

    def new_request_id(self) -> str:
        return ulid()

    # ---- hooks ----
    def pre_auth(self, ctx: Ctx) -> None:
        if ctx.request.headers.get(SIMULATE_HEADER, "").strip().lower() == "maintenance":
            raise ApiError(None, 503, "Service Unavailable")

    def authenticate(self, request) -> Principal:
        key = request.headers.get("x-api-key", "").strip()
        if key in _FIXTURES:
            name, perms = _FIXTURES[key]
            return Principal(key=key, tenant=key, permissions=perms, name=name)
        if _MINTED.match(key):
            name = next((n for n, k in CREDENTIALS.items() if k == key), "minted")
            return Principal(key=key, tenant=key, permissions=_ALL, name=name)
        raise ApiError(UNAUTHORIZED, 401, "You must be authenticated to access this endpoint.")

    def forbidden(self, ctx: Ctx, op: Operation) -> ApiError:
        return ApiError(FORBIDDEN, 403, f"You are missing the required permission: '{op.permission}' "
                                        "to access this endpoint.")

    def rate_limited(self, decision, ctx: Ctx) -> ApiError:
        return ApiError(RATE_LIMITED, 429, f"Rate limit exceeded. Please retry in {decision.retry_after} seconds",
                        headers={"Retry-After": str(decision.retry_after)})

    def missing_idempotency_key(self, ctx: Ctx) -> ApiError:
        return ApiError(MISSING_KEY, 400, f"The {IDEMPOTENCY_HEADER} header is required for this request.")

    def idempotency_reused(self, key: str, ctx: Ctx) -> ApiError:
        return ApiError(REUSED_KEY, 409, f"The {IDEMPOTENCY_HEADER} header value '{key}' has already been "
                                         "used in the last 900 seconds")

    idempotency_in_use = idempotency_reused
    idempotency_conflict = idempotency_reused

    def body_error(self, exc: BodyError, ctx: Ctx) -> ApiError:
        messages = {
            "malformed": f"The request body is not valid JSON: {exc.detail}.",
            "not_object": f"The request body must be a JSON object ({exc.detail}).",
            "content_type": "The request body must be JSON (Content-Type: application/json).",
            "empty": "A request body is required.",
        }
        return validation(verr("body", messages[exc.kind], exc.raw))

    def route_not_found(self, ctx: Ctx, method_not_allowed: bool) -> ApiError:
        req = ctx.request
        return ApiError(FORBIDDEN, 403, "You are missing the required permission to access this endpoint: "
                                        f"no operation '{req.method} {req.url.path}' is available to your API key.")

    def internal_error(self, exc, ctx: Ctx) -> ApiError:
        return ApiError(INTERNAL, 500, "An internal server error has occurred.")

    # ---- OpenAPI ----
    def openapi(self) -> dict:
        from ._machinery.openapi import build_document
        doc = build_document(
            self,
            security_scheme={"type": "apiKey", "in": "header", "name": "X-API-KEY"},
            success_wrapper=lambda s: {"type": "object", "required": ["data"], "properties": {"data": s}})
        doc["info"]["description"] += (
            f" Sandbox simulation: the request header '{SIMULATE_HEADER}: maintenance' answers 503 "
            "with no body on any route (not declared as a parameter so that generated requests do not "
            "trigger it).")
        doc["components"]["schemas"]["ValidationError"] = {
            "type": "object", "required": ["property", "message", "attemptedValue"],
            "properties": {"property": {"type": "string"}, "message": {"type": "string"},
                           "attemptedValue": {"nullable": True}}}
        return doc

    def openapi_error_response(self, status: int) -> dict:
        header = {"X-Correlation-Id": {"description": "ULID of the request",
                                       "schema": {"type": "string", "pattern": "^[0-9A-HJKMNP-TV-Z]{26}$"}}}
        if status == 503:
            return {"description": "Service Unavailable (no response body)", "headers": header}
        codes = CODES_BY_STATUS[status]
        inner = {"type": "object", "required": ["status", "code", "message"],
                 "properties": {"status": {"type": "integer", "enum": [status]},
                                "code": {"type": "string", "enum": list(codes)},
                                "message": {"type": "string"}}}
        if status == 400:
            inner["properties"]["validationErrors"] = {
                "type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}
        headers = dict(header)
        if status == 429:
            headers["Retry-After"] = {"description": "seconds", "required": True,
                                      "schema": {"type": "integer", "minimum": 0}}
        from ._machinery.openapi import REASONS
        return {"description": REASONS.get(status, "Error"), "headers": headers,
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error"], "properties": {"error": inner}}}}}

    # ---- operations ----
    def operations(self) -> list[Operation]:
        S = {"type": "string"}
        wallet_req = {"type": "object", "required": ["name", "currency"],
                      "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 100},
                                     "currency": {"type": "string", "enum": list(CURRENCIES)}}}
        ben_req = {"type": "object", "required": ["name", "currency", "accountNumber"],
                   "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 140},
                                  "currency": {"type": "string", "enum": list(CURRENCIES)},
                                  "accountNumber": {"type": "string", "pattern": "^[0-9A-Z]{6,34}$"},
                                  "type": {"type": "string", "enum": ["individual", "business"]}}}
        tr_req = {"type": "object", "required": ["walletId", "beneficiaryId", "amount", "currency"],
                  "properties": {"walletId": {"type": "string", "pattern": "^wal_"},
                                 "beneficiaryId": {"type": "string", "pattern": "^ben_"},
                                 "amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
                                 "currency": {"type": "string", "enum": list(CURRENCIES)},
                                 "reference": {"type": "string", "maxLength": 140}}}
        obj = {"type": "object", "properties": {"id": S}}
        ids = {"walletId": {"type": "string", "pattern": "^wal_[0-9A-Za-z]{20,40}$"},
               "beneficiaryId": {"type": "string", "pattern": "^ben_[0-9A-Za-z]{20,40}$"},
               "transferId": {"type": "string", "pattern": "^tfr_[0-9A-Za-z]{20,40}$"}}
        return [
            Operation("GET", "/v1/wallets", self.list_wallets, "listWallets", "List wallets",
                      permission="read:wallet", response_schema={"type": "array", "items": obj}),
            Operation("POST", "/v1/wallets", self.create_wallet, "createWallet", "Create a wallet",
                      permission="write:wallet", request_schema=wallet_req, response_schema=obj,
                      success_status=201),
            Operation("GET", "/v1/wallets/{walletId}", self.get_wallet, "getWallet", "Get a wallet",
                      permission="read:wallet", response_schema=obj, errors=(400,), path_schemas=ids),
            Operation("GET", "/v1/wallets/{walletId}/balances", self.list_balances, "listBalances",
                      "List a wallet's balances", permission="read:balance",
                      response_schema={"type": "array", "items": obj}, errors=(400,), path_schemas=ids),
            Operation("POST", "/v1/beneficiaries", self.create_beneficiary, "createBeneficiary",
                      "Create a beneficiary", permission="write:beneficiary", request_schema=ben_req,
                      response_schema=obj, success_status=201),
            Operation("GET", "/v1/beneficiaries/{beneficiaryId}", self.get_beneficiary, "getBeneficiary",
                      "Get a beneficiary", permission="read:beneficiary", response_schema=obj, errors=(400,), path_schemas=ids),
            Operation("POST", "/v1/transfers", self.create_transfer, "createTransfer", "Create a transfer",
                      permission="write:transfer", request_schema=tr_req, response_schema=obj,
                      success_status=201),
            Operation("GET", "/v1/transfers/{transferId}", self.get_transfer, "getTransfer", "Get a transfer",
                      permission="read:transfer", response_schema=obj, errors=(400,), path_schemas=ids),
            Operation("POST", "/v1/transfers/{transferId}/cancel", self.cancel_transfer, "cancelTransfer",
                      "Cancel a pending transfer", permission="write:transfer", response_schema=obj,
                      errors=(400,), path_schemas=ids),
        ]

    # ---- lookups ----
    def _find(self, ctx: Ctx, kind: str, prop: str, value: Any, prefix: str, label: str) -> dict:
        errors: list[dict] = []
        check_id(prop, value, prefix, errors)
        raise_if(errors)
        found = ctx.store.get(ctx.tenant, kind, value)
        if found is None:
            raise validation(verr(prop, f"{label} not found", value))
        return found

    # ---- handlers ----
    async def list_wallets(self, ctx: Ctx):
        return ctx.ok(ctx.store.list(ctx.tenant, "wallet"))

    async def create_wallet(self, ctx: Ctx):
        body = await ctx.json()
        name, currency = body.get("name"), body.get("currency")
        if not ctx.skip_validation:
            errors: list[dict] = []
            check_string("name", name, errors, max_len=100)
            check_currency("currency", currency, errors)
            raise_if(errors)
        wid = prefixed("wal")
        balance = {"id": prefixed("bal"), "walletId": wid, "currency": currency,
                   "available": SANDBOX_BALANCE, "pending": 0}
        wallet = {"id": wid, "name": name, "currency": currency, "status": "active",
                  "balanceId": balance["id"], "createdAt": now_iso()}
        ctx.store.put(ctx.tenant, "balance", balance["id"], balance)
        ctx.store.put(ctx.tenant, "wallet", wid, wallet)
        return ctx.ok(wallet, 201)

    async def get_wallet(self, ctx: Ctx):
        return ctx.ok(self._find(ctx, "wallet", "walletId", ctx.path_params["walletId"], "wal_", "Wallet"))

    async def list_balances(self, ctx: Ctx):
        wallet = self._find(ctx, "wallet", "walletId", ctx.path_params["walletId"], "wal_", "Wallet")
        return ctx.ok(ctx.store.list(ctx.tenant, "balance", lambda b: b["walletId"] == wallet["id"]))

    async def create_beneficiary(self, ctx: Ctx):
        body = await ctx.json()
        errors: list[dict] = []
        check_string("name", body.get("name"), errors, max_len=140)
        check_currency("currency", body.get("currency"), errors)
        acct = body.get("accountNumber")
        if acct is None:
            errors.append(verr("accountNumber", "'accountNumber' must not be empty.", None))
        elif not isinstance(acct, str) or not _ACCOUNT.match(acct):
            errors.append(verr("accountNumber", "'accountNumber' must be 6 to 34 upper-case letters or digits.", acct))
        btype = body.get("type", "individual")
        if btype not in ("individual", "business"):
            errors.append(verr("type", "'type' must be one of: individual, business.", btype))
        raise_if(errors)
        ben = {"id": prefixed("ben"), "name": body["name"], "currency": body["currency"],
               "accountNumber": acct, "type": btype, "createdAt": now_iso()}
        ctx.store.put(ctx.tenant, "beneficiary", ben["id"], ben)
        return ctx.ok(ben, 201)

    async def get_beneficiary(self, ctx: Ctx):
        return ctx.ok(self._find(ctx, "beneficiary", "beneficiaryId", ctx.path_params["beneficiaryId"],
                                 "ben_", "Beneficiary"))

    async def create_transfer(self, ctx: Ctx):
        body = await ctx.json()
        errors: list[dict] = []
        check_id("walletId", body.get("walletId"), "wal_", errors)
        check_id("beneficiaryId", body.get("beneficiaryId"), "ben_", errors)
        check_amount("amount", body.get("amount"), errors)
        check_currency("currency", body.get("currency"), errors)
        if "reference" in body:
            check_string("reference", body["reference"], errors, max_len=140)
        raise_if(errors)
        wallet = self._find(ctx, "wallet", "walletId", body["walletId"], "wal_", "Wallet")
        ben = self._find(ctx, "beneficiary", "beneficiaryId", body["beneficiaryId"], "ben_", "Beneficiary")
        currency, amount = body["currency"], body["amount"]
        if currency != wallet["currency"]:
            errors.append(verr("currency", f"Currency must match the wallet currency '{wallet['currency']}'.", currency))
        elif currency != ben["currency"]:
            errors.append(verr("currency", f"Currency must match the beneficiary currency '{ben['currency']}'.", currency))
        raise_if(errors)

        def debit(balance: dict) -> None:
            if balance["available"] < amount:
                raise validation(verr("amount", "Insufficient funds: the amount exceeds the available "
                                                f"balance of {balance['available']}.", amount))
            balance["available"] -= amount
            balance["pending"] += amount
        ctx.store.update(ctx.tenant, "balance", wallet["balanceId"], debit)
        transfer = {"id": prefixed("tfr"), "walletId": wallet["id"], "beneficiaryId": ben["id"],
                    "amount": amount, "currency": currency, "reference": body.get("reference"),
                    "status": TRANSFERS.initial, "createdAt": now_iso()}
        ctx.store.put(ctx.tenant, "transfer", transfer["id"], transfer)
        return ctx.ok(transfer, 201)

    async def get_transfer(self, ctx: Ctx):
        return ctx.ok(self._find(ctx, "transfer", "transferId", ctx.path_params["transferId"], "tfr_", "Transfer"))

    async def cancel_transfer(self, ctx: Ctx):
        tid = ctx.path_params["transferId"]
        transfer = self._find(ctx, "transfer", "transferId", tid, "tfr_", "Transfer")

        def invalid(current: str, target: str) -> ApiError:
            return validation(verr("transferId", f"Transfer cannot be cancelled in status '{current}'.", tid))
        updated = ctx.store.update(ctx.tenant, "transfer", tid,
                                   lambda t: TRANSFERS.transition(t, "cancelled", invalid))

        def refund(balance: dict) -> None:
            balance["available"] += transfer["amount"]
            balance["pending"] -= transfer["amount"]
        wallet = ctx.store.get(ctx.tenant, "wallet", transfer["walletId"])
        if wallet:
            ctx.store.update(ctx.tenant, "balance", wallet["balanceId"], refund)
        return ctx.ok(updated)


API = Flowbrite()
FAULTS = API.faults
OPENAPI = API.openapi


def build_app(*, fault: str | None = None):
    return API.build_app(fault=fault)
