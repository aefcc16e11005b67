"""openapi-lint on small crafted specs against the Flowbrite catalog."""

import copy
import json

import pytest

from conformance.catalog import load_catalog
from conformance.cli import main
from conformance.openapi.lint import check

CODES = ["api.common.validationFailed", "api.common.missingIdempotencyKey"]


def _error(status: int, codes: list[str] | None = None, media: str = "application/json", status_type: str = "integer"):
    code = {"type": "string"} if codes is None else {"type": "string", "enum": codes}
    return {"description": "error", "content": {media: {"schema": {"$ref": "#/components/schemas/Error"}
                                                          if codes is None and status_type == "integer" else {
        "type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["status", "code", "message"],
            "properties": {"status": {"type": status_type}, "code": code, "message": {"type": "string"}}}}}}}}


def _spec(**responses) -> dict:
    base = {"400": _error(400), "401": _error(401), "403": _error(403), "409": _error(409),
            "429": _error(429), "500": _error(500), "503": {"description": "no body"}}
    base.update(responses)
    return {
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/v1/wallets": {"post": {"operationId": "createWallet",
                                            "responses": {"201": {"description": "ok"}, **{k: v for k, v in base.items() if v}}}}},
        "components": {"schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["status", "code", "message"],
            "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}},
    }


@pytest.fixture(scope="module")
def flowbrite():
    return load_catalog("flowbrite")


def _lines(flowbrite, spec):
    return [(f.group, f.text) for f in check(flowbrite, spec)]


def test_a_consistent_spec_has_no_findings(flowbrite, tmp_path, capsys):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(_spec()))
    assert main(["openapi-lint", "flowbrite", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == ["flowbrite vs spec.json: 8 codes, 1 operations: consistent"]


def test_a_status_no_catalog_code_has(flowbrite):
    assert ("status", "404: declared on 1 operation(s), e.g. POST /v1/wallets; no catalog code has it") in _lines(
        flowbrite, _spec(**{"404": _error(404)}))


def test_a_catalog_status_the_spec_never_declares(flowbrite):
    found = _lines(flowbrite, _spec(**{"409": None}))
    assert ("undeclared", "api.common.reusedIdempotencyKey (409): no operation declares 409") in found


def test_a_code_the_spec_schema_cannot_carry(flowbrite):
    found = _lines(flowbrite, _spec(**{"400": _error(400, codes=["api.common.validationFailed"])}))
    assert ("carry", "api.common.missingIdempotencyKey (400): POST /v1/wallets: /error/code: "
                     "'api.common.missingIdempotencyKey' is not one of ['api.common.validationFailed']") in found
    # the enum names codes, so both sides are compared
    assert ("catalog-only", "api.common.unauthorized (401, name seed)") in found


def test_a_body_status_of_the_wrong_type(flowbrite):
    found = _lines(flowbrite, _spec(**{"429": _error(429, status_type="string")}))
    assert ("carry", "api.common.rateLimitExceeded (429): POST /v1/wallets: /error/status: 429 is not of type 'string'") in found


def test_a_json_error_where_the_spec_has_no_body(flowbrite):
    found = _lines(flowbrite, _spec(**{"403": {"description": "no body"}}))
    assert ("carry", "403: the spec declares no body, but catalog codes with status 403 use JSON envelope 'default' "
                     "(e.g. api.common.forbidden)") in found


def test_media_type_differs(flowbrite):
    found = _lines(flowbrite, _spec(**{"400": _error(400, media="application/problem+json")}))
    assert ("media-type", "400: spec says application/problem+json (e.g. POST /v1/wallets); "
                          "catalog envelope 'default' says application/json") in found


def test_x_error_codes_on_either_side_only(flowbrite, tmp_path, capsys):
    spec = _spec()
    spec["paths"]["/v1/wallets"]["post"]["x-error-codes"] = [*CODES, "api.common.walletFrozen"]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    assert main(["openapi-lint", "flowbrite", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Codes the spec names that the catalog lacks (1):",
                       "  [spec-only] api.common.walletFrozen: named by 1 operation(s), e.g. POST /v1/wallets"]
    assert "Catalog codes the spec never names (5):" in out
    assert out[-1] == "flowbrite vs spec.json: 8 codes, 1 operations: 6 findings (1 spec-only, 5 catalog-only)"


def test_unreadable_spec_exits_2(tmp_path, capsys):
    assert main(["openapi-lint", "flowbrite", str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().out.startswith("cannot read ")


def test_the_reference_document_is_consistent_with_its_catalog(flowbrite):
    from conformance import reference

    spec = copy.deepcopy(reference.openapi("flowbrite"))
    assert check(flowbrite, spec) == []
