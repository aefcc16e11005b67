"""The verdict engine on envelopes nobody here has seen: a flat {errcode, error} body and a
code carried in a response header. Exchanges are built by hand: the judge is pure logic."""

import json

import httpx
import pytest

from conformance.catalog.loader import parse
from conformance.engine import failures as F
from conformance.engine.judge import Judge
from conformance.engine.transport import Exchange, OutgoingRequest

FLAT = """\
format: 1
api: {name: matrixish, title: Flat envelope API}
auth: {header: Authorization, scheme: Bearer}
headers:
  every_error: [{name: X-Request-Id, pattern: '^req_'}]
envelopes:
  default:
    media_type: application/json
    schema:
      type: object
      required: [errcode, error]
      properties: {errcode: {type: string}, error: {type: string}}
    code: {pointer: /errcode}
    message: {pointer: /error}
  header-code:
    body: none
    code: {header: WWW-Authenticate, pattern: 'error="(?P<value>[^"]+)"'}
errors:
  - {code: M_NOT_FOUND, status: 404, provenance: {name: seed, status: seed}}
  - {code: M_BAD_JSON, status: [400, 422], provenance: {name: seed, status: inferred}}
  - {code: invalid_token, status: 401, envelope: header-code, provenance: {name: public-docs, status: public-docs}}
  - code: M_LIMIT_EXCEEDED
    status: 429
    provenance: {name: seed, status: seed}
    headers: [{name: Retry-After, pattern: '^[0-9]+$'}]
  - code: M_ROOM_NOT_FOUND
    status: 404
    provenance: {name: seed, status: seed}
    planned: {surfaces_as: M_NOT_FOUND}
"""


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalog") / "flat.yaml"
    path.write_text(FLAT)
    catalog, _ = parse(path)
    return Judge(catalog)


def answer(status, body=None, headers=None, *, raw=None, media="application/json"):
    content = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    all_headers = {"X-Request-Id": "req_1", **({"Content-Type": media} if content else {}), **(headers or {})}
    return Exchange(request=OutgoingRequest("GET", "http://127.0.0.1:1/x"), status=status, headers=httpx.Headers(all_headers), body=content)


def kinds(verdict):
    return [type(failure) for failure in verdict.failures]


def test_conforming_flat_error(judge):
    verdict = judge.judge(answer(404, {"errcode": "M_NOT_FOUND", "error": "No such room"}), ("M_NOT_FOUND",))
    assert verdict.passed and verdict.code == "M_NOT_FOUND"


def test_code_in_a_header_with_no_body(judge):
    verdict = judge.judge(answer(401, headers={"WWW-Authenticate": 'ApiKey error="invalid_token"'}), ("invalid_token",))
    assert verdict.passed and verdict.code == "invalid_token"


def test_status_set_accepts_either(judge):
    for status in (400, 422):
        assert judge.judge(answer(status, {"errcode": "M_BAD_JSON", "error": "x"}), ("M_BAD_JSON",)).passed


CASES = {
    "wrong status": (answer(410, {"errcode": "M_NOT_FOUND", "error": "x"}), ("M_NOT_FOUND",), F.WrongStatus),
    "server error": (answer(500, {"errcode": "M_BAD_JSON", "error": "x"}), ("M_NOT_FOUND",), F.ServerError),
    "no code": (answer(404, {"error": "x"}), ("M_NOT_FOUND",), F.NoErrorCode),
    "null code": (answer(404, {"errcode": None, "error": "x"}), ("M_NOT_FOUND",), F.NoErrorCode),
    "wrong code": (answer(400, {"errcode": "M_BAD_JSON", "error": "x"}), ("M_NOT_FOUND",), F.WrongCode),
    "unknown code": (answer(404, {"errcode": "M_NOTFOUND", "error": "x"}), ("M_NOT_FOUND",), F.UnknownCode),
    "envelope": (answer(404, {"errcode": "M_NOT_FOUND"}), ("M_NOT_FOUND",), F.EnvelopeViolation),
    "media type": (answer(404, {"errcode": "M_NOT_FOUND", "error": "x"}, media="text/plain"), (), F.WrongMediaType),
    "header": (answer(429, {"errcode": "M_LIMIT_EXCEEDED", "error": "x"}), (), F.MissingHeader),
    "header pattern": (answer(404, {"errcode": "M_NOT_FOUND", "error": "x"}, {"X-Request-Id": "nope"}), (), F.MissingHeader),
    "accepted": (answer(201, {"ok": True}), ("M_BAD_JSON",), F.InvalidInputAccepted),
    "html": (answer(500, raw=b"<html><body>Oops</body></html>", media="text/html"), (), F.UnparseableBody),
    "nan": (answer(400, raw=b'{"errcode": "M_BAD_JSON", "error": NaN}'), (), F.UnparseableBody),
    "invalid utf-8": (answer(400, raw=b'{"errcode": "M_BAD_JSON", "error": "\xff"}'), (), F.UnparseableBody),
    "stack trace": (answer(404, {"errcode": "M_NOT_FOUND", "error": 'Traceback (most recent call last):\n  File "app.py", line 3'}), (), F.InternalDetailsLeaked),
    "empty body": (answer(404), ("M_NOT_FOUND",), F.UnparseableBody),
}


