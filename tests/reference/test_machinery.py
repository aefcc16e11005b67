"""The shared machinery, exercised through a toy API (replay policy) and unit tests."""
from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from conformance.reference._machinery import (ApiDefinition, ApiError, Ctx, Envelope, Fault, IdempotencyConfig,
                                  Operation, Principal, RateLimitConfig, StateMachine, Store,
                                  prefixed, ulid)
from conformance.reference._machinery.body import BodyError, parse_json
from conformance.reference._machinery.ids import is_ulid
from conformance.reference._machinery.ratelimit import TokenBucket
from conformance.reference._machinery.server import start_in_process
from conformance.reference.flowbrite import Flowbrite
from conformance.reference.testing import ULID_RE


class ToyEnvelope(Envelope):
    media_type = "application/problem+json"
    status_path = ("status",)
    code_path = ("code",)
    message_path = ("detail",)
    required_paths = (("detail",),)
    detail_paths = (("errors",),)

    def body(self, err, ctx):
        out = {"code": err.code, "status": err.status, "detail": err.message}
        if "errors" in err.extras:
            out["errors"] = err.extras["errors"]
        return out


class Toy(ApiDefinition):
    name = "toy"
    envelope = ToyEnvelope()
    request_id_header = "X-Request-Id"
    rate_limit = RateLimitConfig(capacity=5, refill_tokens=1, refill_seconds=60)
    idempotency = IdempotencyConfig(header="Idempotency-Key", window=60, policy="replay",
                                    replay_header=("Idempotent-Replayed", "true"))
    faults = {"replay-ignored": Fault("replay-ignored", affects="replays create again")}

    def authenticate(self, request):
        key = request.headers.get("authorization", "")
        if not key.startswith("Bearer "):
            raise ApiError("unauthenticated", 401, "no key")
        return Principal(key=key, tenant=key)

    def validate_idempotency_key(self, key, ctx):
        if len(key) < 2:
            return ApiError("idempotency_key_invalid", 400, "bad key")
        return None

    def idempotency_conflict(self, key, ctx):
        return ApiError("idempotency_error", 409, "different body")

    def idempotency_in_use(self, key, ctx):
        return ApiError("idempotency_key_in_use", 409, "in flight")

    def operations(self):
        return [Operation("POST", "/things", self.create, "createThing", success_status=201),
                Operation("GET", "/boom", self.boom, "boom")]

    async def create(self, ctx: Ctx):
        body = await ctx.json()
        if body.get("slow"):
            await asyncio.sleep(0.5)
        if body.get("invalid"):
            raise ApiError("invalid", 400, "invalid", errors={"x": ["bad"]})
        return ctx.ok({"id": prefixed("thg"), "at": time.time()}, 201)

    async def boom(self, ctx: Ctx):
        raise RuntimeError("kaboom")


