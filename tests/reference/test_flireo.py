"""The Flireo reference API against the Flireo error-code reference (seed 001).

The seed's codes, categories and envelope are written out here (not read from the catalog),
so server and catalog are checked against the seed independently.
"""
from __future__ import annotations

import uuid

import httpx
import pytest

from conformance import reference
from conformance.reference.testing import ServerPool

# Seed 001: "Error Codes by Category" (code -> the `type` category it belongs to).
SEED_TYPES = {
    "unauthorized": "authentication", "api_key_expired": "authentication", "api_key_revoked": "authentication",
    "invalid_request": "validation", "missing_field": "validation", "invalid_field": "validation",
    "invalid_phone_number": "validation", "invalid_uuid": "validation", "invalid_url": "validation",
    "not_found": "resource", "already_exists": "resource", "conflict": "resource",
    "insufficient_credits": "billing", "payment_required": "billing",
    "rate_limit_exceeded": "rate_limit", "call_control_limit": "rate_limit",
    "provider_error": "provider", "provider_timeout": "provider", "invalid_api_key": "provider",
    "call_not_found": "call", "call_not_active": "call", "invalid_destination": "call",
}
# Seed status table rows that fit each code (the seed pins no status per code).
FITTING = {
    "authentication": {401}, "validation": {400, 422}, "resource": {404, 409}, "billing": {402},
    "rate_limit": {429}, "call": {400, 404, 409, 422}, "provider": {400, 422, 502, 504},
}
CALL = {"to": "+31612345678", "from": "+31201234567"}
RATE_HEADERS = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture(scope="module")
def pool():
    with ServerPool() as p:
        yield p


@pytest.fixture(scope="module")
def server(pool):
    return pool.get("flireo")


def client(srv, key: str | None = "primary", **headers) -> httpx.Client:
    if key is not None:
        value = reference.credentials("flireo")[key] if key in reference.credentials("flireo") else key
        headers["Authorization"] = f"Bearer {value}"
    return httpx.Client(base_url=srv.url + "/api/v1", headers=headers, timeout=10)


def assert_error(resp: httpx.Response, code: str, *, param: object = ..., statuses: set[int] | None = None):
    """The seed envelope: {"error": {code, message, param, type}}; type = the code's category."""
    assert resp.headers["content-type"].startswith("application/json"), resp.text
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "param", "type"}, err
    assert err["code"] == code, body
    assert isinstance(err["message"], str) and err["message"], body
    assert err["type"] == SEED_TYPES[code], body
    assert resp.status_code in (statuses or FITTING[SEED_TYPES[code]]), (resp.status_code, body)
    if param is not ...:
        assert err["param"] == param, body
    return err


@pytest.fixture(scope="module")
def c(server):
    with client(server) as cl:
        yield cl


def new_call(cl: httpx.Client) -> str:
    resp = cl.post("/calls", json=CALL)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def burst_until_429(cl: httpx.Client, limit: int = 130) -> httpx.Response:
    """The bucket refills 100/60 s, so a slow machine may need a few more than 101 requests."""
    for _ in range(limit):
        resp = cl.get("/calls")
        if resp.status_code == 429:
            return resp
    raise AssertionError(f"no 429 within {limit} requests")


# ---- authentication ----------------------------------------------------------------------
def test_missing_and_invalid_keys_are_unauthorized(server):
    with client(server, None) as cl:
        assert_error(cl.get("/calls"), "unauthorized", param=None, statuses={401})
    with client(server, "invalid") as cl:
        assert_error(cl.get("/calls"), "unauthorized", param=None, statuses={401})
    with httpx.Client(base_url=server.url + "/api/v1") as cl:
        key = reference.credentials("flireo")["primary"]
        assert_error(cl.get("/calls", headers={"Authorization": f"Basic {key}"}), "unauthorized", statuses={401})


def test_expired_and_revoked_keys(server):
    with client(server, "expired") as cl:
        assert_error(cl.get("/calls"), "api_key_expired", param=None, statuses={401})
    with client(server, "revoked") as cl:
        assert_error(cl.get("/calls"), "api_key_revoked", param=None, statuses={401})


