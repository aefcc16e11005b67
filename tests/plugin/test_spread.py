"""`-n N` against one target (issue: a staging gate across workers).

With --base-url, one catalog's probes are spread over the workers, and the rate-limit bursts
start only once every other test of the run has ended, on every worker. Shown on a timeline
each test process writes (start and end of each test on the host's monotonic clock, which
every process shares) while the suite runs against a reference API started by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

from conformance import reference

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
ROOMY = {"REFERENCE_FLOWBRITE_BURST": "100000"}  # one shared key for the whole run

TIMELINE_PLUGIN = '''
import json, os, time
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start = time.monotonic()
    try:
        return (yield)
    finally:
        with open(os.environ["TIMELINE"], "a") as out:
            out.write(json.dumps({"id": item.nodeid, "worker": os.environ.get("PYTEST_XDIST_WORKER"),
                                  "burst": item.get_closest_marker("burst") is not None,
                                  "start": start, "end": time.monotonic()}) + "\\n")
'''


def run_with_timeline(pytester, monkeypatch, url, *args):
    pytester.makepyfile(timeline=TIMELINE_PLUGIN)
    timeline = pytester.path / "timeline.jsonl"
    monkeypatch.setenv("TIMELINE", str(timeline))
    monkeypatch.setenv("PYTHONPATH", str(pytester.path))  # -p timeline, in the workers too
    result = pytester.runpytest_subprocess(
        str(SUITES), "--catalog", "flowbrite", "--base-url", url, "-p", "timeline", "-p", "no:randomly",
        "--hypothesis-profile", "smoke", "--hypothesis-seed", "1", *args, timeout=300)
    rows = [json.loads(line) for line in timeline.read_text().splitlines()] if timeline.exists() else []
    return result, rows


def test_probes_spread_over_workers_and_bursts_start_after_every_other_test(pytester, monkeypatch, flowbrite_credentials):
    with reference.start("flowbrite", env=ROOMY) as server:
        result, rows = run_with_timeline(pytester, monkeypatch, server.url, "-n", "3")
    assert result.ret == 0, result.stdout.str()[-3000:]
    others = [row for row in rows if not row["burst"]]
    bursts = [row for row in rows if row["burst"]]
    assert bursts and len(others) >= 10
    by_worker = {worker: sum(row["worker"] == worker for row in others) for worker in {row["worker"] for row in others}}
    assert sorted(by_worker) == ["gw0", "gw1", "gw2"] and min(by_worker.values()) >= 2, by_worker
    assert len({row["worker"] for row in bursts}) == 1
    assert min(row["start"] for row in bursts) >= max(row["end"] for row in others)
    # the tests covering the whole API (envelope fuzz, OpenAPI route: one part per worker and
    # mode) are handed out first, so each worker runs its share of them before anything else
    whole = lambda row: "test_every_error_conforms" in row["id"] or "test_openapi_errors_conform" in row["id"]  # noqa: E731
    assert sum(map(whole, others)) == 2 + 3 * 2
    for worker in by_worker:
        kinds = [whole(row) for row in sorted(others, key=lambda row: row["start"]) if row["worker"] == worker]
        assert kinds == sorted(kinds, reverse=True), (worker, kinds)
    # every test ran once, and the outcome line counts them all
    assert sorted(row["id"] for row in rows) == sorted({row["id"] for row in rows})
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("skipped", 0) == len(rows)
    assert "flowbrite: 8 codes" in result.stdout.str()


def outcomes(junit: Path) -> dict[str, str]:
    """Outcome per test from a JUnit XML report; the OpenAPI route's parts (``-partIofN``, one
    test per worker when spread) merged into the test they split: failed if any part failed."""
    merged: dict[str, set[str]] = {}
    for case in ElementTree.parse(junit).iter("testcase"):
        outcome = "failed" if case.find("failure") is not None or case.find("error") is not None else (
            "skipped" if case.find("skipped") is not None else "passed")
        merged.setdefault(re.sub(r"-part\d+of\d+", "", case.get("name")), set()).add(outcome)
    return {name: "failed" if "failed" in found else "passed" if "passed" in found else "skipped"
            for name, found in merged.items()}


def test_a_serial_run_gets_the_same_verdicts(pytester, monkeypatch, flowbrite_credentials):
    """Spreading changes where a probe runs, not its verdict or what the summary counts."""
    with reference.start("flowbrite", env=ROOMY) as server:
        serial, _ = run_with_timeline(pytester, monkeypatch, server.url, "-m", "not burst", "--junitxml=serial.xml")
        (pytester.path / "timeline.jsonl").unlink()
        spread, spread_rows = run_with_timeline(pytester, monkeypatch, server.url, "-m", "not burst", "-n", "2",
                                                "--junitxml=spread.xml")
    assert len({row["worker"] for row in spread_rows}) == 2
    # the OpenAPI route is one test per mode serially, one per mode and worker when spread
    parts = sorted(row["id"].split("::")[-1] for row in spread_rows if "test_openapi_errors_conform" in row["id"])
    assert parts == [f"test_openapi_errors_conform[flowbrite-part{i}of2-{mode}]" for i in (1, 2) for mode in ("negative", "positive")]
    expected = outcomes(pytester.path / "serial.xml")
    assert len(expected) >= 20 and outcomes(pytester.path / "spread.xml") == expected
    summary = lambda result: [line for line in result.stdout.lines if line.startswith("flowbrite: ")]  # noqa: E731
    assert summary(serial) == summary(spread) and summary(serial)
