"""pytest-xdist glue: where a run's tests go, and what the workers share.

With ``-n N`` and no ``--dist`` of the user's choosing (xdist ``loadgroup`` is used):

- against the embedded reference APIs, each catalog's tests stay on one worker (one group per
  catalog): a worker starts only the reference APIs it uses, and a catalog's bursts run after
  its other probes on that worker;
- against one target (``--base-url`` or ``--app``), nothing is started, so the probes are spread
  over every worker, one test at a time (the whole-API tests first, the OpenAPI route in one
  part per worker); the rate-limit bursts form one group that the
  scheduler (``xdist_scheduling``) holds back until every other test of the run has finished
  on every worker, then runs on one worker, in order.

With ``--max-requests`` or ``--max-rps``, the controller creates one ledger file that every
worker counts and paces through, so the limits hold for the whole run. A ``--dist`` the user
chose is kept; with a target and ``--dist loadgroup`` the bursts are still held back.
"""

from __future__ import annotations

import pytest

from . import options, runstate
from .options import Settings
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


# The xdist group of the rate-limit bursts when the probes are spread (see the module docstring).
BURSTS_GROUP = "conformance-bursts"
# Set on the controller when the bursts are to be held back by our scheduler.
HOLD_BURSTS = pytest.StashKey[bool]()


def choose(config: pytest.Config, conf: Settings) -> None:
    """With -n N and no --dist of the user's choosing, use xdist 'loadgroup' (groups as
    :func:`mark_groups` sets them); with a target, hold the bursts back (:func:`scheduler`)."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        # xdist resets a worker's options; the controller passes the choice on
        if workerinput.get("conformance_loadgroup"):
            config.option.loadgroup = True
        return
    chose = any(str(arg).startswith("--dist") for arg in config.invocation_params.args)
    if getattr(config.option, "dist", "no") == "load" and not chose:
        config.option.dist = "loadgroup"
    if getattr(config.option, "dist", "no") == "loadgroup" and not conf.embedded:
        config.stash[HOLD_BURSTS] = True


def node_input(node) -> None:
    """What the controller passes to a worker it starts."""
    node.workerinput["conformance_loadgroup"] = node.config.getoption("dist", "no") == "loadgroup"
    if runstate.LEDGER in node.config.stash:
        node.workerinput["conformance_ledger"] = node.config.stash[runstate.LEDGER].path


def mark_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """xdist groups (only read by xdist, only added when it is loaded): one per catalog against
    the embedded reference APIs; against a target, one for the rate-limit bursts only."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    against_target = not runstate.run_settings(config).embedded
    for item in items:
        if against_target:
            if item.get_closest_marker("burst") is not None:
                item.add_marker(pytest.mark.xdist_group(name=BURSTS_GROUP))
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        case = params.get("case")
        name = case[0] if isinstance(case, tuple) else params.get("conformance_target")
        if isinstance(name, str):
            item.add_marker(pytest.mark.xdist_group(name=name))


def scheduler(config: pytest.Config, log):
    """The xdist scheduler of a run against one target (None: xdist's own)."""
    if not config.stash.get(HOLD_BURSTS, False):
        return None
    from .xdist_scheduling import BurstsLastScheduling  # imports xdist, which is optional

    return BurstsLastScheduling(config, log, held_group=BURSTS_GROUP)


def spread(config: pytest.Config) -> bool:
    """Whether this process collects for workers sharing one target (only workers collect in
    an xdist run, and all of them alike)."""
    return hasattr(config, "workerinput") and not runstate.run_settings(config).embedded


def openapi_parts(config: pytest.Config) -> int:
    """How many tests the OpenAPI route's operations are split into: one per worker when the
    run is spread (the route is one long test per mode otherwise: the run's long pole)."""
    return int(config.workerinput.get("workercount", 1)) if spread(config) else 1


def order(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Rate-limit bursts last: a limit a burst trips (a login locked for minutes) must not
    throttle the probes after it. A stable sort keeps every other order as it was. Under xdist
    a catalog's tests share one worker (loadgroup), which runs them in this order, or, against
    a target, the scheduler holds the bursts back until everything else is done.

    When the probes are spread, the tests that cover a whole API in one test (the envelope
    fuzz, the OpenAPI route: each as long as many probes) go first, so that no worker is left
    with one of them while the others idle (longest first, as list scheduling does best)."""
    first = spread(config)

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("burst") is not None:
            return 2
        whole_api = "conformance_target" in getattr(getattr(item, "callspec", None), "params", {})
        return 0 if first and whole_api else 1

    items[:] = sorted(items, key=rank)
