"""Flowbrite reference server against its seed error document (seed 004), over real HTTP."""
from __future__ import annotations

import json
import re
import time

import httpx
import jsonschema
import pytest

from conformance import reference
from conformance.reference.testing import ULID_RE, idempotency_key

SEED_CODES = {
    "api.common.unauthorized": 401, "api.common.forbidden": 403,
    "api.common.reusedIdempotencyKey": 409, "api.common.rateLimitExceeded": 429,
    "api.common.validationFailed": 400, "api.common.internalServerError": 500,
    "api.common.missingIdempotencyKey": 400,
}
CREDS = reference.credentials("flowbrite")


@pytest.fixture(scope="module")
def server():
    with reference.start("flowbrite") as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


@pytest.fixture
def key():
    return reference.mint_key("flowbrite")


def hdr(key, idem=True, **extra):
    h = {"X-API-KEY": key}
    if idem:
        h["X-IDEMPOTENCY-KEY"] = idempotency_key("FLWBRT")
    h.update(extra)
    return h


def assert_error(resp: httpx.Response, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    assert SEED_CODES[code] == status
    assert resp.headers["content-type"].split(";")[0] == "application/json"
    assert ULID_RE.match(resp.headers["x-correlation-id"])
    body = resp.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert err["status"] == status and err["code"] == code
    assert isinstance(err["message"], str) and err["message"]
    if code == "api.common.validationFailed":
        assert err["validationErrors"], "validationFailed must list validationErrors"
        for item in err["validationErrors"]:
            assert set(item) == {"property", "message", "attemptedValue"}
            assert isinstance(item["property"], str) and isinstance(item["message"], str)
    else:
        assert "validationErrors" not in err
    return err


def make_wallet(client, key, currency="GBP"):
    r = client.post("/v1/wallets", headers=hdr(key), json={"name": "Main", "currency": currency})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def make_beneficiary(client, key, currency="GBP"):
    r = client.post("/v1/beneficiaries", headers=hdr(key),
                    json={"name": "Ada", "currency": currency, "accountNumber": "12345678"})
    assert r.status_code == 201, r.text
    return r.json()["data"]


# ---- 401 --------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"X-API-KEY": ""}, {"X-API-KEY": CREDS["invalid"]},
                                     {"X-API-KEY": "fbk_sandbox_" + "g" * 32}])
@pytest.mark.parametrize("method,path", [("GET", "/v1/wallets"), ("POST", "/v1/transfers"),
                                         ("GET", "/v1/nowhere")])
def test_401_unauthorized(client, headers, method, path):
    r = client.request(method, path, headers=headers, json={})
    err = assert_error(r, 401, "api.common.unauthorized")
    assert err["message"] == "You must be authenticated to access this endpoint."


# ---- 403 --------------------------------------------------------------------------------
def test_403_forbidden_message_shape(client):
    r = client.get("/v1/beneficiaries/ben_01JXWNSZMS5N601QW8FE4QRBSF",
                   headers={"X-API-KEY": CREDS["forbidden"]})
    err = assert_error(r, 403, "api.common.forbidden")
    assert err["message"] == ("You are missing the required permission: 'read:beneficiary' "
                              "to access this endpoint.")


def test_403_readonly_key_cannot_write_but_can_read(client):
    ro = {"X-API-KEY": CREDS["readonly"]}
    assert client.get("/v1/wallets", headers=ro).status_code == 200
    r = client.post("/v1/wallets", headers={**ro, "X-IDEMPOTENCY-KEY": idempotency_key()},
                    json={"name": "x", "currency": "GBP"})
    err = assert_error(r, 403, "api.common.forbidden")
    assert "'write:wallet'" in err["message"]


def test_unknown_route_is_403_forbidden_after_auth(client, key):
    assert_error(client.get("/v1/nowhere", headers=hdr(key, idem=False)), 403, "api.common.forbidden")
    assert_error(client.delete("/v1/wallets", headers=hdr(key)), 403, "api.common.forbidden")


# ---- 400 missingIdempotencyKey -------------------------------------------------------------
@pytest.mark.parametrize("value", [None, ""])
@pytest.mark.parametrize("path", ["/v1/wallets", "/v1/beneficiaries", "/v1/transfers"])
def test_400_missing_idempotency_key(client, key, value, path):
    h = {"X-API-KEY": key}
    if value is not None:
        h["X-IDEMPOTENCY-KEY"] = value
    r = client.post(path, headers=h, json={"name": "x", "currency": "GBP"})
    err = assert_error(r, 400, "api.common.missingIdempotencyKey")
    assert "X-IDEMPOTENCY-KEY" in err["message"]


