"""Time how long each registry strategy takes to produce 10,000 values.

    python bench/strategies.py [--n 10000] [--seed 0] [--repeat 3] [--engine] [NAME ...]

Default mode draws each value from a fresh Hypothesis ``ConjectureData``
seeded from one ``random.Random(seed)``: that is the strategy's own cost
(the part a catalog author controls) and is deterministic.  ``--engine``
instead runs a ``@given`` test with ``max_examples=n`` and generate-phase
only, which adds Hypothesis's per-example engine bookkeeping (about 1 ms per
example on a small machine) and stops early for small finite strategies.
Neither mode uses ``strategy.example()``.  The first line is a calibration
(``st.none()``; with ``--engine`` one integer choice, since the engine stops
after one example of ``st.none()``): the fixed per-value cost of Hypothesis
itself, and the "net" column subtracts it.  The target applies to the
default mode's total.  Every figure is the best of ``--repeat`` runs
(as ``timeit`` reports; the runs are interleaved passes over all strategies):
other processes on a shared machine only ever add time, so the minimum is
the closest to the strategy's own cost.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

# Allow running from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.control import BuildContext  # noqa: E402
from hypothesis.errors import StopTest  # noqa: E402
from hypothesis.internal.conjecture.data import ConjectureData  # noqa: E402

from conformance import strategies  # noqa: E402

TARGET_SECONDS = 2.0

# Smallest realistic args for strategies with required (or jointly required) arguments.
BENCH_ARGS: dict[str, dict[str, Any]] = {
    "prefixed_id.valid": {"prefix": "wal_"},
    "prefixed_id.wrong_prefix": {"prefix": "wal_"},
    "prefixed_id.no_prefix": {"prefix": "wal_"},
    "prefixed_id.bad_body": {"prefix": "wal_"},
    "prefixed_id.malformed": {"prefix": "wal_"},
    "idempotency_key.valid": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "idempotency_key.at_limit": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "idempotency_key.too_long": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "idempotency_key.too_short": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "idempotency_key.invalid_chars": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "idempotency_key.empty": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "idempotency_key.invalid": {"pattern": "^[a-zA-Z0-9-_:]{2,128}$"},
    "enum.outside": {"values": ["active", "inactive", "pending"]},
    "number.outside": {"minimum": 1, "maximum": 100},
    "string.too_long": {"max_length": 255},
    "json_type.wrong": {"expected": "string"},
    "json_body.oversized": {"size": 1_048_576},
    "credential.missing": {"scheme": "Bearer"},
    "credential.empty": {"scheme": "Bearer"},
    "credential.wrong_scheme": {"scheme": "Bearer"},
    "credential.garbage": {"scheme": "Bearer"},
    "credential.whitespace": {"scheme": "Bearer"},
    "credential.invalid": {"scheme": "Bearer"},
}


def bench_draw(strategy: Any, n: int, seed: int) -> tuple[float, int]:
    rnd = random.Random(seed)
    drawn = 0
    start = time.perf_counter()
    for _ in range(n):
        data = ConjectureData(random=rnd)
        try:
            with BuildContext(data, wrapped_test=bench_draw):
                data.draw(strategy)
            drawn += 1
        except StopTest:
            pass  # a filter gave up; counted as not drawn
    return time.perf_counter() - start, drawn


def bench_engine(strategy: Any, n: int, seed: int) -> tuple[float, int]:
    count = [0]

    @settings(
        max_examples=n,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value: Any) -> None:
        count[0] += 1

    run = hypothesis_seed(seed)(run)
    start = time.perf_counter()
    run()
    return time.perf_counter() - start, count[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="registry names (default: all)")
    parser.add_argument("--n", type=int, default=10_000, help="values per strategy")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per strategy; the best is reported")
    parser.add_argument("--engine", action="store_true", help="time through @given instead of raw draws")
    opts = parser.parse_args(argv)

    names = opts.names or strategies.names()
    bench = bench_engine if opts.engine else bench_draw
    repeat = max(1, opts.repeat)
    # The engine stops early on a strategy with one value, so its floor is
    # one integer choice (what a fused strategy costs before building).
    floor_name, floor_strategy = ("st.integers(min_value=0)", st.integers(min_value=0)) if opts.engine else ("st.none()", st.none())
    built = {"(floor)": floor_strategy}
    for name in names:
        built[name] = strategies.get(name, **BENCH_ARGS.get(name, {}))
        built[name].validate()
    # Passes over every strategy in turn, rather than each strategy's runs back
    # to back: a busy spell on a shared machine then spoils one run of many
    # strategies, not every run of one.  The best run counts (see above).
    best: dict[str, tuple[float, int]] = {}
    load_before = os.getloadavg()[0]
    for done in range(repeat):
        print(f"pass {done + 1}/{repeat} ...", file=sys.stderr, flush=True)
        for name, strategy in built.items():
            result = bench(strategy, opts.n, opts.seed)
            best[name] = min(best.get(name, result), result)
    # Calibration: the cost of drawing nothing at all.  Everything below pays
    # this per value; on a busy machine it moves, and the table moves with it.
    floor = best["(floor)"][0]
    print(f"load average at start {load_before:.2f}, at end {os.getloadavg()[0]:.2f}")
    print(f"hypothesis floor ({floor_name}): {floor:.2f} s per {opts.n} values (best of {repeat} runs)\n")
    print(f"{'name':32} {'seconds':>8} {'values':>7} {'values/s':>9} {'net s':>6}  status")
    slow = 0
    for name in names:
        seconds, drawn = best[name]
        # The target is per 10,000 values; scale when fewer were drawn
        # (smaller --n, or the engine stopped early on a finite strategy).
        projected = seconds * 10_000 / drawn if drawn else float("inf")
        status = "OK" if projected < TARGET_SECONDS else "SLOW"
        slow += status == "SLOW"
        rate = drawn / seconds if seconds else float("inf")
        print(f"{name:32} {seconds:8.2f} {drawn:7d} {rate:9.0f} {seconds - floor:6.2f}  {status}", flush=True)
    print(f"\n{len(names) - slow}/{len(names)} under {TARGET_SECONDS:.0f} s per 10,000 values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
