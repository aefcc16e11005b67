"""What each fault kind changes on Flireo (a declared data table, read by the machinery)."""
from __future__ import annotations

from .._machinery import Fault, not_applicable
from .codes import INTERNAL, VALIDATION_CODES

FAULTS = {
    "wrong-status": Fault("wrong-status", codes=("call_not_found",), param=400,
                          affects="call_not_found is sent with HTTP 400 instead of 404"),
    "code-case": Fault("code-case", codes=("invalid_uuid",), param="invalid_UUID",
                       affects="invalid_uuid is sent as 'invalid_UUID'"),
    "unknown-code": Fault("unknown-code", codes=("missing_field",), param="required_field_missing",
                          affects="missing_field is replaced by the undocumented 'required_field_missing'"),
    "missing-member": Fault("missing-member", param=(("error", "type"),),
                            affects="error.type is removed from every error body"),
    "wrong-media-type": Fault("wrong-media-type", param="text/plain",
                              affects="every error body (JSON) is sent as text/plain instead of application/json"),
    "body-status-mismatch": not_applicable(
        "body-status-mismatch", "the Flireo error body carries no status member"),
    "missing-header": Fault("missing-header", codes=("rate_limit_exceeded", "call_control_limit"),
                            param=("Retry-After", "X-RateLimit-Reset"),
                            affects="Retry-After and X-RateLimit-Reset are missing on 429 responses"),
    "accept-invalid": Fault("accept-invalid", operations=("createCall",),
                            affects="POST /api/v1/calls skips field validation (to, from, webhook_url, "
                                    "timeout): invalid bodies get 201"),
    "html-500": Fault("html-500",
                      affects="a malformed JSON body on any POST answers 500 text/html (nginx page) "
                              "instead of 400 invalid_request"),
    "replay-ignored": not_applicable(
        "replay-ignored", "Flireo documents no idempotency mechanism, so there is no replay to ignore"),
    "missing-detail-member": Fault("missing-detail-member", codes=VALIDATION_CODES,
                                   affects="error.param is removed from validation errors "
                                           "(invalid_request, missing_field, invalid_field, "
                                           "invalid_phone_number, invalid_uuid, invalid_url, "
                                           "invalid_destination)"),
    "stack-trace": Fault("stack-trace", codes=VALIDATION_CODES + (INTERNAL,),
                         affects="a Python traceback is appended to error.message of validation errors "
                                 "(and internal_error)"),
    "sql-leak": Fault("sql-leak", codes=VALIDATION_CODES + (INTERNAL,),
                      affects="a PostgreSQL driver error is appended to error.message of validation errors "
                              "(and internal_error)"),
}
