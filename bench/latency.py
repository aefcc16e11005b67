"""The default run of one catalog against a reference API with network latency, serial and with -n.

    .venv/bin/python bench/latency.py [--api flowbrite] [--latency 0 50] [--workers 0 4] [-- PYTEST ARGS]

Staging is not loopback: every answer of a remote API comes a round trip later. For each
latency (``reference.start(api, latency=MS)``: an ``asyncio.sleep`` before each answer, which
holds neither the server's event loop nor other connections) and each worker count, a fresh
reference API is started (a subprocess; its rate limit raised through ``REFERENCE_<API>_BURST``
/ ``_REFILL_TOKENS``: with ``--base-url`` every probe shares the one key, and the limiter would
set the pace instead of the latency), and the default run of its catalog is run against it as
a user runs it against staging::

    python -m pytest --catalog API --base-url URL --api-key KEY -p no:randomly [-n N]

in an empty temporary directory (the packaged suites run; no example database carried over),
with the other credentials the catalog names in their environment variables (the burst key
is not given: with the raised limit the burst probe could not pass, and it is skipped).
``-p no:randomly`` keeps the same test order in every cell.

Per cell (measured, not estimated):

- requests: the suite's own count (report.json ``cost.requests_sent``; all workers);
- wall s: spawn to exit of the pytest process (start-up and xdist workers included);
- network %: the time the suite spent waiting for answers, summed over all processes that
  sent requests (``Exchange.elapsed`` of every ``Transport.send``: connect, write, the
  server's work and latency, read), divided by wall x processes available (1 serially, N with
  ``-n N``); this module, loaded in the child as a plugin (``-p latency``), sums it;
- suite %: the rest of the time spent in tests (Hypothesis, building requests, verdicts,
  setup), per the same denominator;
- idle %: neither (pytest and xdist start-up, collection, workers without work);
- ms/request: mean ``Exchange.elapsed`` (at 0 ms: the loopback round trip plus the server);
- start s: spawn -> the last process to get work starts its first test; end s: the last
  test's end -> exit; longest s: the longest single test (no number of workers goes below it);
  the seconds in tests of each process are printed under the table.

Then the speed-up of the most workers over serial at the highest latency: wall time and
requests/s (target >= 3x at 50 ms with -n 4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TIMES_ENV = "CONFORMANCE_BENCH_SEND_TIMES"  # a directory: each pytest process writes its figures there
RAISED = "100000000"


@dataclass
class Cell:
    latency: str
    workers: int
    requests: int
    wall: float
    send_seconds: float
    sends: int
    test_seconds: float
    longest: tuple[float, str]
    busy: list[float]  # seconds in tests, per process that ran tests
    startup: float  # spawn -> the last process to run a test starts its first one
    ending: float  # the last test's end -> exit (reports, worker shutdown)
    outcome: str

    @property
    def slots(self) -> int:
        return max(self.workers, 1)

    @property
    def rate(self) -> float:
        return self.requests / self.wall if self.wall else 0.0

    @property
    def network_share(self) -> float:
        return self.send_seconds / (self.wall * self.slots)

    @property
    def suite_share(self) -> float:
        return max(self.test_seconds - self.send_seconds, 0.0) / (self.wall * self.slots)


def server_env(api: str) -> dict[str, str]:
    """The reference API's rate limit raised (``RateLimitConfig`` ``env_prefix`` overrides)."""
    prefix = "REFERENCE_" + api.upper().replace("-", "_")
    return {f"{prefix}_BURST": RAISED, f"{prefix}_REFILL_TOKENS": RAISED}


def child_env(api: str, times_dir: str, report_dir: str) -> dict[str, str]:
    """The environment of the pytest child: the catalog's other credentials in the variables it
    names (as tests/conftest.py ``flowbrite_credentials`` sets them), nothing of ours besides."""
    from conformance import reference
    from conformance.catalog import load_catalog

    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("CONFORMANCE_", "PYTEST_")) and name != "CI"}  # CI would choose the ci profile
    creds = reference.credentials(api)
    for name, spec in load_catalog(api).auth.credentials.items():
        if name in creds and name != "primary":
            env[spec.env] = creds[name]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), os.environ.get("PYTHONPATH")]))
    env[TIMES_ENV] = times_dir
    env["CONFORMANCE_REPORT"] = report_dir
    return env


def run_cell(api: str, latency: str, workers: int, extra: list[str], timeout: float) -> Cell:
    from conformance import reference

    with tempfile.TemporaryDirectory() as work, reference.start(api, env=server_env(api), latency=latency) as server:
        times_dir, report_dir, cwd = (Path(work) / part for part in ("times", "report", "run"))
        for directory in (times_dir, cwd):
            directory.mkdir()
        command = [sys.executable, "-m", "pytest", "--catalog", api, "--base-url", server.url,
                   "--api-key", reference.credentials(api)["primary"], "-p", "no:randomly", "-p", "latency",
                   "-q", "--no-header", *(["-n", str(workers)] if workers else []), *extra]
        started, spawned = time.monotonic(), time.time()
        process = subprocess.run(command, cwd=cwd, env=child_env(api, str(times_dir), str(report_dir)),
                                 capture_output=True, text=True, timeout=timeout)
        wall, exited = time.monotonic() - started, time.time()
        parts = [json.loads(path.read_text()) for path in times_dir.glob("*.json")]
        report = report_dir / "report.json"
        requests = 0
        if report.exists():
            catalogs = json.loads(report.read_text())["catalogs"]
            requests = sum((entry.get("cost") or {}).get("requests_sent", 0) for entry in catalogs.values())
    lines = [line for line in process.stdout.splitlines() if line.strip()]
    outcome = next((line.strip("= ") for line in reversed(lines) if " in " in line and ("passed" in line or "failed" in line)),
                   f"exit {process.returncode}: {(process.stdout + process.stderr).strip()[-300:]}")
    return Cell(latency, workers, requests, wall,
                send_seconds=sum(part["send_seconds"] for part in parts),
                sends=sum(part["sends"] for part in parts),
                test_seconds=sum(part["test_seconds"] for part in parts),
                longest=tuple(max((part["longest"] for part in parts), default=(0.0, ""))),
                busy=sorted((part["test_seconds"] for part in parts), reverse=True),
                startup=max((part["first_test_at"] - spawned for part in parts if part["first_test_at"]), default=0.0),
                ending=min((exited - part["last_test_end"] for part in parts if part["last_test_end"]), default=0.0),
                outcome=outcome)


