"""YAML loading that remembers where every value stands in the file.

PyYAML's composer keeps a start mark on every node; we walk the node tree once and
record ``path -> (line, column)`` so that a validation error at ``errors[3].status``
can be reported as ``falu.yaml:41:13``. Lines and columns are 1-based, as editors show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass
class Located:
    """A parsed YAML document and the position of each of its values (and mapping keys)."""

    data: Any
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that exists in the file."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (YAML 1.2 section 3.2.1.1:
    keys are unique); PyYAML silently keeps the last one, which would hide a typo'd copy."""


# libyaml's parser, where PyYAML has it: several times faster, and every process of a run
# loads its catalogs. Its nodes carry the same line and column marks; a document it refuses
# is parsed again by the pure-Python loader, whose error messages quote the offending line.
_FAST_LOADERS = (type("_FastUniqueKeyLoader", (yaml.CSafeLoader,), {}),) if getattr(yaml, "__with_libyaml__", False) else ()


def dotted(path: Path) -> str:
    """A value's path as a reader writes it: ``errors[3].status``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


def load(text: str, *, name: str = "<catalog>") -> Located:
    """Parse ``text`` and map each value's path to its position.

    Raises ``yaml.MarkedYAMLError`` (with a mark) for malformed YAML and duplicate keys.
    """
    for fast in _FAST_LOADERS:
        try:
            return _load(fast, text, name)
        except yaml.YAMLError:
            pass  # reported by the pure-Python loader below
    return _load(_UniqueKeyLoader, text, name)


def _load(loader_class, text: str, name: str) -> Located:
    loader = loader_class(text)
    loader.name = name
    try:
        node = loader.get_single_node()
        located = Located(data=None)
        if node is None:
            return located
        _walk(node, (), located)
        located.data = loader.construct_document(node)
        return located
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: Path, located: Located) -> None:
    located.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise DuplicateKeyError(
                    "while constructing a mapping",
                    seen[key].start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen[key] = key_node
            located.keys[path + (key,)] = _mark(key_node)
            _walk(value_node, path + (key,), located)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), located)
