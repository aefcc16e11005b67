"""The pytest plugin: options, Hypothesis profiles, targets, probe parametrization.

Options live in one group; each reads CLI flag, then environment variable, then ini
(the pytest-base-url custom). With no --base-url the embedded reference APIs start on
loopback, one per catalog, once per session (per xdist worker).
"""

from __future__ import annotations

import json
import math
import os

import pytest
from hypothesis import HealthCheck, Phase, settings

from .catalog import CatalogError, builtin_names, load_catalog
from .catalog.model import Catalog
from .coverage import compute, summary_line, total_line
from .engine import ledger, secrets
from .engine.case import ProbeCase
from .engine.failures import BudgetExhausted
from .engine.ledger import Ledger
from .engine.record import Observation
from .engine.target import Target
from .engine.transport import DEFAULT_MAX_BODY, DEFAULT_TIMEOUT, Budget, OutgoingRequest, Pacer, Transport

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

# Hypothesis profiles, each with an explicit parent: Hypothesis loads its own 'ci' profile
# when CI is set, and a profile registered without a parent would inherit from that.
_BASE = settings.get_profile("default")
_COMMON = dict(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
settings.register_profile("dev", parent=_BASE, max_examples=15, **_COMMON)
settings.register_profile("ci", parent=_BASE, max_examples=30, derandomize=True, **_COMMON)
settings.register_profile("thorough", parent=_BASE, max_examples=300, **_COMMON)
# 'smoke': a few examples, no shrinking: "is anything broken?" as fast as possible (fault matrices)
settings.register_profile(
    "smoke", parent=_BASE, max_examples=5, phases=[Phase.explicit, Phase.reuse, Phase.generate], **_COMMON
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "error-contract conformance")
    group.addoption("--catalog", action="append", default=None, metavar="NAME|PATH",
                    help="catalog to run (repeatable; default: every built-in catalog) [env CONFORMANCE_CATALOG, comma-separated]")
    group.addoption("--api-key", default=None, metavar="KEY",
                    help="primary credential of the target (never printed) [env CONFORMANCE_API_KEY]")
    group.addoption("--max-rps", type=float, default=None, metavar="N",
                    help="at most N requests per second [env CONFORMANCE_MAX_RPS; default unlimited]")
    group.addoption("--max-requests", type=int, default=None, metavar="N",
                    help="stop the run cleanly after N requests [env CONFORMANCE_MAX_REQUESTS]")
    group.addoption("--request-timeout", type=float, default=None, metavar="S",
                    help=f"seconds one request may take, body included [env CONFORMANCE_TIMEOUT; default {DEFAULT_TIMEOUT:g}]")
    group.addoption("--max-body", type=int, default=None, metavar="BYTES",
                    help=f"read at most this much of a response body [env CONFORMANCE_MAX_BODY; default {DEFAULT_MAX_BODY}]")
    group.addoption("--strict-planned", action="store_true", default=None,
                    help="a planned code that surfaces as its stand-in fails [env CONFORMANCE_STRICT_PLANNED=1]")
    for name, help_text in [
        ("conformance_catalog", "catalogs to run (space or comma separated)"),
        ("conformance_max_rps", "requests per second limit"),
        ("conformance_max_requests", "request budget of a run"),
        ("conformance_timeout", "seconds per request"),
        ("conformance_max_body", "response body cap in bytes"),
        ("conformance_strict_planned", "fail planned codes that surface as their stand-in"),
    ]:
        parser.addini(name, help_text)


def _setting(config: pytest.Config, option: str, env: str, ini: str, convert=str):
    value = config.getoption(option)
    if value is None:
        value = os.environ.get(env) or config.getini(ini) or None
    return convert(value) if value is not None else None


def _truthy(value: str | bool) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


# The file the processes of an xdist run share their request count and pacing through.
_LEDGER = pytest.StashKey[Ledger]()


class Settings:
    """The effective conformance settings of this run."""

    def __init__(self, config: pytest.Config):
        catalogs = config.getoption("catalog")
        if not catalogs:
            raw = os.environ.get("CONFORMANCE_CATALOG") or config.getini("conformance_catalog") or ""
            catalogs = [part for part in raw.replace(",", " ").split() if part]
        self.catalog_args = catalogs or builtin_names()
        self.base_url: str | None = config.getoption("base_url", None) or None
        self.api_key = config.getoption("api_key") or os.environ.get("CONFORMANCE_API_KEY") or None
        self.max_rps = _setting(config, "max_rps", "CONFORMANCE_MAX_RPS", "conformance_max_rps", float) or 0.0
        self.max_requests = _setting(config, "max_requests", "CONFORMANCE_MAX_REQUESTS", "conformance_max_requests", int) or 0
        self.timeout = _setting(config, "request_timeout", "CONFORMANCE_TIMEOUT", "conformance_timeout", float) or DEFAULT_TIMEOUT
        self.max_body = _setting(config, "max_body", "CONFORMANCE_MAX_BODY", "conformance_max_body", int) or DEFAULT_MAX_BODY
        self.strict_planned = _truthy(_setting(config, "strict_planned", "CONFORMANCE_STRICT_PLANNED", "conformance_strict_planned") or False)
        # The limits hold for the whole run. Under xdist the controller and its workers share
        # one ledger file (see _share_limits_under_xdist); where file locks are missing,
        # each worker gets its share. Read from this config, not the environment: a pytest
        # run started inside a worker (pytester) inherits its variables but is not a worker.
        workerinput = getattr(config, "workerinput", None) or {}
        path = workerinput.get("conformance_ledger")
        self.ledger: Ledger | None = Ledger(path) if path else config.stash.get(_LEDGER, None)
        workers = 1 if self.ledger else int(workerinput.get("workercount", 1))
        self.worker_rps = self.max_rps / workers if self.max_rps else 0.0
        self.worker_requests = math.ceil(self.max_requests / workers) if self.max_requests else 0
        self.catalogs: dict[str, Catalog] = {}

    def load(self) -> None:
        problems = []
        for arg in self.catalog_args:
            try:
                catalog = load_catalog(arg)
            except CatalogError as exc:
                problems.extend(str(problem) for problem in exc.problems)
                continue
            self.catalogs[catalog.api.name] = catalog
        if problems:
            raise pytest.UsageError("broken catalog:\n" + "\n".join(problems))
        if self.base_url and len(self.catalogs) != 1:
            raise pytest.UsageError(
                f"--base-url needs exactly one --catalog (got {len(self.catalogs)}: {', '.join(self.catalogs)})"
            )
        if not self.base_url:
            import reference

            missing = [name for name in self.catalogs if name not in reference.APIS]
            if missing:
                raise pytest.UsageError(
                    f"no embedded reference API for catalog {', '.join(missing)}: give --base-url URL"
                )


class TargetPool:
    """Targets by catalog name, created (and reference servers started) on first use."""

    def __init__(self, conf: Settings):
        self.conf = conf
        self.pacer = Pacer(conf.worker_rps, conf.ledger)
        self.budget = Budget(conf.worker_requests, conf.ledger)
        self.targets: dict[str, Target] = {}
        self.servers: list = []

    def transport(self) -> Transport:
        return Transport(timeout=self.conf.timeout, max_body=self.conf.max_body, pacer=self.pacer, budget=self.budget)

    def get(self, name: str) -> Target:
        if name not in self.targets:
            catalog = self.conf.catalogs[name]
            if self.conf.base_url:
                credentials = {
                    key: os.environ[spec.env] for key, spec in catalog.auth.credentials.items() if os.environ.get(spec.env)
                }
                if self.conf.api_key:
                    credentials["primary"] = self.conf.api_key
                target = Target(catalog, self.conf.base_url, credentials, self.transport(), strict_planned=self.conf.strict_planned)
            else:
                import reference

                server = reference.start(name)
                self.servers.append(server)
                target = Target(
                    catalog,
                    server.url,
                    dict(reference.credentials(name)),
                    self.transport(),
                    strict_planned=self.conf.strict_planned,
                    embedded=True,
                    mint_key=lambda name=name: reference.mint_key(name),
                )
            self.targets[name] = target
        return self.targets[name]

    def close(self) -> None:
        for target in self.targets.values():
            target.transport.close()
        for server in self.servers:
            server.stop()

    def observations(self) -> list[Observation]:
        return [obs for target in self.targets.values() for obs in target.recorder.observations]


_CONF = pytest.StashKey[Settings]()
_POOL = pytest.StashKey[TargetPool]()
_COLLECTED = pytest.StashKey[dict]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _group_by_catalog_under_xdist(config)
    _share_limits_under_xdist(config)
    _configure(config)


def _share_limits_under_xdist(config: pytest.Config) -> None:
    """The controller of an xdist run with --max-requests or --max-rps creates the ledger its
    workers will share (passed on in pytest_configure_node)."""
    if hasattr(config, "workerinput") or getattr(config.option, "dist", "no") == "no" or not ledger.AVAILABLE:
        return
    if _setting(config, "max_requests", "CONFORMANCE_MAX_REQUESTS", "conformance_max_requests") or _setting(
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
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        case = params.get("case")
        name = case[0] if isinstance(case, tuple) else params.get("conformance_target")
        if isinstance(name, str):
            item.add_marker(pytest.mark.xdist_group(name=name))


def _configure(config: pytest.Config) -> None:
    for marker in sorted(set(KIND_MARKERS.values())):
        config.addinivalue_line("markers", f"{marker}: conformance probes of that scenario kind")
    config.addinivalue_line("markers", "writes: creates or changes data on the target")
    config.addinivalue_line("markers", "burst: sends many requests quickly (rate limits)")
    config.addinivalue_line("markers", "probe_kind(kind): parametrize the test's 'case' with the catalogs' probes of this kind")
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("ci" if os.environ.get("CI") else "dev")
    conf = Settings(config)
    conf.load()
    for extra in sorted({marker for catalog in conf.catalogs.values() for probe in catalog.probes for marker in probe.markers}):
        config.addinivalue_line("markers", f"{extra}: marker a catalog gives some of its probes")
    config.stash[_CONF] = conf
    config.stash[_POOL] = TargetPool(conf)
    config.stash[_COLLECTED] = {"observations": [], "setup_problems": []}
    if conf.api_key:
        secrets.register(conf.api_key)
    if conf.base_url and not hasattr(config, "workerinput"):
        _check_reachable(conf, config.stash[_POOL])


def _check_reachable(conf: Settings, pool: TargetPool | None = None) -> None:
    """One clear error for an unreachable target, instead of a failure per test."""
    # The check is a request like any other: paced by --max-rps, counted by --max-requests.
    transport = Transport(timeout=min(conf.timeout, 5.0), max_body=1024, pacer=pool and pool.pacer, budget=pool and pool.budget)
    try:
        exchange = transport.send(OutgoingRequest("GET", conf.base_url))
    finally:
        transport.close()
    if exchange.status is None:
        raise pytest.UsageError(f"cannot reach --base-url {conf.base_url}: {exchange.error}")


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
    conf = config.stash[_CONF]
    target = conf.base_url or "embedded reference APIs on 127.0.0.1"
    profile = settings._current_profile  # noqa: SLF001 - the name is not public API
    seed = config.getoption("hypothesis_seed", None)
    lines = [
        f"conformance target: {target}",
        f"conformance catalogs: {', '.join(conf.catalogs)}",
        f"conformance hypothesis profile: {profile}, seed: {_seed_text(seed)}",
    ]
    if conf.max_rps or conf.max_requests:
        lines.append(f"conformance limits: max-rps {conf.max_rps or 'none'}, max-requests {conf.max_requests or 'none'}")
    return lines


def _seed_text(seed) -> str:
    if seed is not None:
        return str(seed)
    return "derandomized" if settings().derandomize else "random (fix one with --hypothesis-seed=N)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "conformance_target" in metafunc.fixturenames:
        names = list(metafunc.config.stash[_CONF].catalogs)
        metafunc.parametrize("conformance_target", names, ids=names, indirect=True)
    marker = metafunc.definition.get_closest_marker("probe_kind")
    if marker is None or "case" not in metafunc.fixturenames:
        return
    kind = marker.args[0]
    conf = metafunc.config.stash[_CONF]
    params = []
    for name, catalog in conf.catalogs.items():
        for probe in catalog.probes:
            if probe.kind != kind:
                continue
            marks = [getattr(pytest.mark, KIND_MARKERS[kind])]
            steps = [*probe.setup, probe.request]
            if any(step.method not in ("GET", "HEAD", "OPTIONS") for step in steps) or probe.mode in ("replay", "mismatch", "concurrent"):
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
    _redact_report(report)
    return report


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
        session.config.workeroutput["conformance"] = json.dumps(data)
    else:
        _merge(session.config, data)


def pytest_testnodedown(node, error) -> None:
    payload = getattr(node, "workeroutput", {}).get("conformance")
    if payload:
        _merge(node.config, json.loads(payload))


def _merge(config: pytest.Config, data: dict) -> None:
    collected = config.stash[_COLLECTED]
    collected["observations"].extend(data["observations"])
    collected["setup_problems"].extend(data["setup_problems"])


def run_settings(config: pytest.Config) -> Settings | None:
    """The effective settings (catalogs, target, limits) of this run."""
    return config.stash.get(_CONF, None)


def collected_observations(config: pytest.Config) -> list[Observation]:
    """Every judged response of the run, from all xdist workers (controller side, after the run)."""
    collected = config.stash.get(_COLLECTED, None)
    return [Observation(**item) for item in collected["observations"]] if collected else []


def collected_setup_problems(config: pytest.Config) -> list[dict]:
    collected = config.stash.get(_COLLECTED, None)
    return list(collected["setup_problems"]) if collected else []


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    observations = collected_observations(config)
    if not observations:
        return
    conf = config.stash[_CONF]
    terminalreporter.section("conformance coverage")
    coverages = []
    for name, catalog in conf.catalogs.items():
        mine = [obs for obs in observations if obs.catalog == name]
        if mine:
            coverages.append(compute(catalog, mine))
            terminalreporter.write_line(summary_line(coverages[-1]))
    if len(coverages) > 1:
        terminalreporter.write_line(total_line(coverages))
