"""Request validation as bin-api-manager's handlers do it (seed 002 and the real OpenAPI document):
UUID ids, required strings, flow actions and addresses."""
from __future__ import annotations

from typing import Any

from .._machinery import ApiError, Ctx
from .codes import _E164, _UUID, ACTION_TYPES, ADDRESS_TYPES, err, invalid_argument, invalid_id

# ---- validation helpers ---------------------------------------------------------------------
def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID.fullmatch(value))


def path_id(ctx: Ctx, name: str = "id") -> str:
    value = ctx.path_params.get(name, "")
    if "/" in value:  # a longer path under a leaf resource: no such endpoint
        raise route_not_found(ctx)
    if not is_uuid(value):
        raise invalid_id(name, value)
    return value.lower()


def route_not_found(ctx: Ctx) -> ApiError:
    req = ctx.request
    return err("ROUTE_NOT_FOUND", 404, f"The requested endpoint {req.method} {req.url.path} does not exist. "
                                       "Check the API version prefix (/v1.0/) and the resource name.")


def require_str(body: dict, name: str, *, required: bool = True) -> str | None:
    if name not in body or body[name] is None:
        if required:
            raise invalid_argument(f"{name} is required.")
        return None
    if not isinstance(body[name], str):
        raise invalid_argument(f"{name} must be a string.")
    return body[name]


def optional_id(body: dict, name: str) -> str | None:
    """A body id member: absent, null or "" means none; otherwise a UUID."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid_argument(f"{name} must be a string.")
    if not is_uuid(value):
        raise invalid_id(name, value)
    return value.lower()


def optional_int(body: dict, name: str, *, minimum: int = 0) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_argument(f"{name} must be an integer.")
    if value < minimum:
        raise invalid_argument(f"{name} must be at least {minimum}.")
    return value


def check_actions(value: Any, *, required: bool) -> list:
    if value is None:
        if required:
            raise invalid_argument("actions is required.")
        return []
    if not isinstance(value, list):
        raise invalid_argument("actions must be an array.")
    for index, action in enumerate(value):
        if not isinstance(action, dict):
            raise invalid_argument(f"actions[{index}] must be an object.")
        if action.get("type") not in ACTION_TYPES:
            raise invalid_argument(f"actions[{index}].type must be one of the flow action types.")
        if "id" in action and action["id"] not in (None, "") and not is_uuid(action["id"]):
            raise invalid_id(f"actions[{index}].id", action["id"])
    return value


def check_address(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise invalid_argument(f"{name} must be an address object.")
    if value.get("type", "") not in ADDRESS_TYPES:
        raise invalid_argument(f"{name}.type must be one of {', '.join(t for t in ADDRESS_TYPES if t)}.")
    target = value.get("target")
    if not isinstance(target, str) or not target:
        raise invalid_argument(f"{name}.target must be a non-empty string.")
    if value.get("type") == "tel" and not _E164.fullmatch(target):
        raise invalid_argument(f"{name}.target must be an E.164 phone number for type tel.")
    return value


def listing(items: list[dict]) -> dict:
    return {"result": items, "next_page_token": ""}


