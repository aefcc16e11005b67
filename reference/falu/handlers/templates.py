"""Message templates (``/v1/message_templates``): aliases unique per workspace
(``message_template_alias_in_use``) and bodies whose ``{{ }}`` expressions must balance
(``message_template_content_is_invalid``); codes from https://docs.falu.io/error-codes.
"""
from __future__ import annotations

from typing import Any

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, find, put, read_json
from ..validation import (TEMPLATE_ALIAS, TEMPLATE_TYPES, check_enum, check_metadata, check_string, is_str,
                          template_content_problem)


def _template_errors(body: dict, *, creating: bool) -> Errors:
    errors = Errors()
    check_string(errors, "alias", body.get("alias"), required=creating, min_len=3, max_len=100,
                 pattern=TEMPLATE_ALIAS)
    check_string(errors, "body", body.get("body"), required=creating, min_len=1)
    if body.get("type") is not None:
        check_enum(errors, "type", body.get("type"), TEMPLATE_TYPES)
    check_metadata(errors, body.get("metadata"))
    return errors


def _check_template_content(content: Any) -> None:
    if is_str(content):
        why = template_content_problem(content)
        if why:
            raise problem("message_template_content_is_invalid", f"The template content is invalid: {why}")


async def create_template(ctx: Ctx):
    body = await read_json(ctx)
    _template_errors(body, creating=True).raise_if()
    _check_template_content(body["body"])
    if ctx.store.list(ctx.tenant, "message_template", lambda t: t["alias"] == body["alias"]):
        raise problem("message_template_alias_in_use",
                      f"The alias '{body['alias']}' is already used by another message template.")
    tpl = base("mtpl", "message_template", body, alias=body["alias"], body=body["body"],
                    type=body.get("type") or "transactional")
    return ctx.ok(put(ctx, "message_template", tpl))


async def validate_template(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "body", body.get("body"), required=True, min_len=1)
    errors.raise_if()
    _check_template_content(body["body"])
    return ctx.ok({"body": body["body"], "valid": True})


async def update_template(ctx: Ctx):
    body = await read_json(ctx)
    _template_errors(body, creating=False).raise_if()
    tpl = find(ctx, "message_template", ctx.path_params["id"])
    _check_template_content(body.get("body"))
    alias = body.get("alias")
    if alias is not None and alias != tpl["alias"] and ctx.store.list(
            ctx.tenant, "message_template", lambda t: t["alias"] == alias):
        raise problem("message_template_alias_in_use",
                      f"The alias '{alias}' is already used by another message template.")
    return ctx.ok(apply(ctx, "message_template", tpl, body, ("alias", "body", "description", "metadata")))
