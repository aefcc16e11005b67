"""Money (``/v1/money_balances``, ``/v1/payments``, ``/v1/payment_refunds``,
``/v1/payment_authorizations``, ``/v1/transfers``, ``/v1/transfer_reversals``); codes from
https://docs.falu.io/error-codes.

Each workspace starts with 10,000,000 (minor units, KES): a transfer above the available
balance is ``insufficient_balance``. Payments are ``pending`` (refund ->
``payment_cannot_be_refunded``) except from the test number ``+254700000000``, which succeed at
once (refundable once). Transfers stay ``pending`` (reversal -> ``transfer_cannot_be_reversed``).
A workspace without M-Pesa settings gets ``invalid_settings``.
"""
from __future__ import annotations

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import base, emit, ensure_defaults, find, hold, put, read_json
from ..validation import (CURRENCIES, REFERENCE, REFUND_REASONS, TRANSFER_PURPOSES, check_amount, check_enum,
                          check_metadata, check_object, check_phone, check_string, is_str)

TEST_SUCCESS_PHONE = "+254700000000"  # payments from it succeed at once


async def money_balances(ctx: Ctx):
    ensure_defaults(ctx)
    return ctx.ok(ctx.store.get(ctx.tenant, "money_balance", "balance"))


def _money_errors(body: dict) -> Errors:
    errors = Errors()
    check_amount(errors, "amount", body.get("amount"))
    currency = body.get("currency")
    if currency is None:
        errors.add("currency", "The currency field is required.")
    elif not is_str(currency) or currency.lower() not in CURRENCIES:
        errors.add("currency", f"The currency '{currency}' is not supported; use kes.")
    check_string(errors, "description", body.get("description"), max_len=500)
    check_metadata(errors, body.get("metadata"))
    return errors


async def create_payment(ctx: Ctx):
    body = await read_json(ctx)
    errors = _money_errors(body)
    mpesa = body.get("mpesa")
    if check_object(errors, "mpesa", mpesa, required=True):
        check_phone(errors, "mpesa.phone", mpesa.get("phone"), required=True)
        check_string(errors, "mpesa.reference", mpesa.get("reference"), required=True, pattern=REFERENCE)
    errors.raise_if()
    if ctx.principal.attrs.get("no_mpesa"):
        raise problem("invalid_settings", "The workspace's M-Pesa settings are missing or incomplete.")
    await hold(ctx)
    status = "succeeded" if mpesa["phone"] == TEST_SUCCESS_PHONE else "pending"
    pay = base("pa", "payment", body, amount=body["amount"], currency=body["currency"].lower(),
                    status=status, refunded=False, mpesa={"phone": mpesa["phone"], "reference": mpesa["reference"]})
    put(ctx, "payment", pay)
    emit(ctx, f"payment.{status}", pay)
    return ctx.ok(pay)


async def create_refund(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "payment", body.get("payment"), required=True, min_len=1)
    check_enum(errors, "reason", body.get("reason"), REFUND_REASONS)
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    pay = find(ctx, "payment", body["payment"])
    if pay["status"] != "succeeded" or pay.get("refunded"):
        state = "already refunded" if pay.get("refunded") else f"'{pay['status']}'"
        raise problem("payment_cannot_be_refunded", f"The payment is {state} and cannot be refunded.")
    ctx.store.update(ctx.tenant, "payment", pay["id"], lambda o: o.update(refunded=True))
    refund = base("pr", "payment_refund", body, payment=pay["id"], amount=pay["amount"],
                       currency=pay["currency"], reason=body["reason"], status="pending")
    return ctx.ok(put(ctx, "payment_refund", refund))


async def decide_authorization(ctx: Ctx):
    auth = find(ctx, "payment_authorization", ctx.path_params["id"])
    if auth.get("status") != "pending":
        raise problem("payment_authorization_closed", "The payment authorization is closed.")
    return ctx.ok(auth)  # pragma: no cover - no public operation creates authorizations


async def create_transfer(ctx: Ctx):
    body = await read_json(ctx)
    errors = _money_errors(body)
    check_enum(errors, "purpose", body.get("purpose"), TRANSFER_PURPOSES)
    mpesa = body.get("mpesa")
    if check_object(errors, "mpesa", mpesa, required=True):
        customer, business = mpesa.get("customer"), mpesa.get("business")
        if customer is None and business is None:
            errors.add("mpesa", "One of customer or business is required.")
        if check_object(errors, "mpesa.customer", customer):
            check_phone(errors, "mpesa.customer.phone", customer.get("phone"), required=True)
        check_object(errors, "mpesa.business", business)
    errors.raise_if()
    if ctx.principal.attrs.get("no_mpesa"):
        raise problem("invalid_settings", "The workspace's M-Pesa settings are missing or incomplete.")
    ensure_defaults(ctx)
    amount = body["amount"]

    def debit(balance: dict) -> None:
        available = balance["mpesa"]["kes"]
        if available < amount:
            raise problem("insufficient_balance",
                          f"The amount {amount} exceeds the available balance of {available} (kes).")
        balance["mpesa"]["kes"] = available - amount
    ctx.store.update(ctx.tenant, "money_balance", "balance", debit)
    await hold(ctx)
    tr = base("tr", "transfer", body, amount=amount, currency=body["currency"].lower(),
                   purpose=body["purpose"], status="pending")
    put(ctx, "transfer", tr)
    emit(ctx, "transfer.created", tr)
    return ctx.ok(tr)


async def create_reversal(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "transfer", body.get("transfer"), required=True, min_len=1)
    check_enum(errors, "reason", body.get("reason"), REFUND_REASONS)
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    tr = find(ctx, "transfer", body["transfer"])
    if tr["status"] != "succeeded" or tr.get("reversed"):
        raise problem("transfer_cannot_be_reversed",
                      f"The transfer is '{tr['status']}' and cannot be reversed.")
    rev = base("trr", "transfer_reversal", body, transfer=tr["id"], reason=body["reason"],
                    status="pending")  # pragma: no cover - transfers never succeed here
    return ctx.ok(put(ctx, "transfer_reversal", rev))  # pragma: no cover
