"""What each failed test found: every distinct failure pytest reports for it, attributed.

Hypothesis reports several distinct failures of one test as an exception group, each one
shrunk; a run's findings are exactly those (the example the terminal shows, never the
unshrunk answers met on the way), one per failure, attributed to the code the answer
carried (``None``: no code). The terminal summary and every report list the same ones, so
the failures a report counts are the failed tests of the run.
"""

from __future__ import annotations

from typing import Any

import pytest

from .engine import secrets
from .engine.failures import ConformanceFailure, ProbeSetupError

MESSAGE_LIMIT = 4000  # a finding's text in a report; a hostile body must not make it huge


def flatten(exc: BaseException) -> list[BaseException]:
    """The leaves of an exception group (Hypothesis's "found N distinct failures")."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in flatten(sub)]
    return [exc]


def findings(test: str, catalog: str | None, probe: str | None, exc: BaseException) -> list[dict[str, Any]]:
    """One finding per distinct failure in ``exc``, the exception a failed test raised."""
    return [_finding(test, catalog, probe, leaf) for leaf in flatten(exc)]


def _finding(test: str, catalog: str | None, probe: str | None, exc: BaseException) -> dict[str, Any]:
    finding: dict[str, Any] = {
        "test": test,
        "catalog": catalog,
        "probe": probe,
        "kind": "error",  # the suite's own exception: never a verdict on the API, never hidden
        "title": type(exc).__name__,
        "expected": [],
        "request": None,
        "status": None,
        "code": None,
        "input": None,
        "message": secrets.redact(str(exc))[:MESSAGE_LIMIT],
        "reproducer": None,
    }
    if isinstance(exc, ConformanceFailure):
        finding.update(kind=exc.kind, title=exc.title, input=exc.value("Input"), reproducer=exc.value("Reproduce"))
        observation = exc.observation
        if observation is not None:
            finding.update(
                catalog=observation.catalog,
                probe=observation.probe,
                expected=list(observation.expected),
                request=f"{observation.method} {observation.path}",
                status=observation.status,
                code=observation.code,
            )
    elif isinstance(exc, ProbeSetupError):
        finding.update(kind="setup", title="Probe setup problem", reproducer=dict(exc.lines).get("Reproduce"))
    elif isinstance(exc, pytest.fail.Exception):
        # A suite's own summary of what it found (the OpenAPI route: "N operations broke a contract")
        finding.update(kind="failed", title=secrets.redact(str(exc.msg).splitlines()[0] if exc.msg else "failed"))
    return finding


def line(finding: dict[str, Any]) -> str:
    """One terminal line: the test, the failure and what the answer carried."""
    answered = ""
    if finding["request"] is not None:
        answered = f" (answered {finding['status'] if finding['status'] is not None else 'nothing'}, " \
                   f"{'code ' + finding['code'] if finding['code'] else 'no code'})"
    return secrets.redact(f"{finding['test']}: {finding['title']}{answered}")
