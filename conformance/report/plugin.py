"""pytest plugin part for reports, JUnit properties and a shared Hypothesis example database.

- ``--conformance-report DIR`` [env CONFORMANCE_REPORT, ini conformance_report]: after the run
  (on the controller, xdist workers' observations merged) write DIR/report.json, report.md and
  report.html, and name them in the terminal summary.
- Every collected probe test carries the JUnit properties ``conformance_catalog`` and
  ``conformance_probe`` (its ``api:probe-id``), next to the test name that already ends in it.
- ``--hypothesis-redis URL`` [env CONFORMANCE_HYPOTHESIS_REDIS, ini conformance_hypothesis_redis]:
  Hypothesis's example database in Redis, so a failing example found on one CI runner is
  replayed first on the next (``pip install 'hypothesis[redis]'``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

from .. import runstate
from ..engine import profiles
from .model import safe_url

_STATE = pytest.StashKey[dict]()
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
FILES = ("report.json", "report.md", "report.html")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "error-contract conformance")
    group.addoption("--conformance-report", default=None, metavar="DIR",
                    help="write report.json, report.md and report.html to DIR after the run [env CONFORMANCE_REPORT]")
    group.addoption("--hypothesis-redis", default=None, metavar="URL",
                    help="keep Hypothesis examples in Redis (e.g. redis://127.0.0.1:6379/0), shared between CI runners "
                         "[env CONFORMANCE_HYPOTHESIS_REDIS]")
    parser.addini("conformance_report", "directory for report.json, report.md, report.html")
    parser.addini("conformance_hypothesis_redis", "Redis URL of the shared Hypothesis example database")


def _report_dir(config: pytest.Config) -> Path | None:
    value = config.getoption("conformance_report") or os.environ.get("CONFORMANCE_REPORT")
    base = config.invocation_params.dir
    if not value:
        value = config.getini("conformance_report")
        base = config.rootpath
    if not value:
        return None
    return (base / Path(value).expanduser()).resolve()


def _redis_url(config: pytest.Config) -> str | None:
    return (
        config.getoption("hypothesis_redis")
        or os.environ.get("CONFORMANCE_HYPOTHESIS_REDIS")
        or config.getini("conformance_hypothesis_redis")
        or None
    )


def redis_database(url: str):
    """A Hypothesis example database in Redis at ``url``."""
    try:
        import redis
        from hypothesis.extra.redis import RedisExampleDatabase
    except ImportError as exc:
        raise pytest.UsageError(
            f"--hypothesis-redis needs the redis client: pip install 'hypothesis[redis]' ({exc})"
        ) from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5)
    except ValueError as exc:  # not a redis://, rediss:// or unix:// URL
        raise pytest.UsageError(f"--hypothesis-redis {safe_url(url)} is not a Redis URL: {exc}") from None
    try:
        client.ping()
    except redis.RedisError as exc:
        raise pytest.UsageError(f"cannot reach --hypothesis-redis {safe_url(url)}: {exc}") from None
    return RedisExampleDatabase(client, key_prefix=b"conformance-example:")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # trylast: after Hypothesis's plugin and conformance.plugin have chosen the probes' profile.
    if runstate.run_settings(config) is None:
        return  # the conformance plugin was not asked for catalogs: neither is this part
    state = {
        "start": time.monotonic(),
        "started": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "profile": profiles.name(),
        "derandomize": bool(profiles.current().derandomize),
        "database": "default (.hypothesis/ of the working directory)",
        "outcomes": Counter(),
        "written": [],
    }
    url = _redis_url(config)
    if url:
        # Asked for on the command line, so for the whole session (as --hypothesis-profile is):
        # the probes and any other property test of the run share the Redis database.
        database = redis_database(url)
        profiles.use_database(database, "redis")
        settings.register_profile("+redis", parent=settings(), database=database)
        settings.load_profile("+redis")
        state["profile"] = profiles.name()
        state["database"] = f"redis {safe_url(url)}"
    config.stash[_STATE] = state
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Outcomes(config, state["outcomes"]), "conformance-report-outcomes")


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash.get(_STATE, None)
    lines = []
    if state and state["database"].startswith("redis"):
        lines.append(f"conformance example database: {state['database']}")
    directory = _report_dir(config)
    if directory is not None:
        lines.append(f"conformance report: {directory}")
    return lines


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """JUnit properties naming the catalog and probe of each test (xunit2 keeps them)."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if isinstance(params.get("case"), tuple):
            name, probe_id = params["case"]
            item.user_properties.append(("conformance_catalog", name))
            item.user_properties.append(("conformance_probe", f"{name}:{probe_id}"))
        elif isinstance(params.get("conformance_target"), str):
            item.user_properties.append(("conformance_catalog", params["conformance_target"]))


class _Outcomes:
    """Counts test outcomes as the terminal summary line does (passed, failed, error, ...)."""

    def __init__(self, config: pytest.Config, counter: Counter):
        self.config = config
        self.counter = counter

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        category = self.config.hook.pytest_report_teststatus(report=report, config=self.config)[0]
        if category in OUTCOMES and getattr(report, "count_towards_summary", True):
            self.counter[category] += 1


def _seed(config: pytest.Config, state: dict) -> str:
    seed = config.getoption("hypothesis_seed", None)
    if seed is not None:
        return str(seed)
    return "derandomized" if state["derandomize"] else "random"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(_STATE, None)
    directory = _report_dir(config)
    conf = runstate.run_settings(config)
    if state is None or directory is None or conf is None or hasattr(config, "workerinput"):
        return
    from . import html, json_report, markdown
    from .model import build

    run = {
        "target": conf.base_url or None,
        "hypothesis_profile": state["profile"],
        "hypothesis_seed": _seed(config, state),
        "example_database": state["database"],
        "started": state["started"],
        "duration_seconds": round(time.monotonic() - state["start"], 3),
        "outcomes": {name: state["outcomes"][name] for name in OUTCOMES},
        "exit_status": int(exitstatus),
        "max_rps": conf.max_rps or None,
        "max_requests": conf.max_requests or None,
    }
    report = build(
        conf.catalogs,
        runstate.collected_observations(config),
        runstate.collected_setup_problems(config),
        run,
        runstate.collected_findings(config),
        runstate.requests_sent(config),
    )
    directory.mkdir(parents=True, exist_ok=True)
    state["written"] = [
        json_report.write(report, directory / "report.json"),
        markdown.write(report, directory / "report.md"),
        html.write(report, directory / "report.html"),
    ]


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if not state or not state["written"]:
        return
    if not runstate.collected_observations(config):
        terminalreporter.section("conformance coverage")  # the coverage lines were not printed
    for path in state["written"]:
        terminalreporter.write_line(f"conformance report: {path}")
