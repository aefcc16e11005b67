"""Requests per second of the suite's engine against the physical limit of one Python client.

    .venv/bin/python bench/throughput.py [--requests 600] [--runs 5] [--examples 20] [--profile]

Against one embedded Flowbrite reference API (``reference.start("flowbrite")``, a subprocess, with
its rate limit raised through ``REFERENCE_FLOWBRITE_BURST`` so the bench measures the client, not
the limiter), the same request set is sent three ways:

(a) bare: an ``httpx.Client`` loop (send, read the body; nothing else) - the practical limit;
(b) engine: for each request, ``Target.send`` (RequestBuilder from the probe + Transport) then
    ``Target.check`` (the Judge verdict, the Observation record) - what a suite test does per
    example, without pytest and Hypothesis;
(c) schemathesis: ``schemathesis run URL/openapi.json -n EXAMPLES`` (coverage + fuzzing phases).
    Requests are counted from its HAR report (one entry per request sent); the rate is entries /
    (last request end - first request start), so CLI start-up and schema loading are excluded,
    as they are for (a) and (b).

The request set: error-provoking requests from three Flowbrite probes, values drawn once from
each probe's own strategy (outside the timed loop): ``wallets.create.currency`` (POST /v1/wallets
with an invalid currency, a fresh idempotency key per request), ``wallets.get.malformed-id``
(GET of a malformed wallet id) and ``auth.garbage-key`` (a garbage X-API-KEY). Every answer is an
error, so the verdict engine does its full work (JSON, code lookup, envelope and per-code schema,
headers). Prints the median requests/s of each over ``--runs`` runs (interleaved a, b, c so load
changes hit all three alike), and the ratios b/a (target >= 0.8) and b/c.
``--profile`` prints a cProfile of one engine run instead.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402

from conformance import reference  # noqa: E402
from conformance.catalog import load_catalog  # noqa: E402
from conformance.engine.case import ProbeCase  # noqa: E402
from conformance.engine.failures import ConformanceFailure  # noqa: E402
from conformance.engine.target import Target  # noqa: E402
from conformance.engine.transport import Transport  # noqa: E402

API = "flowbrite"
PROBES = ("wallets.create.currency", "wallets.get.malformed-id", "auth.garbage-key")
SERVER_ENV = {"REFERENCE_FLOWBRITE_BURST": "100000000", "REFERENCE_FLOWBRITE_REFILL_TOKENS": "100000000"}


def draw_values(probe, count: int) -> list:
    """``count`` values from the probe's own strategy (drawn before timing)."""
    from conformance import strategies
    from hypothesis.errors import NonInteractiveExampleWarning

    strategy = strategies.get(probe.vary.strategy, **probe.vary.args)
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        while len(values) < count:
            values.append(strategy.example())
    return values


class Workload:
    """The request set: (probe, variables, value) triples, the same for every way of sending."""

    def __init__(self, server, total: int):
        self.catalog = load_catalog(API)
        self.server = server
        self.target = self.new_target()
        probes = {probe.id: probe for probe in self.catalog.probes}
        per_probe = -(-total // len(PROBES))
        self.items: list[tuple] = []
        columns = []
        for probe_id in PROBES:
            probe = probes[probe_id]
            variables = ProbeCase(self.target, probe).setup()  # e.g. the wallet the GET varies
            columns.append([(probe, variables, value) for value in draw_values(probe, per_probe)])
        for row in itertools.zip_longest(*columns):  # interleave the probes
            self.items.extend(item for item in row if item is not None)
        self.items = self.items[:total]
        # (a) sends the very requests the engine builds (a fresh idempotency key per send)
        self.raw = []
        for probe, variables, value in self.items:
            try:
                request = self.target.builder.build(probe.request, variables, vary=probe.vary, value=value)
            except ValueError:  # a value HTTP cannot carry: the engine rejects it too (below)
                continue
            self.raw.append(request)
        self.items = [item for item in self.items if self._sendable(item)]

    def _sendable(self, item) -> bool:
        probe, variables, value = item
        try:
            self.target.builder.build(probe.request, variables, vary=probe.vary, value=value)
            return True
        except ValueError:
            return False

    def new_target(self) -> Target:
        return Target(
            self.catalog,
            self.server.url,
            dict(reference.credentials(API)),
            Transport(),
            embedded=True,
            mint_key=lambda: reference.mint_key(API),
        ).fork_with_fresh_primary()


def run_bare(workload: Workload) -> tuple[float, float]:
    """(requests/s, client CPU seconds per request)."""
    header = workload.catalog.idempotency.header
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=10) as client:
        client.get(workload.server.url + "/openapi.json")  # connect outside the timed loop, as (b) does
        started, cpu = time.perf_counter(), time.process_time()
        for request in workload.raw:
            headers = dict(request.headers)
            if header in headers:
                headers[header] = str(uuid.uuid4())
            response = client.request(request.method, request.url, headers=headers, content=request.content)
            response.read()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return len(workload.raw) / elapsed, cpu / len(workload.raw)


