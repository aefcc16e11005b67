"""report.md: the report as Markdown tables (a CI job summary, a pull-request comment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..coverage import VERDICTS
from ..engine import secrets
from .model import LABELS, SYMBOLS


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    text = _cell(value)
    return f"`{text}`" if text and "`" not in text else text


def _counts(mapping: dict[str, int]) -> str:
    return ", ".join(f"{key} ×{count}" for key, count in mapping.items()) or "—"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _fence(text: str, lang: str = "") -> list[str]:
    fence = "````" if "```" in text else "```"
    return [fence + lang, text.rstrip("\n"), fence]


def render(report: dict[str, Any]) -> str:
    run = report["run"]
    out = ["# Error-contract conformance report", ""]
    outcomes = ", ".join(f"{count} {name}" for name, count in run.get("outcomes", {}).items() if count) or "none"
    out += _table(
        ["Run", ""],
        [
            ["Target", _cell(run.get("target") or "embedded reference APIs")],
            ["Catalogs", _cell(", ".join(run.get("catalogs", [])))],
            ["Hypothesis profile", _cell(run.get("hypothesis_profile"))],
            ["Hypothesis seed", _cell(run.get("hypothesis_seed"))],
            ["Example database", _cell(run.get("example_database"))],
            ["Started", _cell(run.get("started"))],
            ["Duration", f"{run.get('duration_seconds', 0):.1f} s"],
            ["Tests", _cell(outcomes)],
            ["Exit status", _cell(run.get("exit_status"))],
        ],
    )
    for section in report["catalogs"].values():
        counts = section["counts"]
        out += ["", f"## {_cell(section['title'])} (`{section['name']}`)", ""]
        out.append(
            f"{counts['total']} codes, {counts['exercised']} exercised, {section['requests']} requests judged."
        )
        if section.get("without_envelope"):
            out.append(f"Errors without the envelope (another format, allowed): {section['without_envelope']}.")
        if section.get("cost"):
            cost = section["cost"]
            out.append(
                f"Cost: {cost['requests_sent']} requests sent, {cost['requests_per_code'] or '-'} per code exercised, "
                f"{cost['requests_per_probe'] or '-'} per probe ({cost['probes_run']} probes)."
            )
        out.append("")
        out += _table(
            [f"{SYMBOLS[v]} {LABELS[v]}" for v in VERDICTS],
            [[str(counts[v]) for v in VERDICTS]],
        )
        out += ["", "### Codes", ""]
        rows = []
        for code in section["codes"]:
            verdict = code["verdict"]
            rows.append(
                [
                    _code(code["code"]),
                    _cell(", ".join(map(str, code["status"]))),
                    _cell(code["category"]),
                    f"{SYMBOLS[verdict]} {LABELS[verdict]}",
                    str(code["probes_run"]),
                    str(code["requests"]),
                    _cell(_counts(code["observed_statuses"])),
                    _cell(_counts(code["observed_codes"])),
                    _cell(code["reason"] or ""),
                ]
            )
        out += _table(
            ["Code", "Status", "Category", "Verdict", "Probes", "Requests", "Statuses seen", "Codes seen", "Note"],
            rows,
        )
        found = section["failures"]
        if found:
            # Every distinct failure of every failed test, grouped by the code its answer
            # carried: an either-or probe's failure is listed once, under what it got.
            out += ["", f"### Failures ({len(found)} in {len({f['test'] for f in found})} failed tests)", ""]
            for failure in sorted(found, key=lambda f: (f["code"] is None, f["code"] or "", f["test"])):
                out.append(f"#### {_code(failure['code']) or 'no code'}: {_cell(failure['title'])}")
                out.append("")
                answered = f"answered {_cell(failure['status'])} {_code(failure['code']) or '(no code)'}" if failure["request"] else "not judged"
                out.append(f"Test `{_cell(failure['test'])}`, probe `{_cell(failure['probe'])}`, {answered}.")
                out.append("")
                out += _fence(failure["message"] or "")
                if failure["reproducer"]:
                    out += ["", "Reproduce:", ""]
                    out += _fence(failure["reproducer"], "sh")
                out.append("")
        if section.get("warnings"):
            # RFC 2119 SHOULD violations: not failures, but listed with their lines.
            out += ["", f"### Warnings: rules at level should ({len(section['warnings'])})", ""]
            for warning in section["warnings"]:
                out.append(f"Probe `{_cell(warning['probe'])}`, {warning['count']} answer(s):")
                out.append("")
                out += _fence(warning["message"])
                out.append("")
        out += ["", "### Codes the catalog does not know", ""]
        if section["unknown_codes"]:
            out += _table(
                ["Code", "Times", "Statuses", "Probes"],
                [
                    [_code(item["code"]), str(item["count"]), _cell(_counts(item["statuses"])), _cell(", ".join(item["probes"]))]
                    for item in section["unknown_codes"]
                ],
            )
        else:
            out.append("None observed.")
        if section["setup_problems"]:
            out += ["", "### Probe setup problems", "", section["setup_counts"]["line"] + ".", ""]
            out += _table(
                ["Probe", "Problem"],
                [[_code(problem.get("probe")), _cell(problem.get("message"))] for problem in section["setup_problems"]],
            )
    return secrets.redact("\n".join(out).rstrip() + "\n")


def write(report: dict[str, Any], path: Path) -> Path:
    path.write_text(render(report), encoding="utf-8")
    return path
