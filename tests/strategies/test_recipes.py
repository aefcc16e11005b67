"""Strategy recipes (strategies/_recipes.py): public Hypothesis API only, nasty values first, short shrinks."""

import ast
import pathlib
import statistics

import pytest
import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from conformance import strategies as s
from conformance.strategies._recipes import Recipe, drawn, filter_values, map_values, nasty_first, one_of, rng_text, sampled

from test_strategies_registry import MINIMAL_ARGS

ROOT = pathlib.Path(__file__).resolve().parents[2]


def find(strategy, condition, **kwargs):
    """Hypothesis's find, hermetic: no example database replays a value of an earlier run, and
    no profile another test loaded (an in-process pytester run with ``--hypothesis-profile
    smoke`` loads one that never shrinks) changes the search."""
    kwargs["settings"] = settings(kwargs.get("settings") or settings.get_profile("default"), database=None, derandomize=True)
    return hypothesis.find(strategy, condition, **kwargs)


def _python_files():
    for folder in ("strategies", "conformance", "suites", "reference", "catalogs", "tests", "bench"):
        yield from (ROOT / folder).rglob("*.py")
    yield from ROOT.glob("*.py")


def _imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_nothing_imports_hypothesis_internals():
    # Hypothesis's internals change without notice between releases.  hypothesis.control
    # too: what is public there (assume, reject, note, event, target) is re-exported by
    # ``hypothesis``; what is not (BuildContext) is the engine's.
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _python_files()
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if module.startswith(("hypothesis.internal", "hypothesis.control"))
    ]
    assert offenders == []


def test_no_strategy_subclasses_search_strategy():
    # Subclassing means implementing do_draw against the internal ConjectureData.
    subclasses = []
    for path in (ROOT / "strategies").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any("SearchStrategy" in ast.unparse(b) for b in node.bases):
                subclasses.append(f"{path.name}: {node.name}")
    assert subclasses == []


# Built from Hypothesis strategies directly; their own tests check their minimal examples.
# string.matching and string.not_matching: tests/strategies/test_strategies_patterns.py.
WITHOUT_RECIPE = {"number.outside", "json_body.oversized", "credential.missing", "string.matching", "string.not_matching"}


def test_only_the_listed_strategies_are_built_without_a_recipe():
    built = {name: s.get(name, **MINIMAL_ARGS.get(name, {})) for name in s.names()}
    assert {name for name, strategy in built.items() if not hasattr(strategy, "_recipe")} == WITHOUT_RECIPE


@pytest.mark.parametrize("name", [name for name in s.names() if name not in WITHOUT_RECIPE])
def test_every_registry_strategy_shrinks_to_its_first_nasty_value(name):
    strategy = s.get(name, **MINIMAL_ARGS.get(name, {}))
    assert find(strategy, lambda v: True) == strategy._recipe.nasty[0]


def letters(rnd):
    return rng_text(rnd, "abc", 3, 6)


def test_find_shrinks_to_the_first_nasty_value_or_a_generated_one():
    strategy = drawn(letters, nasty=["N1", "N2"])
    assert find(strategy, lambda v: True) == "N1"
    assert find(strategy, lambda v: v == "N2") == "N2"
    generated = find(strategy, lambda v: v.startswith("c"))
    assert len(generated) == 3 and generated.startswith("c") and set(generated) <= set("abc")


# The shrink target (bench/strategies.py measures the same over the registry):
# a failure that needs one character ends on that character alone, and one
# that also needs a length ends at exactly that length.  The one-seed recipes
# this replaced ended on whatever a small seed produced: median 4 and 15 here.
def test_a_generated_failure_shrinks_to_a_short_related_value():
    words = drawn(lambda rnd: rng_text(rnd, "abcdefgh", 1, 40))
    assert [find(words, lambda v, c=c: c in v) for c in "aeh"] == ["a", "e", "h"]
    lengths = [len(find(words, lambda v, c=c: c in v and len(v) >= 10)) for c in "abcdefgh"]
    assert statistics.median(lengths) == 10
    # Generated values still span the whole allowed range of lengths.
    seen = set()

    @settings(max_examples=300, database=None)
    @given(words)
    def collect(v):
        seen.add(len(v))

    collect()
    assert min(seen) == 1 and max(seen) > 20