@pytest.fixture(scope="module")
def toy():
    srv = start_in_process("toy", Toy().build_app(), fault=None, port=0)
    with srv, httpx.Client(base_url=srv.url, timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def toy_replay_ignored():
    srv = start_in_process("toy", Toy().build_app(fault="replay-ignored"), fault="replay-ignored", port=0)
    with srv, httpx.Client(base_url=srv.url, timeout=10) as c:
        yield c


def auth(n):
    return {"Authorization": f"Bearer k{n}-{ulid()}"}


def test_replay_returns_original_bytes_and_status(toy):
    h = {**auth(1), "Idempotency-Key": "key-1"}
    first = toy.post("/things", headers=h, json={"a": 1})
    time.sleep(0.01)
    second = toy.post("/things", headers=h, json={"a": 1})
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["content-type"] == first.headers["content-type"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_conflict_on_different_body(toy):
    h = {**auth(2), "Idempotency-Key": "key-2"}
    assert toy.post("/things", headers=h, json={"a": 1}).status_code == 201
    r = toy.post("/things", headers=h, json={"a": 2})
    assert r.status_code == 409 and r.json()["code"] == "idempotency_error"
    assert r.headers["content-type"] == "application/problem+json"


def test_in_use_while_first_request_in_flight(toy):
    h = {**auth(3), "Idempotency-Key": "key-3"}
    results = {}

    def slow():
        results["slow"] = toy.post("/things", headers=h, json={"slow": True})
    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.15)
    with httpx.Client(base_url=str(toy.base_url)) as other:
        r = other.post("/things", headers=h, json={"slow": True})
    t.join()
    assert r.status_code == 409 and r.json()["code"] == "idempotency_key_in_use"
    assert results["slow"].status_code == 201


def test_key_validation_hook_and_failed_requests_release_key(toy):
    assert toy.post("/things", headers={**auth(4), "Idempotency-Key": "x"}, json={}).json()["code"] == \
        "idempotency_key_invalid"
    h = {**auth(4), "Idempotency-Key": "key-4"}
    r = toy.post("/things", headers=h, json={"invalid": True})
    assert r.status_code == 400 and r.json()["errors"] == {"x": ["bad"]}
    assert toy.post("/things", headers=h, json={"a": 1}).status_code == 201


def test_replay_ignored_fault_creates_again(toy_replay_ignored):
    h = {**auth(5), "Idempotency-Key": "key-5"}
    a = toy_replay_ignored.post("/things", headers=h, json={"a": 1})
    b = toy_replay_ignored.post("/things", headers=h, json={"a": 1})
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_rate_limit_is_per_key(toy):
    h1, h2 = auth(6), auth(7)
    codes = [toy.get("/boom", headers=h1).status_code for _ in range(7)]
    assert codes[:5] == [500] * 5 and codes[5] == 429
    r = toy.get("/boom", headers=h1)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert toy.get("/boom", headers=h2).status_code == 500


def test_internal_error_and_unknown_route_rendered_by_envelope(toy):
    r = toy.get("/boom", headers=auth(8))
    assert r.status_code == 500 and r.json()["code"] == "internal_error"
    assert ULID_RE.match(r.headers["x-request-id"][4:])
    r = toy.get("/nowhere", headers=auth(8))
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert toy.get("/nowhere").json()["code"] == "unauthenticated"
    assert toy.get("/things", headers=auth(8)).status_code == 405


def test_flowbrite_internal_error_envelope():
    class Broken(Flowbrite):
        async def list_wallets(self, ctx):
            raise KeyError("boom")
    from conformance.reference.flowbrite import CREDENTIALS
    with start_in_process("flowbrite", Broken().build_app(), fault=None, port=0) as srv:
        r = httpx.get(srv.url + "/v1/wallets", headers={"X-API-KEY": CREDENTIALS["primary"]})
    assert r.status_code == 500
    assert r.json() == {"error": {"status": 500, "code": "api.common.internalServerError",
                                  "message": "An internal server error has occurred."}}


# ---- units ---------------------------------------------------------------------------------
def test_ids():
    u = ulid()
    assert is_ulid(u) and ULID_RE.match(u)
    ids = [prefixed("wal") for _ in range(1000)]
    assert len(set(ids)) == 1000 and ids == sorted(ids)
    assert all(i.startswith("wal_") and len(i) == 30 for i in ids)


def test_token_bucket_refill():
    now = [0.0]
    b = TokenBucket(RateLimitConfig(capacity=2, refill_tokens=1, refill_seconds=10), clock=lambda: now[0])
    assert b.take().allowed and b.take().allowed
    d = b.take()
    assert not d.allowed and d.retry_after == 10
    now[0] = 10.0
    assert b.take().allowed


def test_rate_limit_env_override(monkeypatch):
    monkeypatch.setenv("REFERENCE_X_BURST", "3")
    cfg = RateLimitConfig(capacity=180, refill_tokens=30, refill_seconds=10, env_prefix="REFERENCE_X").resolved()
    assert cfg.capacity == 3 and cfg.rate == 3


def test_store_is_tenant_scoped_and_copies():
    s = Store()
    s.put("a", "w", "1", {"n": [1]})
    got = s.get("a", "w", "1")
    got["n"].append(2)
    assert s.get("a", "w", "1") == {"n": [1]} and s.get("b", "w", "1") is None
    with pytest.raises(ValueError):
        s.update("a", "w", "1", lambda v: (v.update(n=0), (_ for _ in ()).throw(ValueError()))[1])
    assert s.get("a", "w", "1") == {"n": [1]}


def test_store_thread_safety():
    s = Store()
    s.put("t", "c", "x", {"n": 0})

    def bump():
        for _ in range(500):
            s.update("t", "c", "x", lambda v: v.__setitem__("n", v["n"] + 1))
    threads = [threading.Thread(target=bump) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert s.get("t", "c", "x")["n"] == 2000


def test_state_machine():
    sm = StateMachine({"pending": {"done", "cancelled"}}, initial="pending")
    r = {"status": "pending"}
    sm.transition(r, "done")
    assert r["status"] == "done" and sm.terminal("done")
    with pytest.raises(ApiError):
        sm.transition(r, "cancelled", on_invalid=lambda c, t: ApiError("bad", 400, f"{c}->{t}"))


@pytest.mark.parametrize("raw,ctype,kind", [
    (b"{x", "application/json", "malformed"), (b"\xff", "application/json", "malformed"),
    (b"[]", "application/json", "not_object"), (b"1", None, "not_object"),
    (b"{}", "text/plain", "content_type"), (b"", "application/json", "empty"),
])
def test_body_parsing_kinds(raw, ctype, kind):
    with pytest.raises(BodyError) as info:
        parse_json(raw, ctype)
    assert info.value.kind == kind


def test_body_parsing_ok():
    assert parse_json(b'{"a":1}', "application/merge-patch+json; charset=utf-8") == {"a": 1}
    assert parse_json(b'{"a":1}', None) == {"a": 1}


@pytest.mark.parametrize("raw", [b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": ' + b"9" * 5000 + b"}"])
def test_non_json_numbers_are_malformed(raw):
    with pytest.raises(BodyError) as info:
        parse_json(raw, "application/json")
    assert info.value.kind == "malformed"


def test_dumps_handles_non_finite():
    from conformance.reference._machinery.body import dumps
    assert dumps({"a": float("inf"), "b": [1e999]}) == b'{"a":"inf","b":["inf"]}'


def test_stack_trace_fault_leaks_the_real_traceback_on_500():
    class Broken(Flowbrite):
        async def list_wallets(self, ctx):
            raise KeyError("boom")
    from conformance.reference.flowbrite import CREDENTIALS
    with start_in_process("flowbrite", Broken().build_app(fault="stack-trace"), fault="stack-trace",
                          port=0) as srv:
        r = httpx.get(srv.url + "/v1/wallets", headers={"X-API-KEY": CREDENTIALS["primary"]})
    msg = r.json()["error"]["message"]
    assert r.status_code == 500 and "Traceback (most recent call last)" in msg and "KeyError" in msg


@pytest.mark.parametrize("in_process", [True, False])
def test_burst_env_override(in_process):
    from conformance import reference
    with reference.start("flowbrite", in_process=in_process, env={"REFERENCE_FLOWBRITE_BURST": "5",
                                                                     "REFERENCE_FLOWBRITE_REFILL_SECONDS": "3600"}) as srv:
        key = reference.mint_key("flowbrite")
        codes = [httpx.get(srv.url + "/v1/wallets", headers={"X-API-KEY": key}).status_code
                 for _ in range(6)]
    assert codes == [200] * 5 + [429]
    import os
    assert "REFERENCE_FLOWBRITE_BURST" not in os.environ
