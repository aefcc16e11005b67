"""One-choice strategies (strategies/_seeded.py): composition, shrinking and the choice budget."""

import random

import pytest
import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.control import BuildContext
from hypothesis.errors import NoSuchExample, Unsatisfiable
from hypothesis.internal.conjecture.data import ConjectureData

from conformance import strategies as s
from conformance.strategies._seeded import Recipe, filter_values, map_values, nasty_first, one_of, rng_text, sampled, seeded

from test_strategies_registry import MINIMAL_ARGS


def find(strategy, condition, **kwargs):
    """Hypothesis's find, hermetic: no example database replays a value of an earlier run, and
    no profile another test loaded (an in-process pytester run with ``--hypothesis-profile
    smoke`` loads one that never shrinks) changes the search."""
    kwargs["settings"] = settings(kwargs.get("settings") or settings.get_profile("default"), database=None)
    return hypothesis.find(strategy, condition, **kwargs)


def choices_per_value(strategy, n=200):
    """The most Hypothesis choices one value of ``strategy`` took, over ``n`` draws."""
    rnd = random.Random(0)
    most = 0
    for _ in range(n):
        data = ConjectureData(random=rnd)
        with BuildContext(data, wrapped_test=choices_per_value):
            data.draw(strategy)
        most = max(most, len(data.choices))
    return most


# The speed target (bench/strategies.py) rests on this: Hypothesis's cost
# grows with the number of choices, not with the size of the value.
@pytest.mark.parametrize("name", s.names())
def test_every_registry_strategy_makes_at_most_two_choices(name):
    strategy = s.get(name, **MINIMAL_ARGS.get(name, {}))
    assert choices_per_value(strategy) <= (2 if name == "number.outside" else 1)


# Built from Hypothesis strategies directly; their own tests check their minimal examples.
WITHOUT_RECIPE = {"number.outside", "json_body.oversized", "credential.missing"}


def test_only_the_listed_strategies_are_built_without_a_recipe():
    built = {name: s.get(name, **MINIMAL_ARGS.get(name, {})) for name in s.names()}
    assert {name for name, strategy in built.items() if not hasattr(strategy, "_recipe")} == WITHOUT_RECIPE


@pytest.mark.parametrize("name", [name for name in s.names() if name not in WITHOUT_RECIPE])
def test_every_registry_strategy_shrinks_to_its_first_nasty_value(name):
    strategy = s.get(name, **MINIMAL_ARGS.get(name, {}))
    assert find(strategy, lambda v: True) == strategy._recipe.nasty[0]


def letters(rnd):
    return "".join(rnd.choices("abc", k=rnd.randint(3, 6)))


def test_seed_zero_is_the_first_nasty_value_and_odd_seeds_are_generated():
    recipe = seeded(letters, nasty=["N1", "N2"])._recipe
    assert [recipe.value(i) for i in (0, 2, 4)] == ["N1", "N2", "N1"]
    assert all(recipe.value(i) not in ("N1", "N2") for i in range(1, 99, 2))
    assert recipe.value(7) == recipe.value(7)  # same seed, same value: replayable


def test_find_shrinks_to_the_first_nasty_value_or_a_generated_one():
    strategy = seeded(letters, nasty=["N1", "N2"])
    assert find(strategy, lambda v: True) == "N1"
    assert find(strategy, lambda v: v == "N2") == "N2"
    generated = find(strategy, lambda v: v.startswith("c"))
    assert generated.startswith("c") and set(generated) <= set("abc")


def test_a_generated_failure_shrinks_to_a_short_value():
    words = seeded(lambda rnd: rng_text(rnd, "abcdefgh", 1, 40))
    assert len(find(words, lambda v: "h" in v)) <= 6
    assert len(Recipe((), lambda rnd: rng_text(rnd, "ab", 3, 40)).value(0)) == 3  # seed 0: the shortest
    # Most draws keep the full spread: lengths reach the upper bound.
    assert max(len(words._recipe.value(seed)) for seed in range(1 << 20, (1 << 20) + 400)) == 40


def test_nasty_first_prepends_to_a_recipe_and_wraps_anything_else():
    fused = nasty_first(["x"], seeded(letters, nasty=["y"]))
    assert fused._recipe.nasty == ("x", "y")
    assert choices_per_value(fused) == 1
    plain = nasty_first(["x"], st.integers())
    assert not hasattr(plain, "_recipe")
    assert find(plain, lambda v: True) == "x"


def test_duplicates_are_dropped_but_equal_values_of_other_types_kept():
    assert sampled([1, True, 1.0, 1, [1], [1]])._recipe.nasty == (1, True, 1.0, [1])


def test_one_of_interleaves_nasty_values_and_picks_a_builder():
    first = seeded(lambda rnd: "a" * rnd.randint(1, 3), nasty=["a0", "a1", "a2"])
    second = seeded(lambda rnd: "b" * rnd.randint(1, 3), nasty=["b0"])
    union = one_of(first, second, sampled(["c0", "c1"]))
    assert union._recipe.nasty == ("a0", "b0", "c0", "a1", "c1", "a2")
    generated = {union._recipe.value(i) for i in range(1, 400, 2)}
    assert {v[0] for v in generated} == {"a", "b"}  # no builder for the sampled part
    assert choices_per_value(union) == 1
    assert find(union, lambda v: True) == "a0"


def test_one_of_falls_back_when_a_part_has_no_recipe():
    union = one_of(sampled(["x"]), st.just("y"))
    assert not hasattr(union, "_recipe")
    assert find(union, lambda v: v == "y") == "y"


def test_map_values_maps_nasty_and_generated_values():
    mapped = map_values(seeded(letters, nasty=["n"]), str.upper)
    assert mapped._recipe.nasty == ("N",)
    assert mapped._recipe.value(1) == seeded(letters)._recipe.value(0).upper()


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(filter_values(seeded(letters, nasty=["keep", "drop"]), lambda v: "a" not in v and v != "drop"))
def test_filter_values_never_yields_a_rejected_value(value):
    assert "a" not in value and value != "drop"


def test_filter_values_retries_inside_the_draw():
    strategy = filter_values(seeded(letters, nasty=["n"]), lambda v: "a" not in v)
    assert choices_per_value(strategy) == 1
    assert strategy._recipe.nasty == ("n",)


def test_filter_values_rejects_the_test_case_when_nothing_passes():
    with pytest.raises((NoSuchExample, Unsatisfiable)):
        find(filter_values(seeded(letters), lambda v: False), lambda v: True, settings=settings(max_examples=20))


def test_a_recipe_without_generated_values_is_a_plain_sample():
    strategy = Recipe(("x", "y")).strategy()
    assert find(strategy, lambda v: v == "y") == "y"
    assert filter_values(strategy, lambda v: v == "y")._recipe.nasty == ("y",)
