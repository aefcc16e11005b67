"""What each fault kind changes on the Customer Verification API (a declared data table, read by
the machinery)."""
from __future__ import annotations

from .._machinery import Fault, not_applicable
from .codes import DUPLICATE, FIELD_FORMAT, INTERNAL, NOT_FOUND, TOKEN_EXPIRED, VALIDATION

FAULTS = {
    "wrong-status": Fault("wrong-status", codes=(FIELD_FORMAT,), param=400,
                          affects=f"{FIELD_FORMAT} is sent with HTTP 400 instead of 422"),
    "code-case": Fault("code-case", codes=(NOT_FOUND,), param="Resource_Not_Found",
                       affects=f"{NOT_FOUND} is sent as 'Resource_Not_Found'"),
    "unknown-code": Fault("unknown-code", codes=(TOKEN_EXPIRED,), param="JWT_EXPIRED",
                          affects=f"{TOKEN_EXPIRED} is replaced by the undocumented 'JWT_EXPIRED'"),
    "missing-member": Fault("missing-member", param=(("error", "message"),),
                            affects="error.message is removed from every error body"),
    "wrong-media-type": Fault("wrong-media-type", param="text/html",
                              affects="every error body (JSON) is sent as text/html instead of application/json"),
    "body-status-mismatch": not_applicable(
        "body-status-mismatch", "the error body carries no status member"),
    "missing-header": Fault("missing-header", param=("X-Request-Id", "Retry-After"),
                            affects="X-Request-Id is missing on every error response; Retry-After is missing on 429"),
    "accept-invalid": Fault("accept-invalid", operations=("createCustomer",),
                            affects="POST /api/v1/customers skips field validation (formats and required "
                                    "fields): invalid bodies get 201"),
    "html-500": Fault("html-500",
                      affects=f"a malformed JSON body on any POST/PATCH answers 500 text/html (nginx page) "
                              f"instead of 400 {VALIDATION}"),
    "replay-ignored": Fault("replay-ignored",
                            affects="reusing Idempotency-Key with the same body creates a second customer "
                                    f"(a new id, or {DUPLICATE} for the same email) instead of replaying"),
    "missing-detail-member": Fault("missing-detail-member", codes=(VALIDATION, FIELD_FORMAT),
                                   affects=f"error.field is removed from {VALIDATION} and {FIELD_FORMAT} bodies"),
    "stack-trace": Fault("stack-trace", codes=(VALIDATION, FIELD_FORMAT, INTERNAL),
                         affects=f"a Python traceback is appended to error.message of {VALIDATION}, "
                                 f"{FIELD_FORMAT} (and {INTERNAL})"),
    "sql-leak": Fault("sql-leak", codes=(VALIDATION, FIELD_FORMAT, INTERNAL),
                      affects=f"a PostgreSQL driver error is appended to error.message of {VALIDATION}, "
                              f"{FIELD_FORMAT} (and {INTERNAL})"),
}
