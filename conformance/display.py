"""How a failed probe test reads in the terminal: the failure, not the suite's machinery.

A catalog author needs the failure's title and "Label: value" lines (the shrunk input and
the curl reproducer among them) and one command that replays it; the suite's own stack
frames, Hypothesis's explain-phase line list and its ``@reproduce_failure`` advice (for
people editing the test function, which here is ours) say nothing to them. ``--tb=long``,
``--tb=native`` or ``--full-trace`` keep pytest's own rendering for those who debug the suite.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from .engine import secrets
from .engine.failures import ConformanceFailure, ProbeSetupError
from .findings import flatten

KEEP_TRACEBACK_STYLES = ("long", "native")


@dataclass
class _Crash:
    """What pytest's short summary and JUnit read of a failure (``reprcrash``)."""

    path: str
    lineno: int
    message: str


@dataclass
class FailureRepr:
    """A test report's ``longrepr``: the rendered failures, nothing else."""

    lines: list[str]
    reprcrash: _Crash = field(repr=False)
    titles: set[int] = field(default_factory=set, repr=False)  # indices of the lines shown in red

    def toterminal(self, tw) -> None:
        for index, text in enumerate(self.lines):
            tw.line(text, red=index in self.titles, bold=index in self.titles)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def shown(exc: BaseException) -> bool:
    """Whether every failure in ``exc`` is the suite's verdict (a conformance failure or a
    probe setup problem), so none needs a traceback."""
    leaves = flatten(exc)
    return bool(leaves) and all(isinstance(leaf, (ConformanceFailure, ProbeSetupError)) for leaf in leaves)


def failure_repr(exc: BaseException, *, path: str, lineno: int, replay: str) -> FailureRepr:
    leaves = flatten(exc)
    lines: list[str] = []
    red: set[int] = set()
    for number, leaf in enumerate(leaves, start=1):
        if len(leaves) > 1:
            lines.append(f"Failure {number} of {len(leaves)}")
        red.add(len(lines))
        lines += str(leaf).splitlines()
        lines.append("")
    lines.append(f"Replay: {replay}")
    titles = list(dict.fromkeys(str(leaf).splitlines()[0] for leaf in leaves))
    message = titles[0] if len(leaves) == 1 else f"{len(leaves)} distinct failures: {'; '.join(titles)}"
    return FailureRepr(lines=[secrets.redact(text) for text in lines], reprcrash=_Crash(path, lineno, secrets.redact(message)),
                       titles=red)


def replay_command(nodeid: str, options: list[tuple[str, object]]) -> str:
    """``pytest 'NODEID' --opt=value ...``: the failing example comes back first from the
    example database (Hypothesis's reuse phase), or from the same seed."""
    parts = ["pytest", shlex.quote(nodeid)]
    parts += [f"{name}={shlex.quote(str(value))}" for name, value in options if value not in (None, "", [])]
    return " ".join(parts)
