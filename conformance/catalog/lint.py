"""Semantic rules a catalog must follow beyond its schema.

Each rule has a short name shown in brackets after the message, so a team can look it
up in docs/catalog.md.
"""

from __future__ import annotations

import difflib
import re
import string
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .model import Catalog, Expectation, Step
from .positions import Located, dotted
from .problems import Problem

BUILTIN_PLACEHOLDERS = frozenset({"uuid", "ulid", "unique"})
TODO = re.compile(r"\bTODO\b")


def semantic_problems(catalog: Catalog, located: Located, name: str) -> list[Problem]:
    problems: list[Problem] = []

    def report(path: tuple[Any, ...], message: str, rule: str) -> None:
        line, col = located.position(path)
        problems.append(Problem(name, line, col, message, rule))

    codes: dict[str, int] = {}
    for index, entry in enumerate(catalog.errors):
        if entry.code in codes:
            report(("errors", index, "code"), f"duplicate code '{entry.code}' (first at errors[{codes[entry.code]}])", "unique-codes")
        else:
            codes[entry.code] = index

    def suggest(code: str) -> str:
        close = difflib.get_close_matches(code, codes, n=1)
        return f"; did you mean '{close[0]}'?" if close else ""

    for env_name, envelope in catalog.envelopes.items():
        _check_schema(envelope.schema_, ("envelopes", env_name, "schema"), report)

    for index, entry in enumerate(catalog.errors):
        where = ("errors", index)
        envelope = catalog.envelopes.get(entry.envelope)
        if envelope is None:
            report(where + ("envelope",), f"unknown envelope '{entry.envelope}'; defined: {', '.join(catalog.envelopes)}", "known-envelope")
        elif envelope.status_map:
            allowed = set(envelope.status_map.values())
            for status in entry.explicit_statuses:
                if status not in allowed:
                    report(
                        where + ("status",),
                        f"status {status} of '{entry.code}' is not in envelope '{entry.envelope}' status_map (allows {sorted(allowed)})",
                        "status-map",
                    )
        _check_schema(entry.schema_, where + ("schema",), report)
        if entry.planned is not None:
            target = entry.planned.surfaces_as
            if target not in codes:
                report(where + ("planned", "surfaces_as"), f"planned code surfaces as undefined code '{target}'{suggest(target)}", "defined-codes")
            elif target == entry.code:
                report(where + ("planned", "surfaces_as"), "a planned code cannot surface as itself", "defined-codes")

    credentials = set(catalog.auth.credentials)
    seen_probes: dict[str, int] = {}
    for index, probe in enumerate(catalog.probes):
        where = ("probes", index)
        if probe.id in seen_probes:
            report(where + ("id",), f"duplicate probe id '{probe.id}'", "unique-probes")
        seen_probes.setdefault(probe.id, index)
        codes_at = ("expect", "code") if isinstance(probe.expect, Expectation) else ("expect",)
        listed = isinstance(probe.expect.code if isinstance(probe.expect, Expectation) else probe.expect, list)
        for position, code in enumerate(probe.expected_codes):
            path = where + (codes_at + (position,) if listed else codes_at)
            entry = catalog.code(code)
            if entry is None:
                report(path, f"probe expects unknown code '{code}'{suggest(code)}", "defined-codes")
            elif not entry.provokable:
                report(path, f"probe expects '{code}', which the catalog marks as not provokable", "provokable")
        pinned_at = ("expect", "status") if isinstance(probe.expect, Expectation) and probe.expect.status is not None \
            else ("request", "expect_status")
        allowed = {status for code in probe.expected_codes if (entry := catalog.code(code)) for status in entry.statuses}
        for position, status in enumerate(probe.pinned_statuses):
            if probe.expected_codes and status not in allowed:
                many = isinstance(probe.expect.status, list) if pinned_at[0] == "expect" else True
                report(where + (pinned_at + (position,) if many else pinned_at),
                       f"{pinned_at[-1]} {status} is no status of the expected codes (they allow [{', '.join(map(str, catalog.status_tokens(probe.expected_codes)))}])", "expect-status")
        if probe.writes is False and probe.mode is not None:
            # An idempotency scenario repeats a request because it has an effect (RFC 9110 9.2.2).
            report(where + ("writes",), f"an idempotency '{probe.mode}' probe writes; 'writes: false' would run it under -m \"not writes\"", "writes")
        if probe.kind == "rate-limit":
            burst = probe.burst
            if burst is not None and burst.credential is not None and burst.credential not in credentials:
                report(where + ("burst", "credential"), f"unknown credential '{burst.credential}'", "known-credential")
        captured: set[str] = set()
        steps = [(where + ("setup", i), step) for i, step in enumerate(probe.setup)] + [(where + ("request",), probe.request)]
        for path, step in steps:
            if step.credential is not None and step.credential not in credentials:
                report(path + ("credential",), f"unknown credential '{step.credential}'; defined: {', '.join(sorted(credentials)) or 'none'}", "known-credential")
            if probe.writes is not None and step.writes is not None:
                # The probe's own 'writes' decides its marker: the step's would be read and ignored.
                report(path + ("writes",), "the probe's own 'writes' overrides this step's; keep one of them", "writes")
            for placeholder in _placeholders(step):
                if placeholder not in captured and placeholder not in BUILTIN_PLACEHOLDERS and not (
                    probe.vary and probe.vary.target == "path" and placeholder == probe.vary.name
                ):
                    report(path, f"placeholder '{{{placeholder}}}' is neither captured by an earlier step nor built in", "placeholders")
            captured.update(step.capture)
        if probe.vary is not None:
            _check_strategy(probe.vary.strategy, probe.vary.args, where + ("vary", "strategy"), report)
            if probe.vary.target == "path" and "{" + str(probe.vary.name) + "}" not in probe.request.path:
                report(where + ("vary", "name"), f"path has no '{{{probe.vary.name}}}' to vary", "vary-target")
        if probe.kind in ("field", "identifier", "body") and probe.vary is None:
            report(where, f"a '{probe.kind}' probe needs 'vary'", "vary-target")
    return problems