# ---- validation --------------------------------------------------------------------------
@pytest.mark.parametrize("raw,ctype", [(b'{"to": ', "application/json"), (b"[1, 2]", "application/json"),
                                       (b'{"to": "+31612345678"}', "text/plain"), (b"", "application/json")])
def test_invalid_request_bodies(c, raw, ctype):
    assert_error(c.post("/calls", content=raw, headers={"Content-Type": ctype}), "invalid_request",
                 param=None, statuses={400})


def test_missing_field(c):
    assert_error(c.post("/calls", json={"from": CALL["from"]}), "missing_field", param="to")
    assert_error(c.post("/calls", json={"to": CALL["to"]}), "missing_field", param="from")
    call = new_call(c)
    assert_error(c.post(f"/calls/{call}/speak", json={}), "missing_field", param="text")
    assert_error(c.post(f"/calls/{call}/play", json={}), "missing_field", param="url")


@pytest.mark.parametrize("patch,param", [({"to": 31612345678}, "to"), ({"to": None}, "to"),
                                         ({"timeout": 4}, "timeout"), ({"timeout": 121}, "timeout"),
                                         ({"timeout": "30"}, "timeout"), ({"timeout": True}, "timeout")])
def test_invalid_field(c, patch, param):
    assert_error(c.post("/calls", json={**CALL, **patch}), "invalid_field", param=param)


def test_invalid_field_on_byok_provider(c):
    resp = c.post("/byok", json={"provider": "acme", "api_key": "sk-" + "a" * 24})
    assert_error(resp, "invalid_field", param="provider")


@pytest.mark.parametrize("field,value", [("to", "0612345678"), ("to", "+31 6 12345678"), ("from", "31201234567"),
                                         ("from", "+0201234567"), ("to", "+3161234567890123")])
def test_invalid_phone_number(c, field, value):
    assert_error(c.post("/calls", json={**CALL, field: value}), "invalid_phone_number", param=field)


def test_invalid_destination(c):
    assert_error(c.post("/calls", json={**CALL, "to": "+99912345678"}), "invalid_destination", param="to")


@pytest.mark.parametrize("url", ["http://example.com/hook", "example.com/hook", "https://", "ftp://example.com",
                                 "https://exa mple.com/", "not a url", ""])
def test_invalid_url(c, url):
    assert_error(c.post("/calls", json={**CALL, "webhook_url": url}), "invalid_url", param="webhook_url")
    call = new_call(c)
    assert_error(c.post(f"/calls/{call}/play", json={"url": url}), "invalid_url", param="url")


@pytest.mark.parametrize("bad", ["not-a-uuid", "00000000-0000-0000-0000-00000000000",
                                 "{00000000-0000-0000-0000-000000000000}", "%20"])
def test_invalid_uuid(c, bad):
    assert_error(c.get(f"/calls/{bad}"), "invalid_uuid", param="id", statuses={400})
    assert_error(c.get(f"/phone-numbers/{bad}"), "invalid_uuid", param="id", statuses={400})
    assert_error(c.post(f"/calls/{bad}/hangup", json={}), "invalid_uuid", param="id", statuses={400})


def test_empty_path_id_is_invalid_uuid(c):
    assert_error(c.get("/calls/"), "invalid_uuid", param="id", statuses={400})


# ---- resources -----------------------------------------------------------------------------
def test_not_found(c):
    assert_error(c.get(f"/phone-numbers/{uuid.uuid4()}"), "not_found", statuses={404})
    assert_error(c.delete("/byok/openai"), "not_found", statuses={404})
    assert_error(c.get("/no-such-route"), "not_found", param=None, statuses={404})
    assert_error(c.patch("/calls", json={}), "not_found", param=None, statuses={404})


def test_call_not_found(c):
    assert_error(c.get(f"/calls/{uuid.uuid4()}"), "call_not_found", statuses={404})
    assert_error(c.post(f"/calls/{uuid.uuid4()}/speak", json={"text": "hi"}), "call_not_found", statuses={404})


