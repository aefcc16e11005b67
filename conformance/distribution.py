"""pytest-xdist glue: where a run's tests go, and what the workers share.

- With ``-n N`` and no ``--dist`` of the user's choosing, each catalog's tests stay on one
  worker (xdist ``loadgroup``): a worker starts only the reference APIs it uses.
- With ``--max-requests`` or ``--max-rps``, the controller creates one ledger file that every
  worker counts and paces through, so the limits hold for the whole run.
- Rate-limit bursts run after every other probe of their catalog, also per worker.
"""

from __future__ import annotations

import pytest

from . import options, runstate
from .engine import ledger
from .engine.ledger import Ledger


def share_limits(config: pytest.Config) -> None:
    """The controller of an xdist run with --max-requests or --max-rps creates the ledger its
    workers will share (passed on in :func:`node_input`)."""
    if hasattr(config, "workerinput") or getattr(config.option, "dist", "no") == "no" or not ledger.AVAILABLE:
        return
    if options.setting(config, "max_requests", "CONFORMANCE_MAX_REQUESTS", "conformance_max_requests") or options.setting(
        config, "max_rps", "CONFORMANCE_MAX_RPS", "conformance_max_rps"
    ):
        config.stash[runstate.LEDGER] = Ledger.create()


def group_by_catalog(config: pytest.Config) -> None:
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


def node_input(node) -> None:
    """What the controller passes to a worker it starts."""
    node.workerinput["conformance_loadgroup"] = node.config.getoption("dist", "no") == "loadgroup"
    if runstate.LEDGER in node.config.stash:
        node.workerinput["conformance_ledger"] = node.config.stash[runstate.LEDGER].path


def mark_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """One xdist_group per catalog (only read by xdist, only added when it is loaded)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        case = params.get("case")
        name = case[0] if isinstance(case, tuple) else params.get("conformance_target")
        if isinstance(name, str):
            item.add_marker(pytest.mark.xdist_group(name=name))


def bursts_last(items: list[pytest.Item]) -> None:
    """Rate-limit bursts last: a limit a burst trips (a login locked for minutes) must not
    throttle the probes after it. A stable sort keeps every other order as it was; under xdist
    a catalog's tests share one worker (loadgroup), which runs them in this order."""
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("burst") is not None)
