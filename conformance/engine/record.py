"""What a run observed, per catalog: the raw material of the coverage report."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field


@dataclass
class Observation:
    """One judged response."""

    catalog: str
    probe: str
    kind: str
    expected: list[str]
    method: str
    path: str
    status: int | None
    code: str | None
    passed: bool
    failure: str | None = None  # failure kind (e.g. wrong-status)
    title: str | None = None
    message: str | None = None  # the rendered failure, credentials redacted
    reproducer: str | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # rendered SHOULD violations (RFC 2119), redacted

    def to_dict(self) -> dict:
        return asdict(self)


class Recorder:
    """Thread-safe list of observations (idempotency probes send from several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.observations: list[Observation] = []
        self.setup_problems: list[dict] = []

    def add(self, observation: Observation) -> Observation:
        with self._lock:
            self.observations.append(observation)
        return observation

    def add_setup_problem(self, catalog: str, probe: str, message: str, **details: object) -> None:
        """A probe that could not run; ``details`` as ``reason`` ("rate-limited",
        "outside-base-path") and, for a 429, ``retry_after`` (as received) and ``wait_seconds``
        (the wait it asked for, uncapped: what a rerun would need)."""
        with self._lock:
            self.setup_problems.append({"catalog": catalog, "probe": probe, "message": message, **details})


def distinct_warnings(observations: list[Observation]) -> list[dict]:
    """Every SHOULD violation (RFC 2119) of a run, once per probe and violation: the same
    warning met by many Hypothesis examples differs only in its Reproduce line."""
    seen: dict[tuple, dict] = {}
    for obs in observations:
        for text in obs.warnings:
            key = (obs.catalog, obs.probe, "\n".join(line for line in text.splitlines() if not line.startswith("Reproduce: ")))
            if key not in seen:
                seen[key] = {"catalog": obs.catalog, "probe": obs.probe, "message": text, "count": 0}
            seen[key]["count"] += 1
    return list(seen.values())
