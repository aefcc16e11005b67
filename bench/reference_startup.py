"""Start every available reference API (subprocess mode) and report time-to-ready and memory.

    python bench/reference_startup.py [--repeat N]

Prints one line per API (time from start() to ready, VmRSS of the server process) and the total
RSS with all of them running at once. Targets: each < 2 s, all five together < 300 MB.
Exit status 1 if a target is missed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from conformance import reference  # noqa: E402


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="start each API N times; report the worst")
    args = parser.parse_args()
    names = reference.available()
    missing = [n for n in reference.APIS if n not in names]
    servers = []
    ok = True
    print(f"{'api':<24}{'ready (s)':>10}{'RSS (MB)':>10}")
    try:
        for name in names:
            worst = 0.0
            srv = None
            for i in range(args.repeat):
                if srv is not None:
                    srv.stop()
                t0 = time.perf_counter()
                srv = reference.start(name)
                worst = max(worst, time.perf_counter() - t0)
            servers.append(srv)
            time.sleep(0.05)
            mb = rss_kib(srv.pid) / 1024
            flag = "" if worst < 2.0 else "  (over 2 s)"
            ok &= worst < 2.0
            print(f"{name:<24}{worst:>10.3f}{mb:>10.1f}{flag}", flush=True)
        total = sum(rss_kib(s.pid) for s in servers) / 1024
        print(f"{'total (' + str(len(servers)) + ' running)':<24}{'':>10}{total:>10.1f}")
        if missing:
            print(f"not available: {', '.join(missing)}")
        ok &= total < 300
    finally:
        for s in servers:
            s.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
