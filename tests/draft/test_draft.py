"""Drafts from OpenAPI documents load lint-clean and are deterministic (issue 16)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import reference
from conformance.catalog import load_catalog
from conformance.cli import main
from conformance.draft import draft_text

SPECS = Path(__file__).parent / "specs"
DOCS = {f"shared-{n}": lambda n=n: json.loads((SPECS / n / "openapi.json").read_text()) for n in ("falu", "voipbin")}
DOCS.update({n: (lambda n=n: reference.openapi(n)) for n in reference.APIS})


def _load(tmp_path, text):
    path = tmp_path / "draft.yaml"
    path.write_text(text)
    return load_catalog(path)


@pytest.mark.parametrize("name", sorted(DOCS))
def test_draft_is_lint_clean_and_deterministic(tmp_path, name):
    document = DOCS[name]()
    text = draft_text(document, "openapi.json")
    assert text == draft_text(document, "openapi.json")
    catalog = _load(tmp_path, text)
    assert catalog.errors and catalog.probes


def _doc(responses):
    return {"openapi": "3.1.0", "info": {"title": "Tiny", "version": "1"},
            "paths": {"/things/{id}": {"get": {"parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
                "responses": responses}}}}


def test_uuid_path_parameter_gets_invalid_uuid_strategy(tmp_path):
    catalog = _load(tmp_path, draft_text(_doc({"200": {"description": "ok"}, "404": {"description": "missing"}}), "t"))
    probe = next(p for p in catalog.probes if p.kind == "identifier")
    assert (probe.vary.target, probe.vary.name, probe.vary.strategy) == ("path", "id", "uuid.malformed")


def test_document_without_error_responses_gives_todo_entries(tmp_path):
    catalog = _load(tmp_path, draft_text(_doc({"200": {"description": "ok"}}), "t"))
    assert catalog.errors and all("TODO" in e.description for e in catalog.errors)


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
