"""Messages and message batches (``/v1/messages``, ``/v1/message_batches``): content (body,
template or media), schedules, suppressed destinations, the batch limit and the states that
decide cancel and redact; codes from https://docs.falu.io/error-codes.

Messages without ``schedule`` are ``sent`` at once (cancel -> ``message_cannot_be_cancelled``);
scheduled ones stay ``accepted`` (redact -> ``object_cannot_be_redacted``). Batch redaction
runs for 2 s, so a second redact meanwhile is ``object_redaction_in_progress``.
"""
from __future__ import annotations

import time
from typing import Any

from ..._machinery import Ctx
from ..problems import Errors, problem
from ..resources import apply, base, emit, find, hold, iso, now, put, read_json, redacted
from ..validation import (DURATION, check_metadata, check_object, check_phone, check_string, is_str,
                          parse_time, valid_url)
from .streams import usable_stream

BATCH_LIMIT = 1000  # destinations per batch


def _content_errors(errors: Errors, prefix: str, msg: dict) -> None:
    body, template, media = msg.get("body"), msg.get("template"), msg.get("media")
    check_string(errors, prefix + "body", body, max_len=1600)
    has_template = check_object(errors, prefix + "template", template)
    has_media = check_object(errors, prefix + "media", media)
    if body is None and template is None and media is None:
        errors.add(prefix + "body", "One of body, template or media is required.")
    if has_template:
        if not any(is_str(template.get(k)) for k in ("id", "alias")):
            errors.add(prefix + "template", "The template needs an id or an alias.")
        if template.get("model") is not None and not isinstance(template.get("model"), dict):
            errors.add(prefix + "template.model", "The model must be an object.")
    if has_media:
        url, file = media.get("url"), media.get("file")
        if url is None and file is None:
            errors.add(prefix + "media", "The media needs a url or a file.")
        if url is not None and not valid_url(url):
            errors.add(prefix + "media.url", "The url field is not a valid fully-qualified URL.")
        check_string(errors, prefix + "media.file", file)


def _schedule_errors(errors: Errors, schedule: Any) -> None:
    if not check_object(errors, "schedule", schedule):
        return
    t, d = schedule.get("time"), schedule.get("delay")
    if t is None and d is None:
        errors.add("schedule", "The schedule needs a time or a delay.")
    if t is not None and parse_time(t) is None:
        errors.add("schedule.time", "The time field must be a date-time.")
    if d is not None and (not is_str(d) or not DURATION.fullmatch(d)):
        errors.add("schedule.delay", "The delay field must be an ISO 8601 duration.")


def _check_content_refs(ctx: Ctx, msg: dict) -> None:
    template = msg.get("template")
    if isinstance(template, dict):
        ref = template.get("id") or template.get("alias")
        found = ctx.store.get(ctx.tenant, "message_template", ref) if is_str(ref) else None
        if found is None and is_str(ref):
            named = ctx.store.list(ctx.tenant, "message_template", lambda t: t["alias"] == ref)
            found = named[0] if named else None
        if found is None:
            raise problem("message_template_not_found", "The target message template could not be found.")
    media = msg.get("media")
    if isinstance(media, dict) and media.get("file") is not None:
        f = find(ctx, "file", media["file"])
        expires = parse_time(f.get("expires"))
        if expires is not None and expires <= now():
            raise problem("file_expired", "The media file has expired and has been purged.")
        if redacted(f):
            raise problem("object_redacted", "The media file has been redacted.")
        if f["purpose"] != "message.media":
            raise problem("message_media_invalid",
                          f"The media file has purpose '{f['purpose']}', not message.media.")


def _check_suppressed(ctx: Ctx, stream: dict, tos: list[str]) -> None:
    suppressed = {s["to"] for s in ctx.store.list(ctx.tenant, "message_suppression",
                                                  lambda s: s["stream"] == stream["id"])}
    flagged = [t for t in tos if t in suppressed]
    if flagged:
        raise problem("messages_suppressions_flagged",
                      f"The destination {flagged[0]} is suppressed in stream '{stream['name']}'; "
                      "delete the suppression or remove the destination.")


async def create_message(ctx: Ctx):
    body = await read_json(ctx)
    if not ctx.skip_validation:
        errors = Errors()
        check_phone(errors, "to", body.get("to"), required=True)
        check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
        _content_errors(errors, "", body)
        _schedule_errors(errors, body.get("schedule"))
        check_string(errors, "from", body.get("from"))
        check_metadata(errors, body.get("metadata"))
        errors.raise_if()
    stream = usable_stream(ctx, body.get("stream"))
    _check_content_refs(ctx, body)
    _check_suppressed(ctx, stream, [body.get("to")])
    await hold(ctx)
    status = "accepted" if body.get("schedule") else "sent"
    msg = base("msg", "message", body, to=body.get("to"), stream=stream["id"],
                    body=body.get("body") if is_str(body.get("body")) else None,
                    status=status, schedule=body.get("schedule"))
    put(ctx, "message", msg)
    emit(ctx, f"message.{status}", msg)
    return ctx.ok(msg)


