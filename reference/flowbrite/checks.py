"""Flowbrite's error envelope and field validation, as the public error guide (seed 004)
describes them: ``{"error": {"status", "code", "message"}}`` plus ``validationErrors``
(``property``, ``message``, ``attemptedValue``) on ``api.common.validationFailed``."""
from __future__ import annotations

import re
import time
from typing import Any

from .._machinery import ApiError, Ctx, Envelope, StateMachine
from .codes import CURRENCIES, MAX_AMOUNT, VALIDATION


# ---- envelope --------------------------------------------------------------------------
class FlowbriteEnvelope(Envelope):
    media_type = "application/json"
    status_path = ("error", "status")
    code_path = ("error", "code")
    message_path = ("error", "message")
    required_paths = (("error", "message"),)
    detail_paths = (("error", "validationErrors"),)

    def body(self, err: ApiError, ctx: Ctx) -> dict | None:
        if err.status == 503 or err.code is None:
            return None
        inner: dict[str, Any] = {"status": err.status, "code": err.code, "message": err.message}
        if "validation_errors" in err.extras:
            inner["validationErrors"] = err.extras["validation_errors"]
        return {"error": inner}

    def success(self, data: Any) -> Any:
        return {"data": data}


def validation(*errors: dict) -> ApiError:
    return ApiError(VALIDATION, 400, "Validation failed", validation_errors=list(errors))


def verr(prop: str, message: str, attempted: Any) -> dict:
    return {"property": prop, "message": message, "attemptedValue": attempted}


# ---- field validation ------------------------------------------------------------------
_ID_BODY = re.compile(r"^[0-9A-Za-z]{20,40}$")
_ACCOUNT = re.compile(r"^[0-9A-Z]{6,34}$")


def check_id(prop: str, value: Any, prefix: str, errors: list[dict], required: bool = True) -> None:
    if value is None:
        if required:
            errors.append(verr(prop, f"'{prop}' must not be empty.", None))
        return
    if not isinstance(value, str):
        errors.append(verr(prop, f"'{prop}' must be a string.", value))
        return
    got = value.split("_", 1)[0] + "_" if "_" in value else ""
    if got != prefix:
        errors.append(verr(prop, "Supplied ID is not valid for this type of resource. "
                                 f"Expected '{prefix}', but got '{got}'", value))
    elif not _ID_BODY.match(value[len(prefix):]):
        errors.append(verr(prop, f"Supplied ID is malformed. Expected '{prefix}' followed by a ULID", value))


def check_string(prop: str, value: Any, errors: list[dict], *, min_len: int = 1, max_len: int,
                 required: bool = True) -> None:
    if value is None:
        if required:
            errors.append(verr(prop, f"'{prop}' must not be empty.", None))
        return
    if not isinstance(value, str):
        errors.append(verr(prop, f"'{prop}' must be a string.", value))
    elif len(value.strip()) < min_len:
        errors.append(verr(prop, f"'{prop}' must not be empty.", value))
    elif len(value) > max_len:
        errors.append(verr(prop, f"The length of '{prop}' must be {max_len} characters or fewer. "
                                 f"You entered {len(value)} characters.", value))


def check_currency(prop: str, value: Any, errors: list[dict]) -> None:
    if value is None:
        errors.append(verr(prop, f"'{prop}' must not be empty.", None))
    elif not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        errors.append(verr(prop, f"'{prop}' must be a three-letter upper-case ISO 4217 code.", value))
    elif value not in CURRENCIES:
        errors.append(verr(prop, f"'{prop}' must be one of: {', '.join(CURRENCIES)}.", value))


def check_amount(prop: str, value: Any, errors: list[dict]) -> None:
    if value is None:
        errors.append(verr(prop, f"'{prop}' must not be empty.", None))
    elif isinstance(value, bool) or not isinstance(value, int):
        errors.append(verr(prop, f"'{prop}' must be a positive integer amount in minor units.", value))
    elif value <= 0:
        errors.append(verr(prop, f"'{prop}' must be greater than '0'.", value))
    elif value > MAX_AMOUNT:
        errors.append(verr(prop, f"'{prop}' must be less than or equal to '{MAX_AMOUNT}'.", value))


def raise_if(errors: list[dict]) -> None:
    if errors:
        raise validation(*errors)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


TRANSFERS = StateMachine({"pending": {"processing", "cancelled", "failed"},
                          "processing": {"completed", "failed"}}, initial="pending")

