"""report.html: one self-contained page (inline CSS, no script, no external asset).

Per catalog: the counts per verdict (``data-verdict-count``), a bar of their shares, and a
matrix of codes, one row per category (or domain) and one column per verdict. Every verdict
has a colour *and* a symbol and a text label, so the page reads in greyscale and in print.
A failing code links to its failure, a ``<details>`` that opens to the message and the curl
reproducer.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from ..engine import secrets
from .model import LABELS, SYMBOLS, categories, failures

#: Column order of the matrix: what needs action first.
ORDER = ("fail", "not-exercised", "pass", "planned", "not-provokable")

CSS = """
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#ffffff; --soft:#f6f8fa;
  --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#cf222e; --fail-bg:#ffebe9;
  --not-exercised:#9a6700; --not-exercised-bg:#fff8c5; --not-provokable:#59636e; --not-provokable-bg:#eff2f5;
  --planned:#0969da; --planned-bg:#ddf4ff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 0; }
h3 { font-size: 16px; margin: 26px 0 8px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
.muted { color: var(--muted); }
.gate { display: inline-block; font-weight: 700; padding: 3px 12px; border-radius: 999px; margin: 6px 0 14px;
  border: 2px solid currentColor; }
.gate.ok { color: var(--pass); background: var(--pass-bg); }
.gate.bad { color: var(--fail); background: var(--fail-bg); }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0 0 8px; }
dl.run dt { color: var(--muted); }
dl.run dd { margin: 0; overflow-wrap: anywhere; }
nav.toc { margin: 14px 0 4px; display: flex; flex-wrap: wrap; gap: 8px; }
nav.toc a { text-decoration: none; color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
nav.toc a .f { color: var(--fail); font-weight: 600; }
section.catalog { border-top: 3px solid var(--fg); margin-top: 30px; padding-top: 14px; }
.sub { margin: 2px 0 12px; }
ul.counts { list-style: none; display: flex; flex-wrap: wrap; gap: 10px; padding: 0; margin: 0 0 10px; }
ul.counts li { border: 2px solid; border-radius: 8px; padding: 6px 14px; min-width: 128px; }
ul.counts .n { display: block; font-size: 26px; font-weight: 700; line-height: 1.1; }
ul.counts .label { font-weight: 600; }
.v-pass { color: var(--pass); background: var(--pass-bg); border-color: var(--pass); }
.v-fail { color: var(--fail); background: var(--fail-bg); border-color: var(--fail); }
.v-not-exercised { color: var(--not-exercised); background: var(--not-exercised-bg); border-color: var(--not-exercised); }
.v-not-provokable { color: var(--not-provokable); background: var(--not-provokable-bg); border-color: var(--not-provokable); }
.v-planned { color: var(--planned); background: var(--planned-bg); border-color: var(--planned); }
.bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; border: 1px solid var(--line); margin: 4px 0 16px; }
.bar span { display: block; height: 100%; border: 0; }
.bar .v-pass { background: var(--pass); } .bar .v-fail { background: var(--fail); }
.bar .v-not-exercised { background: #d4a72c; } .bar .v-not-provokable { background: #afb8c1; }
.bar .v-planned { background: var(--planned); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--soft); font-size: 13px; white-space: nowrap; }
.scroll { overflow-x: auto; }
table.matrix { table-layout: fixed; min-width: 760px; }
table.matrix th.cat { width: 170px; font-weight: 600; overflow-wrap: anywhere; }
table.matrix thead th.col.v-fail, table.matrix thead th.col.v-pass, table.matrix thead th.col.v-not-exercised,
table.matrix thead th.col.v-planned, table.matrix thead th.col.v-not-provokable { border-bottom: 3px solid; }
td.cell { padding: 5px; }
.tile { display: inline-block; max-width: 100%; margin: 2px; padding: 2px 8px; border: 1px solid; border-radius: 5px;
  font-size: 13px; line-height: 1.35; text-decoration: none; overflow-wrap: anywhere; }
