"""What each fault kind changes on the Falu reference (``--fault KIND``). The machinery
implements every kind from these declarations and the envelope paths of
:class:`~.problems.FaluEnvelope`; the codes named are those of Falu's "Error codes" page
(https://docs.falu.io/error-codes) and the framework's validation problem.
"""
from __future__ import annotations

from .._machinery import Fault
from .constants import VALIDATION

FAULTS: dict[str, Fault] = {
    "wrong-status": Fault("wrong-status", codes=("message_not_found", "customer_not_found"), param=404,
                          affects="message_not_found and customer_not_found are sent with HTTP 404 (body status 404) instead of 400"),
    "code-case": Fault("code-case", codes=("insufficient_balance",), param="insufficient_balanse",
                       affects="insufficient_balance is sent as 'insufficient_balanse' (one letter changed)"),
    "unknown-code": Fault("unknown-code", codes=("message_stream_archived",), param="message_stream_inactive",
                          affects="message_stream_archived is replaced by the undocumented 'message_stream_inactive'"),
    "missing-member": Fault("missing-member", param=(("type",),),
                            affects="the problem member 'type' is removed from every error body"),
    "wrong-media-type": Fault("wrong-media-type", param="application/json",
                              affects="error bodies are sent as application/json instead of application/problem+json"),
    "body-status-mismatch": Fault("body-status-mismatch",
                                  affects="the body's status is 422 on 400s and 400 on other errors with a body"),
    "missing-header": Fault("missing-header", param=("X-Request-Id", "Retry-After"),
                            affects="X-Request-Id is missing on every error response; Retry-After is missing on 429"),
    "accept-invalid": Fault("accept-invalid", operations=("customers-create", "messages-create"),
                            affects="POST /v1/billing/customers and POST /v1/messages skip field validation "
                                    "(email, phone, to, body): invalid bodies get 200"),
    "html-500": Fault("html-500",
                      affects="a malformed JSON body on any operation answers 500 text/html instead of the 400 validation problem"),
    "replay-ignored": Fault("replay-ignored",
                            affects="reusing X-Idempotency-Key with the same body creates a second resource "
                                    "(new id) instead of replaying the first response"),
    "missing-detail-member": Fault("missing-detail-member", codes=(VALIDATION,),
                                   affects="'errors' is removed from validation problems"),
    "stack-trace": Fault("stack-trace", codes=(VALIDATION,),
                         affects="a Python traceback is added as the detail of validation problems"),
    "sql-leak": Fault("sql-leak", codes=(VALIDATION,),
                      affects="a PostgreSQL driver error is added as the detail of validation problems"),
}
