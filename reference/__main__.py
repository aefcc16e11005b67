"""``python -m conformance.reference NAME [--port N] [--host 127.0.0.1] [--fault KIND] [--latency MS]``.

Prints exactly one line ``NAME listening on http://HOST:PORT`` once accepting connections,
then serves until killed. ``--list`` prints the API names, ``--list-faults`` the fault kinds
(with ``NAME``: what each kind changes on that API).
"""
from __future__ import annotations

import argparse
import sys

from . import APIS, available, faults, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance.reference", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", choices=APIS, help="reference API to serve")
    parser.add_argument("--port", type=int, default=0, help="0 = a free port (default)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--fault", default=None, help="inject a defect (see --list-faults)")
    parser.add_argument("--latency", default=None, metavar="MS",
                        help="delay each answer: 50 (fixed) or 40-60 (jittered); env REFERENCE_LATENCY")
    parser.add_argument("--list", action="store_true", help="print the API names")
    parser.add_argument("--list-faults", action="store_true", help="print the fault kinds")
    args = parser.parse_args(argv)

    if args.list:
        avail = set(available())
        for name in APIS:
            print(name if name in avail else f"{name} (not available)")
        return 0
    if args.list_faults:
        if args.name:
            for info in faults(args.name):
                if info.applies:
                    print(f"{info.kind}: {info.affects or info.summary}")
                else:
                    print(f"{info.kind}: does not apply ({info.reason})")
        else:
            for info in faults():
                print(f"{info.kind}: {info.summary}")
        return 0
    if not args.name:
        parser.error("NAME is required (or --list / --list-faults)")
    try:
        from ._machinery.latency import wrap
        app = wrap(load(args.name).build_app(fault=args.fault), args.latency)
    except ModuleNotFoundError as exc:
        print(f"reference API {args.name!r} is not available: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from ._machinery.server import serve_forever
    try:
        serve_forever(app, args.name, args.host, args.port)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
