"""``conformance`` (also ``python -m conformance``): run the suites; list, lint and diff
catalogs; list strategies; write the format's schema."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .catalog import CatalogError, builtin_names, diff_catalogs, load_catalog
from .catalog.loader import lint as lint_catalog


def _list(_: argparse.Namespace) -> int:
    for name in builtin_names():
        try:
            catalog = load_catalog(name)
        except CatalogError as exc:
            print(f"{name:<24} BROKEN ({len(exc.problems)} problems; run: python -m conformance lint {name})")
            continue
        provokable = sum(1 for entry in catalog.errors if entry.provokable)
        print(
            f"{name:<24} {len(catalog.errors):>3} codes  {provokable:>3} provokable  "
            f"{len(catalog.probes):>3} probes  {catalog.api.title}"
        )
    return 0


def _strategies(_: argparse.Namespace) -> int:
    """What a probe's ``vary.strategy`` can name: arguments (required ones marked ``*``) and rule."""
    from conformance import strategies

    for name in strategies.names():
        info = strategies.describe(name)
        params = ", ".join(f"{param}{'*' if required else ''}" for param, required in info.parameters)
        print(f"{name:<30} {'invalid' if info.invalid else 'valid':<8} {params or '-'}")
        print(f"    {info.summary}")
    return 0


def _lint(args: argparse.Namespace) -> int:
    failed = False
    for target in args.catalogs:
        try:
            warnings = lint_catalog(target)
        except CatalogError as exc:
            failed = True
            for problem in exc.problems:
                print(problem)
            continue
        for warning in warnings:  # a TODO left to review: shown, exit status unchanged
            print(warning)
    return 1 if failed else 0


def _diff(args: argparse.Namespace) -> int:
    try:
        old, new = load_catalog(args.old), load_catalog(args.new)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem)
        return 2
    result = diff_catalogs(old, new)
    for line in result.lines():
        print(line)
    if not result.lines():
        print("no code added, removed or changed")
    return 1 if result.breaking else 0


def _openapi_lint(args: argparse.Namespace) -> int:
    from .openapi.lint import run

    return run(args.catalog, args.spec)


def _draft(args: argparse.Namespace) -> int:
    from .draft.command import run

    return run(args.spec, args.output, force=args.force)


def _schema(args: argparse.Namespace) -> int:
    from .catalog import schema

    if args.check:
        current = schema.SCHEMA_PATH.read_text(encoding="utf-8") if schema.SCHEMA_PATH.exists() else ""
        if current != schema.render():
            print(f"{schema.SCHEMA_PATH.name} is out of date: run python -m conformance schema")
            return 1
        return 0
    print(schema.write())
    return 0


RUN_USAGE = "conformance run --catalog NAME|PATH [--base-url URL | --app MODULE:ATTR] [--api-key KEY] [pytest options]"


def run_suites(argv: Sequence[str]) -> int:
    """The conformance suites of the distribution under pytest, with ``argv`` as its
    options; pytest's exit status. Usage errors are pytest's, credentials redacted."""
    import pytest

    if argv and argv[0] in ("-h", "--help"):
        print(f"usage: {RUN_USAGE}\n\nRuns the packaged conformance suites; every pytest option applies "
              "(see pytest --help, group 'error-contract conformance').")
        return 0
    plugins = ["-p", "conformance.plugin", "-p", "conformance.report.plugin"]  # also with plugin autoload off
    return int(pytest.main([*plugins, "--pyargs", "conformance.suites", *joined_values(argv)]))


# The plugin's options that take a value. pytest picks its rootdir before plugins load and
# reads a word after an option it does not know yet as a path: "--catalog ../x.yaml" would make
# the rootdir the common ancestor of "../x.yaml" and the working directory.
VALUE_OPTIONS = frozenset({"--catalog", "--api-key", "--app", "--base-url", "--max-rps", "--max-requests",
                           "--request-timeout", "--max-body", "--conformance-report", "--hypothesis-redis"})


def joined_values(argv: Sequence[str]) -> list[str]:
    """``--catalog PATH`` as ``--catalog=PATH``, for every option of ``VALUE_OPTIONS``."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        value = next(words, None) if word in VALUE_OPTIONS else None
        out.append(word if value is None else f"{word}={value}")
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="conformance", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    # Parsed by pytest, not here (see main): listed for --help.
    commands.add_parser("run", help="run the conformance suites: " + RUN_USAGE, add_help=False)
    commands.add_parser("list", help="built-in catalogs with their code counts").set_defaults(run=_list)
    commands.add_parser(
        "strategies", help="strategies a probe can vary with: arguments (* required) and the rule"
    ).set_defaults(run=_strategies)
    lint = commands.add_parser("lint", help="schema and semantic checks; exit 1 on any problem")
    lint.add_argument("catalogs", nargs="+", metavar="PATH|NAME")
    lint.set_defaults(run=_lint)
    diff = commands.add_parser("diff", help="append-only check: exit 1 if NEW breaks OLD")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.set_defaults(run=_diff)
    openapi = commands.add_parser("openapi-lint", help="catalog vs OpenAPI document consistency")
    openapi.add_argument("catalog", metavar="CATALOG")
    openapi.add_argument("spec", metavar="SPEC")
    openapi.set_defaults(run=_openapi_lint)
    draft = commands.add_parser("draft", help="draft a catalog from an OpenAPI 3.0/3.1 document (file or URL)")
    draft.add_argument("spec", metavar="SPEC")
    draft.add_argument("-o", "--output", metavar="PATH", help="write the draft here (default: standard output)")
    draft.add_argument("--force", action="store_true", help="overwrite an existing output file")
    draft.set_defaults(run=_draft)
    schema = commands.add_parser("schema", help="write catalogs/catalog.schema.json from the model")
    schema.add_argument("--check", action="store_true", help="exit 1 if the committed schema is stale")
    schema.set_defaults(run=_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["run"]:
        return run_suites(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
