"""The Falu reference API answers every provokable seed code with the documented envelope,
and every fault kind changes what it declares.

Written against the seed document (the "Error codes" page: Falu's own codes) and the public
facts of APIS.md (problem details, type https://docs.falu.io/error-codes#<code>, title = the
code, 401 with WWW-Authenticate and no body, 403/429 without body), spelled out here; the
catalog file is not read.
"""
from __future__ import annotations

import re
import threading
import uuid

import httpx
import pytest

from conformance import reference
from conformance.reference.testing import ServerPool

DOCS = "https://docs.falu.io/error-codes#"
VERSION = {"X-Falu-Version": "2024-06-01"}
VALIDATION = "One or more validation errors occurred."
KEYS = reference.credentials("falu")
PHONE = "+254722000002"
MULTIPART = "multipart/form-data; boundary=falu-test"
NOWHERE = "2mGSrBqvbIQYJy3NtRwIXkE1Mvh"  # a well-formed id body that names nothing


@pytest.fixture(scope="module")
def pool():
    with ServerPool(in_process=True) as p:
        yield p


class Client:
    """Falu requests; ``key="primary"`` is a freshly minted key (own bucket and data) per client."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url + "/v1", timeout=10)
        self.primary = reference.mint_key("falu")

    def __call__(self, method: str, path: str, json=None, *, key: str | None = "primary",
                 idem: str | bool = True, headers: dict | None = None, content: bytes | None = None,
                 content_type: str | None = None, version: bool = True) -> httpx.Response:
        h: dict[str, str] = dict(VERSION) if version else {}
        if key is not None:
            h["Authorization"] = f"Bearer {self.primary if key == 'primary' else KEYS.get(key, key)}"
        if method == "POST" and idem:
            h["X-Idempotency-Key"] = idem if isinstance(idem, str) else f"test-{uuid.uuid4()}"
        if content_type:
            h["Content-Type"] = content_type
        h.update(headers or {})
        if content is not None:
            return self.http.request(method, path, headers=h, content=content)
        return self.http.request(method, path, headers=h, json=json)

    def ok(self, method: str, path: str, json=None, **kw) -> dict:
        r = self(method, path, json, **kw)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def c(pool):
    client = Client(pool.get("falu").url)
    yield client
    client.http.close()


def fault_client(pool, fault: str) -> Client:
    return Client(pool.get("falu", fault).url)


def assert_headers(r: httpx.Response) -> None:
    assert re.fullmatch(r"req_[A-Za-z0-9]+", r.headers["X-Request-Id"])
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}", r.headers["X-Trace-Id"])


def assert_problem(r: httpx.Response, code: str, status: int = 400) -> dict:
    """Falu's own code: problem+json, type = docs link, title = code, traceId = X-Trace-Id."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert_headers(r)
    body = r.json()
    assert body["type"] == DOCS + code
    assert body["title"] == code
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["instance"] == r.request.url.path
    assert body["traceId"] == r.headers["X-Trace-Id"]
    return body