def todo_warnings(located: Located, name: str) -> list[Problem]:
    """Rule ``todo`` (a warning): a value still saying ``TODO``, as a drafted catalog leaves
    where the document did not say (``conformance draft``). The catalog loads and runs; the
    warning says what a reviewer has left to decide. Comments are not values: not reported."""
    found: list[Problem] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, str) and TODO.search(value):
            line, col = located.position(path)
            text = value.strip().splitlines()[0]
            text = text if len(text) <= 72 else text[:69] + "..."
            found.append(Problem(name, line, col, f"{dotted(path)}: {text}", "todo", "warning"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + (index,))

    walk(located.data, ())
    return found


def _check_schema(schema: dict[str, Any] | None, path: tuple[Any, ...], report) -> None:
    if schema is None:
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = path + tuple(exc.path)
        report(where, f"invalid JSON Schema: {exc.message}", "json-schema")


def _placeholders(step: Step) -> set[str]:
    found: set[str] = set()

    def scan(value: Any) -> None:
        if isinstance(value, str):
            for _, field, _, _ in string.Formatter().parse(value.replace("{{", "").replace("}}", "")):
                if field:
                    found.add(field)
        elif isinstance(value, dict):
            for item in value.values():
                scan(item)
        elif isinstance(value, list):
            for item in value:
                scan(item)

    try:
        scan([step.path, step.headers, step.query, step.json_, step.body])
    except ValueError:
        pass  # a lone brace is literal text, not a placeholder
    return found




def _check_strategy(name: str, args: dict[str, Any], path: tuple[Any, ...], report) -> None:
    from conformance import strategies  # lazily: the lint works on catalogs even where strategies is broken

    try:
        strategies.get(name, **args)
    except KeyError as exc:
        report(path, str(exc.args[0]) if exc.args else f"unknown strategy '{name}'", "known-strategy")
    except Exception as exc:  # the registry rejects the arguments
        report(path, f"strategy '{name}' rejects its args: {exc}", "strategy-args")