.tile .s { color: var(--muted); margin-left: 4px; }
a.tile:hover { outline: 2px solid currentColor; }
details.failure { border: 1px solid var(--fail); border-left-width: 6px; border-radius: 6px; margin: 8px 0; background: #fff; }
details.failure > summary { cursor: pointer; padding: 8px 12px; background: var(--fail-bg); }
details.failure > summary .t { color: var(--fail); font-weight: 600; }
details.failure .body { padding: 6px 14px 12px; }
details.failure .body:target { outline: 3px solid var(--fail); }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 6px 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
pre.repro { background: #0d1117; color: #e6edf3; border-color: #0d1117; }
details.all > summary { cursor: pointer; font-weight: 600; margin: 18px 0 6px; }
td.verdict { white-space: nowrap; font-weight: 600; }
table.codes td, table.unknown td, table.setup td { font-size: 14px; }
table.setup td:first-child { width: 1%; white-space: nowrap; }
table.setup pre { margin: 0; }
table.codes .note { color: var(--muted); font-size: 13px; margin-top: 2px; }
td.verdict span { border: 1px solid; border-radius: 4px; padding: 0 6px; }
.none { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; font-size: 13px; }
@media print { details > *:not(summary) { display: block; } }
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _breakable(code: str) -> str:
    """A code escaped, with line-break opportunities after its dots (api.common.<wbr>x)."""
    return _e(code).replace(".", ".<wbr>")


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.:-]+", "-", value)


def _counts(mapping: dict[str, int]) -> str:
    return ", ".join(f"{key}\u00a0×{count}" for key, count in mapping.items()) or "—"  # no break before ×N


def _run(report: dict[str, Any]) -> str:
    run = report["run"]
    outcomes = ", ".join(f"{count} {name}" for name, count in run.get("outcomes", {}).items() if count) or "none"
    rows = [
        ("Target", run.get("target") or "embedded reference APIs"),
        ("Catalogs", ", ".join(run.get("catalogs", []))),
        ("Hypothesis profile", run.get("hypothesis_profile")),
        ("Hypothesis seed", run.get("hypothesis_seed")),
        ("Example database", run.get("example_database")),
        ("Started", run.get("started")),
        ("Duration", f"{run.get('duration_seconds', 0):.1f} s"),
        ("Tests", outcomes),
        ("Exit status", run.get("exit_status")),
    ]
    failing = report["totals"].get("fail", 0)
    ok = failing == 0 and run.get("exit_status") in (0, None)
    if ok:
        gate = '<div class="gate ok" id="gate" data-gate="pass">✓ Gate passes: no failing code, no failed test</div>'
    else:
        gate = (
            f'<div class="gate bad" id="gate" data-gate="fail">✗ Gate fails: {failing} failing '
            f'code{"s" if failing != 1 else ""}, exit status {_e(run.get("exit_status"))}</div>'
        )
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return f'{gate}\n<dl class="run">{items}</dl>'


def _toc(report: dict[str, Any]) -> str:
    links = []
    for name, section in report["catalogs"].items():
        counts = section["counts"]
        fails = f' · <span class="f">{counts["fail"]} failing</span>' if counts["fail"] else ""
        links.append(
            f'<a href="#catalog-{_e(_slug(name))}">{_e(section["title"])}: '
            f'{counts["pass"]}/{counts["total"]} conform{fails}</a>'
        )
    return f'<nav class="toc">{"".join(links)}</nav>'


def _tile(name: str, code: dict[str, Any]) -> str:
    verdict = code["verdict"]
    status = ", ".join(map(str, code["status"]))
    hint = f"{LABELS[verdict]} · HTTP {status} · {code['probes_run']} probe(s), {code['requests']} request(s)"
    if code.get("reason"):
        hint += f" · {code['reason']}"
    inner = f'{SYMBOLS[verdict]} {_breakable(code["code"])}<span class="s">{_e(status)}</span>'
    attrs = f'class="tile v-{verdict}" data-code="{_e(code["code"])}" data-verdict="{verdict}" title="{_e(hint)}"'
    if verdict == "fail":
        return f'<a {attrs} href="#fail-{_e(_slug(name))}-{_e(_slug(code["code"]))}">{inner}</a>'
    return f"<span {attrs}>{inner}</span>"


def _matrix(name: str, section: dict[str, Any]) -> str:
    head = "".join(f'<th class="col v-{v}" scope="col">{SYMBOLS[v]} {_e(LABELS[v])}</th>' for v in ORDER)
    rows = []
    for category, codes in categories(section):
        cells = []
        for verdict in ORDER:
            tiles = "".join(_tile(name, code) for code in codes if code["verdict"] == verdict)
            cells.append(f'<td class="cell" data-verdict="{verdict}">{tiles}</td>')
        rows.append(f'<tr data-category="{_e(category)}"><th class="cat" scope="row">{_e(category)}</th>{"".join(cells)}</tr>')
    return (
        f'<div class="scroll"><table class="matrix" id="matrix-{_e(_slug(name))}"><thead><tr><th class="cat">Category</th>'
        f'{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _failure(name: str, code: dict[str, Any], open_: bool) -> str:
    failure = code["first_failure"] or {}
    anchor = f"fail-{_slug(name)}-{_slug(code['code'])}"
    notes = "".join(f"<li>{_e(note)}</li>" for note in failure.get("notes") or [])
    facts = [
        ("Probe", failure.get("probe")),
        ("Request", failure.get("request")),
        ("Expected", ", ".join(failure.get("expected") or []) or "—"),
        ("Answered", f"HTTP {failure.get('status')} {failure.get('code') or '(no code)'}"),
        ("Catalog says", f"HTTP {', '.join(map(str, code['status']))}"),
    ]
    rows = "".join(f"<dt>{_e(k)}</dt><dd class=\"mono\">{_e(v)}</dd>" for k, v in facts)
    repro = (
        f'<h4>Reproduce</h4><pre class="repro">{_e(failure["reproducer"])}</pre>' if failure.get("reproducer") else ""
    )
    return (
        f'<details class="failure" data-code="{_e(code["code"])}"{" open" if open_ else ""}>'
        f'<summary><span class="t">✗ {_e(code["code"])}</span> — {_e(failure.get("title"))} '
        f'<span class="muted">({_e(failure.get("probe"))})</span></summary>'
        f'<div class="body" id="{_e(anchor)}"><dl class="run">{rows}</dl>'
        f'<pre class="message">{_e(failure.get("message"))}</pre>{repro}'
        f'{f"<ul>{notes}</ul>" if notes else ""}</div></details>'
    )


def _failed_tests(section: dict[str, Any]) -> str:
    """Every distinct failure of every failed test, attributed to the code its answer carried."""
    if not section["failures"]:
        return ""
    rows = []
    for f in section["failures"]:
        repro = f'<pre class="repro">{_e(f["reproducer"])}</pre>' if f["reproducer"] else ""
        rows.append(
            f'<tr data-kind="{_e(f["kind"])}"><td class="mono">{_breakable(f["test"])}</td><td>{_e(f["title"])}</td>'
            f'<td class="mono">{_e(f["status"] if f["status"] is not None else "—")}</td>'
            f'<td class="mono">{_e(f["code"] or "no code")}</td>'
            f'<td><details><summary>message</summary><pre class="message">{_e(f["message"])}</pre>{repro}</details></td></tr>'
        )
    rows = "".join(rows)
    return (
        f'<h3>Failed tests ({len({f["test"] for f in section["failures"]})})</h3>'
        f'<table class="failed-tests" data-failure-count="{len(section["failures"])}"><thead><tr><th>Test</th>'
        f"<th>Failure</th><th>Status</th><th>Attributed to</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _codes_table(section: dict[str, Any]) -> str:
    rows = []
    for code in section["codes"]:
        verdict = code["verdict"]
        # The note (why a code is not provokable) sits under the code: a column of its own
        # would be squeezed into a tall sliver next to the observed codes.
        note = f'<div class="note">{_e(code["reason"])}</div>' if code["reason"] else ""
        rows.append(
            f'<tr data-code="{_e(code["code"])}" data-verdict="{verdict}"><td><span class="mono">'
            f'{_breakable(code["code"])}</span>{note}</td>'
            f'<td>{_e(", ".join(map(str, code["status"])))}</td><td>{_e(code["category"])}</td>'
            f'<td class="verdict"><span class="v-{verdict}">{SYMBOLS[verdict]} {_e(LABELS[verdict])}</span></td>'
            f'<td>{code["probes_run"]}</td><td>{code["requests"]}</td>'
            f'<td class="mono">{_e(_counts(code["observed_statuses"]))}</td>'
            f'<td class="mono">{_breakable(_counts(code["observed_codes"]))}</td></tr>'
        )
    return (
        f'<details class="all"><summary>All {len(rows)} codes as a table</summary><div class="scroll"><table class="codes"><thead><tr>'
        "<th>Code</th><th>Status</th><th>Category</th><th>Verdict</th><th>Probes</th><th>Requests</th>"
        "<th>Statuses seen</th><th>Codes seen</th></tr></thead>"
        f'<tbody>{"".join(rows)}</tbody></table></div></details>'
    )


def _warnings(section: dict[str, Any]) -> str:
    """Violations of rules at level "should" (RFC 2119): listed with their lines, not failures."""
    warnings = section.get("warnings") or []
    if not warnings:
        return ""
    items = "".join(
        f'<li><span class="mono">{_e(w["probe"])}</span> · {w["count"]} answer(s)<pre>{_e(w["message"])}</pre></li>'
        for w in warnings
    )
    return f'<h3>Warnings: rules at level should ({len(warnings)})</h3><ul class="warnings" data-warning-count="{len(warnings)}">{items}</ul>'


def _unknown(section: dict[str, Any]) -> str:
    if not section["unknown_codes"]:
        return '<p class="none" data-unknown-count="0">None observed: every code the API answered is in the catalog.</p>'
    rows = "".join(
        f'<tr data-code="{_e(item["code"])}"><td class="mono">{_e(item["code"])}</td><td>{item["count"]}</td>'
        f'<td class="mono">{_e(_counts(item["statuses"]))}</td><td class="mono">{_e(", ".join(item["probes"]))}</td></tr>'
        for item in section["unknown_codes"]
    )
    return (
        f'<table class="unknown" data-unknown-count="{len(section["unknown_codes"])}"><thead><tr><th>Code</th>'
        f"<th>Times</th><th>Statuses</th><th>Probes</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _setup(section: dict[str, Any]) -> str:
    if not section["setup_problems"]:
        return ""
    rows = "".join(
        f'<tr><td class="mono">{_e(problem.get("probe"))}</td><td><pre>{_e(problem.get("message"))}</pre></td></tr>'
        for problem in section["setup_problems"]
    )
    return (
        "<h3>Probe setup problems (not conformance failures)</h3>"
        f'<p class="setup-count" data-setup-probes="{section["setup_counts"]["probes"]}" '
        f'data-rate-limited="{section["setup_counts"]["rate_limited"]}">{_e(section["setup_counts"]["line"])}.</p>'
        f'<table class="setup"><thead><tr><th>Probe</th><th>Problem</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _section(name: str, section: dict[str, Any]) -> str:
    counts = section["counts"]
    total = counts["total"] or 1
    chips = "".join(
        f'<li class="count v-{v}" id="count-{_e(_slug(name))}-{v}" data-verdict-count="{v}">'
        f'<span class="n">{counts[v]}</span><span class="label">{SYMBOLS[v]} {_e(LABELS[v])}</span></li>'
        for v in ORDER
    )
    bar = "".join(
        f'<span class="v-{v}" style="width:{100 * counts[v] / total:.3f}%" title="{_e(LABELS[v])}: {counts[v]}"></span>'
        for v in ORDER
        if counts[v]
    )
    failing = failures(section)
    details = "".join(_failure(name, code, open_=len(failing) <= 3) for code in failing)
    failures_html = (
        f"<h3>Failures ({len(failing)})</h3><p class=\"muted\">The first failing answer per code; "
        f"open one for the message and a curl reproducer (credentials redacted).</p>{details}"
        if failing
        else ""
    )
    return (
        f'<section class="catalog" id="catalog-{_e(_slug(name))}" data-catalog="{_e(name)}">'
        f'<h2>{_e(section["title"])} <code>{_e(name)}</code></h2>'
        f'<p class="sub muted">{counts["total"]} codes · {counts["exercised"]} exercised · '
        f'{section["requests"]} responses judged'
        + (f' · <span class="without-envelope">{section["without_envelope"]} error(s) without the envelope '
           f'(another format, allowed)</span>' if section.get("without_envelope") else "")
        + '</p>'
        f'<ul class="counts">{chips}</ul><div class="bar" aria-hidden="true">{bar}</div>'
        f"{_matrix(name, section)}{failures_html}{_failed_tests(section)}{_warnings(section)}"
        f"<h3>Codes the API answered that the catalog does not know</h3>{_unknown(section)}"
        f"{_setup(section)}{_codes_table(section)}</section>"
    )


def render(report: dict[str, Any]) -> str:
    sections = "".join(_section(name, section) for name, section in report["catalogs"].items())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error-contract conformance report</title>
<style>{CSS}</style></head>
<body><main>
<h1>Error-contract conformance</h1>
{_run(report)}
{_toc(report)}
{sections}
<footer class="muted">Verdicts: ✗ fails = a probe got a non-conforming answer or the code was answered with a violation;
○ not exercised = no probe reached it; ✓ conforms = a probe expecting it got it and every check held;
◇ planned = a planned code surfaced as its stand-in; – not provokable = the catalog says it cannot be provoked from outside.
The same data: report.json, report.md.</footer>
</main></body></html>
"""
    return secrets.redact(page)


def write(report: dict[str, Any], path: Path) -> Path:
    path.write_text(render(report), encoding="utf-8")
    return path
