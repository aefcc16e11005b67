"""Handlers shared by many resources of the Falu API: list, get, update of description and
metadata, delete, redact. Falu answers an unknown id with the resource's ``*_not_found`` code
and a redacted object with ``object_redacted`` (https://docs.falu.io/error-codes).
"""
from __future__ import annotations

from typing import Callable

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, ensure_defaults, find, iso, read_json, redacted
from ..validation import check_metadata, check_string


def list_of(kind: str) -> Callable:
    async def handler(ctx: Ctx):
        ensure_defaults(ctx)
        return ctx.ok(ctx.store.list(ctx.tenant, kind))
    return handler


def get_of(kind: str) -> Callable:
    async def handler(ctx: Ctx):
        ensure_defaults(ctx)
        return ctx.ok(find(ctx, kind, ctx.path_params["id"]))
    return handler


def update_simple(kind: str) -> Callable:
    async def handler(ctx: Ctx):
        body = await read_json(ctx)
        errors = Errors()
        check_metadata(errors, body.get("metadata"))
        check_string(errors, "description", body.get("description"), max_len=500)
        errors.raise_if()
        ensure_defaults(ctx)
        obj = find(ctx, kind, ctx.path_params["id"])
        if redacted(obj):
            raise problem("object_redacted", "The object has been redacted and cannot be updated.")
        return ctx.ok(apply(ctx, kind, obj, body, ("description", "metadata")))
    return handler


def delete_simple(kind: str) -> Callable:
    async def handler(ctx: Ctx):
        ensure_defaults(ctx)
        obj = find(ctx, kind, ctx.path_params["id"])
        ctx.store.delete(ctx.tenant, kind, obj["id"])
        return ctx.ok({"id": obj["id"], "object": kind, "deleted": True})
    return handler


def redact_simple(kind: str) -> Callable:
    async def handler(ctx: Ctx):
        ensure_defaults(ctx)
        obj = find(ctx, kind, ctx.path_params["id"])
        if redacted(obj):
            raise problem("object_redacted", "The object has already been redacted.")

        def red(o: dict) -> None:
            o["redaction"] = {"status": "completed", "requested": iso(), "completed": iso()}
        return ctx.ok(ctx.store.update(ctx.tenant, kind, obj["id"], red))
    return handler
