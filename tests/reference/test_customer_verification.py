"""The Customer Verification reference API against its "Error codes" reference (seed 003).

The seed's codes, statuses and envelope are written out here (not read from the catalog), so
server and catalog are checked against the seed independently.
"""
from __future__ import annotations

import base64
import struct
import threading
import uuid
import zlib

import httpx
import pytest

from conformance import reference
from conformance.reference.testing import ServerPool

# Seed 003: each code with its documented status ("varies" for webhook delivery failures).
SEED_STATUS = {
    "AUTHENTICATION_FAILED": 401, "TOKEN_EXPIRED": 401, "INSUFFICIENT_PERMISSIONS": 403,
    "VALIDATION_ERROR": 400, "INVALID_FIELD_FORMAT": 422, "INVALID_DOCUMENT_FORMAT": 422,
    "RESOURCE_NOT_FOUND": 404, "RESOURCE_CONFLICT": 409, "DUPLICATE_RESOURCE": 409,
    "RATE_LIMIT_EXCEEDED": 429, "VERIFICATION_FAILED": 422, "DOCUMENT_QUALITY_INSUFFICIENT": 422,
    "INTERNAL_SERVER_ERROR": 500, "SERVICE_UNAVAILABLE": 503, "WEBHOOK_SIGNATURE_INVALID": 401,
    "WEBHOOK_DELIVERY_FAILED": None,
}
ENVELOPE_MEMBERS = {"code", "message", "details", "field", "retryAfter"}
RATE_HEADERS = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def png(width: int, height: int) -> str:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return base64.b64encode(data).decode()


def jpeg_header(width: int, height: int) -> str:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return base64.b64encode(b"\xff\xd8" + b"\xff\xe0\x00\x04JF" + sof + b"\xff\xd9").decode()


PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()
GOOD_PNG = png(1200, 800)


@pytest.fixture(scope="module")
def pool():
    with ServerPool() as p:
        yield p


@pytest.fixture(scope="module")
def server(pool):
    return pool.get("customer-verification")


def client(srv, key: str | None = "primary") -> httpx.Client:
    creds = reference.credentials("customer-verification")
    headers = {}
    if key is not None:
        headers["Authorization"] = f"Bearer {creds.get(key, key)}"
    return httpx.Client(base_url=srv.url + "/api/v1", headers=headers, timeout=10)


@pytest.fixture(scope="module")
def c(server):
    with client(server) as cl:
        yield cl


def assert_error(resp: httpx.Response, code: str, *, field: object = ...) -> dict:
    """The seed envelope {"error": {code, message, details, field}} with the seed's status."""
    assert resp.status_code == SEED_STATUS[code], (resp.status_code, resp.text)
    assert resp.headers["content-type"].startswith("application/json"), resp.text
    assert resp.headers["x-request-id"].startswith("req_")
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert {"code", "message"} <= set(err) <= ENVELOPE_MEMBERS, err
    assert err["code"] == code and isinstance(err["message"], str) and err["message"], err
    assert isinstance(err.get("details", ""), str)
    if field is not ...:
        assert err.get("field") == field, err
    return err


_n = iter(range(10**9))


def person(**extra) -> dict:
    return {"firstName": "Ada", "lastName": "Lovelace", "email": f"ada-{uuid.uuid4().hex}@example.com",
            "dateOfBirth": "1990-12-10", **extra}


def new_customer(cl: httpx.Client, **extra) -> dict:
    resp = cl.post("/customers", json=person(**extra))
    assert resp.status_code == 201, resp.text
    return resp.json()


# ---- authentication ----------------------------------------------------------------------
def test_authentication_failed(server):
    for key in (None, "invalid", "revoked", "cvk_" + "f" * 31, "not a key"):
        with client(server, key) as cl:
            assert_error(cl.get("/customers"), "AUTHENTICATION_FAILED")


def test_forged_jwt_fails_authentication_even_when_expired(server):
    creds = reference.credentials("customer-verification")
    head, body, sig = creds["expired"].split(".")
    forged = f"{head}.{body}.{sig[:-2]}AA"
    with client(server, forged) as cl:
        assert_error(cl.get("/customers"), "AUTHENTICATION_FAILED")


def test_token_expired(server):
    with client(server, "expired") as cl:
        err = assert_error(cl.get("/customers"), "TOKEN_EXPIRED")
    assert err["details"].startswith("Token expired at ")


