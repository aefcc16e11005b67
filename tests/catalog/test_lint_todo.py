"""Lint rule ``todo``: a value still saying TODO (as a drafted catalog leaves them) is a warning,
one line with its position; the catalog loads and lint's exit status stays 0. A TODO in a
comment is no value and is not reported; a real error still fails with the warning unprinted."""

from conformance.catalog import load_catalog
from conformance.cli import main

CATALOG = """\
format: 1
api: {name: tiny, title: Tiny, base_path: ''}
auth: {header: Authorization, scheme: Bearer, credentials: {}}
envelopes:
  default: {media_type: application/json, code: {pointer: /code}}
errors:
  # TODO in a comment: not a value
  - code: http-404
    status: 404
    description: "TODO: replace 'http-404' with the code the API sends."
    provenance: {name: inferred, status: inferred}
"""


def test_todo_is_one_warning_line_and_exit_zero(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text(CATALOG)
    assert main(["lint", "tiny.yaml"]) == 0
    assert capsys.readouterr().out == (
        "tiny.yaml:10:18: warning: errors[0].description: TODO: replace 'http-404' with the code the API sends. [todo]\n")
    assert load_catalog(tmp_path / "tiny.yaml").errors[0].code == "http-404"


def test_an_error_still_fails_and_a_clean_catalog_prints_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.yaml").write_text(CATALOG.replace("TODO: replace", "Replace"))
    assert main(["lint", "clean.yaml"]) == 0
    assert capsys.readouterr().out == ""
    (tmp_path / "broken.yaml").write_text(CATALOG.replace("status: 404", "status: 200"))
    assert main(["lint", "broken.yaml"]) == 1
    out = capsys.readouterr().out
    assert out and "warning:" not in out
