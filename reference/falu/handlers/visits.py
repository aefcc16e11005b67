"""Visits, visitors and visitor destinations (``/v1/visits``, ``/v1/visitors``,
``/v1/visitor_destinations``: paths inferred, the surface is outside the 2024-06-01 spec);
codes from https://docs.falu.io/error-codes.

A visitor or destination of an open visit (``created`` or ``started``) cannot be updated or
deleted; a visit moves ``created`` -> ``started`` -> ``ended`` and needs a destination to start.
"""
from __future__ import annotations

from typing import Callable

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, find, iso, put, read_json, read_optional_json
from ..validation import check_metadata, check_phone, check_string


def create_named(kind: str, prefix: str) -> Callable:
    async def handler(ctx: Ctx):
        body = await read_json(ctx)
        errors = Errors()
        check_string(errors, "name", body.get("name"), required=True, min_len=1, max_len=200)
        check_phone(errors, "phone", body.get("phone"))
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
        obj = base(prefix, kind, body, name=body["name"], phone=body.get("phone"))
        return ctx.ok(put(ctx, kind, obj))
    return handler


def _open_visits(ctx: Ctx, member: str, rid: str) -> list[dict]:
    return ctx.store.list(ctx.tenant, "visit",
                          lambda v: v.get(member) == rid and v["status"] in ("created", "started"))


def modify_visit_party(kind: str, member: str) -> Callable:
    code = {"visitor": "visitor_cannot_be_modified",
            "visitor_destination": "visitor_destination_cannot_be_modified"}[kind]

    async def handler(ctx: Ctx):
        body = await read_json(ctx) if ctx.request.method == "PATCH" else {}
        obj = find(ctx, kind, ctx.path_params["id"])
        if _open_visits(ctx, member, obj["id"]):
            raise problem(code, f"The {kind.replace('_', ' ')} has an open visit and cannot be updated or deleted.")
        if ctx.request.method == "DELETE":
            ctx.store.delete(ctx.tenant, kind, obj["id"])
            return ctx.ok({"id": obj["id"], "object": kind, "deleted": True})
        return ctx.ok(apply(ctx, kind, obj, body, ("name", "phone", "metadata")))
    return handler


async def create_visit(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "visitor", body.get("visitor"), required=True, min_len=1)
    check_string(errors, "destination", body.get("destination"))
    errors.raise_if()
    visitor = find(ctx, "visitor", body["visitor"])
    dest = find(ctx, "visitor_destination", body["destination"]) if body.get("destination") else None
    visit = base("vst", "visit", body, visitor=visitor["id"], destination=dest["id"] if dest else None,
                      status="created")
    return ctx.ok(put(ctx, "visit", visit))


async def start_visit(ctx: Ctx):
    body = await read_optional_json(ctx)
    visit = find(ctx, "visit", ctx.path_params["id"])
    if visit["status"] == "started":
        raise problem("visit_already_started", "The visit has already started; end it or create a new one.")
    if visit["status"] == "ended":
        raise problem("visit_already_ended", "The visit has ended.")
    dest_ref = body.get("destination") if isinstance(body, dict) else None
    if dest_ref is not None:
        dest = find(ctx, "visitor_destination", dest_ref)
        visit["destination"] = dest["id"]
    if not visit.get("destination"):
        raise problem("visit_destination_required",
                      "The visit has no destination: supply one when starting the visit.")
    return ctx.ok(ctx.store.update(ctx.tenant, "visit", visit["id"],
                                   lambda o: o.update(status="started", destination=visit["destination"],
                                                      started=iso())))


async def end_visit(ctx: Ctx):
    await read_optional_json(ctx)
    visit = find(ctx, "visit", ctx.path_params["id"])
    if visit["status"] == "created":
        raise problem("visit_not_started", "The visit has not started; only a started visit can be ended.")
    if visit["status"] == "ended":
        raise problem("visit_already_ended", "The visit has already ended.")
    return ctx.ok(ctx.store.update(ctx.tenant, "visit", visit["id"],
                                   lambda o: o.update(status="ended", ended=iso())))
