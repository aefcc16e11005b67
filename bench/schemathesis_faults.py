"""Which faults of the reference APIs does schemathesis catch, with and without the catalog checks?

For every fault kind of every reference API (``reference.faults(name)``), start the faulty
server, run schemathesis over its /openapi.json twice (negative then positive mode, a few
examples per operation): once with the built-in checks meaningful for error contracts
(``conformance.openapi.run.BUILTIN_CHECKS`` + ``negative_data_rejection``), once with
``catalog_conformance`` added. Prints a table. A conforming server (fault "-") is the control:
it must be caught by neither.

    .venv/bin/python bench/schemathesis_faults.py [--api NAME ...] [--examples N] [--budget S]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conformance import reference  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from conformance.catalog import load_catalog  # noqa: E402
from conformance.openapi.checks import catalog_check  # noqa: E402
from conformance.openapi.run import BUILTIN_CHECKS, NEGATIVE_CHECKS, builtin_checks, fetch_document, run_schema  # noqa: E402


def _plain(document, catalog):
    """The document with its error code/status members as plain types (no ``enum``), as most real specs have them."""
    names = {loc.pointer.rsplit("/", 1)[-1] for env in catalog.envelopes.values()
             for loc in (env.code, env.status) if loc is not None and loc.pointer}

    def walk(node):
        if isinstance(node, dict):
            for name in names:
                prop = (node.get("properties") or {}).get(name)
                if isinstance(prop, dict):
                    prop.pop("enum", None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return document


def _run(url: str, catalog, headers: dict, *, ours: bool, examples: int, budget: float, plain: bool = False):
    extra = [catalog_check(catalog)] if ours else []
    document = fetch_document(url + "/openapi.json")
    result = run_schema(
        _plain(document, catalog) if plain else document,
        base_url=url,
        headers=headers,
        checks=[*builtin_checks(BUILTIN_CHECKS), *extra],
        negative_checks=[*builtin_checks(NEGATIVE_CHECKS), *extra],
        modes=(GenerationMode.NEGATIVE, GenerationMode.POSITIVE),
        max_examples=examples,
        budget_seconds=budget,
    )
    return result


def _titles(result, *, catalog_only: bool) -> list[str]:
    titles: list[str] = []
    for finding in result.findings:
        titles.extend(finding.titles)
    titles = list(dict.fromkeys(titles))
    return [t for t in titles if t.endswith("(catalog)") == catalog_only]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", action="append", help="reference API, repeatable (default flowbrite; each other API adds a few minutes)")
    parser.add_argument("--examples", type=int, default=4, help="examples per operation and mode (default 4)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per schemathesis run (default 20)")
    args = parser.parse_args(argv)
    names = args.api or ["flowbrite"]
    rows = []
    started = time.monotonic()
    for name in names:
        try:
            catalog = load_catalog(name)
            kinds = [info.kind for info in reference.faults(name) if info.applies]
        except Exception as exc:  # noqa: BLE001 - an API still being written is skipped, not fatal
            print(f"skip {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        key = reference.credentials(name).get("primary")
        headers = {catalog.auth.header: f"{catalog.auth.scheme} {key}" if catalog.auth.scheme else key} if key else {}
        for kind in [None, *kinds]:
            try:
                server = reference.start(name, fault=kind)
            except Exception as exc:  # noqa: BLE001
                print(f"skip {name} {kind}: {exc}", file=sys.stderr)
                continue
            try:
                builtin = _run(server.url, catalog, headers, ours=False, examples=args.examples, budget=args.budget)
                plain = _run(server.url, catalog, headers, ours=False, examples=args.examples, budget=args.budget, plain=True)
                with_ours = _run(server.url, catalog, headers, ours=True, examples=args.examples, budget=args.budget)
            finally:
                server.stop()
            b_titles = _titles(builtin, catalog_only=False)
            o_titles = _titles(with_ours, catalog_only=True)
            p_titles = _titles(plain, catalog_only=False)
            rows.append((name, kind or "- (conforming)", bool(b_titles), bool(p_titles), bool(b_titles) or bool(o_titles),
                         "; ".join(b_titles) or "-", "; ".join(o_titles) or "-"))
            print(f"  {name:<10} {kind or '-':<22} done", file=sys.stderr)
    header = ("api", "fault", "built-ins", "built-ins*", "with catalog", "built-in findings", "catalog findings")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(2)]
    print(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]:<9}  {header[3]:<10}  {header[4]:<12}  {header[5]} | {header[6]}")
    for api, fault, b, p, o, bt, ot in rows:
        mark = lambda flag: "caught" if flag else "-"  # noqa: E731
        print(f"{api:<{widths[0]}}  {fault:<{widths[1]}}  {mark(b):<9}  {mark(p):<10}  {mark(o):<12}  {bt} | {ot}")
    print("built-ins*: the same built-in checks on the document with its code/status members as plain types (no enum)")
    only = [f"{api}:{fault}" for api, fault, b, p, o, *_ in rows if o and not b]
    only_plain = [f"{api}:{fault}" for api, fault, b, p, o, *_ in rows if o and not p]
    print(f"\n{len(rows)} runs in {time.monotonic() - started:.0f} s; caught only with the catalog checks: {', '.join(only) or 'none'}")
    print(f"with plain code members, caught only with the catalog checks: {', '.join(only_plain) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
