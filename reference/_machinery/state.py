"""Tiny state-machine helper for resources with a ``status`` member."""
from __future__ import annotations

from typing import Callable, Mapping


class InvalidTransition(Exception):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"cannot go from {current!r} to {target!r}")
        self.current = current
        self.target = target


class StateMachine:
    """``StateMachine({"pending": {"cancelled", "completed"}, ...}, initial="pending")``."""

    def __init__(self, transitions: Mapping[str, set[str] | frozenset[str] | tuple[str, ...]],
                 initial: str, field: str = "status") -> None:
        self.transitions = {k: frozenset(v) for k, v in transitions.items()}
        self.initial = initial
        self.field = field

    @property
    def states(self) -> frozenset[str]:
        out = set(self.transitions)
        for targets in self.transitions.values():
            out |= targets
        return frozenset(out)

    def can(self, current: str, target: str) -> bool:
        return target in self.transitions.get(current, frozenset())

    def terminal(self, state: str) -> bool:
        return not self.transitions.get(state)

    def transition(self, resource: dict, target: str,
                   on_invalid: Callable[[str, str], Exception] | None = None) -> dict:
        """Move ``resource[field]`` to ``target`` in place or raise ``on_invalid(current, target)``."""
        current = resource.get(self.field, self.initial)
        if not self.can(current, target):
            raise (on_invalid(current, target) if on_invalid else InvalidTransition(current, target))
        resource[self.field] = target
        return resource
