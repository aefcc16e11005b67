"""What each fault kind changes on VoIPbin (a declared data table, read by the machinery)."""
from __future__ import annotations

from .._machinery import Fault, not_applicable

FAULTS = {
    "wrong-status": Fault("wrong-status", codes=("RESOURCE_NOT_FOUND",), param=400,
                          affects="RESOURCE_NOT_FOUND is sent with HTTP 400 (body status INVALID_ARGUMENT) instead of 404"),
    "code-case": Fault("code-case", codes=("INVALID_ARGUMENT",), param="Invalid_Argument",
                       affects="reason INVALID_ARGUMENT is sent as 'Invalid_Argument'"),
    "unknown-code": Fault("unknown-code", codes=("RESOURCE_NOT_FOUND",), param="RESOURCE_MISSING",
                          affects="reason RESOURCE_NOT_FOUND is replaced by the undocumented 'RESOURCE_MISSING'"),
    "missing-member": Fault("missing-member", param=(("error", "request_id"),),
                            affects="error.request_id is removed from every error body"),
    "wrong-media-type": Fault("wrong-media-type", param="text/plain",
                              affects="every error body (JSON) is sent as text/plain instead of application/json"),
    "body-status-mismatch": Fault("body-status-mismatch", param="INTERNAL",
                                  statuses=(400, 401, 402, 403, 404, 409, 429),
                                  affects="error.status is 'INTERNAL' on every 4xx error"),
    "missing-header": Fault("missing-header", param=("X-Request-Id", "Retry-After"),
                            affects="X-Request-Id is missing on every error response; Retry-After is missing on 429"),
    "accept-invalid": Fault("accept-invalid", operations=("createNumber",),
                            affects="POST /v1.0/numbers skips field validation (number, type, name, ids): invalid bodies get 200"),
    "html-500": Fault("html-500",
                      affects="a malformed JSON body on any POST answers 500 text/html (nginx page) instead of 400 INVALID_JSON_BODY"),
    "replay-ignored": not_applicable("replay-ignored", "VoIPbin documents no idempotency-key header, so there is no replay to ignore"),
    "missing-detail-member": Fault("missing-detail-member", codes=("ACCOUNT_FROZEN", "RATE_LIMIT_EXCEEDED"),
                                   affects="error.details (recovery_endpoint / limited_by) is removed from "
                                           "ACCOUNT_FROZEN and RATE_LIMIT_EXCEEDED bodies"),
    "stack-trace": Fault("stack-trace", codes=("INVALID_ARGUMENT", "INTERNAL"),
                         affects="a Python traceback is appended to error.message of INVALID_ARGUMENT (and INTERNAL)"),
    "sql-leak": Fault("sql-leak", codes=("INVALID_ARGUMENT", "INTERNAL"),
                      affects="a PostgreSQL driver error is appended to error.message of INVALID_ARGUMENT (and INTERNAL)"),
}
