"""The pytest plugin: targets, probe parametrization, xdist glue, the terminal summary.

Registered by the distribution's ``pytest11`` entry point, so its options (``options.py``)
are known before pytest reads the command line. A guest in other people's runs, it acts only
when catalogs are asked for. With neither --base-url nor --app, the embedded reference APIs
start on loopback, one per catalog, once per session (per xdist worker). With catalogs and
no test paths (none given, none configured), it runs the suites of the distribution.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path

import pytest

from . import display, options
from .coverage import compute, distinct_setup_problems, setup_count_line, setup_problem_line, summary_line, total_line
from .findings import findings, line
from .engine import ledger, profiles, secrets
from .engine.case import ProbeCase
from .engine.failures import BudgetExhausted
from .engine.inprocess import AppSpecError
from .engine.ledger import Ledger
from .engine.record import Observation
from .engine.target import Target
from .engine.transport import OutgoingRequest, Transport
from .options import Settings
from .pool import TargetPool

KIND_MARKERS = {
    "auth": "auth",
    "field": "fields",
    "identifier": "identifiers",
    "body": "bodies",
    "routing": "routing",
    "idempotency": "idempotency",
    "duplicate": "duplicates",
    "state": "states",
    "rate-limit": "ratelimit",
    "request": "requests",
}
# What a suite test says when the plugin was not asked for any catalog.
NO_CATALOG = "no catalog selected: give --catalog NAME|PATH ('all': every built-in catalog)"


def pytest_addoption(parser: pytest.Parser) -> None:
    options.addoption(parser)


def suites_dir() -> Path:
    """The conformance suites shipped in the distribution."""
    import importlib.resources

    return Path(str(importlib.resources.files("conformance.suites")))


# The file the processes of an xdist run share their request count and pacing through.
_LEDGER = pytest.StashKey[Ledger]()


_CONF = pytest.StashKey[Settings]()
_POOL = pytest.StashKey[TargetPool]()
_COLLECTED = pytest.StashKey[dict]()
_SUITES_WITHOUT_CATALOG = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _register_markers(config)
    catalogs = options.requested_catalogs(config)
    if not catalogs:
        return  # a guest in someone else's run: nothing asked for, nothing done
    _group_by_catalog_under_xdist(config)
    _share_limits_under_xdist(config)
    _configure(config, catalogs)
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR and not _has_own_tests(config):
        # No tests given, none configured, none here: run the suites of the distribution.
        config.args = [str(suites_dir())]


def _share_limits_under_xdist(config: pytest.Config) -> None:
    """The controller of an xdist run with --max-requests or --max-rps creates the ledger its
    workers will share (passed on in pytest_configure_node)."""
    if hasattr(config, "workerinput") or getattr(config.option, "dist", "no") == "no" or not ledger.AVAILABLE:
        return
    if options.setting(config, "max_requests", "CONFORMANCE_MAX_REQUESTS", "conformance_max_requests") or options.setting(
        config, "max_rps", "CONFORMANCE_MAX_RPS", "conformance_max_rps"
    ):
        config.stash[_LEDGER] = Ledger.create()


def _group_by_catalog_under_xdist(config: pytest.Config) -> None:
    """With -n N and no --dist of the user's choosing, keep each catalog's tests on one
    worker (xdist 'loadgroup'): each worker then starts only the reference APIs it uses,
    instead of every worker starting all five."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        # xdist resets a worker's options; the controller passes the choice on
        if workerinput.get("conformance_loadgroup"):
            config.option.loadgroup = True
        return
    chose = any(str(arg).startswith("--dist") for arg in config.invocation_params.args)
    if getattr(config.option, "dist", "no") == "load" and not chose:
        config.option.dist = "loadgroup"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput["conformance_loadgroup"] = node.config.getoption("dist", "no") == "loadgroup"
    if _LEDGER in node.config.stash:
        node.workerinput["conformance_ledger"] = node.config.stash[_LEDGER].path


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _CONF not in config.stash:
        # The suites collected with no catalog: a gate that ran nothing would pass.
        if config.stash.get(_SUITES_WITHOUT_CATALOG, False):
            raise pytest.UsageError(NO_CATALOG)
        return
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        case = params.get("case")
        name = case[0] if isinstance(case, tuple) else params.get("conformance_target")
        if isinstance(name, str):
            item.add_marker(pytest.mark.xdist_group(name=name))


