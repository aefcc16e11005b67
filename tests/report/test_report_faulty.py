"""Reports of a run against the Flowbrite reference API with the wrong-status fault."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = "api.common.validationFailed"


@pytest.fixture(scope="module")
def faulty_url():
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance.reference", "flowbrite", "--fault", "wrong-status"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    line = proc.stdout.readline()
    yield re.search(r"(http://\S+)", line).group(1)
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def report_dir(faulty_url, tmp_path_factory):
    from conformance.reference.flowbrite import CREDENTIALS

    out = tmp_path_factory.mktemp("report")
    env = {"CONFORMANCE_API_KEY": CREDENTIALS["primary"], "FLOWBRITE_FORBIDDEN_KEY": CREDENTIALS["forbidden"]}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "suites"), "-q", "-p", "no:randomly", "-m", "not burst",
         "--catalog", "flowbrite", "--base-url", faulty_url, "--conformance-report", str(out),
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


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (apt-get install -y chromium)")
def test_html_counts_in_chromium_match_json(report_dir, tmp_path):
    out, _ = report_dir
    data = json.loads((out / "report.json").read_text())
    args = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000"]
    url = (out / "report.html").as_uri()
    subprocess.run([*args, f"--screenshot={tmp_path / 'shot.png'}", url], capture_output=True, timeout=120, check=True)
    assert (tmp_path / "shot.png").stat().st_size > 10_000
    dom = subprocess.run([*args, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True).stdout
    shown = dict(re.findall(r'data-verdict-count="([a-z-]+)"><span class="n">(\d+)<', dom))
    expected = data["catalogs"]["flowbrite"]["counts"]
    assert shown and {k: int(v) for k, v in shown.items()} == {k: expected[k] for k in shown}
