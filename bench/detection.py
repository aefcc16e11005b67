"""Detection: does the suite catch every injected fault of every reference API, and how fast?

    .venv/bin/python bench/detection.py [--api NAME ...] [--fault KIND ...] [--profile dev]

For every fault kind each reference API declares applicable (``reference.faults(name)``), it
reuses ``conformance.faultmatrix.run_fault``: start the faulty server, pick the suite tests that
exercise the fault (``faultmatrix.select``), run them with pytest and read the failure classes
from the JUnit report. With ``stats=True`` the pytest child also loads the fault-matrix stats
plugin, which counts every request the Transport sends and notes the first failing verdict, so
each row gets:

- caught: a failure of one of the expected classes (``faultmatrix.EXPECTED``) was reported;
- req→fail: requests sent until the first failing verdict, in the test that caught the fault
  with the fewest (setup and control requests included; a failure the suite raises itself
  after comparing answers, e.g. ReplayNotHonoured, counts all the test's requests);
- requests: all requests the row's selected tests sent;
- shrink s: seconds from the first failure to the end of the test (Hypothesis shrinking plus
  the final replay that reports the minimal example), the longest among the tests that caught
  the fault (0 for tests without a varied value: nothing to shrink). The ``dev`` profile (15
  examples, with shrinking, the default of a local run) is used, so this is what a user waits for;
- class: the failure classes reported (class x number of tests).

Prints the table and the kill rate (caught / applicable). Target: every fault caught.
Exit status 1 if a fault escapes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conformance import reference  # noqa: E402
from faultmatrix import applicable_faults, run_fault  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", nargs="*", default=None, help="reference APIs (default: all available)")
    parser.add_argument("--fault", nargs="*", default=None, help="fault kinds (default: all applicable)")
    parser.add_argument("--profile", default="dev", help="Hypothesis profile of the suite run (default dev)")
    args = parser.parse_args()

    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs); profile {args.profile}")
    header = f"{'api':<22}{'fault':<23}{'caught':<8}{'req→fail':>9}{'requests':>9}{'shrink s':>9}{'run s':>7}  class"
    print(header)
    print("-" * len(header))
    rows = []
    started = time.monotonic()
    for api in args.api or reference.available():
        for fault in applicable_faults(api):
            if args.fault and fault.kind not in args.fault:
                continue
            row = run_fault(api, fault, profile=args.profile, stats=True)
            rows.append(row)
            first = row.first_failure
            to_fail = str(first["requests_to_failure"]) if first else "-"
            shrink = f"{row.shrink_seconds:.1f}" if row.shrink_seconds is not None else "-"
            found = ", ".join(f"{name}×{count}" for name, count in sorted(row.found.items())) or "no failure"
            if row.error:
                found = "ERROR: " + row.error.strip().splitlines()[-1][:80]
            print(f"{api:<22}{fault.kind:<23}{'yes' if row.caught else 'NO':<8}{to_fail:>9}{row.requests:>9}{shrink:>9}"
                  f"{row.seconds:>7.1f}  {found}", flush=True)
    caught = sum(row.caught for row in rows)
    escaped = [f"{row.api}:{row.fault}" for row in rows if not row.caught]
    print()
    print(f"kill rate: {caught}/{len(rows)} = {caught / max(len(rows), 1):.0%}"
          f"{'' if not escaped else '  escaped: ' + ', '.join(escaped)}")
    firsts = sorted(row.first_failure["requests_to_failure"] for row in rows if row.first_failure)
    shrinks = sorted(row.shrink_seconds for row in rows if row.shrink_seconds is not None)
    if firsts:
        print(f"requests to first failure: median {firsts[len(firsts) // 2]}, max {firsts[-1]}")
    if shrinks:
        print(f"seconds to shrink: median {shrinks[len(shrinks) // 2]:.1f}, max {shrinks[-1]:.1f}")
    load = os.getloadavg()
    print(f"total {time.monotonic() - started:.0f} s; load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0 if not escaped else 1


if __name__ == "__main__":
    sys.exit(main())
