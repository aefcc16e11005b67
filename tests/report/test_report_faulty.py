"""Reports of a run against the Flowbrite reference API with the wrong-status fault."""

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = "api.common.validationFailed"


@pytest.fixture(scope="module")
def faulty_url():
    from conformance import reference

    # a burst no run of the suites empties: the shared key never waits on Retry-After (the
    # rate-limit probes are deselected below, they have their own tests)
    with reference.start("flowbrite", fault="wrong-status", env={"REFERENCE_FLOWBRITE_BURST": "100000"}) as server:
        yield server.url


@pytest.fixture(scope="module")
def report_dir(faulty_url, tmp_path_factory):
    from conformance.reference.flowbrite import CREDENTIALS

    out = tmp_path_factory.mktemp("report")
    env = {"CONFORMANCE_API_KEY": CREDENTIALS["primary"], "FLOWBRITE_FORBIDDEN_KEY": CREDENTIALS["forbidden"]}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-q", "-p", "no:randomly", "-m", "not burst",
         "--hypothesis-profile", "smoke", "--catalog", "flowbrite", "--base-url", faulty_url, "--conformance-report", str(out),
         "--junitxml", str(out / "junit.xml")],
        cwd=ROOT, env={**__import__("os").environ, **env}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"conformance report: {out / 'report.html'}" in result.stdout
    assert CREDENTIALS["primary"] not in result.stdout
    return out, CREDENTIALS


def test_failure_in_all_three_formats(report_dir):
    out, creds = report_dir
    data = json.loads((out / "report.json").read_text())
    code = next(c for c in data["catalogs"]["flowbrite"]["codes"] if c["code"] == CODE)
    assert code["verdict"] == "fail"
    assert code["first_failure"]["reproducer"].startswith("curl")
    assert data["catalogs"]["flowbrite"]["counts"]["fail"] >= 1
    md = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    assert f"#### `{CODE}`" in md and "curl" in md
    assert f'data-code="{CODE}" data-verdict="fail"' in html and 'class="repro"' in html
    # self-contained: no script, stylesheet link or CSS url(); links only to anchors of the page
    assert "<script" not in html and "<link" not in html and "url(" not in html and "@import" not in html
    assert set(re.findall(r'(?:href|src)="(.)', html)) == {"#"}
    for text in (md, html, (out / "report.json").read_text()):
        assert all(secret not in text for secret in creds.values())


def test_junit_names_carry_probe_ids(report_dir):
    out, _ = report_dir
    xml = (out / "junit.xml").read_text()
    assert 'name="test_invalid_field_rejected[flowbrite:wallets.create.currency]"' in xml
    assert '<property name="conformance_probe" value="flowbrite:wallets.create.currency" />' in xml


class _Counts(HTMLParser):
    """The verdict counts a browser shows: the text of the ``span.n`` inside each element with a
    ``data-verdict-count``; strict about nesting (every opened element closed in order), so a
    page a browser would have to repair fails here. The page has no script: its DOM is its markup."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.counts: dict[str, str] = {}
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.open or self.open[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1][0] if self.open else 'nothing'} (line {self.getpos()[0]})")
            return
        self.open.pop()

    def handle_data(self, data):
        if len(self.open) >= 2 and self.open[-1][0] == "span" and self.open[-1][1].get("class") == "n":
            chip = self.open[-2][1].get("data-verdict-count")
            if chip:
                self.counts[chip] = self.counts.get(chip, "") + data


def test_html_counts_match_json(report_dir):
    out, _ = report_dir
    data = json.loads((out / "report.json").read_text())
    page = _Counts()
    page.feed((out / "report.html").read_text())
    page.close()
    assert page.errors == [] and [tag for tag, _ in page.open] == []
    expected = data["catalogs"]["flowbrite"]["counts"]
    assert page.counts and {k: int(v) for k, v in page.counts.items()} == {k: expected[k] for k in page.counts}
    assert set(page.counts) == {"pass", "fail", "not-exercised", "not-provokable", "planned"}


def test_the_count_parser_rejects_misnested_markup_and_reads_chips():
    broken = _Counts()
    broken.feed('<ul><li data-verdict-count="pass"><span class="n">3</li></ul>')
    assert broken.errors and broken.counts == {"pass": "3"}
    good = _Counts()
    good.feed('<ul><li data-verdict-count="fail"><span class="n">2</span><span class="label">x</span></li><br></ul>')
    assert good.errors == [] and good.open == [] and good.counts == {"fail": "2"}
