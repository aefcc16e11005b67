"""The libyaml fast path of catalog loading finds what the pure-Python loader finds: the same
data and the same line and column for every value and key (positions.py)."""

from pathlib import Path

import pytest
import yaml

from conformance.catalog import positions

CATALOGS = sorted((Path(__file__).resolve().parents[2] / "catalogs").glob("*.yaml"))


@pytest.mark.skipif(not positions._FAST_LOADERS, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", CATALOGS, ids=[path.stem for path in CATALOGS])
def test_fast_and_pure_loaders_agree(path):
    text = path.read_text(encoding="utf-8")
    fast = positions._load(positions._FAST_LOADERS[0], text, path.name)
    pure = positions._load(positions._UniqueKeyLoader, text, path.name)
    assert (fast.data, fast.values, fast.keys) == (pure.data, pure.values, pure.keys)
    assert len(fast.values) > 100


def test_a_duplicate_key_is_refused_with_the_pure_loaders_message():
    text = "api:\n  name: x\n  name: y\n"
    with pytest.raises(positions.DuplicateKeyError) as caught:
        positions.load(text, name="dup.yaml")
    assert "found duplicate key 'name'" in str(caught.value)
    assert "line 3, column 3" in str(caught.value) and "name: y" in str(caught.value)  # the quoted line
    with pytest.raises(yaml.MarkedYAMLError, match="line 2"):
        positions.load("a: [1,\nb: }\n", name="broken.yaml")
