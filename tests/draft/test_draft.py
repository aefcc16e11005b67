"""Drafts from OpenAPI documents (issue 16): lint-clean and deterministic on the seven documents,
identifier probes with the strategy of their parameter's format and a setup step capturing the
id they vary, setup steps for a body's references, idempotency and rate-limit probes, and a
drafted identifier probe run against a real loopback reference without a setup problem."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from conformance import reference
from conformance.catalog import load_catalog
from conformance.cli import main
from conformance.draft import draft_text

SPECS = Path(__file__).parent / "specs"
SUITES = Path(__file__).resolve().parents[2] / "suites"
DOCS = {f"shared-{n}": lambda n=n: json.loads((SPECS / n / "openapi.json").read_text()) for n in ("falu", "voipbin")}
DOCS.update({n: (lambda n=n: reference.openapi(n)) for n in reference.APIS})


def _load(tmp_path, text):
    path = tmp_path / "draft.yaml"
    path.write_text(text)
    return load_catalog(path)


@pytest.mark.parametrize("name", sorted(DOCS))
def test_draft_is_lint_clean_and_deterministic(tmp_path, name):
    document = DOCS[name]()
    before = copy.deepcopy(document)
    text = draft_text(document, "openapi.json")
    assert document == before  # the document is read, never changed
    assert text == draft_text(document, "openapi.json") == draft_text(DOCS[name](), "openapi.json")
    catalog = _load(tmp_path, text)
    assert catalog.errors and catalog.probes
    for probe in catalog.probes:
        # No probe is a setup problem by construction: what an identifier probe varies is
        # captured by one of its setup steps, so its control has a real value.
        if probe.kind == "identifier":
            assert any(probe.vary.name in step.capture for step in probe.setup), probe.id


# -- small documents -------------------------------------------------------------------------

ID = {"type": "string", "format": "uuid"}
ERROR = {"description": "error", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"code": {"type": "string", "enum": ["bad_request", "not_found"]}}}}}}


def _things(get_responses, *, post=True, links=None):
    created = {"description": "created", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"data": {"type": "object", "properties": {"id": ID}}}}}}}
    if links:
        created["links"] = links
    paths = {"/things/{thingId}": {"get": {"operationId": "getThing", "parameters": [
        {"name": "thingId", "in": "path", "required": True, "schema": ID}], "responses": get_responses}}}
    if post:
        paths["/things"] = {"post": {"operationId": "createThing", "requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 50}}}}}},
            "responses": {"201": created, "400": ERROR}}}
    return {"openapi": "3.1.0", "info": {"title": "Tiny", "version": "1"}, "paths": paths}


def test_uuid_path_parameter_gets_invalid_uuid_strategy_and_a_capturing_setup(tmp_path):
    catalog = _load(tmp_path, draft_text(_things({"200": {"description": "ok"}, "404": ERROR}), "t"))
    probe = next(p for p in catalog.probes if p.kind == "identifier")
    assert (probe.vary.target, probe.vary.name, probe.vary.strategy) == ("path", "thingId", "uuid.malformed")
    assert probe.request.path == "/things/{thingId}"
    [step] = probe.setup
    assert (step.method, step.path, step.json_, step.capture) == ("POST", "/things", {"name": "example-{unique}"},
                                                                  {"thingId": "/data/id"})


def test_an_identifier_nothing_creates_is_left_out_with_the_reason(tmp_path):
    text = draft_text(_things({"200": {"description": "ok"}, "404": ERROR}, post=False), "t")
    assert not [p for p in _load(tmp_path, text).probes if p.kind == "identifier"]
    assert "# GET /things/{thingId}: no identifier probe for 'thingId': no operation is known to create" in text


def test_a_link_says_where_the_id_is(tmp_path):
    links = {"GetThing": {"operationId": "getThing", "parameters": {"thingId": "$response.body#/data/id"}}}
    document = _things({"200": {"description": "ok"}, "404": ERROR}, links=links)
    # The link, not the path, names the creator: the collection's POST moves elsewhere.
    document["paths"]["/make-thing"] = document["paths"].pop("/things")
    probe = next(p for p in _load(tmp_path, draft_text(document, "t")).probes if p.kind == "identifier")
    assert [(s.path, s.capture) for s in probe.setup] == [("/make-thing", {"thingId": "/data/id"})]


def _transfers(*, with_wallets=True):
    document = _things({"200": {"description": "ok"}, "404": ERROR})
    if with_wallets:
        document["paths"]["/wallets"] = {"post": {"responses": {"201": {"description": "created", "content": {
            "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}}}}
    document["paths"]["/transfers"] = {"post": {"operationId": "createTransfer", "requestBody": {"content": {
        "application/json": {"schema": {"type": "object", "required": ["walletId", "amount"], "properties": {
            "walletId": {"type": "string", "pattern": "^wal_"}, "amount": {"type": "integer", "minimum": 1}}}}}},
        "responses": {"201": {"description": "ok"}, "400": ERROR}}}
    return document


def test_a_body_naming_another_resource_gets_its_setup_step(tmp_path):
    catalog = _load(tmp_path, draft_text(_transfers(), "t"))
    probe = next(p for p in catalog.probes if p.id == "createtransfer.amount")
    assert probe.request.json_ == {"walletId": "{walletId}", "amount": 1}
    assert [(s.path, s.capture) for s in probe.setup] == [("/wallets", {"walletId": "/id"})]
    wallet = next(p for p in catalog.probes if p.id == "createtransfer.walletid")
    assert wallet.vary.args == {"pattern": "(?:^wal_)(?s:.*)"}  # JSON Schema's pattern matches anywhere


def test_a_reference_nothing_creates_leaves_the_probes_out(tmp_path):
    text = draft_text(_transfers(with_wallets=False), "t")
    assert not [p for p in _load(tmp_path, text).probes if p.id.startswith("createtransfer")]
    assert ("# POST /transfers: no field or body probes: the body's 'walletId' names another resource and no "
            "operation is known to create it") in text


def test_idempotency_and_rate_limit_probes_from_the_document(tmp_path):
    document = _things({"200": {"description": "ok"}, "404": ERROR})
    post = document["paths"]["/things"]["post"]
    post["parameters"] = [{"name": "Idempotency-Key", "in": "header", "required": True,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 64}}]
    post["responses"]["400"] = {"description": "e", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"code": {"type": "string", "enum": ["bad_request", "idempotency_key_missing"]}}}}}}
    limited = {"description": "slow down", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"code": {"type": "string", "enum": ["rate_limited"]}}}}}}
    document["components"] = {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}}
    document["paths"]["/things"]["get"] = {"responses": {"200": {"description": "ok"}, "401": ERROR, "429": limited}}
    catalog = _load(tmp_path, draft_text(document, "t"))
    assert (catalog.idempotency.header, catalog.idempotency.required, catalog.idempotency.max_length) == ("Idempotency-Key", True, 64)
    modes = {p.mode: p for p in catalog.probes if p.kind == "idempotency"}
    assert sorted(modes) == ["invalid-key", "missing-key"]
    assert modes["missing-key"].expected_codes == ("idempotency_key_missing",)
    burst = next(p for p in catalog.probes if p.kind == "rate-limit")
    assert (burst.request.path, burst.burst.credential, burst.expected_codes) == ("/things", "burst", ("rate_limited",))
    assert catalog.auth.credentials["burst"].env == "CONFORMANCE_BURST_KEY"
    assert "burst" in burst.markers or burst.kind == "rate-limit"


def test_document_without_error_responses_gives_a_usable_draft(tmp_path, capsys, monkeypatch):
    document = _things({"200": {"description": "ok"}})
    document["paths"]["/things"]["post"]["responses"] = {"201": document["paths"]["/things"]["post"]["responses"]["201"]}
    text = draft_text(document, "t")
    catalog = _load(tmp_path, text)
    assert catalog.errors and all("TODO" in e.description for e in catalog.errors)
    # Usable: probes drafted against the placeholder codes, each a TODO lint shows as a warning.
    assert {p.kind for p in catalog.probes} >= {"identifier", "field", "body", "routing"}
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "draft.yaml"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": warning: ")[1].split(":")[0] for line in lines] == [
        "envelopes.default.description", *(f"errors[{i}].description" for i in range(len(catalog.errors)))]
    assert all(line.endswith("[todo]") for line in lines)


def test_cli_writes_and_refuses_overwrite(tmp_path, capsys):
    out = tmp_path / "c.yaml"
    spec = str(SPECS / "falu" / "openapi.json")
    assert main(["draft", spec, "-o", str(out)]) == 0
    load_catalog(out)
    capsys.readouterr()
    assert main(["draft", spec, "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"conformance draft: {out} exists; pass --force to overwrite it\n"
    assert main(["draft", spec, "-o", str(out), "--force"]) == 0


def test_cli_unreadable_document_is_one_line(tmp_path, capsys):
    assert main(["draft", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("conformance draft: cannot read OpenAPI document")


# -- against a real server ---------------------------------------------------------------------

def test_a_drafted_identifier_probe_with_setup_runs_against_the_reference(pytester):
    """Flowbrite's own /openapi.json, drafted from its URL; the wallet probe creates a wallet
    (setup), captures its id, sends the control and varies the id: it runs to a verdict."""
    with reference.start("flowbrite") as server:
        catalog = pytester.path / "draft.yaml"
        assert main(["draft", f"{server.url}/openapi.json", "-o", str(catalog)]) == 0
        probe = next(p for p in yaml.safe_load(catalog.read_text())["probes"] if p["id"] == "getwallet.walletid")
        assert [s["capture"] for s in probe["setup"]] == [{"walletId": "/data/id"}]
        result = pytester.runpytest_subprocess(
            str(SUITES / "test_identifiers.py"), f"--catalog={catalog}", "--base-url", server.url,
            "--api-key", reference.credentials("flowbrite")["primary"], "-k", "getwallet",
            "--hypothesis-profile", "smoke", "-p", "no:randomly")
    outcomes = result.parseoutcomes()
    out = result.stdout.str()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 1, out
    assert "setup problem" not in out.lower() and "could not run" not in out, out