def test_calls_of_another_account_are_not_found(server, c):
    call = new_call(c)
    with client(server, "secondary") as other:
        assert_error(other.get(f"/calls/{call}"), "call_not_found", statuses={404})


def test_already_exists_and_conflict(server, c):
    bought = c.post("/phone-numbers", json={"country": "NL"})
    assert bought.status_code == 201, bought.text
    number = bought.json()["phone_number"]
    assert_error(c.post("/phone-numbers", json={"phone_number": number}), "already_exists",
                 param="phone_number", statuses={409})
    with client(server, "secondary") as other:
        assert_error(other.post("/phone-numbers", json={"phone_number": number}), "conflict",
                     param="phone_number", statuses={409})
    # released numbers can be bought again
    assert c.delete(f"/phone-numbers/{bought.json()['id']}").status_code == 204
    with client(server, "secondary") as other:
        assert other.post("/phone-numbers", json={"phone_number": number}).status_code == 201


def test_call_not_active(c):
    call = new_call(c)
    assert c.post(f"/calls/{call}/hangup", json={}).json()["status"] == "completed"
    for command, body in (("hangup", {}), ("speak", {"text": "hello"}),
                          ("play", {"url": "https://example.com/a.mp3"})):
        assert_error(c.post(f"/calls/{call}/{command}", json=body), "call_not_active")


# ---- billing ---------------------------------------------------------------------------------
def test_billing_codes_with_a_low_credit_account(server):
    with client(server, "low_credits") as cl:
        assert_error(cl.post("/phone-numbers", json={"country": "NL"}), "insufficient_credits", statuses={402})
        assert_error(cl.post("/calls", json=CALL), "payment_required", statuses={402})


# ---- provider ----------------------------------------------------------------------------------
def test_byok_key_rejected_and_accepted(c):
    assert_error(c.post("/byok", json={"provider": "openai", "api_key": "not-a-key"}), "invalid_api_key",
                 param="api_key")
    ok = c.post("/byok", json={"provider": "openai", "api_key": "sk-sandbox-0123456789abcdefghij"})
    assert ok.status_code == 201 and "api_key" not in ok.json()


# ---- rate limits --------------------------------------------------------------------------------
def test_rate_limit_exceeded_after_100_requests(server):
    with client(server, reference.mint_key("flireo")) as cl:
        statuses = [cl.get("/calls").status_code for _ in range(100)]
        assert statuses == [200] * 100
        resp = burst_until_429(cl)
    assert_error(resp, "rate_limit_exceeded", param=None, statuses={429})
    for name in RATE_HEADERS:
        assert resp.headers[name].isdigit(), name
    assert resp.headers["X-RateLimit-Limit"] == "100"
    assert resp.headers["X-RateLimit-Remaining"] == "0"
    assert int(resp.headers["X-RateLimit-Reset"]) > 1_700_000_000


def test_call_control_limit_after_10_commands_on_one_call(server):
    with client(server, reference.mint_key("flireo")) as cl:
        call = new_call(cl)
        for _ in range(10):
            assert cl.post(f"/calls/{call}/speak", json={"text": "hello"}).status_code == 200
        resp = cl.post(f"/calls/{call}/speak", json={"text": "hello"})
        assert_error(resp, "call_control_limit", statuses={429})
        assert resp.headers["X-RateLimit-Limit"] == "10"
        for name in RATE_HEADERS:
            assert resp.headers[name].isdigit(), name
        # the budget is per call: another call is unaffected
        assert cl.post(f"/calls/{new_call(cl)}/speak", json={"text": "hello"}).status_code == 200


# ---- success paths and OpenAPI -----------------------------------------------------------------
def test_success_paths(c):
    call = c.post("/calls", json={**CALL, "webhook_url": "https://example.com/hook", "timeout": 60})
    assert call.status_code == 201 and call.json()["status"] == "in-progress"
    assert c.get(f"/calls/{call.json()['id']}").status_code == 200
    assert c.get(f"/calls/{call.json()['id'].upper()}").status_code == 200
    assert c.post(f"/calls/{call.json()['id']}/play", json={"url": "https://example.com/a.mp3"}).status_code == 200
    assert c.get("/balance").json()["credits"] > 0


