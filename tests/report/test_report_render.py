"""The report model and its three renderings, from hand-made observations (no network)."""

import json
import re
from html.parser import HTMLParser

import pytest

from conformance.catalog import load_catalog
from conformance.engine import secrets
from conformance.engine.record import Observation
from conformance.report import html, json_report, markdown
from conformance.report.model import build

SECRET = "fb_live_Zq8vR2mK7pX4"
FAIL = "api.common.validationFailed"
REPRO = (
    "curl -X POST 'http://127.0.0.1:9/v1/wallets' -H 'Authorization: Bearer [REDACTED]' "
    "-H 'Content-Type: application/json' --data-raw '{\"currency\":\"usd\"}'"
)
HOSTILE = '<img src="https://evil.example/x.png" onerror="alert(1)">'


def _obs(probe, expected, status, code, passed, **extra):
    method, path = extra.pop("request", ("POST", "/v1/wallets"))
    return Observation(catalog="flowbrite", probe=probe, kind="field", expected=list(expected), method=method,
                       path=path, status=status, code=code, passed=passed, **extra)


OBSERVATIONS = [
    _obs("auth.missing-key", ["api.common.unauthorized"], 401, "api.common.unauthorized", True),
    _obs("auth.garbage-key", ["api.common.unauthorized"], 401, "api.common.unauthorized", True),
    _obs("auth.no-permission", ["api.common.forbidden"], 403, "api.common.forbidden", True),
    _obs("wallets.create.currency", [FAIL], 422, FAIL, False, failure="wrong-status", title="Wrong HTTP status",
         message=f"Expected status: 400\nReceived status: 422\nKey: {SECRET}", reproducer=REPRO),
    _obs("wallets.create.currency", [FAIL], 400, FAIL, True),
    _obs("wallets.create.name-type", [FAIL], 400, FAIL, True),
    _obs("wallets.get.unknown-id", [], 404, HOSTILE, False, failure="unknown-code", title="Code not in the catalog",
         message="Received code: not in catalog", request=("GET", "/v1/wallets/x")),
]
SETUP = [{"catalog": "flowbrite", "probe": "transfers.create.amount", "message": "control rejected: HTTP 401"}]
FIELDS_TEST = "suites/test_fields.py::test_field_rejected[flowbrite:wallets.create.currency]"
FUZZ_TEST = "suites/test_envelope.py::test_every_error_conforms[flowbrite]"


def _found(test, probe, kind, title, status, code, expected=(), message="", reproducer=None):
    return {"test": test, "catalog": "flowbrite", "probe": probe, "kind": kind, "title": title, "expected": list(expected),
            "request": "POST /v1/wallets", "status": status, "code": code, "input": "'usd'", "message": message,
            "reproducer": reproducer}


FOUND = [
    _found(FUZZ_TEST, "envelope-fuzz", "unknown-code", "Code not in the catalog", 404, HOSTILE, message="Received code: not in catalog"),
    _found(FIELDS_TEST, "wallets.create.currency", "wrong-status", "Wrong HTTP status", 422, FAIL, [FAIL],
           f"Wrong HTTP status\nReceived status: 422\nKey: {SECRET}", REPRO),
]
RUN = {"target": f"http://user:{SECRET}@127.0.0.1:9/", "hypothesis_profile": "ci", "hypothesis_seed": "derandomized",
       "example_database": "default", "started": "2026-01-01T00:00:00+00:00", "duration_seconds": 1.25,
       "outcomes": {"passed": 5, "failed": 1}, "exit_status": 1}
VERDICTS = {
    "api.common.unauthorized": "pass",
    "api.common.forbidden": "pass",
    "api.common.reusedIdempotencyKey": "not-exercised",
    "api.common.rateLimitExceeded": "not-exercised",
    FAIL: "fail",
    "api.common.internalServerError": "not-provokable",
    "api.common.missingIdempotencyKey": "not-exercised",
    "service-unavailable": "not-provokable",
}


@pytest.fixture(scope="module")
def report():
    secrets.register(SECRET)
    return build({"flowbrite": load_catalog("flowbrite")}, OBSERVATIONS, SETUP, RUN, FOUND)


def test_json_verdicts_and_counts_per_code(report):
    data = json.loads(json_report.render(report))
    section = data["catalogs"]["flowbrite"]
    assert {code["code"]: code["verdict"] for code in section["codes"]} == VERDICTS
    assert section["counts"] == {"pass": 2, "fail": 1, "not-exercised": 3, "not-provokable": 2, "planned": 0,
                                 "total": 8, "exercised": 3}
    assert data["totals"] == {"pass": 2, "fail": 1, "not-exercised": 3, "not-provokable": 2, "planned": 0}
    assert section["requests"] == 7
    failing = next(code for code in section["codes"] if code["code"] == FAIL)
    assert failing["probes_run"] == 2 and failing["requests"] == 3
    assert failing["observed_statuses"] == {"400": 2, "422": 1}
    assert failing["first_failure"]["kind"] == "wrong-status"
    assert failing["first_failure"]["reproducer"] == REPRO
    assert section["unknown_codes"] == [{"code": HOSTILE, "count": 1, "statuses": {"404": 1},
                                         "probes": ["wallets.get.unknown-id"]}]
    assert section["setup_problems"] == SETUP
    assert data["run"]["target"] == "http://127.0.0.1:9/"


