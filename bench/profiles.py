"""The suite's Hypothesis profiles side by side: what each costs and what it catches.

    .venv/bin/python bench/profiles.py [--profile smoke dev ci thorough] [--api NAME ... | --api all]

For each profile (``conformance.engine.profiles.SUITE_PROFILES``: smoke 5 examples without
shrinking, dev 15, ci 30 derandomized, thorough 300), the fault matrix of ``tests/faultmatrix.py``
is run with that profile, as tests/test_fault_matrix.py runs it with smoke:

- faults: every applicable fault of the chosen reference APIs (``faultmatrix.cases``) in rounds
  (``faultmatrix.rounds``: one pytest child per round, one fault per API, the APIs served from
  threads of the child, ``in_process=True``); a fault is caught when one of its expected
  failure classes (``faultmatrix.EXPECTED``) is reported;
- clean: the same probes against the conforming servers (``faultmatrix.run_clean``); every
  failing verdict there is a false positive; a probe setup problem (a test that could not run,
  e.g. its key still rate-limited after the suite's retries) is counted apart.

Requests sent are the suite's own count: each child writes report.json
(``CONFORMANCE_REPORT``, the environment form of ``--conformance-report DIR``) and the bench
sums ``cost.requests_sent`` over its catalogs (controls, setup steps and shrinking included).
Wall time is measured around each child (pytest start-up included, about 2 s a child), and the
children's CPU time (``RUSAGE_CHILDREN``; the servers are threads of the child) next to it.

Each child starts without an example database (Hypothesis's home directory is a fresh
temporary one, set by this module loaded as a plugin in the child): otherwise a failure that
one profile (or an earlier round) found and saved would be replayed first by the next, and
the matrix would write into the working copy's ``.hypothesis/``. A CI runner without a cache
starts the same way.

By default the matrix of two reference APIs, VoIPbin and Customer Verification, whose per-key
rate limits (50 a second; 300 a minute) a ``thorough`` run stays within, so that the default
invocation takes a few minutes on two cores; ``--api all`` runs all five. Against Flireo (100
requests a minute per key), Flowbrite (180, then 3 a second) and Falu (10 a second) a
``thorough`` run spends most of its time waiting on Retry-After, which is a real cost against a
rate-limited API but not the suite's own.

Prints one table row per profile and the faults each profile missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "tests"))

FRESH_DB_ENV = "CONFORMANCE_BENCH_FRESH_DATABASE"  # set: the pytest child keeps examples in a temporary home
PROFILES = ("smoke", "dev", "ci", "thorough")
DEFAULT_APIS = ("voipbin", "customer-verification")
# a test that could not run (e.g. the key's bucket stayed empty: rate-limited) is no verdict on the API
SETUP_PROBLEM = "ProbeSetupError"


@dataclass
class ProfileResult:
    profile: str
    fault_requests: int = 0
    fault_seconds: float = 0.0
    cpu_seconds: float = 0.0  # user + system CPU of the pytest children (their in-process servers included)
    caught: int = 0
    total: int = 0
    missed: list[str] = field(default_factory=list)
    clean_requests: int = 0
    clean_seconds: float = 0.0
    false_positives: dict[str, dict[str, int]] = field(default_factory=dict)  # api -> class -> tests
    setup_problems: dict[str, int] = field(default_factory=dict)  # api -> clean tests that could not run (e.g. 429s)
    errors: list[str] = field(default_factory=list)


def _reported_requests(directory: str) -> int:
    """Requests sent by one pytest child, from its report.json (``cost`` per catalog)."""
    path = Path(directory) / "report.json"
    if not path.exists():
        return 0
    catalogs = json.loads(path.read_text())["catalogs"]
    return sum((entry.get("cost") or {}).get("requests_sent", 0) for entry in catalogs.values())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(run, *args, **kwargs):
    """Call ``faultmatrix.run_faults`` / ``run_clean`` with the child's report in a fresh
    directory and a fresh example database; (rows, requests sent, wall seconds, CPU seconds)."""
    child_env = {
        FRESH_DB_ENV: "1",
        # the child loads this module as a plugin (``-p profiles``) for the fresh database
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH), os.environ.get("PYTHONPATH")])),
        "PYTEST_ADDOPTS": " ".join(filter(None, [os.environ.get("PYTEST_ADDOPTS"), "-p profiles"])),
    }
    with tempfile.TemporaryDirectory() as report, mock.patch.dict(os.environ, {**child_env, "CONFORMANCE_REPORT": report}):
        started, cpu = time.monotonic(), _children_cpu()
        rows = run(*args, **kwargs)
        seconds, cpu = time.monotonic() - started, _children_cpu() - cpu
        return rows, _reported_requests(report), seconds, cpu


def run_profile(profile: str, apis: list[str] | None, timeout: float) -> ProfileResult:
    from faultmatrix import cases, rounds, run_clean, run_faults

    result = ProfileResult(profile)
    pairs = [(case.api, case.fault) for case in cases(apis)]
    for group in rounds(pairs):
        rows, requests, seconds, cpu = _child(run_faults, group, profile=profile, timeout=timeout, in_process=True)
        result.fault_requests += requests
        result.fault_seconds += seconds
        result.cpu_seconds += cpu
        for row in rows:
            result.total += 1
            if row.error:
                result.errors.append(f"{row.api}:{row.fault}: {row.error.strip().splitlines()[-1][:100]}")
            if row.caught:
                result.caught += 1
            else:
                found = ", ".join(f"{name}×{count}" for name, count in sorted(row.found.items())) or "no failure"
                result.missed.append(f"{row.api}:{row.fault} ({found})")
    rows, result.clean_requests, result.clean_seconds, cpu = _child(run_clean, pairs, profile=profile,
                                                                    timeout=timeout, in_process=True)
    result.cpu_seconds += cpu
    for row in rows:
        if row.error:
            result.errors.append(f"{row.api} clean: {row.error.strip().splitlines()[-1][:100]}")
        found = {name: count for name, count in row.found.items() if name != SETUP_PROBLEM}
        if found:
            result.false_positives[row.api] = found
        if row.found.get(SETUP_PROBLEM):
            result.setup_problems[row.api] = row.found[SETUP_PROBLEM]
    return result


def main() -> int:
    from conformance import reference

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", nargs="+", default=list(PROFILES), choices=PROFILES,
                        help="profiles to compare, in this order (default: smoke dev ci thorough)")
    parser.add_argument("--api", nargs="+", default=list(DEFAULT_APIS), choices=[*reference.available(), "all"],
                        help=f"reference APIs, or all (default: {' '.join(DEFAULT_APIS)})")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per pytest child")
    args = parser.parse_args()

    load = os.getloadavg()
    apis = list(reference.available()) if "all" in args.api else args.api
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs); "
          f"APIs: {', '.join(apis)}", flush=True)
    results = []
    for profile in args.profile:
        result = run_profile(profile, apis, args.timeout)
        results.append(result)
        load = os.getloadavg()
        print(f"  {profile}: done in {result.fault_seconds + result.clean_seconds:.1f} s (load {load[0]:.2f})", flush=True)
    print()
    header = (f"{'profile':<10}{'requests':>10}{'wall s':>9}{'caught':>10}"
              f"{'clean req':>11}{'clean s':>9}{'false pos':>11}{'setup':>7}{'total req':>11}{'total s':>9}{'cpu s':>8}")
    print(header)
    print("-" * len(header))
    for r in results:
        false = sum(sum(found.values()) for found in r.false_positives.values())
        setup = sum(r.setup_problems.values())
        print(f"{r.profile:<10}{r.fault_requests:>10}{r.fault_seconds:>9.1f}{f'{r.caught}/{r.total}':>10}"
              f"{r.clean_requests:>11}{r.clean_seconds:>9.1f}{false:>11}{setup:>7}"
              f"{r.fault_requests + r.clean_requests:>11}{r.fault_seconds + r.clean_seconds:>9.1f}{r.cpu_seconds:>8.1f}")
    print()
    print("requests / wall s: the fault rounds (one pytest child per round); caught: faults caught / applicable;")
    print("clean: the same probes against the conforming servers; false pos: tests failing there with a verdict;")
    print("setup: tests there that could not run (a probe setup problem, e.g. still rate-limited after the retries);")
    print("cpu s: CPU time of the pytest children (suite and in-process servers): far below total s = waiting,")
    print("e.g. on Retry-After.")
    for r in results:
        for line in r.missed:
            print(f"{r.profile} missed {line}")
        for api, found in r.false_positives.items():
            print(f"{r.profile} false positive {api}: " + ", ".join(f"{name}×{count}" for name, count in sorted(found.items())))
        for api, count in r.setup_problems.items():
            print(f"{r.profile} setup problems {api}: {count} tests")
        for line in r.errors:
            print(f"{r.profile} ERROR {line}")
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


# -- loaded in the fault matrix's pytest child as a plugin (``-p profiles``) ----------

def pytest_configure(config) -> None:
    """No example database carried over: Hypothesis's home directory (``.hypothesis/`` of the
    working directory by default) becomes a fresh temporary one for this child."""
    if not os.environ.get(FRESH_DB_ENV):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    home = tempfile.mkdtemp(prefix="hypothesis-")
    set_hypothesis_home_dir(home)
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


if __name__ == "__main__":
    sys.exit(main())
