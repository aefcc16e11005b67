"""Terminal configurations, locations and devices (``/v1/terminal/...``: paths inferred, the
surface is outside the 2024-06-01 spec); codes from https://docs.falu.io/error-codes.

The first configuration of a workspace is its default and cannot be updated or deleted; a
location used by a configuration cannot be deleted. Activation tokens come from physical
devices, so every token this server sees is ``terminal_device_activation_token_invalid``.
"""
from __future__ import annotations

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, ensure_defaults, find, put, read_json
from ..validation import check_string


async def list_configurations(ctx: Ctx):
    ensure_defaults(ctx)
    configs = ctx.store.list(ctx.tenant, "terminal_configuration")
    configs.sort(key=lambda c: not c.get("default"))
    return ctx.ok(configs)


async def get_configuration(ctx: Ctx):
    ensure_defaults(ctx)
    return ctx.ok(find(ctx, "terminal_configuration", ctx.path_params["id"]))


async def create_configuration(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "name", body.get("name"), required=True, min_len=1, max_len=100)
    check_string(errors, "location", body.get("location"))
    errors.raise_if()
    if body.get("location") is not None:
        find(ctx, "terminal_location", body["location"])
    ensure_defaults(ctx)
    config = base("tmcf", "terminal_configuration", body, name=body["name"], default=False,
                       location=body.get("location"))
    return ctx.ok(put(ctx, "terminal_configuration", config))


async def modify_configuration(ctx: Ctx):
    body = await read_json(ctx) if ctx.request.method == "PATCH" else {}
    ensure_defaults(ctx)
    config = find(ctx, "terminal_configuration", ctx.path_params["id"])
    if config.get("default"):
        raise problem("terminal_configuration_cannot_be_modified",
                      "The default terminal configuration cannot be updated or deleted.")
    if ctx.request.method == "DELETE":
        ctx.store.delete(ctx.tenant, "terminal_configuration", config["id"])
        return ctx.ok({"id": config["id"], "object": "terminal_configuration", "deleted": True})
    return ctx.ok(apply(ctx, "terminal_configuration", config, body, ("name", "metadata")))


async def create_location(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "display_name", body.get("display_name"), required=True, min_len=1, max_len=100)
    errors.raise_if()
    loc = base("tml", "terminal_location", body, display_name=body["display_name"])
    return ctx.ok(put(ctx, "terminal_location", loc))


async def delete_location(ctx: Ctx):
    loc = find(ctx, "terminal_location", ctx.path_params["id"])
    if ctx.store.list(ctx.tenant, "terminal_configuration", lambda c: c.get("location") == loc["id"]):
        raise problem("terminal_location_cannot_be_modified",
                      "The location is used by a terminal configuration and cannot be deleted.")
    ctx.store.delete(ctx.tenant, "terminal_location", loc["id"])
    return ctx.ok({"id": loc["id"], "object": "terminal_location", "deleted": True})


async def activate_device(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "activation_token", body.get("activation_token"), required=True, min_len=1)
    errors.raise_if()
    raise problem("terminal_device_activation_token_invalid",
                  "The activation token is malformed or has expired; check the device for a new one.")
