"""The pytest plugin: its hooks and fixtures, each handing the work to the module whose job it is.

Registered by the distribution's ``pytest11`` entry point, so its options (``options.py``)
are known before pytest reads the command line. A guest in other people's runs, it acts only
when catalogs are asked for. With neither --base-url nor --app, the embedded reference APIs
start on loopback, one per catalog, once per session (per xdist worker). With catalogs and
no test paths (none given, none configured), it runs the suites of the distribution.

Where the work is: ``options`` (options, effective settings), ``engine.profiles`` (the probes'
Hypothesis settings), ``pool`` (targets), ``collection`` (suites, markers, one test per probe),
``distribution`` (xdist), ``failed_tests`` (what a failed test found and how it reads),
``runstate`` (what the run collected), ``summary`` (the terminal summary).
"""

from __future__ import annotations

import json

import pytest

from . import collection, distribution, failed_tests, options, runstate, summary
from .engine import profiles, secrets
from .engine.case import ProbeCase
from .engine.inprocess import AppSpecError
from .engine.target import Target
from .engine.transport import OutgoingRequest, Transport
from .options import Settings
from .pool import TargetPool


def pytest_addoption(parser: pytest.Parser) -> None:
    options.addoption(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    collection.register_markers(config)
    catalogs = options.requested_catalogs(config)
    if not catalogs:
        return  # a guest in someone else's run: nothing asked for, nothing done
    distribution.share_limits(config)
    _configure(config, catalogs)
    distribution.choose(config, config.stash[runstate.CONF])
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR and not collection.has_own_tests(config):
        # No tests given, none configured, none here: run the suites of the distribution.
        config.args = [str(collection.suites_dir())]


def _configure(config: pytest.Config, catalogs: list[str]) -> None:
    # The probes' Hypothesis settings, applied per probe (never loaded for the session):
    # --hypothesis-profile NAME (loaded by Hypothesis itself) or the suite's default.
    profiles.choose(config.getoption("hypothesis_profile", None))
    conf = Settings(config, catalogs, config.stash.get(runstate.LEDGER, None))
    conf.load()
    collection.register_catalog_markers(config, conf)
    runstate.start(config, conf)
    if conf.api_key:
        # Under each catalog's scheme: a Basic catalog's key also travels base64-encoded.
        for scheme in {catalog.auth.scheme for catalog in conf.catalogs.values()} or {None}:
            secrets.register(conf.api_key, scheme=scheme)
    if not conf.embedded and not hasattr(config, "workerinput"):
        _check_reachable(conf, config.stash[runstate.POOL])


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


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    distribution.node_input(node)


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own (the first answer wins)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    return distribution.scheduler(config, log)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not runstate.active(config):
        # The suites collected with no catalog: a gate that ran nothing would pass.
        if config.stash.get(runstate.SUITES_WITHOUT_CATALOG, False):
            raise pytest.UsageError(collection.NO_CATALOG)
        return
    distribution.mark_groups(config, items)


# A second implementation of the hook (its own name: a module holds one attribute per name).
@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")  # after any reordering plugin (pytest-randomly)
def pytest_collection_modifyitems_bursts_last(config: pytest.Config, items: list[pytest.Item]) -> None:
    if runstate.active(config):
        distribution.order(config, items)


def pytest_unconfigure(config: pytest.Config) -> None:
    pool = config.stash.get(runstate.POOL, None)
    if pool is not None:
        pool.close()
    conf = config.stash.get(runstate.CONF, None)
    if conf is not None and conf.ledger is not None:
        conf.ledger.close()
    if runstate.LEDGER in config.stash:  # the controller made it
        config.stash[runstate.LEDGER].remove()


def pytest_report_header(config: pytest.Config) -> list[str]:
    conf = runstate.run_settings(config)
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
    conf = runstate.run_settings(metafunc.config)
    marker = metafunc.definition.get_closest_marker("probe_kind")
    wants_case = marker is not None and "case" in metafunc.fixturenames
    if conf is None:  # the plugin was not asked for catalogs
        if wants_case or "conformance_target" in metafunc.fixturenames:
            metafunc.config.stash[runstate.SUITES_WITHOUT_CATALOG] = True  # a usage error once collected
        return
    if "conformance_target" in metafunc.fixturenames:
        names = list(conf.catalogs)
        metafunc.parametrize("conformance_target", names, ids=names, indirect=True)
    if wants_case:
        metafunc.parametrize("case", collection.probe_params(conf, marker.args[0]), indirect=True)
    parts = distribution.openapi_parts(metafunc.config) if "openapi_part" in metafunc.fixturenames else 1
    if parts > 1:
        metafunc.parametrize("openapi_part", [(i, parts) for i in range(parts)],
                             ids=[f"part{i + 1}of{parts}" for i in range(parts)], indirect=True)


@pytest.fixture(scope="session")
def conformance_pool(pytestconfig: pytest.Config) -> TargetPool:
    return pytestconfig.stash[runstate.POOL]


@pytest.fixture
def case(request: pytest.FixtureRequest, conformance_pool: TargetPool) -> ProbeCase:
    name, probe_id = request.param
    target = conformance_pool.get(name).fork_with_fresh_primary()
    probe = next(probe for probe in target.catalog.probes if probe.id == probe_id)
    return ProbeCase(target, probe)


@pytest.fixture
def openapi_part(request: pytest.FixtureRequest) -> tuple[int, int]:
    """(i, n): the OpenAPI route's share of the operations (all of them: (0, 1))."""
    return getattr(request, "param", (0, 1))


@pytest.fixture
def conformance_target(request: pytest.FixtureRequest, conformance_pool: TargetPool) -> Target:
    """The target of one catalog; tests asking for it run once per selected catalog."""
    return conformance_pool.get(request.param).fork_with_fresh_primary()


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: after Hypothesis has rendered its report
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    failed_tests.amend(item, call, report)
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if not runstate.active(config):
        return
    if hasattr(config, "workeroutput"):
        config.workeroutput["conformance"] = json.dumps(runstate.own_part(config))
    else:  # this process's findings are in the stash already
        runstate.merge(config, runstate.own_part(config, findings=False))


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist it is never called
def pytest_testnodedown(node, error) -> None:
    payload = getattr(node, "workeroutput", {}).get("conformance")
    if payload:
        runstate.merge(node.config, json.loads(payload))


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    summary.write(terminalreporter, config)