def assert_framework(r: httpx.Response, title: str, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert_headers(r)
    body = r.json()
    assert body["title"] == title and body["status"] == status
    assert body["type"].startswith("https://tools.ietf.org/html/rfc9110#section-15.")
    assert body["traceId"] == r.headers["X-Trace-Id"]
    return body


def assert_validation(r: httpx.Response, member: str | None = None) -> dict:
    body = assert_framework(r, VALIDATION, 400)
    assert body["errors"] and all(isinstance(v, list) and v for v in body["errors"].values())
    if member is not None:
        assert member in body["errors"], body["errors"]
    return body


def multipart(purpose: str, filename: str, ctype: str, data: bytes, expires: str | None = None) -> bytes:
    parts = [f'--falu-test\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n{purpose}\r\n'.encode()]
    if expires:
        parts.append(f'--falu-test\r\nContent-Disposition: form-data; name="expires"\r\n\r\n{expires}\r\n'.encode())
    parts.append((f'--falu-test\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                  f"Content-Type: {ctype}\r\n\r\n").encode() + data + b"\r\n--falu-test--\r\n")
    return b"".join(parts)


def upload(c: Client, purpose: str = "message.media", expires: str | None = None, **kw) -> dict:
    return c.ok("POST", "/files", content=multipart(purpose, "a.pdf", "application/pdf", b"%PDF-1.4 x", expires),
                content_type=MULTIPART, **kw)


def message(c: Client, **extra) -> dict:
    return c.ok("POST", "/messages", {"to": PHONE, "stream": "transactional", "body": "Hi", **extra})


def stream(c: Client) -> dict:
    return c.ok("POST", "/message_streams", {"name": f"s-{uuid.uuid4().hex[:10]}", "type": "marketing"})


def visit_parts(c: Client) -> tuple[dict, dict]:
    return (c.ok("POST", "/visitors", {"name": "Jane"}), c.ok("POST", "/visitor_destinations", {"name": "Desk"}))


# ---- one request per provokable seed code ----------------------------------------------------
def p_invalid_workspace_state(c):
    return c("GET", "/messages", key="suspended")


def p_features_disabled(c):
    return c("POST", "/identity/verifications", {"type": "document"}, key="features_disabled")


def p_invalid_settings(c):
    return c("POST", "/payments", {"amount": 100, "currency": "kes",
                                   "mpesa": {"phone": PHONE, "reference": "o-1"}}, key="unconfigured")


def p_idempotency_key_invalid(c):
    return c("POST", "/billing/customers", {"name": "A"}, idem="not a valid key!")


def p_idempotency_error(c):
    key = f"k-{uuid.uuid4()}"
    c.ok("POST", "/billing/customers", {"name": "A"}, idem=key)
    return c("POST", "/billing/customers", {"name": "B"}, idem=key)


def p_idempotency_key_in_use(c):
    key = f"k-{uuid.uuid4()}"
    out: list[httpx.Response] = []
    http = [Client(str(c.http.base_url).rsplit("/v1", 1)[0]) for _ in range(2)]
    for other in http:
        other.primary = c.primary

    def send(i: int) -> None:
        out.append(http[i]("POST", "/billing/customers", {"name": "Same"}, idem=key))
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in out) == [200, 400]
    return next(r for r in out if r.status_code == 400)


def p_insufficient_balance(c):
    return c("POST", "/transfers", {"amount": 10 ** 11, "currency": "kes", "purpose": "business",
                                    "mpesa": {"customer": {"phone": PHONE}}})


def p_object_redacted(c):
    m = message(c)
    c.ok("POST", f"/messages/{m['id']}/redact")
    return c("PATCH", f"/messages/{m['id']}", {"metadata": {"a": "b"}})


def p_object_cannot_be_redacted(c):
    m = message(c, schedule={"delay": "PT1H"})
    return c("POST", f"/messages/{m['id']}/redact")


def p_object_redaction_in_progress(c):
    b = c.ok("POST", "/message_batches", {"stream": "transactional", "messages": [{"tos": [PHONE], "body": "Hi"}]})
    c.ok("POST", f"/message_batches/{b['id']}/redact")
    return c("POST", f"/message_batches/{b['id']}/redact")


def p_identity_verification_not_found(c):
    return c("PATCH", f"/identity/verifications/idv_{NOWHERE}", {"description": "x"})


def _cancelled_idv(c):
    idv = c.ok("POST", "/identity/verifications", {"type": "document"})
    c.ok("POST", f"/identity/verifications/{idv['id']}/cancel")
    return idv


def p_identity_verification_cannot_be_modified(c):
    return c("PATCH", f"/identity/verifications/{_cancelled_idv(c)['id']}", {"description": "x"})


def p_identity_verification_cannot_be_cancelled(c):
    return c("POST", f"/identity/verifications/{_cancelled_idv(c)['id']}/cancel")


def p_customer_not_found(c):
    return c("PATCH", f"/billing/customers/cust_{NOWHERE}", {"name": "x"})


def p_event_not_found(c):
    return c("POST", f"/events/evt_{NOWHERE}/redact")


def p_file_not_found(c):
    return c("GET", f"/files/file_{NOWHERE}/contents")


def p_file_expired(c):
    f = upload(c, expires="2020-01-01T00:00:00Z")
    return c("POST", "/file_links", {"file": f["id"]})


def p_file_type_not_allowed(c):
    return c("POST", "/files", content=multipart("message.media", "a.zip", "application/zip", b"PK"),
             content_type=MULTIPART)


def p_file_invalid(c):
    return c("POST", "/files", content=multipart("message.media", "a.png", "image/png", b"not a png"),
             content_type=MULTIPART)


def p_file_cannot_be_downloaded(c):
    return c("GET", f"/files/{upload(c, 'identity.document')['id']}/contents")


def p_file_link_not_found(c):
    return c("PATCH", f"/file_links/link_{NOWHERE}", {"metadata": {"a": "b"}})


def p_file_link_cannot_be_updated(c):
    link = c.ok("POST", "/file_links", {"file": upload(c)["id"], "expires": "2020-01-01T00:00:00Z"})
    return c("PATCH", f"/file_links/{link['id']}", {"metadata": {"a": "b"}})


def _payment(c, phone=PHONE):
    return c.ok("POST", "/payments", {"amount": 100, "currency": "kes", "mpesa": {"phone": phone, "reference": "o-1"}})


def p_payment_not_found(c):
    return c("PATCH", f"/payments/pa_{NOWHERE}", {"metadata": {"a": "b"}})


def p_payment_cannot_be_refunded(c):
    return c("POST", "/payment_refunds", {"payment": _payment(c)["id"], "reason": "other"})


def p_payment_authorization_not_found(c):
    return c("POST", f"/payment_authorizations/pauth_{NOWHERE}/approve")


def p_payment_refund_not_found(c):
    return c("PATCH", f"/payment_refunds/pr_{NOWHERE}", {"metadata": {"a": "b"}})


def p_transfer_not_found(c):
    return c("PATCH", f"/transfers/tr_{NOWHERE}", {"metadata": {"a": "b"}})


def p_transfer_cannot_be_reversed(c):
    tr = c.ok("POST", "/transfers", {"amount": 1, "currency": "kes", "purpose": "business",
                                     "mpesa": {"customer": {"phone": PHONE}}})
    return c("POST", "/transfer_reversals", {"transfer": tr["id"], "reason": "other"})


def p_transfer_reversal_not_found(c):
    return c("PATCH", f"/transfer_reversals/trr_{NOWHERE}", {"metadata": {"a": "b"}})


def p_message_not_found(c):
    return c("PATCH", f"/messages/msg_{NOWHERE}", {"metadata": {"a": "b"}})


def p_message_cannot_be_cancelled(c):
    return c("POST", f"/messages/{message(c)['id']}/cancel")


def p_message_media_invalid(c):
    f = upload(c, "identity.document")
    return c("POST", "/messages", {"to": PHONE, "stream": "transactional", "media": {"file": f["id"]}})


def p_message_batch_not_found(c):
    return c("POST", f"/message_batches/msba_{NOWHERE}/cancel")


def p_message_batch_cannot_be_cancelled(c):
    b = c.ok("POST", "/message_batches", {"stream": "transactional", "messages": [{"tos": [PHONE], "body": "Hi"}]})
    return c("POST", f"/message_batches/{b['id']}/cancel")


def p_message_sender_not_found(c):
    return c("DELETE", f"/message_senders/msnd_{NOWHERE}")


def p_message_sender_alphanumeric_in_use(c):
    s = stream(c)
    body = {"stream": s["id"], "type": "alphanumeric", "alphanumeric": "ACME-CO"}
    c.ok("POST", "/message_senders", body)
    return c("POST", "/message_senders", body)


def p_message_sender_cannot_be_modified(c):
    sender = c.ok("POST", "/message_senders", {"stream": stream(c)["id"], "type": "alphanumeric",
                                               "alphanumeric": "ACME-CO"})
    return c("DELETE", f"/message_senders/{sender['id']}")


def p_message_stream_not_found(c):
    return c("POST", "/messages", {"to": PHONE, "stream": f"mstr_{NOWHERE}", "body": "Hi"})


def p_message_stream_name_in_use(c):
    return c("POST", "/message_streams", {"name": stream(c)["name"], "type": "marketing"})


def p_message_stream_archived(c):
    s = stream(c)
    c.ok("POST", f"/message_streams/{s['id']}/archive")
    return c("POST", "/messages", {"to": PHONE, "stream": s["id"], "body": "Hi"})


def p_message_stream_cannot_be_modified(c):
    default = c.ok("GET", "/message_streams")[0]
    return c("DELETE", f"/message_streams/{default['id']}")


def p_message_suppression_not_found(c):
    return c("DELETE", f"/message_suppressions/msup_{NOWHERE}")


def p_message_template_not_found(c):
    return c("PATCH", f"/message_templates/mtpl_{NOWHERE}", {"description": "x"})


def p_message_template_content_is_invalid(c):
    return c("POST", "/message_templates/validate", {"body": "Hello {{ name"})


def p_message_template_alias_in_use(c):
    body = {"alias": f"t-{uuid.uuid4().hex[:10]}", "body": "Hello {{ name }}"}
    c.ok("POST", "/message_templates", body)
    return c("POST", "/message_templates", body)


def p_messages_limit_exceeded(c):
    tos = [f"+2547220{i:05d}" for i in range(1001)]
    return c("POST", "/message_batches", {"stream": "transactional", "messages": [{"tos": tos, "body": "Hi"}]})


def p_messages_suppressions_flagged(c):
    phone = f"+2547{uuid.uuid4().int % 10 ** 8:08d}"
    c.ok("POST", "/message_suppressions", {"stream": "transactional", "to": phone})
    return c("POST", "/messages", {"to": phone, "stream": "transactional", "body": "Hi"})


def p_terminal_configuration_not_found(c):
    return c("DELETE", f"/terminal/configurations/tmcf_{NOWHERE}")


def p_terminal_configuration_cannot_be_modified(c):
    default = c.ok("GET", "/terminal/configurations")[0]
    return c("DELETE", f"/terminal/configurations/{default['id']}")


def p_terminal_location_not_found(c):
    return c("DELETE", f"/terminal/locations/tml_{NOWHERE}")


def p_terminal_location_cannot_be_modified(c):
    loc = c.ok("POST", "/terminal/locations", {"display_name": "Desk"})
    c.ok("POST", "/terminal/configurations", {"name": "c", "location": loc["id"]})
    return c("DELETE", f"/terminal/locations/{loc['id']}")


def p_terminal_device_not_found(c):
    return c("GET", f"/terminal/devices/tmd_{NOWHERE}")


def p_terminal_device_activation_token_invalid(c):
    return c("POST", "/terminal/devices", {"activation_token": "garbage"})


def p_visitor_destination_not_found(c):
    return c("DELETE", f"/visitor_destinations/vdst_{NOWHERE}")


def p_visitor_destination_cannot_be_modified(c):
    visitor, dest = visit_parts(c)
    c.ok("POST", "/visits", {"visitor": visitor["id"], "destination": dest["id"]})
    return c("DELETE", f"/visitor_destinations/{dest['id']}")


def p_visitor_not_found(c):
    return c("DELETE", f"/visitors/vstr_{NOWHERE}")


def p_visitor_cannot_be_modified(c):
    visitor, _ = visit_parts(c)
    c.ok("POST", "/visits", {"visitor": visitor["id"]})
    return c("DELETE", f"/visitors/{visitor['id']}")


def p_visit_not_found(c):
    return c("POST", f"/visits/vst_{NOWHERE}/start", {})


def _visit(c, started=False, ended=False, destination=True):
    visitor, dest = visit_parts(c)
    body = {"visitor": visitor["id"], **({"destination": dest["id"]} if destination else {})}
    v = c.ok("POST", "/visits", body)
    if started:
        c.ok("POST", f"/visits/{v['id']}/start", {})
    if ended:
        c.ok("POST", f"/visits/{v['id']}/end", {})
    return v


def p_visit_already_started(c):
    return c("POST", f"/visits/{_visit(c, started=True)['id']}/start", {})


def p_visit_not_started(c):
    return c("POST", f"/visits/{_visit(c)['id']}/end", {})


def p_visit_already_ended(c):
    return c("POST", f"/visits/{_visit(c, started=True, ended=True)['id']}/end", {})


def p_visit_destination_required(c):
    return c("POST", f"/visits/{_visit(c, destination=False)['id']}/start", {})


def p_webhook_endpoint_not_found(c):
    return c("DELETE", f"/webhooks/endpoints/we_{NOWHERE}")


PROVOKE = {name[2:]: fn for name, fn in dict(globals()).items() if name.startswith("p_")}
# Seed codes no client can provoke on this server (see the module docstring of reference.falu).
NOT_PROVOKABLE = {"event_delivery_cannot_be_retried", "payment_authorization_closed",
                  "message_suppression_cannot_be_modified", "terminal_device_already_activated",
                  "terminal_device_busy", "terminal_device_offline", "terminal_device_handoff_failed"}
SEED_CODE_COUNT = 70


def test_every_seed_code_is_covered_or_explained():
    assert len(PROVOKE) + len(NOT_PROVOKABLE) == SEED_CODE_COUNT
    assert not set(PROVOKE) & NOT_PROVOKABLE


@pytest.mark.parametrize("code", sorted(PROVOKE))
def test_seed_code(c, code):
    r = PROVOKE[code](c)
    status = 410 if code == "file_expired" and r.request.method == "GET" else 400
    assert_problem(r, code, status)


def test_file_expired_download_is_410(c):
    f = upload(c, expires="2020-01-01T00:00:00Z")
    assert_problem(c("GET", f"/files/{f['id']}/contents"), "file_expired", 410)


# ---- HTTP-level answers ------------------------------------------------------------------------
@pytest.mark.parametrize("key", [None, "expired", "revoked", "sk_test_nonsense"])
def test_401_has_no_body_and_says_invalid_token(c, key):
    r = c("GET", "/messages", key=key)
    assert r.status_code == 401 and r.content == b""
    assert r.headers["WWW-Authenticate"] == 'ApiKey error="invalid_token"'
    assert_headers(r)


def test_403_has_no_body(c):
    r = c("GET", "/messages", key="temporary")
    assert r.status_code == 403 and r.content == b""
    assert_headers(r)
    idv = c.ok("POST", "/identity/verifications", {"type": "document"})
    # allowed operation for a temporary key: no 403 (its own workspace does not hold this one)
    assert_problem(c("GET", f"/identity/verifications/{idv['id']}", key="temporary"),
                   "identity_verification_not_found")


def test_429_with_retry_after_before_idempotency(c):
    key = reference.mint_key("falu")
    seen = [c("POST", "/billing/customers", {"name": "A"}, key=key, idem="same-key") for _ in range(150)]
    limited = [r for r in seen if r.status_code == 429]
    assert limited, [r.status_code for r in seen]
    r = limited[0]
    assert r.content == b"" and int(r.headers["Retry-After"]) >= 1
    assert_headers(r)
    # the limit is per key: the primary key is unaffected
    assert c("GET", "/messages").status_code == 200


def test_validation_problems(c):
    assert_validation(c("POST", "/messages", {"to": "0722 000 000", "stream": "transactional", "body": "x"}), "to")
    assert_validation(c("POST", "/messages", {"stream": "transactional", "body": "x"}), "to")
    assert_validation(c("POST", "/billing/customers", {"email": ".a@example.com"}), "email")
    assert_validation(c("POST", "/payments", {"amount": 0, "currency": "kes",
                                              "mpesa": {"phone": PHONE, "reference": "r"}}), "amount")
    assert_validation(c("POST", "/transfers", {"amount": 1, "currency": "kes", "purpose": "gift",
                                               "mpesa": {"customer": {"phone": PHONE}}}), "purpose")
    assert_validation(c("POST", "/webhooks/endpoints", {"url": "https://example.com:99999", "events": ["a"]}), "url")
    assert_validation(c("GET", "/messages", version=False), "X-Falu-Version")
    assert_validation(c("POST", "/billing/customers", content=b'{"a": 1, "a": 2}', content_type="application/json"), "$")
    assert_validation(c("POST", "/billing/customers", content=b"[1]", content_type="application/json"), "$")
    assert_validation(c("POST", "/billing/customers", content=b"{bad", content_type="application/json"), "$")


def test_framework_problems(c):
    assert_framework(c("GET", "/no_such_things"), "Not Found", 404)
    assert_framework(c("DELETE", "/messages"), "Method Not Allowed", 405)
    assert_framework(c("POST", "/billing/customers", content=b"{}", content_type="text/plain"),
                     "Unsupported Media Type", 415)


def test_idempotent_replay_returns_the_original_response(c):
    key = f"k-{uuid.uuid4()}"
    first = c("POST", "/billing/customers", {"name": "Replay"}, idem=key)
    second = c("POST", "/billing/customers", {"name": "Replay"}, idem=key)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()


def test_blank_idempotency_key_is_invalid(c):
    assert_problem(c("POST", "/billing/customers", {"name": "A"}, idem=False,
                     headers={"X-Idempotency-Key": ""}), "idempotency_key_invalid")


def test_openapi_document(c):
    doc = httpx.get(str(c.http.base_url).rsplit("/v1", 1)[0] + "/openapi.json").json()
    assert doc["openapi"].startswith("3.0")
    op = doc["paths"]["/v1/messages"]["post"]
    assert "message_stream_archived" in op["x-error-codes"]
    assert "content" not in op["responses"]["401"]
    assert op["responses"]["400"]["content"]["application/problem+json"]
    assert "Retry-After" in op["responses"]["429"]["headers"]
    assert "409" not in op["responses"]


# ---- faults --------------------------------------------------------------------------------------
def test_every_fault_kind_applies_and_says_what_it_changes():
    infos = reference.faults("falu")
    assert {i.kind for i in infos} == {f.kind for f in reference.faults()}
    assert all(i.applies and i.affects for i in infos)


def test_fault_wrong_status(pool):
    r = p_message_not_found(fault_client(pool, "wrong-status"))
    assert r.status_code == 404 and r.json()["status"] == 404 and r.json()["title"] == "message_not_found"


def test_fault_code_case(pool):
    body = p_insufficient_balance(fault_client(pool, "code-case")).json()
    assert body["title"] == "insufficient_balanse"


def test_fault_unknown_code(pool):
    body = p_message_stream_archived(fault_client(pool, "unknown-code")).json()
    assert body["title"] == "message_stream_inactive"


def test_fault_missing_member(pool):
    body = p_message_not_found(fault_client(pool, "missing-member")).json()
    assert "type" not in body and body["title"] == "message_not_found"


def test_fault_wrong_media_type(pool):
    r = p_message_not_found(fault_client(pool, "wrong-media-type"))
    assert r.status_code == 400 and r.headers["content-type"] == "application/json"


def test_fault_body_status_mismatch(pool):
    fc = fault_client(pool, "body-status-mismatch")
    assert p_message_not_found(fc).json()["status"] == 422
    r = fc("GET", "/no_such_things")
    assert r.status_code == 404 and r.json()["status"] == 400


def test_fault_missing_header(pool):
    fc = fault_client(pool, "missing-header")
    r = p_message_not_found(fc)
    assert r.status_code == 400 and "X-Request-Id" not in r.headers
    key = reference.mint_key("falu")
    limited = [r for r in (fc("GET", "/messages", key=key) for _ in range(150)) if r.status_code == 429]
    assert limited and "Retry-After" not in limited[0].headers
    assert "X-Request-Id" in fc("GET", "/messages").headers  # successes keep it


def test_fault_accept_invalid(pool):
    fc = fault_client(pool, "accept-invalid")
    assert fc("POST", "/billing/customers", {"email": "not-an-email"}).status_code == 200
    assert fc("POST", "/messages", {"to": "0722", "stream": "transactional", "body": "x"}).status_code == 200
    assert_validation(fc("POST", "/payments", {"amount": 0, "currency": "kes",
                                               "mpesa": {"phone": PHONE, "reference": "r"}}), "amount")


def test_fault_html_500(pool):
    r = fault_client(pool, "html-500")("POST", "/billing/customers", content=b"{bad", content_type="application/json")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")


def test_fault_replay_ignored(pool):
    fc = fault_client(pool, "replay-ignored")
    key = f"k-{uuid.uuid4()}"
    first = fc.ok("POST", "/billing/customers", {"name": "Twice"}, idem=key)
    second = fc.ok("POST", "/billing/customers", {"name": "Twice"}, idem=key)
    assert first["id"] != second["id"]


def test_fault_missing_detail_member(pool):
    r = fault_client(pool, "missing-detail-member")("POST", "/billing/customers", {"email": "nope"})
    assert r.status_code == 400 and r.json()["title"] == VALIDATION and "errors" not in r.json()


def test_fault_stack_trace(pool):
    r = fault_client(pool, "stack-trace")("POST", "/billing/customers", {"email": "nope"})
    assert r.status_code == 400 and "Traceback" in r.json()["detail"]
