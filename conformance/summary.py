"""The terminal summary of a run: its failures, its setup problems, its coverage per catalog."""

from __future__ import annotations

import pytest

from . import runstate
from .coverage import compute, cost, cost_line, distinct_setup_problems, setup_count_line, setup_problem_line, summary_line, total_line
from .engine import secrets
from .engine.record import distinct_warnings
from .findings import line


def write(terminalreporter, config: pytest.Config) -> None:
    conf = runstate.run_settings(config)
    if conf is None:
        return
    # A probe that could not run is a setup problem, listed below and counted apart.
    found = [finding for finding in runstate.collected_findings(config) if finding["kind"] != "setup"]
    if found:
        terminalreporter.section("conformance failures")
        for finding in sorted(found, key=lambda finding: finding["test"]):
            terminalreporter.write_line(line(finding))
    problems = distinct_setup_problems(runstate.collected_setup_problems(config))
    if problems:
        terminalreporter.section("conformance setup problems")
        for problem in problems:
            terminalreporter.write_line(secrets.redact(setup_problem_line(problem)))
        terminalreporter.write_line(setup_count_line(problems))
    observations = runstate.collected_observations(config)
    warnings = distinct_warnings(observations)
    if warnings:
        # RFC 2119 SHOULD: not failures, but never hidden; --strict-should makes them fail.
        terminalreporter.section("conformance warnings (should)")
        for warning in warnings:
            terminalreporter.write_line(secrets.redact(warning["message"]))
            terminalreporter.write_line("")
        terminalreporter.write_line(f"{len(warnings)} warning(s): rules at level 'should' (RFC 2119); --strict-should makes them failures")
    if not observations:
        return
    terminalreporter.section("conformance coverage")
    coverages = []
    sent = runstate.requests_sent(config)
    all_problems = runstate.collected_setup_problems(config)
    for name, catalog in conf.catalogs.items():
        mine = [obs for obs in observations if obs.catalog == name]
        if mine:
            coverages.append(compute(catalog, mine))
            terminalreporter.write_line(summary_line(coverages[-1]))
            if name in sent:
                problems_here = [p for p in all_problems if p.get("catalog") == name]
                terminalreporter.write_line(cost_line(name, cost(coverages[-1], sent[name], problems_here)))
    if len(coverages) > 1:
        terminalreporter.write_line(total_line(coverages))
