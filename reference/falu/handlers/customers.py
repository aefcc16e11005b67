"""Customers (``/v1/billing/customers``): create and update with the field rules of the
2024-06-01 spec (RFC 5322 e-mail, E.164 phone); ``customer_not_found`` and ``object_redacted``
as the "Error codes" page names them (https://docs.falu.io/error-codes).
"""
from __future__ import annotations

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, emit, find, hold, put, read_json, redacted
from ..validation import EMAIL, check_metadata, check_phone, check_string, is_str


def _customer_errors(body: dict) -> Errors:
    errors = Errors()
    check_string(errors, "name", body.get("name"), max_len=200)
    email = body.get("email")
    if email is not None and (not is_str(email) or len(email) > 254 or not EMAIL.fullmatch(email)
                              or len(email.rsplit("@", 1)[0]) > 64):
        errors.add("email", "The email field is not a valid e-mail address.")
    check_phone(errors, "phone", body.get("phone"))
    check_string(errors, "description", body.get("description"), max_len=500)
    check_metadata(errors, body.get("metadata"))
    return errors


async def create_customer(ctx: Ctx):
    body = await read_json(ctx)
    if not ctx.skip_validation:
        _customer_errors(body).raise_if()
    await hold(ctx)
    cust = base("cust", "customer", body, name=body.get("name"), email=body.get("email"),
                     phone=body.get("phone"))
    put(ctx, "customer", cust)
    emit(ctx, "customer.created", cust)
    return ctx.ok(cust)


async def update_customer(ctx: Ctx):
    body = await read_json(ctx)
    _customer_errors(body).raise_if()
    cust = find(ctx, "customer", ctx.path_params["id"])
    if redacted(cust):
        raise problem("object_redacted", "The customer has been redacted and cannot be updated.")
    return ctx.ok(apply(ctx, "customer", cust, body, ("name", "email", "phone", "description", "metadata")))
