"""Call-time argument validation shared by every strategy factory.

Hypothesis rejects bad arguments when the strategy is *built*, not when it is
first drawn from; we do the same so a typo in a catalog fails at collection
time with a message that names the offending argument.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

T = TypeVar("T")

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_number",
    "check_str",
    "check_str_list",
    "nasty_first",
    "rng_text",
    "seeded",
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


def nasty_first(nasty: Sequence[Any], generated: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """Known boundary values first, then generated ones.

    ``one_of`` shrinks towards its first branch and ``sampled_from`` towards
    its first element, so a failing example ends on the simplest nasty value.
    """
    # De-duplicate but keep order; keyed on type too, because 1 == True == 1.0
    # and unhashable JSON values (lists, dicts) must survive.
    seen: set[tuple[type, str]] = set()
    unique = []
    for value in nasty:
        key = (type(value), repr(value))
        if key not in seen:
            seen.add(key)
            unique.append(value)
    nasty = unique
    if not nasty:
        return generated
    from_seed = getattr(generated, "_from_seed", None)
    if from_seed is not None:
        # Fused form: one integer choice; even -> a nasty value, odd -> a
        # generated one.  0 (the shrink target) is nasty[0], and about half
        # of all draws are nasty, as with one_of.
        k = len(nasty)
        return _SEED.map(lambda i: nasty[(i >> 1) % k] if i % 2 == 0 else from_seed(i >> 1))
    return st.one_of(st.sampled_from(nasty), generated)



_SEED_MAX = 2**64 - 1
_SEED = st.integers(0, _SEED_MAX)


def seeded(build: Callable[..., T], *args: SearchStrategy[Any] | Sequence[Any]) -> SearchStrategy[T]:
    """``build(*picked_args, rnd)`` with ``rnd`` a ``random.Random`` seeded from one Hypothesis choice.

    Hypothesis spends roughly 100 us per choice, and ``st.text`` makes one
    choice per character, so random filler (tokens, labels, padding) is made
    from a single seeded RNG instead.  Still reproducible, and the seed
    shrinks to 0; readable minimal examples come from the nasty lists.

    Each of ``args`` is a strategy (drawn as usual) or a plain sequence (one
    element picked with ``rnd``).  With only sequences the whole value costs
    one choice, and :func:`nasty_first` can fuse its nasty list into it.
    """
    if all(isinstance(a, (list, tuple)) for a in args):
        choices = [tuple(a) for a in args]

        def from_seed(seed: int) -> T:
            rnd = random.Random(seed)
            return build(*[rnd.choice(c) for c in choices], rnd)

        strategy = _SEED.map(from_seed)
        strategy._from_seed = from_seed  # type: ignore[attr-defined]
        return strategy
    strategies = [a if isinstance(a, SearchStrategy) else st.sampled_from(a) for a in args]
    return st.builds(lambda *a: build(*a[:-1], random.Random(a[-1])), *strategies, _SEED)


def rng_text(rnd: random.Random, alphabet: str, min_size: int, max_size: int) -> str:
    """Random text from ``alphabet``, length uniform in ``min_size..max_size``."""
    return "".join(rnd.choices(alphabet, k=rnd.randint(min_size, max_size)))
