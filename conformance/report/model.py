"""The report model: one JSON-ready dict per run, built from the run's observations.

Every string that reaches the model passes through :func:`conformance.engine.secrets.redact`
(``_clean``), so the JSON, Markdown and HTML renderings can never carry a credential.
The renderers only format this dict; they never look at observations themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..catalog.model import Catalog
from ..coverage import VERDICTS, compute, cost, distinct_setup_problems, setup_count_line
from ..engine import secrets
from ..engine.judge import NOTE_OTHER_FORMAT
from ..engine.record import Observation, distinct_warnings

FORMAT = 1

#: How each verdict reads in every rendering (text first: the colour only repeats it).
LABELS = {
    "pass": "conforms",
    "fail": "fails",
    "not-exercised": "not exercised",
    "not-provokable": "not provokable",
    "planned": "planned",
}
SYMBOLS = {"pass": "✓", "fail": "✗", "not-exercised": "○", "not-provokable": "–", "planned": "◇"}


def _clean(value: Any) -> Any:
    """Redact credentials anywhere in a JSON-ready value."""
    if isinstance(value, str):
        return secrets.redact(value)
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def safe_url(url: str | None) -> str | None:
    """The target URL without userinfo, redacted."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        parts = parts._replace(netloc=host)
    return secrets.redact(urlunsplit(parts))


def _touched(obs: Observation, known: dict) -> set[str]:
    """The catalog codes one observation tells something about (as coverage.compute counts them)."""
    codes = {code for code in obs.expected if code in known}
    if obs.code in known:
        codes.add(obs.code)
    return codes


def _failure(obs: Observation) -> dict[str, Any]:
    return {
        "probe": f"{obs.catalog}:{obs.probe}",
        "kind": obs.failure,
        "title": obs.title,
        "expected": list(obs.expected),
        "request": f"{obs.method} {obs.path}",
        "status": obs.status,
        "code": obs.code,
        "message": obs.message,
        "reproducer": obs.reproducer,
        "notes": list(obs.notes),
    }


def _finding(finding: dict[str, Any]) -> dict[str, Any]:
    """A failed test's failure as the reports show it (the first_failure shape, plus the test)."""
    probe = f"{finding['catalog']}:{finding['probe']}" if finding.get("probe") else finding.get("catalog")
    return {
        "test": finding["test"],
        "probe": probe,
        "kind": finding["kind"],
        "title": finding["title"],
        "expected": list(finding.get("expected") or []),
        "request": finding.get("request"),
        "status": finding.get("status"),
        "code": finding.get("code"),
        "input": finding.get("input"),
        "message": finding.get("message"),
        "reproducer": finding.get("reproducer"),
        "notes": [],
    }


