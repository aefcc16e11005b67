"""VoIPbin's reason codes, the api-manager translator and the error envelope, from the "Error
Reason Codes" page (seed 002) and restful_api.rst."""
from __future__ import annotations

import re
from typing import Any

from .._machinery import ApiError, Ctx, Envelope

NAME = "voipbin"
BASE = "/v1.0"

CANONICAL_STATUS = {
    "INVALID_ARGUMENT": 400, "UNAUTHENTICATED": 401, "PAYMENT_REQUIRED": 402,
    "PERMISSION_DENIED": 403, "NOT_FOUND": 404, "ALREADY_EXISTS": 409,
    "FAILED_PRECONDITION": 409, "RESOURCE_EXHAUSTED": 429, "UNAVAILABLE": 503, "INTERNAL": 500,
}
CANONICAL_BY_HTTP = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 402: "PAYMENT_REQUIRED",
                     403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "FAILED_PRECONDITION",
                     429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}

RECOVERY_ENDPOINT = "DELETE /auth/unregister"
NUMBER_PRICE = {"normal": 5.0, "virtual": 1.0}
ADDRESS_TYPES = ("", "agent", "conference", "email", "extension", "line", "sip", "tel", "web_session")
ACTION_TYPES = (
    "ai_talk", "ai_summary", "amd", "answer", "beep", "branch", "call", "condition_call_digits",
    "condition_call_status", "condition_datetime", "condition_variable", "confbridge_join",
    "conference_join", "connect", "conversation_send", "digits_receive", "digits_send", "echo",
    "email_send", "external_media_start", "external_media_stop", "fetch", "fetch_flow", "goto",
    "hangup", "message_send", "mute", "play", "queue_join", "recording_start", "recording_stop",
    "sleep", "stop", "stream_echo", "talk", "transcribe_start", "transcribe_stop",
    "transcribe_recording", "variable_set", "webhook_send",
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")  # always fullmatch (no "$" before a newline)



# ---- errors ---------------------------------------------------------------------------------
def err(reason: str, status: int, message: str, **extras: Any) -> ApiError:
    return ApiError(reason, status, message, **extras)


def invalid_argument(message: str) -> ApiError:
    return err("INVALID_ARGUMENT", 400, message)


def invalid_id(name: str, value: Any) -> ApiError:
    return err("INVALID_ID", 400, f"{name} is not a valid UUID: {str(value)[:80]!r}. "
                                  "Expected the form a1b2c3d4-e5f6-7890-abcd-ef1234567890.")


class LegacyError(Exception):
    """A manager's ``fmt.Errorf`` string, before the api-manager translator sees it."""


def translate(exc: LegacyError) -> ApiError:
    """The api-manager translator's case-insensitive substring fallback (seed 002 notes)."""
    msg = str(exc)
    low = msg.lower()
    if "no permission" in low:
        return err("PERMISSION_DENIED", 403, "You do not have permission to access this resource.")
    if "identity verification required" in low:
        return err("IDENTITY_VERIFICATION_REQUIRED", 403,
                   "Customer identity verification is required for this operation.")
    if "insufficient" in low:
        return err("INSUFFICIENT_BALANCE", 402, "The customer balance is insufficient for this operation.")
    if "not found" in low:
        return err("RESOURCE_NOT_FOUND", 404, f"The requested resource was not found ({msg}).")
    if "already" in low or "not active" in low:
        return err("STATE_INVALID", 409, f"The operation is invalid for the resource's current state ({msg}).")
    if "unavailable" in low:
        return err("SERVICE_UNAVAILABLE", 503, "An upstream service is temporarily unavailable.")
    return err("INTERNAL", 500, "An internal error occurred.")


# ---- envelope -------------------------------------------------------------------------------
class VoipbinEnvelope(Envelope):
    media_type = "application/json"
    status_path = ("error", "status")
    code_path = ("error", "reason")
    message_path = ("error", "message")
    required_paths = (("error", "request_id"),)
    detail_paths = (("error", "details"),)

    def body(self, error: ApiError, ctx: Ctx) -> dict:
        canonical = error.extras.get("canonical")
        if canonical is None or CANONICAL_STATUS.get(canonical) != error.status:
            canonical = CANONICAL_BY_HTTP.get(error.status, "INTERNAL")
        inner: dict[str, Any] = {"status": canonical, "reason": error.code, "message": error.message,
                                 "request_id": ctx.request_id}
        details = error.extras.get("details")
        if details:
            inner["details"] = details
        return {"error": inner}


