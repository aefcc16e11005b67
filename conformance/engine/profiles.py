"""Hypothesis settings of the probes: applied per probe, never loaded for the whole session.

The plugin is a guest in other people's test runs, so it leaves Hypothesis's global
settings to them: a user's own property tests keep their health checks and deadlines.
``--hypothesis-profile NAME`` selects the suite's profile NAME for the probes (dev, ci,
thorough, smoke) or a profile of the user's own; without it the probes use ``dev`` (``ci``
when ``CI`` is set), through :func:`current`, applied by the suites as a settings decorator.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# Each with an explicit parent: Hypothesis loads its own 'ci' profile when CI is set, and a
# profile registered without a parent would inherit from that.
_BASE = settings.get_profile("default")
# Network round trips are slow and vary (deadline), and a probe's strategies filter on
# purpose (health checks): neither says anything about the API under test.
PROBE_OVERRIDES = dict(deadline=None, suppress_health_check=list(HealthCheck))
# No explain phase: it sends more requests to the API to list the suite's own source lines,
# and the failure shown (display.py) says what a catalog author needs; no @reproduce_failure
# blob either (advice for editing a test function, which here is the suite's).
_COMMON = dict(PROBE_OVERRIDES, print_blob=False,
               phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
SUITE_PROFILES = {
    "dev": settings(parent=_BASE, max_examples=15, **_COMMON),
    "ci": settings(parent=_BASE, max_examples=30, derandomize=True, **_COMMON),
    "thorough": settings(parent=_BASE, max_examples=300, **_COMMON),
    # 'smoke': a few examples, no shrinking: "is anything broken?" as fast as possible (fault matrices)
    "smoke": settings(parent=_BASE, **{**_COMMON, "max_examples": 5, "phases": [Phase.explicit, Phase.reuse, Phase.generate]}),
}
# Registered so that --hypothesis-profile accepts them, except 'ci': Hypothesis has its own
# and loads it when CI is set; registering that name again would reload it and change the
# settings of every other test in the user's run.
for _name, _profile in SUITE_PROFILES.items():
    if _name != "ci":
        settings.register_profile(_name, _profile)

_state: dict = {"profile": None, "name": None, "database": None, "database_label": None}


def default_name() -> str:
    return "ci" if os.environ.get("CI") else "dev"


def choose(requested: str | None) -> None:
    """The profile the probes use: ``requested`` (the run's ``--hypothesis-profile``, which
    Hypothesis loads for the whole session, the user's choice), the suite's profile of that
    name where there is one; else the suite's default. Starts a run afresh (no example
    database)."""
    if not requested:
        profile = default_name()
    else:  # a profile of the user's own: the settings Hypothesis loaded for the session
        profile = requested if requested in SUITE_PROFILES else None
    _state.update(profile=profile, name=None, database=None, database_label=None)


def use_database(database, label: str) -> None:
    """An example database for the probes (``--hypothesis-redis``): ``label`` joins the
    profile's name (``thorough+redis``)."""
    # the profile's name as it is now, before the caller loads the database for the session
    _state.update(database=database, database_label=label, name=_state["profile"] or settings.get_current_profile_name())


def name() -> str:
    """The name of the profile the probes run with (for the report header)."""
    base = _state["name"] or _state["profile"] or settings.get_current_profile_name()
    return f"{base}+{_state['database_label']}" if _state["database_label"] else base


def current() -> settings:
    """The settings a probe runs with."""
    base = SUITE_PROFILES[_state["profile"]] if _state["profile"] else settings()
    extra = {"database": _state["database"]} if _state["database"] is not None else {}
    return settings(parent=base, **PROBE_OVERRIDES, **extra)