def test_valid_jwt_is_accepted(server):
    with client(server, "token") as cl:
        assert cl.get("/customers").status_code == 200


def test_insufficient_permissions(server):
    with client(server, "readonly") as cl:
        assert cl.get("/customers").status_code == 200
        assert_error(cl.post("/customers", json=person()), "INSUFFICIENT_PERMISSIONS")


# ---- validation --------------------------------------------------------------------------
@pytest.mark.parametrize("raw,ctype", [(b'{"email": ', "application/json"), (b"[]", "application/json"),
                                       (b"{}", "text/plain"), (b"", "application/json")])
def test_validation_error_for_bad_bodies(c, raw, ctype):
    assert_error(c.post("/customers", content=raw, headers={"Content-Type": ctype}), "VALIDATION_ERROR")


@pytest.mark.parametrize("missing", ["firstName", "lastName", "email", "dateOfBirth"])
def test_validation_error_for_missing_fields(c, missing):
    body = person()
    del body[missing]
    err = assert_error(c.post("/customers", json=body), "VALIDATION_ERROR", field=missing)
    assert err["details"] == f"Field '{missing}' is required"


@pytest.mark.parametrize("field,value", [
    ("email", "not-an-email"), ("email", "a@b"), ("email", 42), ("email", None),
    ("dateOfBirth", "10-12-1990"), ("dateOfBirth", "1990-02-30"), ("dateOfBirth", "2999-01-01"),
    ("phoneNumber", "0612345678"), ("phoneNumber", "+31 6 12345678"),
    ("firstName", ""), ("firstName", 7), ("lastName", "x" * 101), ("country", "usa"),
])
def test_invalid_field_format(c, field, value):
    assert_error(c.post("/customers", json=person(**{field: value})), "INVALID_FIELD_FORMAT", field=field)


def test_postal_code_must_match_the_country(c):
    assert_error(c.post("/customers", json=person(country="US", postalCode="1012 AB")),
                 "INVALID_FIELD_FORMAT", field="postalCode")
    assert_error(c.post("/customers", json=person(postalCode="1012 AB")), "VALIDATION_ERROR", field="country")
    assert c.post("/customers", json=person(country="NL", postalCode="1012 AB")).status_code == 201


# ---- documents -----------------------------------------------------------------------------
@pytest.mark.parametrize("content", [base64.b64encode(b"GIF89a\x01\x00").decode(), "not base64!",
                                     base64.b64encode(b"plain text").decode(), ""])
def test_invalid_document_format(c, content):
    cus = new_customer(c)
    assert_error(c.post(f"/customers/{cus['id']}/documents", json={"documentType": "PASSPORT", "content": content}),
                 "INVALID_DOCUMENT_FORMAT")


def test_document_above_10_mb_is_invalid(c):
    cus = new_customer(c)
    big = base64.b64encode(b"%PDF-" + b"0" * (10 * 1024 * 1024)).decode()
    assert_error(c.post(f"/customers/{cus['id']}/documents", json={"documentType": "PASSPORT", "content": big}),
                 "INVALID_DOCUMENT_FORMAT")


@pytest.mark.parametrize("content", [png(1, 1), png(500, 500), jpeg_header(320, 240)])
def test_document_quality_insufficient(c, content):
    cus = new_customer(c)
    assert_error(c.post(f"/customers/{cus['id']}/documents", json={"documentType": "ID_CARD", "content": content}),
                 "DOCUMENT_QUALITY_INSUFFICIENT")


@pytest.mark.parametrize("content", [GOOD_PNG, jpeg_header(1280, 800), PDF])
def test_good_documents_are_accepted(c, content):
    cus = new_customer(c)
    resp = c.post(f"/customers/{cus['id']}/documents", json={"documentType": "PASSPORT", "content": content})
    assert resp.status_code == 201, resp.text


def test_document_type_outside_enum(c):
    cus = new_customer(c)
    assert_error(c.post(f"/customers/{cus['id']}/documents", json={"documentType": "SELFIE", "content": PDF}),
                 "INVALID_FIELD_FORMAT", field="documentType")


# ---- resources and states ---------------------------------------------------------------------
@pytest.mark.parametrize("rid", ["cus_invalid123", "cus_01ARZ3NDEKTSV4RRFFQ69G5FAV", "wal_x", "%20", ""])
def test_resource_not_found(c, rid):
    assert_error(c.get(f"/customers/{rid}"), "RESOURCE_NOT_FOUND")