def main() -> int:
    from conformance import reference

    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="flowbrite", choices=reference.available())
    parser.add_argument("--latency", nargs="+", default=["0", "50"], help="ms per answer, fixed (50) or a range (40-60)")
    parser.add_argument("--workers", nargs="+", type=int, default=[0, 4], help="0 = serial, N = -n N")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per pytest run")
    args = parser.parse_args(argv)

    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs); "
          f"api {args.api}", flush=True)
    header = (f"{'latency ms':<11}{'workers':>8}{'requests':>10}{'wall s':>9}{'req/s':>8}"
              f"{'network %':>11}{'suite %':>9}{'idle %':>8}{'ms/request':>12}{'start s':>9}{'end s':>7}{'longest s':>11}  outcome")
    print(header)
    print("-" * len(header))
    cells: list[Cell] = []
    for latency in args.latency:
        for workers in args.workers:
            cell = run_cell(args.api, latency, workers, extra, args.timeout)
            cells.append(cell)
            idle = max(1 - cell.network_share - cell.suite_share, 0.0)
            per_request = cell.send_seconds / cell.sends * 1e3 if cell.sends else 0.0
            print(f"{latency:<11}{workers or 'serial':>8}{cell.requests:>10}{cell.wall:>9.1f}{cell.rate:>8.1f}"
                  f"{cell.network_share:>11.0%}{cell.suite_share:>9.0%}{idle:>8.0%}{per_request:>12.1f}"
                  f"{cell.startup:>9.1f}{cell.ending:>7.1f}{cell.longest[0]:>11.1f}  {cell.outcome}",
                  flush=True)
    print()
    print("network %: time in Transport.send (all processes) / (wall x processes available: 1 serial, N with -n N);")
    print("suite %: the rest of the time in tests; idle %: neither (start-up, collection, workers without work);")
    print("start s: spawn -> the last process to get work starts its first test; end s: the last test's end -> exit;")
    print("longest s: the longest single test (a bound no number of workers goes below).")
    for cell in cells:
        if cell.longest[1]:
            busy = ", ".join(f"{seconds:.1f}" for seconds in cell.busy)
            print(f"  {cell.latency} ms, {cell.workers or 'serial'}: seconds in tests per process {busy}; "
                  f"longest {cell.longest[1]} ({cell.longest[0]:.1f} s)")
    top, most = args.latency[-1], max(args.workers)
    serial = next((c for c in cells if c.latency == top and c.workers == 0), None)
    parallel = next((c for c in cells if c.latency == top and c.workers == most), None)
    if serial and parallel and most:
        speed, rate = serial.wall / parallel.wall, parallel.rate / serial.rate if serial.rate else 0.0
        print(f"speed-up of -n {most} over serial at {top} ms: wall {speed:.2f}x, requests/s {rate:.2f}x (target >= 3x)"
              f"{'' if speed >= 3 else '  MISSED'}")
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


# -- loaded in the pytest child (and each xdist worker) as a plugin (``-p latency``) ----------

_FIGURES = {"sends": 0, "send_seconds": 0.0, "test_seconds": 0.0, "longest": [0.0, ""],
            "first_test_at": None, "last_test_end": None}  # time.time() stamps


def pytest_configure(config) -> None:
    """Sum the time this process waits in ``Transport.send`` (the exchange's own ``elapsed``:
    connect, write, the server's answer, read; not the pacing before it)."""
    if not os.environ.get(TIMES_ENV):
        return
    from conformance.engine.transport import Transport

    send = Transport.send

    def timed(self, request, **kwargs):
        exchange = send(self, request, **kwargs)
        _FIGURES["sends"] += 1
        _FIGURES["send_seconds"] += exchange.elapsed or 0.0
        return exchange

    Transport.send = timed


def _pytest_runtest_protocol(item, nextitem):
    if not os.environ.get(TIMES_ENV):
        yield
        return
    if _FIGURES["first_test_at"] is None:
        _FIGURES["first_test_at"] = time.time()
    started = time.monotonic()
    yield
    _FIGURES["last_test_end"] = time.time()
    seconds = time.monotonic() - started
    _FIGURES["test_seconds"] += seconds
    if seconds > _FIGURES["longest"][0]:
        _FIGURES["longest"] = [seconds, item.nodeid]


def pytest_unconfigure(config) -> None:
    directory = os.environ.get(TIMES_ENV)
    if directory and (_FIGURES["sends"] or _FIGURES["test_seconds"]):
        Path(directory, f"{os.getpid()}.json").write_text(json.dumps(_FIGURES))


try:  # a hook wrapper only where pytest is importable (the bench itself runs without it)
    import pytest as _pytest

    pytest_runtest_protocol = _pytest.hookimpl(hookwrapper=True)(_pytest_runtest_protocol)
except ImportError:  # pragma: no cover
    pass


if __name__ == "__main__":
    sys.exit(main())