def test_get_needs_no_idempotency_key(client, key):
    assert client.get("/v1/wallets", headers=hdr(key, idem=False)).status_code == 200


# ---- 409 reusedIdempotencyKey ---------------------------------------------------------------
@pytest.mark.parametrize("second_body", [{"name": "Main", "currency": "GBP"},
                                         {"name": "Other", "currency": "EUR"}])
def test_409_any_reuse_within_window(client, key, second_body):
    ik = idempotency_key("FLWBRT")
    h = {"X-API-KEY": key, "X-IDEMPOTENCY-KEY": ik}
    first = client.post("/v1/wallets", headers=h, json={"name": "Main", "currency": "GBP"})
    assert first.status_code == 201
    r = client.post("/v1/wallets", headers=h, json=second_body)
    err = assert_error(r, 409, "api.common.reusedIdempotencyKey")
    assert err["message"] == (f"The X-IDEMPOTENCY-KEY header value '{ik}' has already been used "
                              "in the last 900 seconds")
    assert len(client.get("/v1/wallets", headers=hdr(key, idem=False)).json()["data"]) == 1


def test_reuse_on_another_operation_is_409(client, key):
    ik = idempotency_key()
    assert client.post("/v1/wallets", headers={"X-API-KEY": key, "X-IDEMPOTENCY-KEY": ik},
                       json={"name": "a", "currency": "GBP"}).status_code == 201
    r = client.post("/v1/beneficiaries", headers={"X-API-KEY": key, "X-IDEMPOTENCY-KEY": ik},
                    json={"name": "a", "currency": "GBP", "accountNumber": "12345678"})
    assert_error(r, 409, "api.common.reusedIdempotencyKey")


def test_failed_request_does_not_consume_key(client, key):
    h = {"X-API-KEY": key, "X-IDEMPOTENCY-KEY": idempotency_key()}
    assert_error(client.post("/v1/wallets", headers=h, json={"name": ""}), 400, "api.common.validationFailed")
    assert client.post("/v1/wallets", headers=h, json={"name": "a", "currency": "GBP"}).status_code == 201


def test_idempotency_keys_are_scoped_per_api_key(client):
    ik = idempotency_key()
    for k in (reference.mint_key("flowbrite"), reference.mint_key("flowbrite")):
        r = client.post("/v1/wallets", headers={"X-API-KEY": k, "X-IDEMPOTENCY-KEY": ik},
                        json={"name": "a", "currency": "GBP"})
        assert r.status_code == 201


# ---- 429 rateLimitExceeded ------------------------------------------------------------------
def test_429_burst_then_retry_after(client):
    key = reference.mint_key("flowbrite")
    other = reference.mint_key("flowbrite")
    started = time.monotonic()
    statuses = []
    for _ in range(400):
        r = client.get("/v1/wallets", headers={"X-API-KEY": key})
        statuses.append(r.status_code)
        if r.status_code == 429:
            break
    elapsed = time.monotonic() - started
    assert statuses[-1] == 429, "no 429 within 400 requests"
    assert set(statuses[:-1]) == {200}
    # burst 180, plus the tokens refilled meanwhile (30 per 10 s)
    assert 181 <= len(statuses) <= 181 + int(elapsed * 3) + 2, (len(statuses), elapsed)
    err = assert_error(r, 429, "api.common.rateLimitExceeded")
    retry = int(r.headers["retry-after"])
    assert 1 <= retry <= 60
    assert f"retry in {retry} seconds" in err["message"]
    assert elapsed < 5, f"burst took {elapsed:.2f}s"
    # buckets are per key: another key is unaffected
    assert client.get("/v1/wallets", headers={"X-API-KEY": other}).status_code == 200


# ---- 400 validationFailed -------------------------------------------------------------------
def test_wrong_prefix_seed_example(client, key):
    r = client.get("/v1/wallets/bal_D01JTK7M2302PHR2GPKN0SRQYB1", headers=hdr(key, idem=False))
    err = assert_error(r, 400, "api.common.validationFailed")
    assert err["message"] == "Validation failed"
    assert err["validationErrors"] == [{
        "property": "walletId",
        "message": "Supplied ID is not valid for this type of resource. Expected 'wal_', but got 'bal_'",
        "attemptedValue": "bal_D01JTK7M2302PHR2GPKN0SRQYB1"}]