def test_resource_not_found_for_routes_and_methods(c):
    assert_error(c.get("/nothing-here"), "RESOURCE_NOT_FOUND")
    assert_error(c.put("/customers", json={}), "RESOURCE_NOT_FOUND")
    assert_error(c.patch("/customers/cus_missing", json={"lastName": "X"}), "RESOURCE_NOT_FOUND")


def test_trailing_newline_id_is_not_found(c):
    cus = new_customer(c)
    assert c.get(f"/customers/{cus['id']}").status_code == 200
    assert_error(c.get(f"/customers/{cus['id']}%0A"), "RESOURCE_NOT_FOUND")


def test_customers_of_another_account_are_not_found(server, c):
    cus = new_customer(c)
    with client(server, "secondary") as other:
        assert_error(other.get(f"/customers/{cus['id']}"), "RESOURCE_NOT_FOUND")


def test_duplicate_resource(c):
    body = person()
    assert c.post("/customers", json=body).status_code == 201
    assert_error(c.post("/customers", json={**body, "email": body["email"].upper()}), "DUPLICATE_RESOURCE")
    other = new_customer(c)
    assert_error(c.patch(f"/customers/{other['id']}", json={"email": body["email"]}), "DUPLICATE_RESOURCE")


def test_verification_failed_without_identity_documents(c):
    cus = new_customer(c)
    assert_error(c.post(f"/customers/{cus['id']}/verifications", json={}), "VERIFICATION_FAILED")
    c.post(f"/customers/{cus['id']}/documents", json={"documentType": "PROOF_OF_ADDRESS", "content": PDF})
    assert_error(c.post(f"/customers/{cus['id']}/verifications"), "VERIFICATION_FAILED")


def test_resource_conflict_under_review(c):
    cus = new_customer(c)
    assert c.patch(f"/customers/{cus['id']}", json={"lastName": "Byron"}).json()["lastName"] == "Byron"
    assert_error(c.patch(f"/customers/{cus['id']}", json={"status": "APPROVED"}), "RESOURCE_CONFLICT")
    assert c.post(f"/customers/{cus['id']}/documents", json={"documentType": "PASSPORT", "content": GOOD_PNG}).status_code == 201
    review = c.post(f"/customers/{cus['id']}/verifications", json={})
    assert review.status_code == 200 and review.json()["status"] == "UNDER_REVIEW"
    err = assert_error(c.patch(f"/customers/{cus['id']}", json={"lastName": "King"}), "RESOURCE_CONFLICT")
    assert "UNDER_REVIEW" in err["message"]
    assert_error(c.post(f"/customers/{cus['id']}/verifications", json={}), "RESOURCE_CONFLICT")
    assert_error(c.post(f"/customers/{cus['id']}/documents", json={"documentType": "PASSPORT", "content": PDF}),
                 "RESOURCE_CONFLICT")