def run_engine(workload: Workload) -> tuple[float, float, int]:
    """(requests/s, client CPU seconds per request, failed verdicts)."""
    target = workload.new_target()
    target.transport.send(target.builder.build(workload.items[0][0].request, workload.items[0][1]))  # connect
    failures = 0
    started, cpu = time.perf_counter(), time.process_time()
    for probe, variables, value in workload.items:
        exchange = target.send(probe.request, variables, probe=probe, vary=probe.vary, value=value)
        try:
            target.check(exchange, probe, probe.expected_codes, value=value)
        except ConformanceFailure:
            failures += 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    target.transport.close()
    return len(workload.items) / elapsed, cpu / len(workload.items), failures


def run_schemathesis(url: str, examples: int, seed: int) -> tuple[float, int, float]:
    """(requests/s over the sending window, requests, wall seconds of the whole command)."""
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    key = reference.mint_key(API)
    with tempfile.TemporaryDirectory() as tmp:
        har = Path(tmp) / "run.har"
        command = [
            exe, "run", url + "/openapi.json", "-n", str(examples), "--seed", str(seed),
            "--phases", "examples,coverage,fuzzing", "-H", f"X-API-KEY: {key}",
            "--report", "har", "--report-har-path", str(har), "--no-color",
        ]
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, text=True, timeout=900)
        wall = time.perf_counter() - started
        entries = json.loads(har.read_text())["log"]["entries"]
    starts = [datetime.fromisoformat(e["startedDateTime"]).timestamp() for e in entries]
    ends = [s + (e.get("time") or 0) / 1000 for s, e in zip(starts, entries)]
    span = max(ends) - min(starts)
    return len(entries) / span, len(entries), wall


def profile_engine(workload: Workload, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    rate, _, _ = run_engine(workload)
    profiler.disable()
    print(f"engine under cProfile: {rate:.0f} req/s")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per run for (a) and (b)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--examples", type=int, default=20, help="schemathesis -n (per operation)")
    parser.add_argument("--no-schemathesis", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile one engine run and exit")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    with reference.start(API, env=SERVER_ENV) as server:
        workload = Workload(server, args.requests)
        print(f"request set: {len(workload.items)} requests ({', '.join(PROBES)})")
        if args.profile:
            run_engine(workload)  # warm up
            profile_engine(workload, args.top)
            return 0
        bare, engine, st, bare_cpu, engine_cpu = [], [], [], [], []
        failures = 0
        for run in range(args.runs):
            rate, cpu = run_bare(workload)
            bare.append(rate)
            bare_cpu.append(cpu)
            rate, cpu, failed = run_engine(workload)
            engine.append(rate)
            engine_cpu.append(cpu)
            failures += failed
            line = f"run {run + 1}: bare {bare[-1]:7.0f}  engine {engine[-1]:7.0f}"
            if not args.no_schemathesis:
                rate, count, wall = run_schemathesis(server.url, args.examples, seed=run + 1)
                st.append(rate)
                line += f"  schemathesis {rate:7.1f} ({count} requests, {wall:.1f} s wall incl. start-up)"
            print(line, flush=True)
    a, b = statistics.median(bare), statistics.median(engine)
    print()
    ca, cb = statistics.median(bare_cpu) * 1e3, statistics.median(engine_cpu) * 1e3
    print(f"{'sender':<34}{'req/s (median of ' + str(args.runs) + ')':>24}{'client CPU ms/request':>24}")
    print(f"{'(a) bare httpx.Client':<34}{a:>24.0f}{ca:>24.2f}")
    print(f"{'(b) engine (Target.send+check)':<34}{b:>24.0f}{cb:>24.2f}")
    if st:
        c = statistics.median(st)
        print(f"{'(c) schemathesis run':<34}{c:>24.1f}{'(separate process)':>24}")
    print(f"b/a = {b / a:.2f} (target >= 0.80){'' if b / a >= 0.8 else '  MISSED'}")
    if st:
        print(f"b/c = {b / c:.1f}")
    if failures:
        print(f"note: {failures} engine verdicts failed (the conforming reference API should pass every one)")
    load = os.getloadavg()
    print(f"load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0 if b / a >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())
