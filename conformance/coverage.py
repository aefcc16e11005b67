"""Per-code verdicts of a run: pass, fail, not-exercised, not-provokable, planned.

A code passes when it was received and every check held (a probe aimed at it or not); it fails
when a probe that expects it got a failing answer that carried no code it expects, or when
it was received with a violation anywhere in the run (every answer that carried it must
conform). Planned codes that surfaced as their stand-in, as the
catalog says they do today, are 'planned'.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .catalog.model import Catalog
from .engine.record import Observation

VERDICTS = ("pass", "fail", "not-exercised", "not-provokable", "planned")


@dataclass
class CodeCoverage:
    code: str
    statuses: tuple[int, ...]
    category: str
    verdict: str
    probes: set[str] = field(default_factory=set)
    requests: int = 0
    observed_statuses: Counter = field(default_factory=Counter)
    first_failure: Observation | None = None
    reason: str | None = None


@dataclass
class CatalogCoverage:
    catalog: Catalog
    codes: dict[str, CodeCoverage]
    unknown_codes: Counter = field(default_factory=Counter)
    requests: int = 0
    # Failing answers that touch no catalog code (a replay that differs from the first answer
    # of a probe that expects no code): counted apart, never dropped.
    outside_codes: list[Observation] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list, repr=False)

    def count(self, verdict: str) -> int:
        return sum(1 for code in self.codes.values() if code.verdict == verdict)

    @property
    def exercised(self) -> int:
        return sum(1 for code in self.codes.values() if code.verdict in ("pass", "fail", "planned"))


def _category(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return value or "uncategorised"


def compute(catalog: Catalog, observations: list[Observation]) -> CatalogCoverage:
    codes = {
        entry.code: CodeCoverage(
            code=entry.code,
            statuses=entry.statuses,
            category=_category(entry.category),
            verdict="not-exercised" if entry.provokable else "not-provokable",
            reason=entry.not_provokable_reason,
        )
        for entry in catalog.errors
    }
    result = CatalogCoverage(catalog=catalog, codes=codes, observations=list(observations))
    passed: set[str] = set()
    failed: set[str] = set()
    planned: set[str] = set()
    for obs in observations:
        result.requests += 1
        if obs.code is not None and obs.code not in codes:
            result.unknown_codes[obs.code] += 1
        touched = set(obs.expected)
        if obs.code in codes:
            touched.add(obs.code)
        if not obs.passed and not touched & codes.keys():
            result.outside_codes.append(obs)
        blamed = _blamed(obs)
        for code in touched:
            if code not in codes:
                continue
            cov = codes[code]
            cov.requests += 1
            cov.probes.add(obs.probe)
            if obs.status is not None:
                cov.observed_statuses[obs.status] += 1
            if not obs.passed and code in blamed:
                failed.add(code)
                if cov.first_failure is None:
                    cov.first_failure = obs
            elif obs.passed:
                if obs.code == code:
                    passed.add(code)  # received and every check held, whether aimed at or not
                elif any(note.startswith(f"planned code {code} ") for note in obs.notes):
                    planned.add(code)
    for code, cov in codes.items():
        if code in failed:
            cov.verdict = "fail"
        elif code in passed:
            cov.verdict = "pass"
        elif code in planned:
            cov.verdict = "planned"
    return result


def _blamed(obs: Observation) -> set[str]:
    """The codes a failing answer counts against. A code conforms only if every answer that
    carried it conformed, so the code received is always blamed (a catch-all code on a 500 or
    on a wrong-code answer included). The expected codes are blamed too unless the answer
    carried one of them: then the others of an either-or probe were not at stake."""
    if obs.code in obs.expected:
        return {obs.code}
    return {*obs.expected, *([obs.code] if obs.code is not None else [])}


def summary_line(cov: CatalogCoverage) -> str:
    total = len(cov.codes)
    return (
        f"{cov.catalog.api.name}: {total} codes, {cov.exercised} exercised, {cov.count('pass')} conforming, "
        f"{cov.count('fail')} failing, {cov.count('planned')} planned, {cov.count('not-exercised')} not exercised, "
        f"{cov.count('not-provokable')} not provokable"
        + (f"; {len(cov.outside_codes)} failing answers outside codes" if cov.outside_codes else "")
    )


def cost(cov: CatalogCoverage, sent: int, setup_problems: list[dict] = ()) -> dict:
    """What a run cost the target: requests sent (controls, setup steps and retries included),
    per code exercised and per probe that ran, so a team can price a gate against a paid or
    rate-limited API."""
    probes = {obs.probe for obs in cov.observations} | {p["probe"] for p in setup_problems}
    return {
        "requests_sent": sent,
        "probes_run": len(probes),
        "requests_per_code": round(sent / cov.exercised, 1) if cov.exercised else None,
        "requests_per_probe": round(sent / len(probes), 1) if probes else None,
    }


def cost_line(name: str, figures: dict) -> str:
    per_code = figures["requests_per_code"]
    per_probe = figures["requests_per_probe"]
    return (
        f"{name} cost: {figures['requests_sent']} requests sent, "
        f"{per_code if per_code is not None else '-'} per code exercised, "
        f"{per_probe if per_probe is not None else '-'} per probe ({figures['probes_run']} probes)"
    )


def distinct_setup_problems(problems: list[dict]) -> list[dict]:
    """One setup problem per probe and reason (the last one met: a Hypothesis test meets the
    same 429 on every example it retries), in the order first met."""
    distinct: dict[tuple, dict] = {}
    for problem in problems:
        key = (problem.get("catalog"), problem.get("probe"), problem.get("reason") or problem.get("message"))
        distinct.pop(key, None)
        distinct[key] = problem
    return sorted(distinct.values(), key=lambda problem: (str(problem.get("catalog")), str(problem.get("probe"))))


def setup_problem_line(problem: dict) -> str:
    """A probe that could not run, e.g. ``flowbrite:wallets.list: rate-limited, wait 300 s
    (Retry-After: 300)``: RFC 9110 section 10.2.3, the wait a rerun needs."""
    where = f"{problem.get('catalog')}:{problem.get('probe')}"
    if problem.get("reason") == "rate-limited":
        wait = problem.get("wait_seconds")
        told = f"wait {wait:g} s (Retry-After: {problem.get('retry_after')})" if wait is not None else "no Retry-After given"
        return f"{where}: rate-limited, {told}"
    return f"{where}: {problem.get('message')}"


def setup_count_line(problems: list[dict]) -> str:
    """How many probes could not run, counted apart from conformance failures."""
    distinct = {(problem.get("catalog"), problem.get("probe")) for problem in problems}
    limited = {(problem.get("catalog"), problem.get("probe")) for problem in problems if problem.get("reason") == "rate-limited"}
    return (
        f"{len(distinct)} probe{'s' if len(distinct) != 1 else ''} could not run ({len(limited)} rate-limited): "
        "setup problems, not conformance failures"
    )


def total_line(coverages: list[CatalogCoverage]) -> str:
    """All catalogs together: how many codes were provoked and conform (planned codes that
    surfaced as their stand-in, as their catalog says, count as conforming)."""
    total = sum(len(cov.codes) for cov in coverages)
    conforming = sum(cov.count("pass") + cov.count("planned") for cov in coverages)
    failing = sum(cov.count("fail") for cov in coverages)
    unprovokable = sum(cov.count("not-provokable") for cov in coverages)
    share = 100.0 * conforming / total if total else 0.0
    return (
        f"all catalogs: {total} codes, {conforming} provoked and conforming ({share:.1f}%), "
        f"{failing} failing, {unprovokable} not provokable"
    )