# ---- idempotency --------------------------------------------------------------------------------
def test_idempotent_replay_returns_the_original_response(c):
    key, body = uuid.uuid4().hex, person()
    first = c.post("/customers", json=body, headers={"Idempotency-Key": key})
    second = c.post("/customers", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()


def test_idempotency_key_with_another_body_is_a_conflict(c):
    key = uuid.uuid4().hex
    assert c.post("/customers", json=person(), headers={"Idempotency-Key": key}).status_code == 201
    assert_error(c.post("/customers", json=person(), headers={"Idempotency-Key": key}), "RESOURCE_CONFLICT")


def test_concurrent_use_of_one_key_is_a_conflict(server):
    key, body, results = uuid.uuid4().hex, person(), []

    def go():
        with client(server) as cl:
            results.append(cl.post("/customers", json=body, headers={"Idempotency-Key": key}))
    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes[0] == 201 and 409 in codes
    for r in results:
        if r.status_code == 409:
            assert_error(r, "RESOURCE_CONFLICT")


# ---- rate limit ---------------------------------------------------------------------------------
def test_rate_limit_exceeded(server):
    with client(server, reference.mint_key("customer-verification")) as cl:
        for sent in range(1, 400):
            resp = cl.get("/customers")
            if resp.status_code == 429:
                break
    assert sent > 300
    err = assert_error(resp, "RATE_LIMIT_EXCEEDED")
    assert isinstance(err["retryAfter"], int) and err["retryAfter"] >= 1
    for name in RATE_HEADERS:
        assert resp.headers[name].isdigit(), name
    assert resp.headers["X-RateLimit-Limit"] == "300" and resp.headers["X-RateLimit-Remaining"] == "0"
    assert resp.headers["Retry-After"] == str(err["retryAfter"])


# ---- success paths, openapi and codes never sent ------------------------------------------------
def test_success_paths_carry_request_id(c):
    cus = new_customer(c, phoneNumber="+447400123456", country="GB", postalCode="SW1A 1AA")
    got = c.get(f"/customers/{cus['id']}")
    assert got.status_code == 200 and got.json()["id"].startswith("cus_")
    assert got.headers["x-request-id"].startswith("req_")
    assert c.get(f"/customers/{cus['id']}/documents").json() == {"data": []}


def test_openapi_document(server):
    doc = httpx.get(server.url + "/openapi.json").json()
    assert doc["openapi"].startswith("3.0")
    post = doc["paths"]["/api/v1/customers"]["post"]
    assert {"400", "401", "403", "409", "422", "429"} <= set(post["responses"])
    assert "/api/v1/customers/{id}" in doc["paths"]


def test_only_unprovokable_seed_codes_are_never_sent():
    import conformance.reference.customer_verification as mod
    sent = {c for codes in mod.CODES_BY_STATUS.values() for c in codes}
    assert sent <= set(SEED_STATUS)
    assert set(SEED_STATUS) - sent == {"SERVICE_UNAVAILABLE", "WEBHOOK_SIGNATURE_INVALID", "WEBHOOK_DELIVERY_FAILED"}
    for code in sent:
        assert any(code in codes and status == SEED_STATUS[code] for status, codes in mod.CODES_BY_STATUS.items())


# ---- faults -------------------------------------------------------------------------------------
def test_fault_declarations():
    infos = {i.kind: i for i in reference.faults("customer-verification")}
    assert [k for k, i in infos.items() if not i.applies] == ["body-status-mismatch"]


def _faulty(pool, fault):
    return client(pool.get("customer-verification", fault=fault))


def test_fault_wrong_status(pool):
    with _faulty(pool, "wrong-status") as cl:
        resp = cl.post("/customers", json=person(email="nope"))
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "INVALID_FIELD_FORMAT"


def test_fault_code_case_and_unknown_code(pool):
    with _faulty(pool, "code-case") as cl:
        assert cl.get("/customers/cus_x").json()["error"]["code"] == "Resource_Not_Found"
    srv = pool.get("customer-verification", fault="unknown-code")
    with client(srv, "expired") as cl:
        assert cl.get("/customers").json()["error"]["code"] == "JWT_EXPIRED"


def test_fault_missing_member_media_type_and_header(pool):
    with _faulty(pool, "missing-member") as cl:
        assert "message" not in cl.get("/customers/cus_x").json()["error"]
    with _faulty(pool, "wrong-media-type") as cl:
        assert cl.get("/customers/cus_x").headers["content-type"].startswith("text/html")
    srv = pool.get("customer-verification", fault="missing-header")
    with client(srv) as cl:
        assert "x-request-id" not in cl.get("/customers/cus_x").headers
        assert "x-request-id" in cl.get("/customers").headers  # successes keep it
    with client(srv, reference.mint_key("customer-verification")) as cl:
        resp = next(r for r in (cl.get("/customers") for _ in range(400)) if r.status_code == 429)
    assert "retry-after" not in resp.headers


def test_fault_accept_invalid(pool):
    with _faulty(pool, "accept-invalid") as cl:
        assert cl.post("/customers", json={"email": "nope", "dateOfBirth": "yesterday"}).status_code == 201


def test_fault_html_500(pool):
    with _faulty(pool, "html-500") as cl:
        resp = cl.post("/customers", content=b"{", headers={"Content-Type": "application/json"})
    assert resp.status_code == 500 and resp.headers["content-type"].startswith("text/html")


def test_fault_replay_ignored(pool):
    with _faulty(pool, "replay-ignored") as cl:
        key, body = uuid.uuid4().hex, person()
        first = cl.post("/customers", json=body, headers={"Idempotency-Key": key})
        second = cl.post("/customers", json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201 and second.json() != first.json()


def test_fault_missing_detail_member_and_stack_trace(pool):
    with _faulty(pool, "missing-detail-member") as cl:
        assert "field" not in cl.post("/customers", json=person(email="nope")).json()["error"]
    with _faulty(pool, "stack-trace") as cl:
        assert "Traceback" in cl.post("/customers", json=person(email="nope")).json()["error"]["message"]