def _shown_failure(code: str, findings: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The failure a code's row shows: the first finding that carried the code, else the
    first that expected it and carried none of its expected codes (shrunk, as the terminal
    showed it)."""
    for finding in findings:
        if finding["code"] == code:
            return finding
    for finding in findings:
        if code in finding["expected"] and finding["code"] not in finding["expected"]:
            return finding
    return None


def catalog_report(catalog: Catalog, observations: list[Observation], setup_problems: list[dict],
                   found: list[dict] | None = None, sent: int | None = None) -> dict[str, Any]:
    """Per-code verdicts and what was observed, for one catalog; ``found``: the findings of
    its failed tests; ``sent``: the requests sent to its target (``cost``)."""
    coverage = compute(catalog, observations)
    failed = [_finding(finding) for finding in sorted(found or [], key=lambda finding: finding["test"])]
    observed_codes: dict[str, Counter] = defaultdict(Counter)
    unknown: dict[str, dict[str, Any]] = {}
    for obs in observations:
        for code in _touched(obs, coverage.codes):
            observed_codes[code][obs.code if obs.code is not None else "(none)"] += 1
        if obs.code is not None and obs.code not in coverage.codes:
            item = unknown.setdefault(obs.code, {"code": obs.code, "count": 0, "statuses": Counter(), "probes": set()})
            item["count"] += 1
            if obs.status is not None:
                item["statuses"][obs.status] += 1
            item["probes"].add(obs.probe)
    codes = []
    for entry in catalog.errors:
        cov = coverage.codes[entry.code]
        codes.append(
            {
                "code": entry.code,
                "status": list(entry.status_tokens),
                "category": cov.category,
                "verdict": cov.verdict,
                "reason": cov.reason,
                "probes": sorted(cov.probes),
                "probes_run": len(cov.probes),
                "requests": cov.requests,
                "observed_statuses": {str(status): count for status, count in sorted(cov.observed_statuses.items())},
                "observed_codes": dict(sorted(observed_codes[entry.code].items())),
                "first_failure": _shown_failure(entry.code, failed) or (
                    _failure(cov.first_failure) if cov.first_failure is not None else None),
            }
        )
    counts = {verdict: coverage.count(verdict) for verdict in VERDICTS}
    return _clean(
        {
            "name": catalog.api.name,
            "title": catalog.api.title,
            "requests": coverage.requests,
            # Error answers whose body was in another format than the envelope, where an
            # envelope allows it (other_formats): passed, but counted so none goes unseen.
            "without_envelope": sum(1 for obs in observations if any(note.startswith(NOTE_OTHER_FORMAT) for note in obs.notes)),
            "counts": {**counts, "total": len(codes), "exercised": coverage.exercised},
            "codes": codes,
            "unknown_codes": [
                {
                    "code": item["code"],
                    "count": item["count"],
                    "statuses": {str(status): n for status, n in sorted(item["statuses"].items())},
                    "probes": sorted(item["probes"]),
                }
                for item in sorted(unknown.values(), key=lambda item: (-item["count"], item["code"]))
            ],
            "failures_outside_codes": [_failure(obs) for obs in coverage.outside_codes],
            # Violations of rules at level "should" (RFC 2119): not failures, listed and counted.
            "warnings": distinct_warnings(observations),
            # Every distinct failure of every failed test, attributed to the code it carried (a
            # probe that could not run is under setup_problems, counted apart).
            "failures": [finding for finding in failed if finding["kind"] != "setup"],
            "cost": cost(coverage, sent, setup_problems) if sent is not None else None,
            **_setup_problems(setup_problems),
        }
    )


def _setup_problems(problems: list[dict]) -> dict[str, Any]:
    """Probes that could not run (a rejected control, a 429 that outlasted the retries, a path
    outside base_path), one per probe and reason, counted apart from conformance failures; a
    rate-limited one carries ``retry_after`` and ``wait_seconds``, the wait a rerun needs."""
    distinct = distinct_setup_problems(problems)
    return {
        "setup_problems": [dict(problem) for problem in distinct],
        "setup_counts": {
            "probes": len({(problem.get("catalog"), problem.get("probe")) for problem in distinct}),
            "rate_limited": len({(problem.get("catalog"), problem.get("probe")) for problem in distinct
                                 if problem.get("reason") == "rate-limited"}),
            "line": setup_count_line(distinct) if distinct else None,
        },
    }


def build(
    catalogs: dict[str, Catalog],
    observations: list[Observation],
    setup_problems: list[dict],
    run: dict[str, Any],
    found: list[dict] | None = None,
    sent: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The whole report: run metadata, then one section per catalog. ``found``: the
    findings of the run's failed tests (conformance.findings); ``sent``: requests sent per
    catalog."""
    found = list(found or [])
    sent = sent or {}
    sections = {}
    for name, catalog in catalogs.items():
        sections[name] = catalog_report(
            catalog,
            [obs for obs in observations if obs.catalog == name],
            [problem for problem in setup_problems if problem.get("catalog") == name],
            [finding for finding in found if finding.get("catalog") == name],
            sent.get(name),
        )
    totals = {verdict: sum(section["counts"][verdict] for section in sections.values()) for verdict in VERDICTS}
    return _clean(
        {
            "format": FORMAT,
            "run": {**run, "target": safe_url(run.get("target")), "catalogs": list(catalogs)},
            "totals": totals,
            "catalogs": sections,
            **_setup_problems(setup_problems),
            "failed_tests": sorted({finding["test"] for finding in found}),
        }
    )


def categories(section: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Codes grouped by category (or domain), in catalog order of first appearance."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for code in section["codes"]:
        groups.setdefault(code["category"], []).append(code)
    return list(groups.items())


def failures(section: dict[str, Any]) -> list[dict[str, Any]]:
    return [code for code in section["codes"] if code["verdict"] == "fail"]
