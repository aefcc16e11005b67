"""A test's report once it has run: what it found, how that reads, and what it may not show.

- A failed probe test's failures become findings (every distinct one, shrunk) and its report
  shows them as a catalog author reads them (``display``).
- A run that spent its ``--max-requests`` budget stops cleanly: the test is a skip.
- Credentials never appear in what pytest renders (tracebacks, ``--showlocals``, captured output).
"""

from __future__ import annotations

import os

import pytest

from . import display, runstate
from .engine import secrets
from .engine.failures import BudgetExhausted
from .findings import findings, flatten


def amend(item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> None:
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
    elif call.when == "call" and report.failed and call.excinfo is not None and runstate.active(item.config):
        _found(item, report, call.excinfo.value)
    _redact_report(report)


def _found(item: pytest.Item, report: pytest.TestReport, exc: BaseException) -> None:
    """Record what a failed test found (every distinct failure) and show the failures as
    the catalog author reads them."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    case = params.get("case")
    catalog, probe = case if isinstance(case, tuple) else (params.get("conformance_target"), None)
    if catalog is None and not display.shown(exc):
        return  # a test of the user's own that failed in the same run: not ours to report
    runstate.add_findings(item.config, findings(item.nodeid, catalog, probe, exc))
    option = item.config.option
    if display.shown(exc) and getattr(option, "tbstyle", "auto") not in display.KEEP_TRACEBACK_STYLES and not getattr(option, "fulltrace", False):
        report.longrepr = display.failure_repr(exc, path=item.location[0], lineno=item.location[1] or 0, replay=_replay(item))


def _replay(item: pytest.Item) -> str:
    """The command that runs this one test again against the same target."""
    config = item.config
    conf = runstate.run_settings(config)
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
    return next((leaf for leaf in flatten(exc) if isinstance(leaf, BudgetExhausted)), None)
