"""Status classes in the catalog (RFC 9110 section 15: the first digit is the class): a code
at ``4xx``, ``5xx`` or ``any`` error status, for catch-all codes a specification allows at
whatever status. A 5xx to an invalid request stays a server error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

from conformance import reference
from conformance.catalog.loader import CatalogError, parse
from conformance.engine import failures as F
from conformance.engine.judge import Judge
from conformance.engine.transport import Exchange, OutgoingRequest

REPO = Path(__file__).resolve().parents[2]
CATALOG = """\
format: 1
api: {name: classy, title: Status classes}
auth: {header: Authorization, scheme: Bearer}
envelopes:
  default:
    media_type: application/json
    schema: {type: object, required: [code], properties: {code: {type: string}}}
    code: {pointer: /code}
errors:
  - {code: unknown, status: any, provenance: {name: seed, status: seed}}
  - {code: client, status: 4xx, provenance: {name: seed, status: seed}}
  - {code: mixed, status: [404, 5xx], provenance: {name: seed, status: seed}}
"""


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    path = tmp_path_factory.mktemp("classes") / "classy.yaml"
    path.write_text(CATALOG)
    catalog, _ = parse(path)
    return Judge(catalog)


def answer(status, code):
    return Exchange(request=OutgoingRequest("GET", "http://127.0.0.1:1/x"), status=status,
                    headers=httpx.Headers({"Content-Type": "application/json"}), body=json.dumps({"code": code}).encode())


@pytest.mark.parametrize("code, status, passes", [
    ("unknown", 400, True), ("unknown", 418, True), ("unknown", 503, True),
    ("client", 404, True), ("client", 499, True), ("client", 500, False),
    ("mixed", 404, True), ("mixed", 502, True), ("mixed", 400, False),
])
def test_a_class_admits_every_status_of_its_class(judge, code, status, passes):
    assert judge.judge(answer(status, code)).passed is passes


def test_failures_show_the_class_as_written(judge):
    failure = judge.judge(answer(500, "client")).failures[0]
    assert failure.render().splitlines()[:4] == ["Wrong HTTP status", "Code: client", "Expected status: 4xx", "Received status: 500"]


def test_a_5xx_to_a_probe_aimed_at_a_catch_all_is_still_a_server_error(judge):
    """'any' allows a 5xx for the code, not for a request that was invalid on purpose."""
    verdict = judge.judge(answer(500, "unknown"), ("unknown",))
    assert [type(f) for f in verdict.failures] == [F.ServerError]
    # the 5xx class licenses it: a code the catalog gives a 5xx is not a crash
    assert judge.judge(answer(502, "mixed"), ("mixed",)).passed


@pytest.mark.parametrize("status", ["3xx", "4XX", "40x", "all"])
def test_only_the_three_classes_exist(tmp_path, status):
    path = tmp_path / "bad.yaml"
    path.write_text(CATALOG.replace("status: 4xx", f"status: {status}"))
    with pytest.raises(CatalogError) as caught:
        parse(path)
    assert "bad.yaml:11:" in str(caught.value)


def test_a_class_against_a_reference_api(pytester, flowbrite_credentials):
    """flowbrite's unauthorized at '4xx' (its reference answers 401): the auth probes pass."""
    path = pytester.path / "flowbrite-4xx.yaml"
    text = (REPO / "catalogs" / "flowbrite.yaml").read_text()
    assert "  - code: api.common.unauthorized\n    status: 401\n" in text
    path.write_text(text.replace("  - code: api.common.unauthorized\n    status: 401\n", "  - code: api.common.unauthorized\n    status: 4xx\n"))
    with reference.start("flowbrite", env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server:
        result = pytester.runpytest_subprocess(
            str(REPO / "suites" / "test_auth.py"), "--catalog", str(path), "--base-url", server.url, "-p", "no:randomly",
            "--hypothesis-profile", "smoke", "-k", "missing-key or garbage-key")
    result.assert_outcomes(passed=2)
    lint = pytester.run(sys.executable, "-m", "conformance", "lint", str(path))
    assert lint.ret == 0, lint.stdout.str()
