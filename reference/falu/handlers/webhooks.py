"""Webhook endpoints (``/v1/webhooks/endpoints``): an absolute http(s) URL and a non-empty list
of event types; unknown ids are ``webhook_endpoint_not_found`` (https://docs.falu.io/error-codes).
"""
from __future__ import annotations

from ..._machinery import Ctx
from ..problems import Errors
from ..resources import base, put, read_json
from ..validation import check_metadata, is_str, valid_url


async def create_webhook(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    url = body.get("url")
    if url is None:
        errors.add("url", "The url field is required.")
    elif not valid_url(url):
        errors.add("url", "The url field is not a valid fully-qualified http or https URL.")
    events = body.get("events")
    if not isinstance(events, list) or not events or not all(is_str(e) and e for e in events):
        errors.add("events", "The events field is required and must be a non-empty array of event types.")
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    we = base("we", "webhook_endpoint", body, url=url, events=events, status="enabled")
    return ctx.ok(put(ctx, "webhook_endpoint", we))
