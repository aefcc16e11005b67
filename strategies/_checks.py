"""Call-time argument validation shared by every strategy factory.

Hypothesis rejects bad arguments when the strategy is *built*, not when it is
first drawn from; we do the same so a typo in a catalog fails at collection
time with a message that names the offending argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from hypothesis.errors import InvalidArgument

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_number",
    "check_str",
    "check_str_list",
]


def _type_name(value: object) -> str:
    return type(value).__name__


def check_bool(name: str, value: object) -> bool:
    # bool is checked strictly: YAML "yes"/1 must not silently mean True.
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be a bool, not {_type_name(value)}")
    return value


def check_int(
    name: str, value: object, *, min_value: int | None = None, max_value: int | None = None
) -> int:
    # bool is an int subclass; True as a length is always a catalog mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an int, not {_type_name(value)}")
    if min_value is not None and value < min_value:
        raise InvalidArgument(f"{name}={value!r} must be >= {min_value}")
    if max_value is not None and value > max_value:
        raise InvalidArgument(f"{name}={value!r} must be <= {max_value}")
    return value


def check_number(name: str, value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(f"{name}={value!r} must be a number, not {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidArgument(f"{name}={value!r} must be finite")
    return value


def check_str(name: str, value: object, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"{name}={value!r} must be a str, not {_type_name(value)}")
    if not allow_empty and not value:
        raise InvalidArgument(f"{name}={value!r} must not be empty")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise InvalidArgument(f"{name}={value!r} must be one of {list(choices)!r}")
    return value  # type: ignore[return-value]


def check_str_list(name: str, value: object, *, allow_empty: bool = False) -> tuple[str, ...]:
    # YAML gives lists; accept any non-str sequence but reject a bare str,
    # which would otherwise be iterated character by character.
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidArgument(f"{name}={value!r} must be a list of str, not {_type_name(value)}")
    for item in value:
        if not isinstance(item, str) or not item:
            raise InvalidArgument(f"{name} must contain only non-empty str, got {item!r}")
    if not allow_empty and not value:
        raise InvalidArgument(f"{name} must not be empty")
    return tuple(value)
