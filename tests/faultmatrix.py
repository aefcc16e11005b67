"""The fault matrix: run the suites against each injected defect of the reference APIs.

For every fault kind a reference API declares (``reference.faults(name)``), pick the suite
tests that exercise what it breaks, run them with pytest against the faulty server, and read
the failure classes they raise. A fault is caught when one of its expected classes appears.
Used by tests/test_fault_matrix.py (the proof) and bench/detection.py (the figures); it
patches the transport for its figures, so it lives with the tests, not in the product package.

Data interface (for benches and tests that need the faults without running them):

* :data:`EXPECTED` - fault kind -> the failure classes that catch it (one of them suffices);
* :func:`cases` - every ``FaultCase(api, fault, expected)``: each applicable fault of each
  reference API (``fault`` is the ``reference.faults(api)`` entry) with the classes that must
  report it;
* :func:`run_faults` - run several faults of *different* APIs in one pytest child (each API's
  embedded server started with its fault), one :class:`MatrixRow` per fault; :func:`rounds`
  groups cases so; :func:`run_fault` runs one fault alone (its ``seconds`` are its own);
  :func:`run_clean` runs the same selections against the conforming servers (the control).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from conformance.catalog import load_catalog
from conformance.catalog.model import Catalog, Probe

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# The failure classes each fault kind must produce (one of them suffices).
EXPECTED: dict[str, frozenset[str]] = {
    "wrong-status": frozenset({"WrongStatus"}),
    "code-case": frozenset({"UnknownCode"}),
    "unknown-code": frozenset({"UnknownCode"}),
    "missing-member": frozenset({"EnvelopeViolation"}),
    "wrong-media-type": frozenset({"WrongMediaType"}),
    "body-status-mismatch": frozenset({"BodyStatusMismatch"}),
    "missing-header": frozenset({"MissingHeader"}),
    "accept-invalid": frozenset({"InvalidInputAccepted"}),
    "html-500": frozenset({"ServerError"}),  # a 500 to an invalid request (Also: Unparseable error body)
    # same-response APIs: the replay differs; conflict APIs (Flowbrite): the reuse is accepted
    "replay-ignored": frozenset({"ReplayNotHonoured", "InvalidInputAccepted"}),
    "missing-detail-member": frozenset({"EnvelopeViolation"}),
    "stack-trace": frozenset({"InternalDetailsLeaked"}),
    "sql-leak": frozenset({"InternalDetailsLeaked"}),
}

# suite test of each probe kind
TESTS = {
    "auth": "test_auth.py::test_credential_rejected",
    "field": "test_fields.py::test_invalid_field_rejected",
    "identifier": "test_identifiers.py::test_identifier_rejected",
    "body": "test_bodies.py::test_malformed_body_rejected",
    "routing": "test_routing.py::test_unknown_route_or_method",
    "idempotency": "test_idempotency.py::test_idempotency",
    "duplicate": "test_duplicates.py::test_second_create_conflicts",
    "state": "test_states.py::test_state_conflict",
    "rate-limit": "test_rate_limits.py::test_burst_hits_rate_limit",
    "request": "test_requests.py::test_request_rejected",
}
MAX_PROBES = 4
STATS_ENV = "CONFORMANCE_FAULTMATRIX_STATS"  # set: the pytest child writes per-test request/shrink figures here
# A failed test's JUnit message is its failure's title, or "N distinct failures: T1; T2"
# (conformance.display); a suite error shows the exception's class name.
_FAILURE = re.compile(r"conformance\.engine\.failures\.(\w+)")


def _failure_names(message: str, text: str) -> list[str]:
    from conformance.engine.failures import ALL_FAILURES

    titles = {cls.title: cls.__name__ for cls in ALL_FAILURES}
    titles["Probe setup problem"] = "ProbeSetupError"
    shown = message.split(": ", 1)[1].split("; ") if " distinct failures: " in message else [message]
    names = [titles[title] for title in shown if title in titles]
    if names:
        return names
    match = _FAILURE.search(message + text)
    return [match.group(1)] if match else []


@dataclass
class MatrixRow:
    api: str
    fault: str
    expected: frozenset[str]
    selected: list[str]
    found: dict[str, int] = field(default_factory=dict)  # failure class -> tests failing with it
    seconds: float = 0.0
    requests: int = 0  # requests sent by the selected tests (with stats=True)
    error: str | None = None
    passed: int = 0  # selected tests that passed (the control: all of them)
    tests: dict[str, dict] = field(default_factory=dict)  # node id -> figures (with stats=True)

    @property
    def first_failure(self) -> dict | None:
        """The figures of the test that met a failure of an expected class after the fewest requests."""
        hits = [t for t in self.tests.values() if t.get("first_class") in self.expected or t.get("final_class") in self.expected]
        hits = [t for t in hits if t.get("requests_to_failure") is not None]
        return min(hits, key=lambda t: t["requests_to_failure"]) if hits else None

    @property
    def shrink_seconds(self) -> float | None:
        """The longest shrink among the tests that caught the fault (what a user waits for)."""
        hits = [t["shrink_seconds"] for t in self.tests.values()
                if t.get("shrink_seconds") is not None and (t.get("first_class") in self.expected or t.get("final_class") in self.expected)]
        return max(hits) if hits else None

    @property
    def caught(self) -> bool:
        return bool(self.expected & set(self.found))


def node_id(catalog: Catalog, probe: Probe) -> str:
    return f"{REPO / 'suites' / TESTS[probe.kind]}[{catalog.api.name}:{probe.id}]"


def select(catalog: Catalog, fault, spec: dict | None = None) -> list[Probe]:
    """The probes that exercise what ``fault`` breaks, at most MAX_PROBES of them."""
    probes = [probe for probe in catalog.probes if probe.kind != "rate-limit" or fault.kind == "missing-header"]
    kind = fault.kind
    if kind == "replay-ignored":
        chosen = [p for p in probes if p.kind == "idempotency" and p.mode in ("replay", "mismatch")]
    elif kind == "html-500":
        chosen = [p for p in probes if p.kind == "body"]
    elif fault.operations:
        routes = _routes(spec or {}, set(fault.operations))
        chosen = [p for p in probes if p.vary is not None and _matches(p, routes)]
    elif fault.codes:
        chosen = [p for p in probes if set(p.expected_codes) & set(fault.codes)]
    else:
        chosen = [p for p in probes if p.kind in ("auth", "field", "identifier", "routing", "request")]
        if kind == "missing-header":
            chosen += [p for p in probes if p.kind == "rate-limit"]
    # spread the selection over kinds so one slow kind does not take every slot
    by_kind: dict[str, list[Probe]] = {}
    for probe in chosen:
        by_kind.setdefault(probe.kind, []).append(probe)
    spread: list[Probe] = []
    while len(spread) < MAX_PROBES and any(by_kind.values()):
        for group in by_kind.values():
            if group and len(spread) < MAX_PROBES:
                spread.append(group.pop(0))
    return spread


def _routes(spec: dict, operation_ids: set[str]) -> set[tuple[str, str]]:
    routes = set()
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and operation.get("operationId") in operation_ids:
                routes.add((method.upper(), re.sub(r"\{[^}]+\}", "{}", path)))
    return routes


def _matches(probe: Probe, routes: set[tuple[str, str]]) -> bool:
    path = re.sub(r"\{[^}]+\}", "{}", probe.request.path)
    return any(method == probe.request.method and template.endswith(path) for method, template in routes)


FAULTS_ENV = "CONFORMANCE_FAULTMATRIX_FAULTS"  # JSON {api: fault kind}: the child starts each API with its fault
IN_PROCESS_ENV = "CONFORMANCE_FAULTMATRIX_IN_PROCESS"  # set: the child serves the APIs from threads of its own


@dataclass(frozen=True)
class FaultCase:
    """One applicable fault of one reference API and the failure classes that must report it."""

    api: str
    fault: object  # reference.faults(api) entry (FaultInfo)
    expected: frozenset[str]


def cases(apis=None) -> list[FaultCase]:
    """Every applicable fault of every (or each given) reference API, with the classes that catch it."""
    from conformance import reference

    return [FaultCase(api, fault, EXPECTED.get(fault.kind, frozenset()))
            for api in (apis or reference.available()) for fault in applicable_faults(api)]


def rounds(pairs) -> list[list]:
    """Group ``(api, fault)`` pairs so that no group holds two faults of one API (one server per
    catalog in a pytest run): the i-th fault of every API goes to group i."""
    groups: list[list] = []
    seen: dict[str, int] = {}
    for api, fault in pairs:
        index = seen.get(api, 0)
        seen[api] = index + 1
        if index == len(groups):
            groups.append([])
        groups[index].append((api, fault))
    return groups


def run_fault(api: str, fault, *, profile: str = "smoke", timeout: float = 600, stats: bool = False) -> MatrixRow:
    """Start the faulty server, run the selected suite tests against it, read the failures.

    ``stats``: also measure, per test, the requests sent until the first failing verdict and the
    seconds from that failure to the end of the test (Hypothesis shrinking and the final replay;
    meaningful with a profile that shrinks, e.g. ``dev``)."""
    return run_faults([(api, fault)], profile=profile, timeout=timeout, stats=stats)[0]


def run_faults(pairs, *, profile: str = "smoke", timeout: float = 600, stats: bool = False,
               in_process: bool = False) -> list[MatrixRow]:
    """Run the selected suite tests of several faults, each of a different API, in one pytest child.

    The child runs the catalogs against their embedded reference APIs; this module, loaded there
    as a plugin (``-p faultmatrix``), makes each API's server start with its fault. Each failing
    test is counted for the fault of its own catalog (the ``[api:probe]`` of its node id).
    ``in_process``: the child serves the APIs from threads (``reference.start(in_process=True)``)
    instead of one server process each: the same apps, without a process start per fault."""
    from conformance import reference

    apis = [api for api, _ in pairs]
    if len(set(apis)) != len(apis):
        raise ValueError(f"one fault per API in a run, got {apis}")
    rows: dict[str, MatrixRow] = {}
    nodes: list[str] = []
    for api, fault in pairs:
        catalog = load_catalog(api)
        row = rows[api] = MatrixRow(api=api, fault=fault.kind, expected=EXPECTED.get(fault.kind, frozenset()), selected=[])
        # the served document is the same with or without a fault
        probes = select(catalog, fault, reference.openapi(api) if fault.operations else None)
        row.selected = [probe.id for probe in probes]
        if not probes:
            row.error = "no probe exercises this fault"
        nodes += [node_id(catalog, probe) for probe in probes]
    active = {api: row.fault for api, row in rows.items() if row.selected}
    if active:
        _run_child(rows, active, nodes, profile=profile, timeout=timeout, stats=stats, in_process=in_process)
    return list(rows.values())


def run_clean(pairs, *, profile: str = "smoke", timeout: float = 600, in_process: bool = False) -> list[MatrixRow]:
    """The control: every probe any of ``pairs`` selects, run against the conforming servers.
    One row per API (``fault="none"``); any failure found is a false positive of the matrix."""
    from conformance import reference

    rows: dict[str, MatrixRow] = {}
    nodes: list[str] = []
    for api, fault in pairs:
        catalog = load_catalog(api)
        row = rows.setdefault(api, MatrixRow(api=api, fault="none", expected=frozenset(), selected=[]))
        for probe in select(catalog, fault, reference.openapi(api) if fault.operations else None):
            if probe.id not in row.selected:
                row.selected.append(probe.id)
                nodes.append(node_id(catalog, probe))
    _run_child(rows, {api: None for api in rows}, nodes, profile=profile, timeout=timeout, stats=False,
               in_process=in_process)
    return list(rows.values())


def _run_child(rows: dict[str, MatrixRow], active: dict[str, str | None], nodes: list[str], *,
               profile: str, timeout: float, stats: bool, in_process: bool) -> None:
    """One pytest child running ``nodes`` with each catalog of ``active`` against its embedded
    server (started with the fault named there, or conforming for None); fills ``rows``."""
    # the child imports this module as its plugin (``-p faultmatrix``)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
           FAULTS_ENV: json.dumps({api: kind for api, kind in active.items() if kind})}
    env.pop(STATS_ENV, None)
    env.pop(IN_PROCESS_ENV, None)
    if in_process:
        env[IN_PROCESS_ENV] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        stats_file = Path(tmp) / "stats.json"
        if stats:
            env[STATS_ENV] = str(stats_file)
        command = [
            sys.executable, "-m", "pytest", "-p", "no:randomly", "-q", "--no-header", "-p", "no:cacheprovider",
            "-p", "faultmatrix", *[arg for api in active for arg in ("--catalog", api)],
            "--hypothesis-profile", profile, f"--junitxml={junit}", *nodes,
        ]
        started = time.monotonic()
        process = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
        seconds = time.monotonic() - started
        for api in active:
            rows[api].seconds = seconds
        if stats and stats_file.exists():
            for nodeid, figures in json.loads(stats_file.read_text()).items():
                row = rows.get(_api_of(nodeid))
                if row is not None:
                    row.tests[nodeid] = figures
                    row.requests += figures["requests"]
        if not junit.exists():
            for api in active:
                rows[api].error = (process.stdout + process.stderr)[-2000:]
            return
        for case in ET.parse(junit).getroot().iter("testcase"):
            row = rows.get(_api_of(case.get("name", "")))
            if row is not None and not any(case.findall(tag) for tag in ("failure", "error", "skipped")):
                row.passed += 1
            for failure in list(case.findall("failure")) + list(case.findall("error")):
                if row is None:  # a failure outside every selected catalog is a broken run
                    raise RuntimeError(f"unexpected test {case.get('name')!r} in the fault matrix run")
                names = _failure_names(failure.get("message") or "", failure.text or "") or [failure.get("type", "error")]
                for name in names:
                    row.found[name] = row.found.get(name, 0) + 1


def _api_of(name: str) -> str | None:
    """The catalog of a parametrized suite test: ``test_x[api:probe.id]`` -> ``api``."""
    match = re.search(r"\[([^:\]]+):", name)
    return match.group(1) if match else None


def applicable_faults(api: str) -> list:
    from conformance import reference

    return [fault for fault in reference.faults(api) if fault.applies]


# -- the stats plugin: loaded in the pytest child with ``-p faultmatrix`` ----------

_STATS: dict[str, dict] = {}
_CURRENT: dict | None = None


def pytest_configure(config) -> None:
    if os.environ.get(FAULTS_ENV) or os.environ.get(IN_PROCESS_ENV):
        _start_with_faults(json.loads(os.environ.get(FAULTS_ENV) or "{}"), bool(os.environ.get(IN_PROCESS_ENV)))
    if not os.environ.get(STATS_ENV):
        return
    from conformance.engine.failures import ConformanceFailure
    from conformance.engine.target import Target
    from conformance.engine.transport import Transport

    def count(send):
        def counted(self, request, **kwargs):
            if _CURRENT is not None:
                _CURRENT["requests"] += 1
            return send(self, request, **kwargs)

        return counted

    def watch(method):
        def watched(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except ConformanceFailure as exc:
                if _CURRENT is not None and _CURRENT["requests_to_failure"] is None:
                    _CURRENT["requests_to_failure"] = _CURRENT["requests"]
                    _CURRENT["first_failure_at"] = time.monotonic()
                    _CURRENT["first_class"] = type(exc).__name__
                raise

        return watched

    Transport.send = count(Transport.send)
    Target.send = watch(Target.send)
    Target.check = watch(Target.check)


def _start_with_faults(active: dict[str, str], in_process: bool) -> None:
    """In the child: the embedded server of each API in ``active`` starts with its fault (the
    plugin's target pool calls ``reference.start(name)`` on first use); ``in_process``: in a
    thread of the child."""
    from conformance import reference

    start = reference.start

    def start_with_fault(name, *args, **kwargs):
        if name in active and kwargs.get("fault") is None:
            kwargs["fault"] = active[name]
        if in_process:
            kwargs["in_process"] = True
        return start(name, *args, **kwargs)

    reference.start = start_with_fault


def _pytest_runtest_call(item):
    global _CURRENT
    if not os.environ.get(STATS_ENV):
        yield
        return
    _CURRENT = {"requests": 0, "requests_to_failure": None, "first_failure_at": None, "first_class": None}
    started = time.monotonic()
    outcome = yield
    ended = time.monotonic()
    figures, _CURRENT = _CURRENT, None
    at = figures.pop("first_failure_at")
    figures["seconds"] = ended - started
    figures["shrink_seconds"] = ended - at if at is not None else None
    excinfo = getattr(outcome, "excinfo", None)
    figures["final_class"] = type(excinfo[1]).__name__ if excinfo else None
    if figures["requests_to_failure"] is None and excinfo and _is_conformance_failure(excinfo[1]):
        # raised by the suite itself (e.g. ReplayNotHonoured after comparing two answers), not
        # by a verdict: the failure came after the test's last request, and nothing was shrunk
        figures["requests_to_failure"] = figures["requests"]
        figures["first_class"] = figures["final_class"]
        figures["shrink_seconds"] = 0.0
    _STATS[item.nodeid] = figures
    with open(os.environ[STATS_ENV], "w") as fh:
        json.dump(_STATS, fh)


def _is_conformance_failure(exc: BaseException) -> bool:
    from conformance.engine.failures import ConformanceFailure

    return isinstance(exc, ConformanceFailure)


try:  # a hook wrapper only where pytest is importable (this module is also used without it)
    import pytest as _pytest

    pytest_runtest_call = _pytest.hookimpl(hookwrapper=True)(_pytest_runtest_call)
except ImportError:  # pragma: no cover
    pass
