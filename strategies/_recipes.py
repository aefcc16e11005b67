"""Nasty values first, then generated ones: strategy recipes on Hypothesis's public API only.

A :class:`Recipe` is a tuple of known nasty values plus, optionally, a
``build(rnd)`` that makes a generated value.  Its strategy is
``st.one_of(st.sampled_from(nasty), generated)``: Hypothesis shrinks
``one_of`` towards its first branch and ``sampled_from`` towards its first
element, so a failure that any nasty value provokes ends on the simplest one
(``nasty[0]`` when every value fails).

``rnd`` is not a seeded ``random.Random`` but a :class:`Draws`: every call
(``randint``, ``choice``, :func:`rng_text`, ...) is one draw of a public
Hypothesis strategy inside ``st.composite``.  So a generated value is made
of choices that mean something: the shrinker moves each integer towards its
lower bound, each ``choice`` towards the first element and each text towards
a shorter, simpler string, and a failure ends on a short value related to
the one that failed, not on whatever an unrelated smaller seed happens to
produce.

Recipes compose: :func:`nasty_first`, :func:`one_of`, :func:`map_values` and
:func:`filter_values` combine the recipes of their inputs (so nasty values
stay first) and fall back to plain Hypothesis combinators for a strategy
that has none.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

T = TypeVar("T")
U = TypeVar("U")

__all__ = ["Draws", "Recipe", "drawn", "filter_values", "map_values", "nasty_first", "one_of", "rng_text", "sampled"]

# Generated values that a filter rejects are rebuilt (with further draws)
# this many times before the whole test case is rejected.
_FILTER_TRIES = 16
# Fill value for interleaving nasty lists of different lengths.
_MISSING = object()


# Strategies are immutable: build each shape once, not on every call.
@functools.lru_cache(maxsize=4096)
def _integers(lo: int, hi: int) -> SearchStrategy[int]:
    return st.integers(lo, hi)


@functools.lru_cache(maxsize=1024)
def _text(alphabet: str, min_size: int, max_size: int) -> SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)


@functools.lru_cache(maxsize=256)
def _floats(lo: float, hi: float) -> SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@functools.lru_cache(maxsize=256)
def _binary(size: int) -> SearchStrategy[bytes]:
    return st.binary(min_size=size, max_size=size)


class Draws:
    """The part of ``random.Random`` the builders use, each call one public Hypothesis draw.

    Integers shrink towards their lower bound, ``choice`` towards the first
    element, ``chance`` towards False, text towards short and simple.
    """

    __slots__ = ("_draw",)

    def __init__(self, draw: Callable[[SearchStrategy[Any]], Any]):
        self._draw = draw

    def randint(self, a: int, b: int) -> int:
        return self._draw(_integers(a, b))

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        return self._draw(_integers(start, stop - 1))

    def getrandbits(self, k: int) -> int:
        return self._draw(_integers(0, (1 << k) - 1))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self._draw(_integers(0, len(seq) - 1))]

    def chance(self, p: float) -> bool:
        """True with probability ``p`` (in hundredths); shrinks to False."""
        return self._draw(_integers(0, 99)) >= round(100 * (1 - p))

    def uniform(self, a: float, b: float) -> float:
        return self._draw(_floats(a, b))

    def randbytes(self, n: int) -> bytes:
        return self._draw(_binary(n))

    def text(self, alphabet: str, min_size: int, max_size: int) -> str:
        return self._draw(_text(alphabet, min_size, max_size))


def rng_text(rnd: Draws, alphabet: str, min_size: int, max_size: int) -> str:
    """Text from ``alphabet``, ``min_size..max_size`` long (one ``st.text`` draw)."""
    return rnd.text(alphabet, min_size, max_size)


@st.composite
def _generated(draw: Callable[[SearchStrategy[Any]], Any], build: Callable[[Draws], T]) -> T:
    return build(Draws(draw))


@dataclass(frozen=True)
class Recipe(Generic[T]):
    """Known ``nasty`` values and/or a ``build(rnd)`` for generated ones (``rnd``: a :class:`Draws`)."""

    nasty: tuple[T, ...] = ()
    build: Callable[[Draws], T] | None = None

    def strategy(self) -> SearchStrategy[T]:
        parts: list[SearchStrategy[T]] = []
        if self.nasty:
            parts.append(st.sampled_from(self.nasty))
        if self.build is not None:
            parts.append(_generated(self.build))
        if not parts:
            return st.nothing()  # a shared instance: no recipe attached to it
        # Nasty first: one_of shrinks towards its first branch.  About half
        # of all draws are nasty values.
        strategy = parts[0] if len(parts) == 1 else st.one_of(parts)
        strategy._recipe = self  # type: ignore[attr-defined]
        return strategy


def recipe_of(strategy: SearchStrategy[T]) -> Recipe[T] | None:
    return getattr(strategy, "_recipe", None)


def _unique(values: Sequence[T]) -> tuple[T, ...]:
    # Keep order.  Text and bytes are keyed on themselves (the repr of a deep
    # body is big); other values on type and repr(), because 1 == True == 1.0
    # and 0.0 == -0.0 are distinct JSON, and lists and dicts are unhashable.
    seen: set[tuple[type, object]] = set()
    unique = []
    for value in values:
        key = (type(value), value if isinstance(value, (str, bytes)) else repr(value))
        if key not in seen:
            seen.add(key)
            unique.append(value)
    return tuple(unique)


def drawn(build: Callable[..., T], *choices: Sequence[Any], nasty: Sequence[T] = ()) -> SearchStrategy[T]:
    """``build(*picked, rnd)``: one element of each of ``choices`` picked with ``rnd``, then ``rnd`` itself.

    ``nasty`` values, if given, come first (see :func:`nasty_first`).
    """
    picks = [tuple(c) for c in choices]
    if picks:
        def generate(rnd: Draws) -> T:
            return build(*[rnd.choice(c) for c in picks], rnd)
    else:
        generate = build
    return Recipe(_unique(nasty), generate).strategy()


def sampled(values: Sequence[T]) -> SearchStrategy[T]:
    """``st.sampled_from(values)`` (duplicates dropped) that :func:`one_of` can merge."""
    return Recipe(_unique(values)).strategy()


def nasty_first(nasty: Sequence[T], generated: SearchStrategy[T]) -> SearchStrategy[T]:
    """Known boundary values first, then generated ones.

    Merged into ``generated``'s recipe when it has one; otherwise
    ``one_of(sampled_from(nasty), generated)``.  Either way a failing
    example ends on the simplest nasty value that fails.
    """
    values = _unique(nasty)
    recipe = recipe_of(generated)
    if recipe is not None:
        return Recipe(_unique([*values, *recipe.nasty]), recipe.build).strategy()
    if not values:
        return generated
    return st.one_of(st.sampled_from(values), generated)


def one_of(*strategies: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """``st.one_of`` that keeps nasty values first when every part has a recipe.

    Nasty lists are interleaved (each part's first value, then each part's
    second, ...) so the simplest value of every part comes early and the
    first part's first value is the shrink target; a generated value comes
    from one part's builder, picked by a draw (shrinking to the first).
    """
    recipes = [recipe_of(s) for s in strategies]
    if not strategies or any(r is None for r in recipes):
        return st.one_of(*strategies)
    columns = itertools.zip_longest(*(r.nasty for r in recipes), fillvalue=_MISSING)
    nasty = [v for column in columns for v in column if v is not _MISSING]
    builders = tuple(r.build for r in recipes if r.build is not None)
    if not builders:
        return Recipe(_unique(nasty)).strategy()
    if len(builders) == 1:
        return Recipe(_unique(nasty), builders[0]).strategy()

    def build(rnd: Draws) -> Any:
        return rnd.choice(builders)(rnd)

    return Recipe(_unique(nasty), build).strategy()


def map_values(strategy: SearchStrategy[T], f: Callable[[T], U]) -> SearchStrategy[U]:
    """``strategy.map(f)``, keeping the recipe (nasty values mapped once, up front)."""
    recipe = recipe_of(strategy)
    if recipe is None:
        return strategy.map(f)
    build = recipe.build
    return Recipe(
        _unique([f(v) for v in recipe.nasty]),
        None if build is None else (lambda rnd: f(build(rnd))),
    ).strategy()


def filter_values(strategy: SearchStrategy[T], keep: Callable[[T], bool]) -> SearchStrategy[T]:
    """``strategy.filter(keep)``, keeping the recipe: nasty values are filtered once, generated ones retried.

    A generated value that ``keep`` rejects is rebuilt (further draws) up to
    16 times before the test case is rejected (``hypothesis.reject``).
    """
    recipe = recipe_of(strategy)
    if recipe is None:
        return strategy.filter(keep)
    nasty = tuple(v for v in recipe.nasty if keep(v))
    build = recipe.build
    if build is None:
        return Recipe(nasty).strategy() if nasty else st.nothing()

    def retry(rnd: Draws) -> T:
        for _ in range(_FILTER_TRIES):
            value = build(rnd)
            if keep(value):
                return value
        reject()

    return Recipe(nasty, retry).strategy()
