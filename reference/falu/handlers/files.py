"""Files and file links (``/v1/files``, ``/v1/file_links``): uploads checked against their
declared type (``file_type_not_allowed``, ``file_invalid``), downloads of expired files
(``file_expired``, 410 on ``GET /v1/files/{id}/contents`` as the spec answers it, 400
elsewhere) and of files whose purpose forbids it (``file_cannot_be_downloaded``); codes from
https://docs.falu.io/error-codes.
"""
from __future__ import annotations

import secrets
from typing import Any

from ..._machinery import ApiError, Ctx
from ..constants import UNSUPPORTED_MEDIA
from ..multipart import content_problem, parse_multipart
from ..problems import Errors, invalid, problem
from ..resources import apply, base, find, iso, now, public, put, read_json, redacted
from ..validation import (DOWNLOADABLE_PURPOSES, FILE_PURPOSES, FILE_TYPES, check_enum, check_metadata,
                          check_string, parse_time)


async def create_file(ctx: Ctx):
    ctype = ctx.request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise ApiError(UNSUPPORTED_MEDIA, 415, "")
    raw = await ctx.request.body()
    try:
        parts = parse_multipart(raw, ctype)
    except Exception:  # noqa: BLE001 - any parse failure is a malformed body
        raise invalid({"": ["The request body is not valid multipart/form-data."]}) from None
    errors = Errors()
    purpose = parts.get("purpose")
    purpose_value = purpose[1].decode("utf-8", "replace").strip() if purpose else None
    check_enum(errors, "purpose", purpose_value, FILE_PURPOSES)
    file_part = parts.get("file")
    if file_part is None:
        errors.add("file", "The file field is required.")
    expires = None
    if "expires" in parts:
        expires = parse_time(parts["expires"][1].decode("utf-8", "replace").strip())
        if expires is None:
            errors.add("expires", "The expires field must be a date-time.")
    errors.raise_if()
    filename, content, part_type = file_part
    part_type = (part_type or "").lower()
    if part_type not in FILE_TYPES:
        raise problem("file_type_not_allowed",
                      f"The type '{part_type or 'unknown'}' is not allowed. Allowed types are: "
                      + ", ".join(FILE_TYPES) + ".")
    why = content_problem(part_type, content)
    if why:
        raise problem("file_invalid", why)
    obj = base("file", "file", {}, purpose=purpose_value, filename=filename, type=part_type,
                    size=len(content), expires=iso(expires) if expires else None)
    obj["_content"] = content.decode("latin-1")
    put(ctx, "file", obj)
    return ctx.ok(public(obj))


def usable_file(ctx: Ctx, fid: Any, *, expired_status: int = 400, for_download: bool = True) -> dict:
    f = find(ctx, "file", fid)
    if redacted(f):
        raise problem("object_redacted", "The file has been redacted.")
    expires = parse_time(f.get("expires"))
    if expires is not None and expires <= now():
        raise problem("file_expired", "The file has expired and has been purged.", expired_status)
    if for_download and f["purpose"] not in DOWNLOADABLE_PURPOSES:
        raise problem("file_cannot_be_downloaded",
                      f"Files with purpose '{f['purpose']}' cannot be downloaded or linked.")
    return f


async def file_contents(ctx: Ctx):
    from starlette.responses import Response
    f = usable_file(ctx, ctx.path_params["id"], expired_status=410)
    return Response(f["_content"].encode("latin-1"), media_type=f["type"])


async def create_file_link(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_string(errors, "file", body.get("file"), required=True, min_len=1)
    expires = None
    if body.get("expires") is not None:
        expires = parse_time(body["expires"])
        if expires is None:
            errors.add("expires", "The expires field must be a date-time.")
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    f = usable_file(ctx, body["file"])
    link = base("link", "file_link", body, file=f["id"], expires=iso(expires) if expires else None,
                     url=f"https://files.falu.io/links/{secrets.token_urlsafe(12)}")
    return ctx.ok(put(ctx, "file_link", link))


async def update_file_link(ctx: Ctx):
    body = await read_json(ctx)
    errors = Errors()
    check_metadata(errors, body.get("metadata"))
    errors.raise_if()
    link = find(ctx, "file_link", ctx.path_params["id"])
    expires = parse_time(link.get("expires"))
    if expires is not None and expires <= now():
        raise problem("file_link_cannot_be_updated", "The file link has expired; create a new one.")
    return ctx.ok(apply(ctx, "file_link", link, body, ("metadata", "expires")))
