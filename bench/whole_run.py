"""Wall time and peak memory of the default conformance run (five catalogs, embedded APIs).

    .venv/bin/python bench/whole_run.py [--workers 0 2] [--repeat 1] [-- extra pytest args]

Runs ``python -m pytest suites -p no:randomly -q`` (and the same with ``-n 2`` for ``--workers 2``)
as a child process and reports, for each:

- wall time from spawn to exit;
- peak RSS of the whole process tree: every 0.1 s the VmRSS of the pytest process and all its
  descendants (xdist workers, reference API servers) is read from /proc and summed; the peak
  of that sum is the figure. ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the largest
  single process, not the sum) is printed next to it;
- the pytest summary line, its FAILED/ERROR lines, and the load average (``os.getloadavg()``) before and after, since the
  machine is shared and wall time grows with load.

``--bytecode`` lets the child write and reuse .pyc files (it unsets PYTHONDONTWRITEBYTECODE,
which makes every process - pytest, xdist workers, five API servers - compile every module, and
pytest assertion-rewrite every plugin module, at each start); extra arguments after ``--`` go
to pytest (e.g. ``-- -p no:schemathesis``).

Targets: under 60 s and under 500 MB (2-core machine). Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WALL_TARGET = 60.0
RSS_TARGET_MB = 500.0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> int:
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kib(pid)
        stack.extend(tree.get(pid, []))
    return total


def measure(workers: int, extra: list[str], *, bytecode: bool = False) -> dict:
    command = [sys.executable, "-m", "pytest", "suites", "-p", "no:randomly", "-q", "-p", "no:cacheprovider", *extra]
    if workers:
        command += ["-n", str(workers)]
    load_before = os.getloadavg()
    peak = 0
    started = time.perf_counter()
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    reader.join(5)
    summary = next((line.strip() for line in reversed(output) if re.search(r"\b(passed|failed|error)", line)), "?")
    return {
        "failed": [line.strip() for line in output if line.startswith(("FAILED", "ERROR"))],
        "command": ("" if bytecode or not os.environ.get("PYTHONDONTWRITEBYTECODE") else "PYTHONDONTWRITEBYTECODE=1 ")
        + " ".join(["python", *command[1:]]),
        "wall": wall,
        "peak_mb": peak / 1024,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "summary": summary,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "returncode": process.returncode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2], help="0 = no xdist")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--bytecode", action="store_true",
                        help="let the child write/read .pyc caches (unset PYTHONDONTWRITEBYTECODE)")
    args, extra = parser.parse_known_args()
    extra = [arg for arg in extra if arg != "--"]
    ok = True
    for workers in args.workers:
        for _ in range(args.repeat):
            result = measure(workers, extra, bytecode=args.bytecode)
            missed = []
            if result["wall"] > WALL_TARGET:
                missed.append(f"wall over {WALL_TARGET:.0f} s by {result['wall'] - WALL_TARGET:.1f} s")
            if result["peak_mb"] > RSS_TARGET_MB:
                missed.append(f"RSS over {RSS_TARGET_MB:.0f} MB by {result['peak_mb'] - RSS_TARGET_MB:.0f} MB")
            ok &= not missed
            lb, la = result["load_before"], result["load_after"]
            print(f"$ {result['command']}")
            print(f"  wall {result['wall']:.1f} s   peak RSS (tree sum) {result['peak_mb']:.0f} MB   "
                  f"largest process (ru_maxrss, children so far) {result['maxrss_mb']:.0f} MB")
            print(f"  {result['summary']}   exit {result['returncode']}")
            for line in result["failed"]:
                print(f"  {line[:160]}")
            print(f"  load average before {lb[0]:.2f} {lb[1]:.2f} {lb[2]:.2f}, after {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} "
                  f"({os.cpu_count()} CPUs)")
            print(f"  {'targets met' if not missed else 'MISSED: ' + '; '.join(missed)}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
