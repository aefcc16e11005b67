"""Reading OpenAPI documents (JSON or YAML, file or URL) and what the pytest route does with them.

The pytest-route tests run ``suites/test_openapi.py`` through pytester against a Flowbrite
reference API behind a recording loopback proxy (tests/plugin/wiretap.py): what reached the
server and the status it answered, counted outside the suite's code; its error answers
(4xx/5xx) are the independent count the report's "requests judged" must equal.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conformance import reference
from conformance.catalog import load_catalog
from conformance.openapi.document import DocumentError, DocumentNotFound, load_document, parse_document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugin"))
from wiretap import Wiretap  # noqa: E402

SUITE = Path(__file__).resolve().parents[2] / "suites" / "test_openapi.py"
# Two read-only operations of the served document (which has nine): a run over the file
# touches these paths only.
KEPT = ("/v1/wallets/{walletId}", "/v1/transfers/{transferId}")

def _yaml_copy(document: dict, *, keep: tuple[str, ...] | None = None) -> str:
    """``document`` as block-style YAML, status codes unquoted as hand-written documents have them."""
    if keep is not None:
        document = {**document, "paths": {path: item for path, item in document["paths"].items() if path in keep}}
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return re.sub(r"^(\s+)'(\d{3}|default)':", r"\1\2:", text, flags=re.MULTILINE)


@pytest.fixture
def tap(flowbrite_credentials):
    """A Flowbrite reference behind a recording proxy; the run's credentials in the environment."""
    with reference.start("flowbrite", env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server, Wiretap(server.url) as wire:
        yield wire


def _run(pytester, monkeypatch, *args: str, document: str | None = None, tap: Wiretap | None = None):
    if tap is not None:
        args = ("--base-url", tap.url, *args)
    monkeypatch.setenv("CONFORMANCE_OPENAPI_EXAMPLES", "3")
    monkeypatch.delenv("CONFORMANCE_CATALOG", raising=False)
    monkeypatch.delenv("CONFORMANCE_REPORT", raising=False)
    if document is None:
        monkeypatch.delenv("CONFORMANCE_OPENAPI", raising=False)
    else:
        monkeypatch.setenv("CONFORMANCE_OPENAPI", document)
    pytester.makepyfile(test_openapi=SUITE.read_text(encoding="utf-8"))
    return pytester.runpytest("-p", "conformance.plugin", "--catalog", "flowbrite", "-p", "no:randomly",
                              "-p", "no:cacheprovider", *args)


def _wire(tap: Wiretap) -> list[dict]:
    """What reached the server, but the run's reachability check (a GET of the API's base path)."""
    base = load_catalog("flowbrite").api.base_path
    return [{"method": method, "url": target, "status": status} for method, target, status in tap.answers
            if target.rstrip("/") != base.rstrip("/")]


def _templates(paths) -> re.Pattern:
    return re.compile("^(?:" + "|".join(re.sub(r"\\\{[^}]+\\\}", "[^/]*", re.escape(path)) for path in paths) + ")$")


# --- the pytest route -------------------------------------------------------------------


def test_a_yaml_document_runs_the_openapi_tests(pytester, monkeypatch, tmp_path, tap):
    """CONFORMANCE_OPENAPI naming a YAML file: both tests run over the operations it describes."""
    path = tmp_path / "flowbrite-openapi.yaml"
    path.write_text(_yaml_copy(reference.openapi("flowbrite"), keep=KEPT), encoding="utf-8")
    result = _run(pytester, monkeypatch, document=str(path), tap=tap)
    outcomes = result.parseoutcomes()
    assert "skipped" not in outcomes, result.stdout.str()[-3000:]
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == 2, outcomes
    sent = _wire(tap)
    assert sent, "schemathesis sent nothing"
    # The file's two operations, not the nine of the document the target serves.
    served = {urlsplit(item["url"]).path for item in sent}
    assert all(_templates(KEPT).match(path) for path in served), sorted(served)
    assert {path.split("/")[2] for path in served} == {"wallets", "transfers"}


BROKEN = {
    "bad.json": ('{\n  "openapi": "3.0.3",\n  "paths": {,}\n}\n',
                 "invalid JSON at line 3, column 13: Expecting property name enclosed in double quotes"),
    "bad.yaml": ("openapi: 3.0.3\ninfo:\n  title: t\n   version: 1\npaths: {}\n",
                 "invalid YAML at line 4, column 11: mapping values are not allowed here"),
    # The form is the document's, not the name's: YAML text in a .json file is read as YAML.
    "yaml-in.json": ("openapi: 3.0.3\npaths: [\n", "invalid YAML at line 3, column 1: expected the node content, "
                     "but found '<stream end>' (while parsing a flow node)"),
}


@pytest.mark.parametrize("name", [*BROKEN, "missing.yaml"])
def test_an_unreadable_document_is_one_usage_error(pytester, monkeypatch, tmp_path, name, tap):
    path = tmp_path / name
    if name in BROKEN:
        path.write_text(BROKEN[name][0], encoding="utf-8")
    problem = BROKEN[name][1] if name in BROKEN else "no such file"
    result = _run(pytester, monkeypatch, document=str(path), tap=tap)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: cannot read OpenAPI document {path}: {problem}"])
    assert result.stderr.str().count("cannot read OpenAPI document") == 1
    out = result.stdout.str() + result.stderr.str()
    assert "skipped" not in out and "Expecting value" not in out
    assert tap.answers == []  # not even the reachability check: the run stopped before it


def test_an_unreachable_document_url_is_one_usage_error(pytester, monkeypatch, documents):
    url = documents.url("/missing.yaml")
    result = _run(pytester, monkeypatch, document=url)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: cannot read OpenAPI document {url}: GET answered 404"])
    assert "skipped" not in result.stdout.str() + result.stderr.str()


def test_the_report_counts_every_answer_the_catalog_check_judged(pytester, monkeypatch, tmp_path, tap):
    """Every 4xx/5xx schemathesis received was judged by the catalog check and recorded: the
    report's requests equal the error answers counted on the wire, and the terminal's
    coverage section has the catalog."""
    out = tmp_path / "report"
    result = _run(pytester, monkeypatch, "--conformance-report", str(out), tap=tap)
    outcomes = result.parseoutcomes()
    assert "skipped" not in outcomes and outcomes.get("passed", 0) + outcomes.get("failed", 0) == 2, outcomes
    errors = [item for item in _wire(tap) if item["status"] >= 400]
    assert errors, "no error answer on the wire: nothing for the catalog check to judge"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    section = report["catalogs"]["flowbrite"]
    assert section.get("requests", 0) == len(errors)
    # what the answers carried reaches the per-code verdicts too
    assert sum(code.get("requests", 0) for code in section["codes"]) + sum(
        item["count"] for item in section.get("unknown_codes", [])) >= 1
    result.stdout.fnmatch_lines(["*= conformance coverage =*", "flowbrite: 8 codes, * exercised, *"])


def test_a_broken_document_at_the_target_fails_the_tests(pytester, monkeypatch, documents):
    """The target's own /openapi.json (no CONFORMANCE_OPENAPI) served but unparseable: both
    tests fail with the one line, never skip."""
    result = _run(pytester, monkeypatch, "--base-url", documents.url("/broken"))
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        f"*cannot read OpenAPI document {documents.url('/broken/openapi.json')}: "
        "invalid JSON at line 1, column 13: Expecting value*",
    ])