def test_draws_shrink_towards_their_simplest_choice():
    strategy = drawn(lambda rnd: (rnd.randint(5, 9), rnd.choice("xyz"), rnd.chance(0.3), rnd.randrange(3, 7), rnd.getrandbits(8)))
    assert find(strategy, lambda v: True) == (5, "x", False, 3, 0)
    assert find(strategy, lambda v: v[2]) == (5, "x", True, 3, 0)


def test_nasty_first_prepends_to_a_recipe_and_wraps_anything_else():
    fused = nasty_first(["x"], drawn(letters, nasty=["y"]))
    assert fused._recipe.nasty == ("x", "y")
    plain = nasty_first(["x"], st.integers())
    assert not hasattr(plain, "_recipe")
    assert find(plain, lambda v: True) == "x"
    assert find(plain, lambda v: v != "x" and v > 10) == 11


def test_duplicates_are_dropped_but_equal_values_of_other_types_kept():
    assert sampled([1, True, 1.0, 1, [1], [1]])._recipe.nasty == (1, True, 1.0, [1])


def test_one_of_interleaves_nasty_values_and_picks_a_builder():
    first = drawn(lambda rnd: "a" * rnd.randint(1, 3), nasty=["a0", "a1", "a2"])
    second = drawn(lambda rnd: "b" * rnd.randint(1, 3), nasty=["b0"])
    union = one_of(first, second, sampled(["c0", "c1"]))
    assert union._recipe.nasty == ("a0", "b0", "c0", "a1", "c1", "a2")
    assert find(union, lambda v: True) == "a0"
    # Both builders are reachable and each generated value shrinks within its own builder.
    assert find(union, lambda v: v.startswith("a") and v[-1] == "a") == "a"
    assert find(union, lambda v: v.startswith("b") and v[-1] == "b") == "b"
    with pytest.raises(NoSuchExample):
        find(union, lambda v: v.startswith("c") and v[-1] == "c")  # no builder for the sampled part


def test_one_of_falls_back_when_a_part_has_no_recipe():
    union = one_of(sampled(["x"]), st.just("y"))
    assert not hasattr(union, "_recipe")
    assert find(union, lambda v: v == "y") == "y"


def test_map_values_maps_nasty_and_generated_values():
    mapped = map_values(drawn(letters, nasty=["n"]), str.upper)
    assert mapped._recipe.nasty == ("N",)
    assert find(mapped, lambda v: v != "N") == "AAA"


@settings(max_examples=300, suppress_health_check=[HealthCheck.filter_too_much])
@given(filter_values(drawn(letters, nasty=["keep", "drop"]), lambda v: "a" not in v and v != "drop"))
def test_filter_values_never_yields_a_rejected_value(value):
    assert "a" not in value and value != "drop"


def test_filter_values_keeps_the_recipe_and_filters_nasty_values_once():
    strategy = filter_values(drawn(letters, nasty=["n", "an"]), lambda v: "a" not in v)
    assert strategy._recipe.nasty == ("n",)
    assert find(strategy, lambda v: v != "n") == "bbb"


def test_filter_values_rejects_the_test_case_when_nothing_passes():
    with pytest.raises((NoSuchExample, Unsatisfiable)):
        find(filter_values(drawn(letters), lambda v: False), lambda v: True, settings=settings(max_examples=20))


def test_a_recipe_without_generated_values_is_a_plain_sample():
    strategy = Recipe(("x", "y")).strategy()
    assert find(strategy, lambda v: v == "y") == "y"
    assert filter_values(strategy, lambda v: v == "y")._recipe.nasty == ("y",)