@pytest.mark.parametrize("exchange, expect, failure", CASES.values(), ids=CASES.keys())
def test_each_violation_has_its_class(judge, exchange, expect, failure):
    verdict = judge.judge(exchange, expect)
    assert kinds(verdict)[:1] == [failure]


def test_did_you_mean_for_a_misspelt_code(judge):
    failure = judge.judge(answer(404, {"errcode": "m_not_found", "error": "x"})).failures[0]
    assert failure.render().splitlines()[:4] == [
        "Code not in catalog",
        "Received code: m_not_found",
        "Received status: 404",
        "Did you mean: M_NOT_FOUND",
    ]


def test_planned_code_surfacing_as_its_stand_in_passes_with_a_note(judge):
    verdict = judge.judge(answer(404, {"errcode": "M_NOT_FOUND", "error": "x"}), ("M_ROOM_NOT_FOUND",))
    assert verdict.passed
    assert verdict.notes == ["planned code M_ROOM_NOT_FOUND surfaced as M_NOT_FOUND, as the catalog says"]


def test_strict_planned_fails_it(judge):
    strict = Judge(judge.catalog, strict_planned=True)
    verdict = strict.judge(answer(404, {"errcode": "M_NOT_FOUND", "error": "x"}), ("M_ROOM_NOT_FOUND",))
    assert kinds(verdict) == [F.WrongCode]


def test_transport_error_is_a_failure_not_a_crash(judge):
    exchange = Exchange(request=OutgoingRequest("GET", "http://127.0.0.1:1/x"), error="ConnectError: refused")
    assert kinds(judge.judge(exchange)) == [F.TransportFailure]


def test_failure_text_is_title_then_label_lines(judge):
    verdict = judge.judge(answer(410, {"errcode": "M_NOT_FOUND", "error": "x"}), ("M_NOT_FOUND",))
    assert str(verdict.failures[0]).splitlines() == [
        "Wrong HTTP status",
        "Code: M_NOT_FOUND",
        "Expected status: 404",
        "Received status: 410",
        "Catalog entry: matrixish M_NOT_FOUND (404, status seed, name seed)",
    ]


def test_a_body_without_a_code_is_not_an_unknown_code(judge):
    failure = judge.judge(answer(404, {"error": "x"}), ("M_NOT_FOUND",)).failures[0]
    assert failure.render().splitlines() == [
        "No error code in body",
        "Code locator: pointer /errcode",
        "Received status: 404",
        'Body: {"error": "x"}',
    ]


def test_wrong_media_type_shows_the_status(judge):
    verdict = judge.judge(answer(500, raw=b'{"errcode": "M_BAD_JSON", "error": "x"}', media="text/plain"))
    assert verdict.failures[0].render().splitlines() == [
        "Wrong media type",
        "Expected media type: application/json",
        "Received media type: text/plain",
        "Received status: 500",
    ]


def test_a_5xx_to_a_request_that_deserves_a_4xx_is_a_server_error_whatever_its_code(judge):
    verdict = judge.judge(answer(500, {"errcode": "M_BAD_JSON", "error": "x"}), ("M_NOT_FOUND",))
    assert verdict.failures[0].render().splitlines() == [
        "Server error",
        "Received status: 500",
        "Received code: M_BAD_JSON",
        "Expected code: M_NOT_FOUND",
        "Expected status: 404",
    ]
    # The fuzz (no expected code) judges a 5xx by its envelope alone.
    assert F.ServerError not in kinds(judge.judge(answer(500, {"errcode": "M_BAD_JSON", "error": "x"})))


def test_expect_status_pins_the_status_of_this_request(judge):
    ok = answer(422, {"errcode": "M_BAD_JSON", "error": "x"})
    assert judge.judge(ok, ("M_BAD_JSON",), statuses=(422,)).passed
    verdict = judge.judge(answer(400, {"errcode": "M_BAD_JSON", "error": "x"}), ("M_BAD_JSON",), statuses=(422,))
    assert verdict.failures[0].render().splitlines() == [
        "Wrong HTTP status",
        "Expected status: 422",
        "Received status: 400",
        "Rule: the probe's expect_status",
    ]


def head(status, headers=None):
    exchange = answer(status, headers=headers)
    exchange.request.method = "HEAD"
    return exchange


def test_head_answers_are_judged_by_status_and_headers(judge):
    """RFC 9110 section 9.3.2: no body, so no 'Unparseable error body'."""
    verdict = judge.judge(head(404), ("M_NOT_FOUND",))
    assert verdict.passed and verdict.notes == ["HEAD: no body to read a code from; judged by status and headers"]
    assert judge.judge(head(404)).passed  # the fuzz: a status some code has
    assert judge.judge(head(401, {"WWW-Authenticate": 'ApiKey error="invalid_token"'}), ("invalid_token",)).code == "invalid_token"
    wrong = judge.judge(head(418), ("M_NOT_FOUND",))
    assert wrong.failures[0].render().splitlines() == [
        "Wrong HTTP status",
        "Expected status: 404",
        "Received status: 418",
        "Expected code: M_NOT_FOUND",
        "Note: a HEAD answer has no body (RFC 9110 section 9.3.2): judged by status and headers",
    ]
    assert kinds(judge.judge(head(404, {"X-Request-Id": "nope"}))) == [F.MissingHeader]
    assert kinds(judge.judge(head(401, {"WWW-Authenticate": 'ApiKey error="invalid_token"'}), ("M_NOT_FOUND",))) == [F.WrongCode]