async def update_message(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    msg = find(ctx, "message", ctx.path_params["id"])
    if redacted(msg):
        raise problem("object_redacted", "The message has been redacted and cannot be updated.")
    return ctx.ok(apply(ctx, "message", msg, body, ("metadata",)))


async def cancel_message(ctx: Ctx):
    msg = find(ctx, "message", ctx.path_params["id"])
    if redacted(msg):
        raise problem("object_redacted", "The message has been redacted.")
    if msg["status"] != "accepted":
        raise problem("message_cannot_be_cancelled",
                      f"The message is '{msg['status']}': it has been sent or is being sent.")

    def cancel(o: dict) -> None:
        o["status"] = "cancelled"
    return ctx.ok(ctx.store.update(ctx.tenant, "message", msg["id"], cancel))


async def redact_message(ctx: Ctx):
    msg = find(ctx, "message", ctx.path_params["id"])
    if redacted(msg):
        raise problem("object_redacted", "The message has already been redacted.")
    if msg["status"] in ("accepted", "sending"):
        raise problem("object_cannot_be_redacted",
                      f"The message is '{msg['status']}'; wait until sending completes or fails.")

    def red(o: dict) -> None:
        o["redaction"] = {"status": "completed", "requested": iso(), "completed": iso()}
        o["body"] = None
        o["to"] = None
    return ctx.ok(ctx.store.update(ctx.tenant, "message", msg["id"], red))


async def create_batch(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "stream", body.get("stream"), required=True, min_len=1)
    messages = body.get("messages")
    total: list[str] = []
    if not isinstance(messages, list) or not messages:
        errors.add("messages", "The messages field is required and must be a non-empty array.")
    else:
        for i, msg in enumerate(messages):
            prefix = f"messages[{i}]."
            if not isinstance(msg, dict):
                errors.add(f"messages[{i}]", "Each message must be an object.")
                continue
            tos = msg.get("tos")
            if not isinstance(tos, list) or not tos:
                errors.add(prefix + "tos", "The tos field is required and must be a non-empty array.")
            else:
                for j, to in enumerate(tos):
                    check_phone(errors, f"{prefix}tos[{j}]", to, required=True)
                total.extend(t for t in tos if is_str(t))
            _content_errors(errors, prefix, msg)
    _schedule_errors(errors, body.get("schedule"))
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    if len(total) > BATCH_LIMIT:
        raise problem("messages_limit_exceeded",
                      f"The batch has {len(total)} destinations; the maximum is {BATCH_LIMIT:,}.")
    stream = usable_stream(ctx, body["stream"])
    for msg in messages:
        _check_content_refs(ctx, msg)
    _check_suppressed(ctx, stream, total)
    await hold(ctx)
    status = "accepted" if body.get("schedule") else "sent"
    batch = base("msba", "message_batch", body, stream=stream["id"], status=status,
                      destinations=len(total), schedule=body.get("schedule"))
    put(ctx, "message_batch", batch)
    return ctx.ok(batch)


async def cancel_batch(ctx: Ctx):
    batch = find(ctx, "message_batch", ctx.path_params["id"])
    if redacted(batch):
        raise problem("object_redacted", "The message batch has been redacted.")
    if batch["status"] != "accepted":
        raise problem("message_batch_cannot_be_cancelled",
                      f"The message batch is '{batch['status']}': its messages have been sent or are being sent.")

    def cancel(o: dict) -> None:
        o["status"] = "cancelled"
    return ctx.ok(ctx.store.update(ctx.tenant, "message_batch", batch["id"], cancel))


async def redact_batch(ctx: Ctx):
    batch = find(ctx, "message_batch", ctx.path_params["id"])
    red = batch.get("redaction")
    if red and red["status"] == "in_progress" and time.time() >= red["_done_at"]:
        red = {"status": "completed", "requested": red["requested"], "completed": iso()}
        ctx.store.update(ctx.tenant, "message_batch", batch["id"], lambda o: o.update(redaction=red))
    if red and red["status"] == "completed":
        raise problem("object_redacted", "The message batch has already been redacted.")
    if red and red["status"] == "in_progress":
        raise problem("object_redaction_in_progress",
                      "Redaction of the message batch has already begun and cannot be reinitiated.")
    if batch["status"] == "accepted":
        raise problem("object_cannot_be_redacted",
                      "The message batch is still accepted (sending pending); wait until it completes.")

    def start(o: dict) -> None:
        o["redaction"] = {"status": "in_progress", "requested": iso(), "_done_at": time.time() + 2.0}
    updated = ctx.store.update(ctx.tenant, "message_batch", batch["id"], start)
    if updated.get("redaction"):
        updated["redaction"] = {k: v for k, v in updated["redaction"].items() if not k.startswith("_")}
    return ctx.ok(updated)