def test_openapi_document(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    assert doc["openapi"].startswith("3.0")
    ops = doc["paths"]["/api/v1/calls"]["post"]
    assert {"400", "401", "402", "422", "429"} <= set(ops["responses"])
    assert "/api/v1/calls/{id}" in doc["paths"]


def test_seed_codes_not_sent_are_only_the_upstream_ones():
    import conformance.reference.flireo as mod
    assert set(mod.TYPE_OF) == set(SEED_TYPES)
    sent = {c for codes in mod.CODES_BY_STATUS.values() for c in codes}
    assert set(SEED_TYPES) - sent == {"provider_error", "provider_timeout"}


# ---- faults -------------------------------------------------------------------------------------
def test_fault_declarations():
    infos = {i.kind: i for i in reference.faults("flireo")}
    assert not infos["body-status-mismatch"].applies and not infos["replay-ignored"].applies
    assert all(i.applies for k, i in infos.items() if k not in ("body-status-mismatch", "replay-ignored"))


def _get(pool, fault):
    srv = pool.get("flireo", fault=fault)
    return client(srv)


def test_fault_wrong_status(pool):
    with _get(pool, "wrong-status") as cl:
        resp = cl.get(f"/calls/{uuid.uuid4()}")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "call_not_found"


def test_fault_code_case_and_unknown_code(pool):
    with _get(pool, "code-case") as cl:
        assert cl.get("/calls/nope").json()["error"]["code"] == "invalid_UUID"
    with _get(pool, "unknown-code") as cl:
        code = cl.post("/calls", json={"to": CALL["to"]}).json()["error"]["code"]
    assert code == "required_field_missing" and code not in SEED_TYPES


def test_fault_missing_member_and_media_type(pool):
    with _get(pool, "missing-member") as cl:
        assert "type" not in cl.get("/calls/nope").json()["error"]
    with _get(pool, "wrong-media-type") as cl:
        assert cl.get("/calls/nope").headers["content-type"].startswith("text/plain")


def test_fault_missing_header(pool):
    srv = pool.get("flireo", fault="missing-header")
    with client(srv, reference.mint_key("flireo")) as cl:
        resp = burst_until_429(cl)
    assert resp.status_code == 429
    assert "Retry-After" not in resp.headers and "X-RateLimit-Reset" not in resp.headers


def test_fault_accept_invalid(pool):
    with _get(pool, "accept-invalid") as cl:
        assert cl.post("/calls", json={"to": "nope", "from": 1, "webhook_url": "http://x"}).status_code == 201
        assert cl.post("/byok", json={"provider": "acme", "api_key": "x"}).status_code == 400  # other ops intact


def test_fault_html_500(pool):
    with _get(pool, "html-500") as cl:
        resp = cl.post("/calls", content=b'{"to": ', headers={"Content-Type": "application/json"})
    assert resp.status_code == 500 and resp.headers["content-type"].startswith("text/html")


def test_fault_missing_detail_member_and_stack_trace(pool):
    with _get(pool, "missing-detail-member") as cl:
        assert "param" not in cl.post("/calls", json={"to": CALL["to"]}).json()["error"]
    with _get(pool, "stack-trace") as cl:
        assert "Traceback" in cl.post("/calls", json={"to": CALL["to"]}).json()["error"]["message"]


def test_trailing_newline_in_path_id_is_invalid_uuid(c):
    call = new_call(c)
    assert_error(c.get(f"/calls/{call}%0A"), "invalid_uuid", param="id", statuses={400})
    assert_error(c.get(f"/phone-numbers/{uuid.uuid4()}%0A"), "invalid_uuid", param="id", statuses={400})


def test_fixture_keys_are_not_throttled_by_suite_volume(c):
    assert all(c.get("/balance").status_code == 200 for _ in range(150))