def test_every_failed_test_is_in_the_report_attributed_to_the_code_it_carried(report):
    data = json.loads(json_report.render(report))
    assert data["failed_tests"] == sorted([FIELDS_TEST, FUZZ_TEST])
    section = data["catalogs"]["flowbrite"]
    assert [(f["test"], f["code"]) for f in section["failures"]] == [(FUZZ_TEST, HOSTILE), (FIELDS_TEST, FAIL)]
    failing = next(code for code in section["codes"] if code["code"] == FAIL)
    assert failing["first_failure"]["test"] == FIELDS_TEST  # the shrunk one the terminal showed


def test_markdown_counts_row_and_failing_code(report):
    lines = markdown.render(report).splitlines()
    header = "| ✓ conforms | ✗ fails | ○ not exercised | – not provokable | ◇ planned |"
    assert lines[lines.index(header) + 2] == "| 2 | 1 | 3 | 2 | 0 |"
    assert (
        f"| `{FAIL}` | 400 | validation | ✗ fails | 2 | 3 | 400 ×2, 422 ×1 | {FAIL} ×3 |  |"
    ) in lines
    assert "### Failures (2 in 2 failed tests)" in lines
    assert f"#### `{FAIL}`: Wrong HTTP status" in lines
    assert f"Test `{FIELDS_TEST}`, probe `flowbrite:wallets.create.currency`, answered 422 `{FAIL}`." in lines
    assert f"Test `{FUZZ_TEST}`, probe `flowbrite:envelope-fuzz`, answered 404 `{HOSTILE}`." in lines
    start = lines.index("```sh")
    assert lines[start: start + 3] == ["```sh", REPRO, "```"]
    assert "| `api.common.internalServerError` | 500 | server | – not provokable | 0 | 0 | — | — |" in "\n".join(lines)
    assert "| `transfers.create.amount` | control rejected: HTTP 401 |" in lines


class _Page(HTMLParser):
    """Tags, attributes, stylesheet text and visible text of a page."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.css, self.text, self._in = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        (self.css if self._in and self._in[-1] == "style" else self.text).append(data)


FETCHED = ("href", "src", "srcset", "action", "formaction", "poster", "data", "background", "ping", "xlink:href")


def external_references(page: str) -> list[str]:
    """Everything a browser would fetch from elsewhere to show this page."""
    parsed = _Page()
    parsed.feed(page)
    found = [f"<{tag}>" for tag in parsed.tags if tag in ("script", "link", "img", "iframe", "object", "embed")]
    for tag, name, value in parsed.attrs:
        if name in FETCHED and not (name == "href" and value.startswith("#")) or name.startswith("on"):
            found.append(f"{tag} {name}={value}")
    css = "".join(parsed.css) + "".join(value for _, name, value in parsed.attrs if name == "style")
    found += re.findall(r"url\([^)]*\)|@import[^;]*", css)
    return found


def test_html_is_self_contained_and_escapes_what_the_api_sent(report):
    page = html.render(report)
    assert external_references(page) == []
    parsed = _Page()
    parsed.feed(page)
    text = "".join(parsed.text)
    assert HOSTILE in text  # shown as text, never as a tag
    assert REPRO in text and "http://127.0.0.1:9/" in text  # URLs appear as text only
    assert page.count("<style>") == 1


def test_html_counts_matrix_and_failure(report):
    page = html.render(report)
    shown = dict(re.findall(r'data-verdict-count="([a-z-]+)"><span class="n">(\d+)<', page))
    assert {k: int(v) for k, v in shown.items()} == {
        "pass": 2, "fail": 1, "not-exercised": 3, "not-provokable": 2, "planned": 0}
    tiles = dict(re.findall(r'class="tile v-[a-z-]+" data-code="([^"]+)" data-verdict="([a-z-]+)"', page))
    assert tiles == VERDICTS
    assert f'<a class="tile v-fail" data-code="{FAIL}"' in page
    assert f'href="#fail-flowbrite-{FAIL}"' in page and f'id="fail-flowbrite-{FAIL}"' in page
    assert 'data-gate="fail"' in page
    assert '<pre class="repro">' in page


def test_no_rendering_carries_the_secret(report):
    for text in (json_report.render(report), markdown.render(report), html.render(report)):
        assert SECRET not in text
        assert "[REDACTED]" in text


def test_passing_run_opens_the_gate():
    passing = [obs for obs in OBSERVATIONS if obs.passed]
    report = build({"flowbrite": load_catalog("flowbrite")}, passing, [], {**RUN, "exit_status": 0})
    page = html.render(report)
    assert 'data-gate="pass"' in page and "Failures (" not in page
    assert external_references(page) == []
    assert "### Failures" not in markdown.render(report)


@pytest.mark.parametrize("page", [
    '<script src="https://cdn.example/x.js"></script>',
    '<link rel="stylesheet" href="https://cdn.example/x.css">',
    "<style>body { background: url(https://cdn.example/x.png) }</style>",
    "<style>@import 'https://cdn.example/x.css';</style>",
    '<a href="https://example.org/">x</a>',
    '<div style="background:url(x.png)">x</div>',
    '<img src="data:image/png;base64,AAAA">',
    '<span onclick="x()">x</span>',
])
def test_the_check_finds_external_references(page):
    assert external_references(page)
