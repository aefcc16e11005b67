"""Per-value cost and shrunk size of every registry strategy, through Hypothesis's public API only.

    python bench/strategies.py [--n 10000] [--batch 10] [--seed 0] [--repeat 3] [--no-shrink] [NAME ...]

Cost: a ``@given(st.data())`` test, generate phase only, draws ``--batch``
values per example with ``data.draw`` until ``--n`` values are drawn; the
per-example engine bookkeeping (about 0.5 ms, whatever the strategy) is
spread over the batch.  The first line is a calibration (one integer
choice, ``st.integers(min_value=0)``, drawn the same way; ``st.none()`` would
stop the engine after one example): the fixed cost of Hypothesis itself,
which the "net" column subtracts.  The target applies to the total per 10,000 values (2 s:
0.2 ms a value, a fifth of one loopback HTTP round trip).  Every figure is
the best of ``--repeat`` interleaved passes (as ``timeit`` reports: other
processes on a shared machine only ever add time).

Shrink: for each strategy and each of the characters in ``SHRINK_CHARS``,
``hypothesis.find`` (no database, derandomized) shrinks a value whose text
contains that character, the way a failure that depends on one character
of the input shrinks; the column is the median length of those shrunk
values (text of ``str``, ``bytes`` or ``repr`` of anything else), and the
last line the median over all strategies and characters.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

# Allow running from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, find, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import HypothesisWarning, NoSuchExample, Unsatisfiable  # noqa: E402

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
    "string.matching": {"pattern": "[a-z0-9]+([._-][a-z0-9]+)*"},
    "string.not_matching": {"pattern": "[a-z0-9]+([._-][a-z0-9]+)*"},
    "json_type.wrong": {"expected": "string"},
    "json_body.oversized": {"size": 1_048_576},
    "credential.missing": {"scheme": "Bearer"},
    "credential.empty": {"scheme": "Bearer"},
    "credential.wrong_scheme": {"scheme": "Bearer"},
    "credential.garbage": {"scheme": "Bearer"},
    "credential.whitespace": {"scheme": "Bearer"},
    "credential.invalid": {"scheme": "Bearer"},
}


# One failure that depends on a digit, a letter, a separator, a capital.
SHRINK_CHARS = "7x-%Z"
SHRINK_SETTINGS = settings(
    database=None, derandomize=True, max_examples=300, deadline=None, suppress_health_check=list(HealthCheck)
)


def bench_draw(strategy: Any, n: int, seed: int, batch: int) -> tuple[float, int]:
    """Seconds to draw ``n`` values of ``strategy`` ``batch`` per example, and how many were drawn."""
    count = [0]

    @settings(
        max_examples=max(1, n // batch),
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def run(data: Any) -> None:
        for _ in range(batch):
            data.draw(strategy)
            count[0] += 1  # a filter that gives up ends the example: counted as drawn so far

    run = hypothesis_seed(seed)(run)
    start = time.perf_counter()
    run()
    return time.perf_counter() - start, count[0]


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return repr(value)


def shrunk_lengths(strategy: Any) -> list[int | None]:
    """Length of the shrunk value containing each of ``SHRINK_CHARS`` (None: no value has it)."""
    lengths: list[int | None] = []
    # find() reprs the value it found: a 1 MB body warns that this is slow.
    warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
    for char in SHRINK_CHARS:
        try:
            value = find(strategy, lambda v, c=char: c in as_text(v), settings=SHRINK_SETTINGS)
        except (NoSuchExample, Unsatisfiable):
            lengths.append(None)
        else:
            lengths.append(len(as_text(value)))
    return lengths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="registry names (default: all)")
    parser.add_argument("--n", type=int, default=10_000, help="values per strategy")
    parser.add_argument("--batch", type=int, default=10, help="values drawn per Hypothesis example")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per strategy; the best is reported")
    parser.add_argument("--no-shrink", action="store_true", help="skip the shrink measurement")
    opts = parser.parse_args(argv)

    names = opts.names or strategies.names()
    repeat = max(1, opts.repeat)
    built = {"(floor)": st.integers(min_value=0)}
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
            result = bench_draw(strategy, opts.n, opts.seed, opts.batch)
            best[name] = min(best.get(name, result), result)
    floor_seconds, floor_drawn = best["(floor)"]
    floor_us = floor_seconds / floor_drawn * 1e6
    print(f"load average at start {load_before:.2f}, at end {os.getloadavg()[0]:.2f}")
    print(f"hypothesis floor (st.integers(min_value=0)): {floor_us:.1f} us per value, {opts.batch} values per example (best of {repeat} runs)\n")
    print(f"{'name':32} {'s/10k':>6} {'us/value':>8} {'net us':>7} {'shrunk':>7}  status")
    slow = 0
    all_lengths: list[int] = []
    for name in names:
        seconds, drawn = best[name]
        # The target is per 10,000 values; scale when fewer were drawn.
        projected = seconds * 10_000 / drawn if drawn else float("inf")
        per_value = seconds / drawn * 1e6 if drawn else float("inf")
        status = "OK" if projected < TARGET_SECONDS else "SLOW"
        slow += status == "SLOW"
        shrunk = "-"
        if not opts.no_shrink:
            lengths = [n for n in shrunk_lengths(built[name]) if n is not None]
            all_lengths += lengths
            shrunk = f"{statistics.median(lengths):g}" if lengths else "none"
        print(f"{name:32} {projected:6.2f} {per_value:8.1f} {per_value - floor_us:7.1f} {shrunk:>7}  {status}", flush=True)
    print(f"\n{len(names) - slow}/{len(names)} under {TARGET_SECONDS:.0f} s per 10,000 values")
    if all_lengths:
        print(
            f"median shrunk length {statistics.median(all_lengths):g} over {len(all_lengths)} shrinks "
            f"(characters {SHRINK_CHARS!r}; mean {statistics.mean(all_lengths):.1f}, max {max(all_lengths)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
