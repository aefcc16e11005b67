"""What each fault kind changes on Flowbrite (a declared data table, read by the machinery)."""
from __future__ import annotations

from .._machinery import Fault
from .codes import IDEMPOTENCY_HEADER, INTERNAL, MISSING_KEY, REUSED_KEY, VALIDATION

FAULTS = {
    "wrong-status": Fault("wrong-status", codes=(VALIDATION,), param=422,
                          affects=f"{VALIDATION} is sent with HTTP 422 (and body status 422) instead of 400"),
    "code-case": Fault("code-case", codes=(VALIDATION,), param="api.common.validationfailed",
                       affects=f"{VALIDATION} is sent as 'api.common.validationfailed' (lower-cased)"),
    "unknown-code": Fault("unknown-code", codes=(MISSING_KEY,), param="api.common.idempotencyKeyRequired",
                          affects=f"{MISSING_KEY} is replaced by the undocumented 'api.common.idempotencyKeyRequired'"),
    "missing-member": Fault("missing-member", param=(("error", "message"),),
                            affects="error.message is removed from every error body"),
    "wrong-media-type": Fault("wrong-media-type", param="text/plain",
                              affects="every error body (JSON) is sent as text/plain instead of application/json"),
    "body-status-mismatch": Fault("body-status-mismatch",
                                  affects="error.status is 400 on every non-400 error and 422 on 400s"),
    "missing-header": Fault("missing-header", param=("X-Correlation-Id", "Retry-After"),
                            affects="X-Correlation-Id is missing on every error response; Retry-After is missing on 429"),
    "accept-invalid": Fault("accept-invalid", operations=("createWallet",),
                            affects="POST /v1/wallets skips field validation (name, currency): invalid bodies get 201"),
    "html-500": Fault("html-500",
                      affects="a malformed JSON body on any POST answers 500 text/html (nginx page) instead of 400 validationFailed"),
    "replay-ignored": Fault("replay-ignored",
                            affects=f"reusing {IDEMPOTENCY_HEADER} with the same body within 900 s creates a second "
                                    f"resource (201, new id) instead of 409 {REUSED_KEY}; a different body still gets 409"),
    "missing-detail-member": Fault("missing-detail-member", codes=(VALIDATION,),
                                   affects=f"error.validationErrors is removed from {VALIDATION} bodies"),
    "stack-trace": Fault("stack-trace", codes=(VALIDATION, INTERNAL),
                         affects=f"a Python traceback is appended to error.message of {VALIDATION} (and {INTERNAL})"),
    "sql-leak": Fault("sql-leak", codes=(VALIDATION, INTERNAL),
                      affects=f"a PostgreSQL driver error is appended to error.message of {VALIDATION} (and {INTERNAL})"),
}