def test_wrong_prefix_in_body(client, key):
    r = client.post("/v1/transfers", headers=hdr(key), json={
        "walletId": "ben_01JXWNSZMS5N601QW8FE4QRBSF", "beneficiaryId": "wal_01JXWNSZMS5N601QW8FE4QRBSF",
        "amount": 100, "currency": "GBP"})
    err = assert_error(r, 400, "api.common.validationFailed")
    msgs = {e["property"]: e["message"] for e in err["validationErrors"]}
    assert msgs["walletId"].endswith("Expected 'wal_', but got 'ben_'")
    assert msgs["beneficiaryId"].endswith("Expected 'ben_', but got 'wal_'")


@pytest.mark.parametrize("body,prop,attempted", [
    ({"currency": "GBP"}, "name", None),
    ({"name": "x"}, "currency", None),
    ({"name": "", "currency": "GBP"}, "name", ""),
    ({"name": "x" * 101, "currency": "GBP"}, "name", "x" * 101),
    ({"name": 5, "currency": "GBP"}, "name", 5),
    ({"name": "x", "currency": "gbp"}, "currency", "gbp"),
    ({"name": "x", "currency": "XXX"}, "currency", "XXX"),
    ({"name": "x", "currency": "GBPP"}, "currency", "GBPP"),
])
def test_wallet_field_validation(client, key, body, prop, attempted):
    err = assert_error(client.post("/v1/wallets", headers=hdr(key), json=body), 400,
                       "api.common.validationFailed")
    items = [e for e in err["validationErrors"] if e["property"] == prop]
    assert items and items[0]["attemptedValue"] == attempted


@pytest.mark.parametrize("amount", [0, -1, 1.5, "100", True, None, 10 ** 13])
def test_transfer_amount_validation(client, key, amount):
    w, b = make_wallet(client, key), make_beneficiary(client, key)
    body = {"walletId": w["id"], "beneficiaryId": b["id"], "currency": "GBP"}
    if amount is not None:
        body["amount"] = amount
    err = assert_error(client.post("/v1/transfers", headers=hdr(key), json=body), 400,
                       "api.common.validationFailed")
    assert [e["property"] for e in err["validationErrors"]] == ["amount"]
    assert err["validationErrors"][0]["attemptedValue"] == amount


@pytest.mark.parametrize("content,ctype,fragment", [
    (b"{not json", "application/json", "not valid JSON"),
    (b"[1, 2]", "application/json", "JSON object"),
    (b"\"text\"", "application/json", "JSON object"),
    (b"name=x", "application/x-www-form-urlencoded", "Content-Type"),
    (b"", "application/json", "required"),
])
def test_body_errors_are_validation_failed_on_body(client, key, content, ctype, fragment):
    r = client.post("/v1/wallets", headers=hdr(key, **{"Content-Type": ctype}), content=content)
    err = assert_error(r, 400, "api.common.validationFailed")
    assert err["validationErrors"][0]["property"] == "body"
    assert fragment in err["validationErrors"][0]["message"]


def test_unknown_ids_are_validation_failed(client, key):
    for path, prop in [("/v1/wallets/wal_01JXWNSZMS5N601QW8FE4QRBSF", "walletId"),
                       ("/v1/wallets/wal_01JXWNSZMS5N601QW8FE4QRBSF/balances", "walletId"),
                       ("/v1/beneficiaries/ben_01JXWNSZMS5N601QW8FE4QRBSF", "beneficiaryId"),
                       ("/v1/transfers/tfr_01JXWNSZMS5N601QW8FE4QRBSF", "transferId")]:
        err = assert_error(client.get(path, headers=hdr(key, idem=False)), 400, "api.common.validationFailed")
        assert err["validationErrors"][0]["property"] == prop
        assert err["validationErrors"][0]["message"].endswith("not found")


def test_tenants_are_isolated(client, key):
    w = make_wallet(client, key)
    other = reference.mint_key("flowbrite")
    assert client.get(f"/v1/wallets/{w['id']}", headers=hdr(key, idem=False)).status_code == 200
    assert_error(client.get(f"/v1/wallets/{w['id']}", headers=hdr(other, idem=False)), 400,
                 "api.common.validationFailed")


