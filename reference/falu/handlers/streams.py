"""Message streams, senders and suppressions (``/v1/message_streams``, ``/v1/message_senders``,
``/v1/message_suppressions``); codes from https://docs.falu.io/error-codes.

The first stream of a workspace (``transactional``) is its default: it cannot be updated,
deleted or archived (``message_stream_cannot_be_modified``); an archived stream cannot send
(``message_stream_archived``). Alphanumeric senders are ``pending`` approval and cannot be
updated or deleted (``message_sender_cannot_be_modified``).
"""
from __future__ import annotations

from typing import Any, Callable

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, ensure_defaults, find, put, read_json
from ..validation import (ALPHANUMERIC, SENDER_TYPES, STREAM_NAME, STREAM_TYPES, check_enum, check_metadata,
                          check_phone, check_string, is_str)


def resolve_stream(ctx: Ctx, ref: Any) -> dict:
    ensure_defaults(ctx)
    if is_str(ref):
        found = ctx.store.get(ctx.tenant, "message_stream", ref)
        if found is None:
            named = ctx.store.list(ctx.tenant, "message_stream", lambda s: s["name"] == ref)
            found = named[0] if named else None
        if found is not None:
            return found
    raise problem("message_stream_not_found", "The target message stream could not be found.")


def usable_stream(ctx: Ctx, ref: Any) -> dict:
    stream = resolve_stream(ctx, ref)
    if stream.get("archived"):
        raise problem("message_stream_archived",
                      f"The message stream '{stream['name']}' is archived and cannot be used to send messages.")
    return stream


async def create_sender(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
    check_enum(errors, "type", body.get("type"), SENDER_TYPES)
    alnum = body.get("alphanumeric")
    if body.get("type") == "alphanumeric":
        check_string(errors, "alphanumeric", alnum, required=True, pattern=ALPHANUMERIC)
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    stream = resolve_stream(ctx, body["stream"])
    if body["type"] == "alphanumeric":
        taken = ctx.store.list(ctx.tenant, "message_sender",
                               lambda s: s["stream"] == stream["id"] and s.get("alphanumeric") == alnum)
        if taken:
            raise problem("message_sender_alphanumeric_in_use",
                          f"The alphanumeric '{alnum}' is already used by another sender in this stream.")
    status = "pending" if body["type"] == "alphanumeric" else "active"
    sender = base("msnd", "message_sender", body, stream=stream["id"], type=body["type"],
                       alphanumeric=alnum, status=status)
    return ctx.ok(put(ctx, "message_sender", sender))


async def modify_sender(ctx: Ctx):
    body = await read_json(ctx) if ctx.request.method == "PATCH" else {}
    sender = find(ctx, "message_sender", ctx.path_params["id"])
    if sender["status"] == "pending":
        raise problem("message_sender_cannot_be_modified",
                      "The sender is pending approval and cannot be updated or deleted until approved.")
    if ctx.request.method == "DELETE":
        ctx.store.delete(ctx.tenant, "message_sender", sender["id"])
        return ctx.ok({"id": sender["id"], "object": "message_sender", "deleted": True})
    return ctx.ok(apply(ctx, "message_sender", sender, body, ("description", "metadata")))


async def list_streams(ctx: Ctx):
    ensure_defaults(ctx)
    streams = ctx.store.list(ctx.tenant, "message_stream")
    streams.sort(key=lambda s: not s.get("default"))
    return ctx.ok(streams)


async def get_stream(ctx: Ctx):
    ensure_defaults(ctx)
    return ctx.ok(find(ctx, "message_stream", ctx.path_params["id"]))


async def create_stream(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "name", body.get("name"), required=True, min_len=3, max_len=50, pattern=STREAM_NAME)
    check_enum(errors, "type", body.get("type"), STREAM_TYPES)
    check_string(errors, "description", body.get("description"), max_len=500)
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    ensure_defaults(ctx)
    if ctx.store.list(ctx.tenant, "message_stream", lambda s: s["name"] == body["name"]):
        raise problem("message_stream_name_in_use",
                      f"The name '{body['name']}' is already used by another message stream.")
    stream = base("mstr", "message_stream", body, name=body["name"], type=body["type"],
                       default=False, archived=False)
    return ctx.ok(put(ctx, "message_stream", stream))


async def modify_stream(ctx: Ctx):
    body = await read_json(ctx) if ctx.request.method == "PATCH" else {}
    ensure_defaults(ctx)
    stream = find(ctx, "message_stream", ctx.path_params["id"])
    if stream.get("default"):
        raise problem("message_stream_cannot_be_modified",
                      "The default transactional stream cannot be updated or deleted.")
    if ctx.request.method == "DELETE":
        ctx.store.delete(ctx.tenant, "message_stream", stream["id"])
        return ctx.ok({"id": stream["id"], "object": "message_stream", "deleted": True})
    return ctx.ok(apply(ctx, "message_stream", stream, body, ("description", "metadata")))


def archive_stream(archived: bool) -> Callable:
    async def handler(ctx: Ctx):
        ensure_defaults(ctx)
        stream = find(ctx, "message_stream", ctx.path_params["id"])
        if stream.get("default") and archived:
            raise problem("message_stream_cannot_be_modified", "The default transactional stream cannot be archived.")
        return ctx.ok(ctx.store.update(ctx.tenant, "message_stream", stream["id"],
                                       lambda o: o.update(archived=archived)))
    return handler


async def create_suppression(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_phone(errors, "to", body.get("to"), required=True)
    check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
    errors.raise_if()
    stream = resolve_stream(ctx, body["stream"])
    sup = base("msup", "message_suppression", body, to=body["to"], stream=stream["id"], origin="manual")
    return ctx.ok(put(ctx, "message_suppression", sup))