# A second implementation of the hook (its own name: a module holds one attribute per name).
@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")  # after any reordering plugin (pytest-randomly)
def pytest_collection_modifyitems_bursts_last(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Rate-limit bursts last: a limit a burst trips (a login locked for minutes) must not
    throttle the probes after it. A stable sort keeps every other order as it was; under xdist
    a catalog's tests share one worker (loadgroup), which runs them in this order."""
    if _CONF in config.stash:
        items[:] = sorted(items, key=lambda item: item.get_closest_marker("burst") is not None)


def _has_own_tests(config: pytest.Config, max_depth: int = 4) -> bool:
    """Whether the working directory holds test files pytest would collect (its
    ``python_files`` patterns, folders it does not recurse into and virtualenvs skipped)."""
    patterns = config.getini("python_files")
    skip = config.getini("norecursedirs")
    root = config.invocation_params.dir
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = [] if depth >= max_depth else [
            d for d in dirs
            if not any(fnmatch.fnmatch(d, pattern) for pattern in skip) and not (Path(folder, d) / "pyvenv.cfg").exists()
        ]
        if any(fnmatch.fnmatch(name, pattern) for name in files if name.endswith(".py") for pattern in patterns):
            return True
    return False


def _register_markers(config: pytest.Config) -> None:
    for marker in sorted(set(KIND_MARKERS.values())):
        config.addinivalue_line("markers", f"{marker}: conformance probes of that scenario kind")
    config.addinivalue_line("markers", "writes: creates or changes data on the target")
    config.addinivalue_line("markers", "burst: sends many requests quickly (rate limits)")
    config.addinivalue_line("markers", "probe_kind(kind): parametrize the test's 'case' with the catalogs' probes of this kind")


def _configure(config: pytest.Config, catalogs: list[str]) -> None:
    # The probes' Hypothesis settings, applied per probe (never loaded for the session):
    # --hypothesis-profile NAME (loaded by Hypothesis itself) or the suite's default.
    profiles.choose(config.getoption("hypothesis_profile", None))
    conf = Settings(config, catalogs, config.stash.get(_LEDGER, None))
    conf.load()
    for extra in sorted({marker for catalog in conf.catalogs.values() for probe in catalog.probes for marker in probe.markers}):
        config.addinivalue_line("markers", f"{extra}: marker a catalog gives some of its probes")
    config.stash[_CONF] = conf
    config.stash[_POOL] = TargetPool(conf)
    config.stash[_COLLECTED] = {"observations": [], "setup_problems": [], "findings": []}
    if conf.api_key:
        # Under each catalog's scheme: a Basic catalog's key also travels base64-encoded.
        for scheme in {catalog.auth.scheme for catalog in conf.catalogs.values()} or {None}:
            secrets.register(conf.api_key, scheme=scheme)
    if not conf.embedded and not hasattr(config, "workerinput"):
        _check_reachable(conf, config.stash[_POOL])


def _check_reachable(conf: Settings, pool: TargetPool) -> None:
    """One clear error for an unreachable target (or an --app that is not one), instead of
    a failure per test."""
    try:
        app = pool.app()
    except AppSpecError as exc:
        raise pytest.UsageError(str(exc)) from None
    # The check is a request like any other: paced by --max-rps, counted by --max-requests.
    transport = Transport(timeout=min(conf.timeout, 5.0), max_body=1024, pacer=pool.pacer, budget=pool.budget, app=app)
    # Under the API's base path, as every request of the run: what serves the host's root
    # may not be the API, and the suite sends nothing outside it (one catalog per --base-url).
    base_paths = {catalog.api.base_path.rstrip("/") for catalog in conf.catalogs.values()}
    url = conf.target_url.rstrip("/") + (base_paths.pop() if len(base_paths) == 1 else "")
    try:
        exchange = transport.send(OutgoingRequest("GET", url))
    finally:
        transport.close()
    if exchange.status is None:
        where = f"--base-url {conf.base_url}" if conf.base_url else f"--app {conf.app}"
        raise pytest.UsageError(f"cannot reach {where}: {exchange.error}")


def pytest_unconfigure(config: pytest.Config) -> None:
    pool = config.stash.get(_POOL, None)
    if pool is not None:
        pool.close()
    conf = config.stash.get(_CONF, None)
    if conf is not None and conf.ledger is not None:
        conf.ledger.close()
    if _LEDGER in config.stash:  # the controller made it
        config.stash[_LEDGER].remove()


def pytest_report_header(config: pytest.Config) -> list[str]:
    conf = config.stash.get(_CONF, None)
    if conf is None:
        return []
    seed = config.getoption("hypothesis_seed", None)
    lines = [
        f"conformance target: {conf.target_text()}",
        f"conformance catalogs: {', '.join(conf.catalogs)}",
        f"conformance hypothesis profile: {profiles.name()}, seed: {_seed_text(seed)}",
    ]
    if conf.max_rps or conf.max_requests:
        lines.append(f"conformance limits: max-rps {conf.max_rps or 'none'}, max-requests {conf.max_requests or 'none'}")
    return lines


def _seed_text(seed) -> str:
    if seed is not None:
        return str(seed)
    return "derandomized" if profiles.current().derandomize else "random (fix one with --hypothesis-seed=N)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    conf = metafunc.config.stash.get(_CONF, None)
    marker = metafunc.definition.get_closest_marker("probe_kind")
    wants_case = marker is not None and "case" in metafunc.fixturenames
    if conf is None:  # the plugin was not asked for catalogs
        if wants_case or "conformance_target" in metafunc.fixturenames:
            metafunc.config.stash[_SUITES_WITHOUT_CATALOG] = True  # a usage error once collected
        return
    if "conformance_target" in metafunc.fixturenames:
        names = list(conf.catalogs)
        metafunc.parametrize("conformance_target", names, ids=names, indirect=True)
    if not wants_case:
        return
    kind = marker.args[0]
    params = []
    for name, catalog in conf.catalogs.items():
        for probe in catalog.probes:
            if probe.kind != kind:
                continue
            marks = [getattr(pytest.mark, KIND_MARKERS[kind])]
            if probe.writes_data:  # by method (RFC 9110 section 9.2.1) unless the catalog says
                marks.append(pytest.mark.writes)
            if kind == "rate-limit":
                marks.append(pytest.mark.burst)
            marks.extend(getattr(pytest.mark, extra) for extra in probe.markers)
            params.append(pytest.param((name, probe.id), id=f"{name}:{probe.id}", marks=marks))
    if not params:
        reason = f"no '{kind}' probes in catalogs {', '.join(conf.catalogs)}"
        params.append(pytest.param(None, id="no-probes", marks=pytest.mark.skip(reason=reason)))
    metafunc.parametrize("case", params, indirect=True)


@pytest.fixture(scope="session")
def conformance_pool(pytestconfig: pytest.Config) -> TargetPool:
    return pytestconfig.stash[_POOL]


@pytest.fixture
def case(request: pytest.FixtureRequest, conformance_pool: TargetPool) -> ProbeCase:
    name, probe_id = request.param
    target = conformance_pool.get(name).fork_with_fresh_primary()
    probe = next(probe for probe in target.catalog.probes if probe.id == probe_id)
    return ProbeCase(target, probe)


@pytest.fixture
def conformance_target(request: pytest.FixtureRequest, conformance_pool: TargetPool) -> Target:
    """The target of one catalog; tests asking for it run once per selected catalog."""
    return conformance_pool.get(request.param).fork_with_fresh_primary()


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after Hypothesis has rendered its report
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    exhausted = _budget_exhausted(call.excinfo.value) if call.excinfo is not None else None
    if exhausted is not None:
        message = str(exhausted)
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {message}")
        item.session.shouldstop = message
        # A skip from here on: no plugin's pytest_exception_interact re-renders it as a failure.
        try:
            pytest.skip(message)
        except pytest.skip.Exception:
            call.excinfo = pytest.ExceptionInfo.from_current()
    elif call.when == "call" and report.failed and call.excinfo is not None and _CONF in item.config.stash:
        _found(item, report, call.excinfo.value)
    _redact_report(report)
    return report


def _found(item: pytest.Item, report: pytest.TestReport, exc: BaseException) -> None:
    """Record what a failed test found (every distinct failure) and show the failures as
    the catalog author reads them."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    case = params.get("case")
    catalog, probe = case if isinstance(case, tuple) else (params.get("conformance_target"), None)
    if catalog is None and not display.shown(exc):
        return  # a test of the user's own that failed in the same run: not ours to report
    item.config.stash[_COLLECTED]["findings"].extend(findings(item.nodeid, catalog, probe, exc))
    option = item.config.option
    if display.shown(exc) and getattr(option, "tbstyle", "auto") not in display.KEEP_TRACEBACK_STYLES and not getattr(option, "fulltrace", False):
        report.longrepr = display.failure_repr(exc, path=item.location[0], lineno=item.location[1] or 0, replay=_replay(item))


def _replay(item: pytest.Item) -> str:
    """The command that runs this one test again against the same target."""
    config = item.config
    conf = config.stash[_CONF]
    given = [("--catalog", value) for value in config.getoption("catalog") or []]
    # The test's file as the working directory sees it (a node id is relative to rootdir).
    where = os.path.relpath(item.path, config.invocation_params.dir) + item.nodeid[item.nodeid.index("::"):]
    return display.replay_command(where, [
        *given,
        ("--base-url", conf.base_url),
        ("--app", conf.app),
        ("--hypothesis-profile", config.getoption("hypothesis_profile", None)),
        ("--hypothesis-seed", config.getoption("hypothesis_seed", None)),
    ])


def _redact_report(report: pytest.TestReport) -> None:
    """Credentials out of what pytest itself renders: the traceback (its locals with
    --showlocals hold request headers) and captured output. Failure texts are redacted where
    they are made; this covers what the suite does not write. A traceback that held a key is
    kept as its rendered, redacted text."""
    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        clean = secrets.redact(text)
        if clean != text:
            report.longrepr = clean
    report.sections = [(title, secrets.redact(content)) for title, content in report.sections]


def _budget_exhausted(exc: BaseException) -> BudgetExhausted | None:
    """The BudgetExhausted in ``exc``, also inside the exception group Hypothesis raises when
    the budget ran out while it was shrinking another failure."""
    if isinstance(exc, BudgetExhausted):
        return exc
    for sub in getattr(exc, "exceptions", ()) if isinstance(exc, BaseExceptionGroup) else ():
        found = _budget_exhausted(sub)
        if found is not None:
            return found
    return None


# -- observations across xdist workers, and the terminal summary ---------------------


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    pool = session.config.stash.get(_POOL, None)
    if pool is None:
        return
    data = {
        "observations": [obs.to_dict() for obs in pool.observations()],
        "setup_problems": [problem for target in pool.targets.values() for problem in target.recorder.setup_problems],
    }
    if hasattr(session.config, "workeroutput"):
        # A worker's findings go to the controller; without xdist they are in the stash already.
        data["findings"] = session.config.stash[_COLLECTED]["findings"]
        session.config.workeroutput["conformance"] = json.dumps(data)
    else:
        _merge(session.config, data)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist it is never called
def pytest_testnodedown(node, error) -> None:
    payload = getattr(node, "workeroutput", {}).get("conformance")
    if payload:
        _merge(node.config, json.loads(payload))


def _merge(config: pytest.Config, data: dict) -> None:
    collected = config.stash[_COLLECTED]
    collected["observations"].extend(data["observations"])
    collected["setup_problems"].extend(data["setup_problems"])
    collected["findings"].extend(data.get("findings", []))


def run_settings(config: pytest.Config) -> Settings | None:
    """The effective settings (catalogs, target, limits) of this run."""
    return config.stash.get(_CONF, None)


def collected_observations(config: pytest.Config) -> list[Observation]:
    """Every judged response of the run, from all xdist workers (controller side, after the run)."""
    collected = config.stash.get(_COLLECTED, None)
    return [Observation(**item) for item in collected["observations"]] if collected else []


def collected_findings(config: pytest.Config) -> list[dict]:
    """Every distinct failure of every failed test of the run (controller side, after the run)."""
    collected = config.stash.get(_COLLECTED, None)
    return list(collected["findings"]) if collected else []


def collected_setup_problems(config: pytest.Config) -> list[dict]:
    collected = config.stash.get(_COLLECTED, None)
    return list(collected["setup_problems"]) if collected else []


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    observations = collected_observations(config)
    conf = config.stash.get(_CONF, None)
    if conf is None:
        return
    found = collected_findings(config)
    if found:
        terminalreporter.section("conformance failures")
        for finding in sorted(found, key=lambda finding: finding["test"]):
            terminalreporter.write_line(line(finding))
    problems = distinct_setup_problems(collected_setup_problems(config))
    if problems:
        terminalreporter.section("conformance setup problems")
        for problem in problems:
            terminalreporter.write_line(secrets.redact(setup_problem_line(problem)))
        terminalreporter.write_line(setup_count_line(problems))
    if not observations:
        return
    terminalreporter.section("conformance coverage")
    coverages = []
    for name, catalog in conf.catalogs.items():
        mine = [obs for obs in observations if obs.catalog == name]
        if mine:
            coverages.append(compute(catalog, mine))
            terminalreporter.write_line(summary_line(coverages[-1]))
    if len(coverages) > 1:
        terminalreporter.write_line(total_line(coverages))
