"""Problems found in a catalog, reported as ``file:line:col: message [rule]``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str
    rule: str
    level: str = "error"  # "warning": shown by lint, never fails a load nor lint's exit status

    def __str__(self) -> str:
        label = "warning: " if self.level == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {label}{self.message} [{self.rule}]"


class CatalogError(Exception):
    """A catalog that cannot be used; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
