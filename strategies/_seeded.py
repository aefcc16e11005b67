"""One Hypothesis choice per value: a seed that picks a known nasty value or seeds a ``random.Random``.

Why: Hypothesis spends tens of microseconds on every choice it makes, and
composite strategies make many (``st.text`` one per string plus its size,
``one_of`` one for the branch, ``builds`` one per argument, ``filter`` a
retry per rejection; bounded ``st.integers`` over more than 128 values even
builds a weights table per draw).  A strategy made here costs exactly one
choice, a half-bounded integer, whatever the shape of the value.

The seed is still a Hypothesis choice, so values replay from the example
database and shrink: the shrinker moves the seed towards 0, and
:class:`Recipe` maps small even seeds onto the nasty list, so a failure ends
on the simplest known value (``nasty[0]`` for seed 0) whenever one fails,
and otherwise on a small odd seed's generated value, which small seeds keep
short (see :class:`_SizedRandom`).

Recipes compose without adding choices: :func:`nasty_first`,
:func:`one_of`, :func:`map_values` and :func:`filter_values` combine the
recipes of their inputs and fall back to plain Hypothesis combinators for
any strategy that has none.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

T = TypeVar("T")
U = TypeVar("U")

__all__ = ["Recipe", "filter_values", "map_values", "nasty_first", "one_of", "rng_text", "sampled", "seeded"]

# Generated values that a filter rejects are retried with the same RNG this
# many times before the whole test case is rejected.
_FILTER_TRIES = 64
# Fill value for interleaving nasty lists of different lengths.
_MISSING = object()


@dataclass(frozen=True)
class Recipe(Generic[T]):
    """How a seed becomes a value: ``nasty`` values and/or a ``build(rnd)`` for generated ones."""

    nasty: tuple[T, ...] = ()
    build: Callable[[random.Random], T] | None = None

    def value(self, seed: int) -> T:
        k = len(self.nasty)
        if self.build is None:
            return self.nasty[seed % k]
        if k == 0:
            return self.build(_SizedRandom(seed))
        # Even: a nasty value (seed 0, the shrink target, is nasty[0]); odd:
        # a generated one.  About half of all draws are nasty, as with one_of.
        if seed % 2 == 0:
            return self.nasty[(seed >> 1) % k]
        return self.build(_SizedRandom(seed >> 1))

    def strategy(self) -> SearchStrategy[T]:
        if self.build is None:
            # A plain sampled_from is as cheap and shrinks by index.
            strategy = st.sampled_from(self.nasty)
        else:
            strategy = _SeedStrategy(self)
        strategy._recipe = self  # type: ignore[attr-defined]
        return strategy


class _SeedStrategy(SearchStrategy[T]):
    """``st.integers(min_value=0).map(recipe.value)`` without what ``map`` adds per draw.

    ``map`` wraps the integer strategy in two more spans and a nested draw,
    about a third of the cost of a one-choice value.  This draws the very
    same choice (half-bounded integers carry no weights table, the cheapest
    integer choice), so replay, the example database and shrinking see no
    difference.  ``do_draw``/``draw_integer`` are Hypothesis internals,
    stable across 6.x (pinned in pyproject.toml).
    """

    def __init__(self, recipe: Recipe[T]):
        super().__init__()
        self.recipe = recipe

    def do_draw(self, data: Any) -> T:
        return self.recipe.value(data.draw_integer(min_value=0))

    def __repr__(self) -> str:
        return f"seeded({len(self.recipe.nasty)} nasty values, {getattr(self.recipe.build, '__qualname__', 'build')})"


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


def seeded(build: Callable[..., T], *choices: Sequence[Any], nasty: Sequence[T] = ()) -> SearchStrategy[T]:
    """``build(*picked, rnd)``: one element of each of ``choices`` picked with ``rnd``, then ``rnd`` itself.

    ``nasty`` values, if given, come first (see :func:`nasty_first`).
    """
    picks = [tuple(c) for c in choices]
    if picks:
        def generate(rnd: random.Random) -> T:
            return build(*[rnd.choice(c) for c in picks], rnd)
    else:
        generate = build
    return Recipe(_unique(nasty), generate).strategy()


def sampled(values: Sequence[T]) -> SearchStrategy[T]:
    """``st.sampled_from(values)`` (duplicates dropped) that :func:`one_of` can fuse."""
    return Recipe(_unique(values)).strategy()


def nasty_first(nasty: Sequence[T], generated: SearchStrategy[T]) -> SearchStrategy[T]:
    """Known boundary values first, then generated ones.

    Fused into one choice when ``generated`` has a recipe; otherwise
    ``one_of(sampled_from(nasty), generated)``, which shrinks towards its
    first branch and ``sampled_from`` towards its first element, so a failing
    example ends on the simplest nasty value either way.
    """
    values = _unique(nasty)
    recipe = recipe_of(generated)
    if recipe is not None:
        return Recipe(_unique([*values, *recipe.nasty]), recipe.build).strategy()
    if not values:
        return generated
    return st.one_of(st.sampled_from(values), generated)


def one_of(*strategies: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """``st.one_of`` that stays one choice when every part has a recipe.

    Nasty lists are interleaved (each part's first value, then each part's
    second, ...) so the simplest value of every part comes early and the
    first part's first value is the shrink target; a generated value comes
    from one part picked at random.
    """
    recipes = [recipe_of(s) for s in strategies]
    if not strategies or any(r is None for r in recipes):
        return st.one_of(*strategies)
    columns = itertools.zip_longest(*(r.nasty for r in recipes), fillvalue=_MISSING)
    nasty = [v for column in columns for v in column if v is not _MISSING]
    builders = [r.build for r in recipes if r.build is not None]
    if not builders:
        return Recipe(_unique(nasty)).strategy()

    def build(rnd: random.Random) -> Any:
        return rnd.choice(builders)(rnd)

    return Recipe(_unique(nasty), build).strategy()


def map_values(strategy: SearchStrategy[T], f: Callable[[T], U]) -> SearchStrategy[U]:
    """``strategy.map(f)``, keeping the recipe (and so the single choice)."""
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

    A generated value that ``keep`` rejects is rebuilt from the same RNG (so
    still reproducible) up to 64 times before the test case is rejected.
    """
    recipe = recipe_of(strategy)
    if recipe is None:
        return strategy.filter(keep)
    nasty = tuple(v for v in recipe.nasty if keep(v))
    build = recipe.build
    if build is None:
        return Recipe(nasty).strategy() if nasty else st.nothing()

    def retry(rnd: random.Random) -> T:
        for _ in range(_FILTER_TRIES):
            value = build(rnd)
            if keep(value):
                return value
        reject()

    return Recipe(nasty, retry).strategy()


class _SizedRandom(random.Random):
    """A ``random.Random`` whose small seeds build small values.

    Shrinking a generated value means shrinking its seed; so that the seeds
    the shrinker ends on (below 256) give short, readable values, they cap
    the spread of :func:`rng_text` lengths at ``bit_length / 8`` of the range
    (seed 0: the shortest allowed).  Larger seeds (over 90 % of draws) are
    unaffected, and every length stays within the caller's bounds.
    """

    def __init__(self, seed: int):
        super().__init__(seed)
        self.size = min(1.0, seed.bit_length() / 8)


def rng_text(rnd: random.Random, alphabet: str, min_size: int, max_size: int) -> str:
    """Random text from ``alphabet``, length uniform in ``min_size..max_size`` (narrower for small seeds)."""
    size = getattr(rnd, "size", 1.0)
    if size < 1.0:
        max_size = min_size + math.ceil((max_size - min_size) * size)
    return "".join(rnd.choices(alphabet, k=rnd.randint(min_size, max_size)))