# ---- 503 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("key_header", [CREDS["primary"], "not-a-key"])
def test_503_has_no_body(client, key_header):
    r = client.get("/v1/wallets", headers={"X-API-KEY": key_header, "X-Flowbrite-Simulate": "maintenance"})
    assert r.status_code == 503
    assert r.content == b""
    assert ULID_RE.match(r.headers["x-correlation-id"])


# ---- success flow ------------------------------------------------------------------------------
def test_payment_flow_and_state_machine(client, key):
    w, b = make_wallet(client, key), make_beneficiary(client, key)
    assert re.match(r"^wal_[0-9A-Z]{26}$", w["id"]) and re.match(r"^ben_[0-9A-Z]{26}$", b["id"])
    r = client.post("/v1/transfers", headers=hdr(key), json={
        "walletId": w["id"], "beneficiaryId": b["id"], "amount": 2500, "currency": "GBP"})
    assert r.status_code == 201
    t = r.json()["data"]
    assert t["status"] == "pending"
    bal = client.get(f"/v1/wallets/{w['id']}/balances", headers=hdr(key, idem=False)).json()["data"]
    assert bal[0]["available"] == 1_000_000 - 2500 and bal[0]["id"].startswith("bal_")
    assert client.get(f"/v1/transfers/{t['id']}", headers=hdr(key, idem=False)).json()["data"] == t
    r = client.post(f"/v1/transfers/{t['id']}/cancel", headers=hdr(key))
    assert r.status_code == 200 and r.json()["data"]["status"] == "cancelled"
    err = assert_error(client.post(f"/v1/transfers/{t['id']}/cancel", headers=hdr(key)), 400,
                       "api.common.validationFailed")
    assert "cancelled" in err["validationErrors"][0]["message"]
    # insufficient funds and currency mismatch are validation errors too
    r = client.post("/v1/transfers", headers=hdr(key), json={
        "walletId": w["id"], "beneficiaryId": b["id"], "amount": 2_000_000, "currency": "GBP"})
    assert assert_error(r, 400, "api.common.validationFailed")["validationErrors"][0]["property"] == "amount"
    r = client.post("/v1/transfers", headers=hdr(key), json={
        "walletId": w["id"], "beneficiaryId": b["id"], "amount": 1, "currency": "EUR"})
    assert assert_error(r, 400, "api.common.validationFailed")["validationErrors"][0]["property"] == "currency"


def test_correlation_id_on_every_response(client, key):
    seen = set()
    for r in (client.get("/v1/wallets", headers=hdr(key, idem=False)), client.get("/v1/wallets"),
              client.get("/openapi.json"), make_wallet_resp(client, key)):
        cid = r.headers["x-correlation-id"]
        assert ULID_RE.match(cid)
        seen.add(cid)
    assert len(seen) == 4


def make_wallet_resp(client, key):
    return client.post("/v1/wallets", headers=hdr(key), json={"name": "Main", "currency": "GBP"})


# ---- OpenAPI ------------------------------------------------------------------------------------
def test_openapi_declares_error_responses(client, key):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    doc = json.loads(r.content)
    assert doc["openapi"].startswith("3.0")
    ops = [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items()]
    assert len(ops) >= 8
    for path, method, op in ops:
        for status in ("401", "403", "429", "500", "503"):
            assert status in op["responses"], (path, method, status)
        if method == "post":
            assert {"400", "409"} <= set(op["responses"])
            assert any(p["name"] == "X-IDEMPOTENCY-KEY" and p["required"] for p in op["parameters"])
        assert "content" not in op["responses"]["503"]
    # actual error bodies validate against the declared schemas
    get_wallets = doc["paths"]["/v1/wallets"]["get"]["responses"]
    schema401 = get_wallets["401"]["content"]["application/json"]["schema"]
    jsonschema.validate(client.get("/v1/wallets").json(), schema401)
    schema400 = dict(doc["paths"]["/v1/wallets"]["post"]["responses"]["400"]["content"]["application/json"]["schema"])
    schema400["components"] = doc["components"]
    body = client.post("/v1/wallets", headers=hdr(key), json={}).json()
    jsonschema.validate(body, schema400)
    assert "Retry-After" in get_wallets["429"]["headers"]


def test_huge_float_echoed_as_valid_json(client, key):
    r = client.post("/v1/wallets", headers=hdr(key, **{"Content-Type": "application/json"}),
                    content=b'{"name": 1e999, "currency": "GBP"}')
    err = assert_error(r, 400, "api.common.validationFailed")
    assert err["validationErrors"][0]["attemptedValue"] == "inf"
