"""Flowbrite's handlers (wallets, balances, beneficiaries, transfers), a mixin of the API class.

Unknown or foreign ids are validation errors on the id's property: the seed (004) has no
not-found code."""
from __future__ import annotations

from typing import Any

from .._machinery import ApiError, Ctx, prefixed
from .checks import (TRANSFERS, _ACCOUNT, check_amount, check_currency, check_id, check_string,
                     now_iso, raise_if, validation, verr)
from .codes import SANDBOX_BALANCE


class Handlers:
    """The operation handlers; mixed into :class:`~.app.Flowbrite`, which routes to them."""

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