def test_a_target_without_a_document_skips_and_says_how_to_name_one(pytester, monkeypatch, documents):
    result = _run(pytester, monkeypatch, "--base-url", documents.url("/nothing"), "-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines([
        f"*no OpenAPI document for flowbrite: cannot read OpenAPI document {documents.url('/nothing/openapi.json')}: "
        "GET answered 404; set CONFORMANCE_OPENAPI=PATH|URL*",
    ])


# --- the loader -------------------------------------------------------------------------


class _Documents:
    """A loopback server answering from ``routes``: path -> (status, headers, body)."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]):
        routes_ = routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                status, headers, body = routes_.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def documents():
    flowbrite = reference.openapi("flowbrite")
    server = _Documents({
        "/openapi.yaml": (200, {"Content-Type": "application/yaml"}, _yaml_copy(flowbrite).encode()),
        # the form decides, not the media type a server happens to send
        "/served-as-text": (200, {"Content-Type": "text/plain"}, _yaml_copy(flowbrite).encode()),
        "/openapi.json": (200, {"Content-Type": "application/json"}, json.dumps(flowbrite).encode()),
        "/moved": (302, {"Location": "http://example.com/openapi.json"}, b""),
        "/broken": (200, {"Content-Type": "text/plain"}, b"reachable"),
        "/broken/openapi.json": (200, {"Content-Type": "application/json"}, b'{"openapi": '),
        "/nothing": (200, {"Content-Type": "text/plain"}, b"reachable"),
    })
    yield server
    server.close()


@pytest.mark.parametrize("path", ["/openapi.yaml", "/served-as-text", "/openapi.json"])
def test_a_url_serves_json_or_yaml(documents, path):
    assert load_document(documents.url(path)) == reference.openapi("flowbrite")


def test_a_redirect_is_not_followed(documents):
    with pytest.raises(DocumentError) as raised:
        load_document(documents.url("/moved"))
    assert str(raised.value) == (f"cannot read OpenAPI document {documents.url('/moved')}: "
                                 "GET answered 302 (redirect to http://example.com/openapi.json not followed)")


def test_not_found_is_its_own_class(documents, tmp_path):
    with pytest.raises(DocumentNotFound):
        load_document(documents.url("/nope"))
    with pytest.raises(DocumentNotFound):
        load_document(str(tmp_path / "nope.yaml"))


@pytest.mark.parametrize("name", ["doc.json", "doc.yaml", "doc"])
def test_a_file_is_read_by_its_form_not_its_name(tmp_path, name):
    flowbrite = reference.openapi("flowbrite")
    (tmp_path / f"json-{name}").write_text(json.dumps(flowbrite), encoding="utf-8")
    (tmp_path / f"yaml-{name}").write_text(_yaml_copy(flowbrite), encoding="utf-8")
    assert load_document(str(tmp_path / f"json-{name}")) == flowbrite
    assert load_document(str(tmp_path / f"yaml-{name}")) == flowbrite


def test_yaml_reads_as_its_json_twin():
    """YAML 1.2 core schema: only true/false are booleans, no timestamps, keys are text."""
    document = parse_document(
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      parameters: [{name: on, in: query, example: 2024-06-01, required: true, deprecated: no}]\n"
        "      responses:\n"
        "        200: {description: ok}\n"
        "        4XX: {description: error}\n"
        "components: {schemas: {Blob: {type: string, example: !!binary aGk=}}}\n",
        source="t.yaml",
    )
    operation = document["paths"]["/a"]["get"]
    assert operation["parameters"] == [
        {"name": "on", "in": "query", "example": "2024-06-01", "required": True, "deprecated": "no"}]
    assert list(operation["responses"]) == ["200", "4XX"]
    assert document["components"]["schemas"]["Blob"]["example"] == "aGk="


@pytest.mark.parametrize(("text", "problem"), [
    ("", "the document is empty, not an object (OpenAPI 3.1 section 4.3)"),
    ("- a\n- b\n", "the document is a list, not an object (OpenAPI 3.1 section 4.3)"),
    ('{"error": "not found"}', "no 'openapi' field at the top level: not an OpenAPI document (OpenAPI 3.1 section 4.8.1)"),
    ("openapi: 3.1\npaths: {}\n", "'openapi' must be a string such as \"3.1.0\" (got 3.1; quote it)"),
    ('{"openapi": "3.0.3", "paths": {"/a": ', "invalid JSON at line 1, column 38: Expecting value"),
    ("openapi: 3.0.3\npaths:\n  ? [a, b]\n  : x\n", "invalid YAML at line 3, column 5: a key must be text, not a list or a "
                                                   "mapping (a JSON object's keys are strings) (while constructing a mapping)"),
])
def test_what_is_not_a_document_is_one_line(text, problem):
    with pytest.raises(DocumentError) as raised:
        parse_document(text, source="spec")
    assert str(raised.value) == f"cannot read OpenAPI document spec: {problem}"
    assert "\n" not in str(raised.value)


def test_bytes_that_are_not_utf8():
    with pytest.raises(DocumentError) as raised:
        parse_document(b"openapi: 3.0.3\ninfo: \xff\n", source="spec")
    assert str(raised.value) == "cannot read OpenAPI document spec: not UTF-8 text at line 2: byte 0xff"


def test_openapi_lint_reads_yaml_whatever_the_name(tmp_path, capsys):
    from conformance.cli import main

    path = tmp_path / "flowbrite.json"  # YAML in a .json file: the text decides
    path.write_text(_yaml_copy(reference.openapi("flowbrite")), encoding="utf-8")
    assert main(["openapi-lint", "flowbrite", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(": consistent")


def test_openapi_lint_names_the_parse_problem(tmp_path, capsys):
    from conformance.cli import main

    path = tmp_path / "bad.yaml"
    path.write_text(BROKEN["bad.yaml"][0], encoding="utf-8")
    assert main(["openapi-lint", "flowbrite", str(path)]) == 2
    assert capsys.readouterr().out.splitlines() == [f"cannot read OpenAPI document {path}: {BROKEN['bad.yaml'][1]}"]
