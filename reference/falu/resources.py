"""The workspace's resources as every handler sees them: lookups (an unknown id of any shape is
the resource's ``*_not_found`` code with 400, on GET too, as https://docs.falu.io/error-codes
lists one per resource), stores, events, the defaults each workspace starts with, timestamps,
and the JSON body read as strictly as System.Text.Json reads it.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any

from .._machinery import Ctx, prefixed
from .._machinery.errors import HtmlCrash
from .constants import IDEMPOTENCY_HEADER
from .problems import invalid, problem
from .validation import is_str

START_BALANCE = 10_000_000  # minor units (KES) each workspace starts with
HOLD_SECONDS = 0.15

NOT_FOUND_CODES = {
    "customer": "customer_not_found", "event": "event_not_found", "file": "file_not_found",
    "file_link": "file_link_not_found", "identity_verification": "identity_verification_not_found",
    "message": "message_not_found", "message_batch": "message_batch_not_found",
    "message_sender": "message_sender_not_found", "message_stream": "message_stream_not_found",
    "message_suppression": "message_suppression_not_found", "message_template": "message_template_not_found",
    "payment": "payment_not_found", "payment_refund": "payment_refund_not_found",
    "payment_authorization": "payment_authorization_not_found", "transfer": "transfer_not_found",
    "transfer_reversal": "transfer_reversal_not_found", "webhook_endpoint": "webhook_endpoint_not_found",
    "terminal_configuration": "terminal_configuration_not_found",
    "terminal_location": "terminal_location_not_found", "terminal_device": "terminal_device_not_found",
    "visitor_destination": "visitor_destination_not_found", "visitor": "visitor_not_found",
    "visit": "visit_not_found",
}


def now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None = None) -> str:
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def find(ctx: Ctx, kind: str, rid: Any) -> dict:
    found = ctx.store.get(ctx.tenant, kind, rid) if is_str(rid) else None
    if found is None:
        label = kind.replace("_", " ")
        raise problem(NOT_FOUND_CODES[kind], f"The target {label} could not be found.")
    return found


def put(ctx: Ctx, kind: str, obj: dict) -> dict:
    return ctx.store.put(ctx.tenant, kind, obj["id"], obj)


def emit(ctx: Ctx, event_type: str, obj: dict) -> None:
    event = {"id": prefixed("evt"), "object": "event", "type": event_type, "created": iso(),
             "data": {"object": {"id": obj["id"]}}, "live": False}
    put(ctx, "event", event)


async def hold(ctx: Ctx) -> None:
    """Keep an idempotent create in flight briefly so a concurrent duplicate sees the key in use."""
    if ctx.request.headers.get(IDEMPOTENCY_HEADER):
        await asyncio.sleep(HOLD_SECONDS)


async def read_json(ctx: Ctx) -> Any:
    """``ctx.json()`` plus the strictness of System.Text.Json: duplicate member names and
    the non-JSON constants NaN/Infinity are malformed JSON (RFC 8259)."""
    value = await ctx.json()
    raw = await ctx.request.body()

    def pairs(items: list) -> dict:
        names = [k for k, _ in items]
        if len(names) != len(set(names)):
            dup = next(k for k in names if names.count(k) > 1)
            raise ValueError(f"duplicate member name {dup!r}")
        return dict(items)

    def constant(name: str) -> Any:
        raise ValueError(f"'{name}' is not a JSON value")
    try:
        json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_constant=constant)
    except ValueError as exc:
        if ctx.fault is not None and ctx.fault.kind == "html-500":
            raise HtmlCrash(str(exc)) from None
        raise invalid({"$": [f"The JSON value could not be converted: {exc}."]}) from None
    return value


async def read_optional_json(ctx: Ctx) -> dict:
    """The JSON body of an action whose body is optional (no body = {})."""
    raw = await ctx.request.body()
    if not raw.strip():
        return {}
    return await read_json(ctx)


def base(prefix: str, kind: str, src: dict, /, **fields: Any) -> dict:
    now_s = iso()
    obj = {"id": prefixed(prefix), "object": kind, "created": now_s, "updated": now_s,
           "description": src.get("description"), "metadata": src.get("metadata") or {},
           "live": False, "redaction": None}
    obj.update(fields)
    return obj


def redacted(obj: dict) -> bool:
    red = obj.get("redaction")
    return bool(red) and red.get("status") == "completed"


def public(obj: dict) -> dict:
    """The stored object without its private members (``_content``, ``_done_at``)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def apply(ctx: Ctx, kind: str, obj: dict, body: dict, fields: tuple[str, ...]) -> dict:
    """Copy the ``fields`` present in ``body`` onto the stored object and touch ``updated``."""
    def change(o: dict) -> None:
        for name in fields:
            if name in body:
                o[name] = body[name]
        o["updated"] = iso()
    return ctx.store.update(ctx.tenant, kind, obj["id"], change)


def ensure_defaults(ctx: Ctx) -> None:
    """Create the workspace's defaults on first use: the ``transactional`` stream and the
    ``default`` terminal configuration (neither can be updated or deleted) and the balance."""
    if ctx.store.list(ctx.tenant, "message_stream", lambda s: s.get("default")):
        return
    stream = base("mstr", "message_stream", {}, name="transactional", type="transactional",
                  default=True, archived=False)
    put(ctx, "message_stream", stream)
    config = base("tmcf", "terminal_configuration", {}, name="default", default=True, location=None)
    put(ctx, "terminal_configuration", config)
    balance = {"id": "balance", "object": "money_balance", "mpesa": {"kes": START_BALANCE},
               "updated": iso()}
    ctx.store.put(ctx.tenant, "money_balance", "balance", balance)
