"""Identity verifications (``/v1/identity/verifications``): ``features_disabled`` for a
workspace without the identity feature, and the ``input_required`` state outside which a
verification cannot be modified or cancelled (https://docs.falu.io/error-codes).
"""
from __future__ import annotations

import secrets

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, find, put, read_json, redacted
from ..validation import IDENTITY_TYPES, check_enum, check_metadata, check_string, valid_url


async def create_identity(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_enum(errors, "type", body.get("type"), IDENTITY_TYPES)
    rurl = body.get("return_url")
    if rurl is not None and not valid_url(rurl):
        errors.add("return_url", "The return_url field is not a valid fully-qualified URL.")
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    if ctx.principal.attrs.get("no_identity"):
        raise problem("features_disabled", "Identity verification is not enabled for this workspace.")
    idv = base("idv", "identity_verification", body, type=body["type"], status="input_required",
                    url=f"https://verify.falu.io/{secrets.token_urlsafe(12)}")
    put(ctx, "identity_verification", idv)
    return ctx.ok(idv)


async def update_identity(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "description", body.get("description"), max_len=500)
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    idv = find(ctx, "identity_verification", ctx.path_params["id"])
    if redacted(idv):
        raise problem("object_redacted", "The identity verification has been redacted.")
    if idv["status"] != "input_required":
        raise problem("identity_verification_cannot_be_modified",
                      f"The identity verification is '{idv['status']}', not input_required.")
    return ctx.ok(apply(ctx, "identity_verification", idv, body, ("description", "metadata")))


async def cancel_identity(ctx: Ctx):
    idv = find(ctx, "identity_verification", ctx.path_params["id"])
    if redacted(idv):
        raise problem("object_redacted", "The identity verification has been redacted.")
    if idv["status"] != "input_required":
        raise problem("identity_verification_cannot_be_cancelled",
                      f"The identity verification is '{idv['status']}', not input_required.")

    def cancel(o: dict) -> None:
        o["status"] = "cancelled"
    return ctx.ok(ctx.store.update(ctx.tenant, "identity_verification", idv["id"], cancel))
