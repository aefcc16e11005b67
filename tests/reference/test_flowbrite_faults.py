"""Every fault kind changes on Flowbrite exactly what it declares (and the conforming server does not)."""
from __future__ import annotations

import httpx
import pytest

from conformance import reference
from conformance.reference.testing import ServerPool, idempotency_key

SEED_CODES = {"api.common.unauthorized", "api.common.forbidden", "api.common.reusedIdempotencyKey",
              "api.common.rateLimitExceeded", "api.common.validationFailed",
              "api.common.internalServerError", "api.common.missingIdempotencyKey"}
KINDS = [f.kind for f in reference.faults()]


@pytest.fixture(scope="module")
def pool():
    with ServerPool(in_process=True) as p:
        yield p


def client_for(pool, fault):
    return httpx.Client(base_url=pool.get("flowbrite", fault).url, timeout=10)


def post_wallet(c, body=None, content=None, idem=True, key=None):
    h = {"X-API-KEY": key or reference.mint_key("flowbrite")}
    if idem:
        h["X-IDEMPOTENCY-KEY"] = idempotency_key()
    if content is not None:
        return c.post("/v1/wallets", headers={**h, "Content-Type": "application/json"}, content=content)
    return c.post("/v1/wallets", headers=h, json=body if body is not None else {})


def unauthorized(c):
    return c.get("/v1/wallets")


def test_all_twelve_kinds_declared_and_applicable():
    assert len(KINDS) >= 12
    infos = {i.kind: i for i in reference.faults("flowbrite")}
    assert set(infos) == set(KINDS)
    for info in infos.values():
        assert info.applies and info.affects, info


def test_unknown_fault_kind_rejected():
    with pytest.raises(ValueError):
        reference.build_app("flowbrite", fault="no-such-fault")
    with pytest.raises(ValueError):
        reference.start("flowbrite", fault="no-such-fault")


def test_baseline_conforms(pool):
    with client_for(pool, None) as c:
        r = post_wallet(c)
        assert r.status_code == 400 and r.headers["content-type"] == "application/json"
        err = r.json()["error"]
        assert err["code"] == "api.common.validationFailed" and err["status"] == 400
        assert err["validationErrors"] and "Traceback" not in err["message"]
        assert post_wallet(c, idem=False).json()["error"]["code"] == "api.common.missingIdempotencyKey"
        assert post_wallet(c, content=b"{oops").status_code == 400


def test_wrong_status(pool):
    with client_for(pool, "wrong-status") as c:
        r = post_wallet(c)
        assert r.status_code == 422 and r.json()["error"]["status"] == 422
        assert r.json()["error"]["code"] == "api.common.validationFailed"
        assert unauthorized(c).status_code == 401  # other codes untouched


def test_code_case(pool):
    with client_for(pool, "code-case") as c:
        code = post_wallet(c).json()["error"]["code"]
        assert code != "api.common.validationFailed" and code.lower() == "api.common.validationfailed"
        assert unauthorized(c).json()["error"]["code"] == "api.common.unauthorized"


def test_unknown_code(pool):
    with client_for(pool, "unknown-code") as c:
        r = post_wallet(c, idem=False)
        assert r.status_code == 400 and r.json()["error"]["code"] not in SEED_CODES
        assert post_wallet(c).json()["error"]["code"] == "api.common.validationFailed"


def test_missing_member(pool):
    with client_for(pool, "missing-member") as c:
        for r in (unauthorized(c), post_wallet(c)):
            err = r.json()["error"]
            assert "message" not in err and err["code"] in SEED_CODES and err["status"] == r.status_code


def test_wrong_media_type(pool):
    with client_for(pool, "wrong-media-type") as c:
        r = unauthorized(c)
        assert r.status_code == 401 and r.headers["content-type"].startswith("text/plain")
        assert r.json()["error"]["code"] == "api.common.unauthorized"  # body unchanged
        ok = c.get("/v1/wallets", headers={"X-API-KEY": reference.mint_key("flowbrite")})
        assert ok.headers["content-type"] == "application/json"


def test_body_status_mismatch(pool):
    with client_for(pool, "body-status-mismatch") as c:
        r = unauthorized(c)
        assert r.status_code == 401 and r.json()["error"]["status"] != 401
        r = post_wallet(c)
        assert r.status_code == 400 and r.json()["error"]["status"] != 400


def test_missing_header(pool):
    with client_for(pool, "missing-header") as c:
        r = unauthorized(c)
        assert r.status_code == 401 and "x-correlation-id" not in r.headers
        ok = c.get("/v1/wallets", headers={"X-API-KEY": reference.mint_key("flowbrite")})
        assert ok.status_code == 200 and "x-correlation-id" in ok.headers
        key = reference.mint_key("flowbrite")
        for _ in range(200):
            r = c.get("/v1/wallets", headers={"X-API-KEY": key})
            if r.status_code == 429:
                break
        assert r.status_code == 429 and "retry-after" not in r.headers


def test_accept_invalid(pool):
    with client_for(pool, "accept-invalid") as c:
        r = post_wallet(c, {"name": "", "currency": "xx"})
        assert r.status_code == 201
        h = {"X-API-KEY": reference.mint_key("flowbrite"), "X-IDEMPOTENCY-KEY": idempotency_key()}
        assert c.post("/v1/beneficiaries", headers=h, json={}).status_code == 400  # other ops still validate


def test_html_500(pool):
    with client_for(pool, "html-500") as c:
        r = post_wallet(c, content=b"{oops")
        assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
        assert "<html>" in r.text
        assert post_wallet(c, {"name": "a", "currency": "GBP"}).status_code == 201


def test_replay_ignored(pool):
    with client_for(pool, "replay-ignored") as c:
        key, ik = reference.mint_key("flowbrite"), idempotency_key()
        h = {"X-API-KEY": key, "X-IDEMPOTENCY-KEY": ik}
        first = c.post("/v1/wallets", headers=h, json={"name": "a", "currency": "GBP"})
        second = c.post("/v1/wallets", headers=h, json={"name": "a", "currency": "GBP"})
        assert first.status_code == second.status_code == 201
        assert first.json()["data"]["id"] != second.json()["data"]["id"]
        assert len(c.get("/v1/wallets", headers={"X-API-KEY": key}).json()["data"]) == 2
        third = c.post("/v1/wallets", headers=h, json={"name": "b", "currency": "EUR"})
        assert third.status_code == 409


def test_missing_detail_member(pool):
    with client_for(pool, "missing-detail-member") as c:
        err = post_wallet(c).json()["error"]
        assert err["code"] == "api.common.validationFailed" and "validationErrors" not in err


def test_stack_trace(pool):
    with client_for(pool, "stack-trace") as c:
        assert "Traceback (most recent call last)" in post_wallet(c).json()["error"]["message"]
        assert "Traceback" not in unauthorized(c).json()["error"]["message"]


def test_sql_leak(pool):
    with client_for(pool, "sql-leak") as c:
        message = post_wallet(c).json()["error"]["message"]
        assert 'psycopg2.errors.SyntaxError: syntax error at or near "WHERE"' in message
        assert "psycopg2" not in unauthorized(c).json()["error"]["message"]


def test_every_kind_has_a_test():
    tested = {name[len("test_"):].replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(KINDS) <= tested
