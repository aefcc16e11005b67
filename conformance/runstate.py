"""What one run keeps in pytest's stash: its settings, targets, and what it collected.

The collected part (observations, setup problems, findings) is filled on every process of
an xdist run and merged on the controller; the reports and the terminal summary read it
there, after the run.
"""

from __future__ import annotations

import pytest

from .engine.ledger import Ledger
from .engine.record import Observation
from .options import Settings
from .pool import TargetPool

CONF = pytest.StashKey[Settings]()
POOL = pytest.StashKey[TargetPool]()
COLLECTED = pytest.StashKey[dict]()
# The file the processes of an xdist run share their request count and pacing through.
LEDGER = pytest.StashKey[Ledger]()
SUITES_WITHOUT_CATALOG = pytest.StashKey[bool]()


def start(config: pytest.Config, conf: Settings) -> None:
    config.stash[CONF] = conf
    config.stash[POOL] = TargetPool(conf)
    config.stash[COLLECTED] = {"observations": [], "setup_problems": [], "findings": [], "requests_sent": {}}


def active(config: pytest.Config) -> bool:
    """Whether catalogs were asked for (the plugin acts only then)."""
    return CONF in config.stash


def add_findings(config: pytest.Config, found: list[dict]) -> None:
    config.stash[COLLECTED]["findings"].extend(found)


def own_part(config: pytest.Config, *, findings: bool = True) -> dict:
    """What this process's targets observed (and, for a worker, the findings it made),
    ready to send to the controller."""
    pool = config.stash[POOL]
    return {
        "observations": [obs.to_dict() for obs in pool.observations()],
        "setup_problems": [problem for target in pool.targets.values() for problem in target.recorder.setup_problems],
        "findings": config.stash[COLLECTED]["findings"] if findings else [],
        "requests_sent": {name: target.transport.sent for name, target in pool.targets.items()},
    }


def merge(config: pytest.Config, data: dict) -> None:
    """Add a process's part to what the run collected."""
    collected = config.stash[COLLECTED]
    collected["observations"].extend(data["observations"])
    collected["setup_problems"].extend(data["setup_problems"])
    collected["findings"].extend(data.get("findings", []))
    for name, count in data.get("requests_sent", {}).items():
        collected["requests_sent"][name] = collected["requests_sent"].get(name, 0) + count


def run_settings(config: pytest.Config) -> Settings | None:
    """The effective settings (catalogs, target, limits) of this run."""
    return config.stash.get(CONF, None)


def collected_observations(config: pytest.Config) -> list[Observation]:
    """Every judged response of the run, from all xdist workers (controller side, after the run)."""
    collected = config.stash.get(COLLECTED, None)
    return [Observation(**item) for item in collected["observations"]] if collected else []


def collected_findings(config: pytest.Config) -> list[dict]:
    """Every distinct failure of every failed test of the run (controller side, after the run)."""
    collected = config.stash.get(COLLECTED, None)
    return list(collected["findings"]) if collected else []


def collected_setup_problems(config: pytest.Config) -> list[dict]:
    collected = config.stash.get(COLLECTED, None)
    return list(collected["setup_problems"]) if collected else []


def requests_sent(config: pytest.Config) -> dict[str, int]:
    """Requests sent per catalog by every process of the run (controller side, after the run)."""
    collected = config.stash.get(COLLECTED, None)
    return dict(collected["requests_sent"]) if collected else {}
