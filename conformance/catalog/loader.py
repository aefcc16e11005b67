"""Load a catalog file: YAML -> positions -> model -> semantic rules.

Every way a file can be wrong ends in a ``CatalogError`` whose problems name the file,
the line, the column and the rule; no traceback reaches the user.
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import positions
from .model import Catalog
from .problems import CatalogError, Problem

# The catalogs shipped in the distribution (the package ``conformance.catalogs``; in the
# repository, the top-level catalogs/ folder).
BUILTIN_DIR = Path(str(importlib.resources.files("conformance.catalogs")))

# pydantic error type -> the rule a catalog author reads in the message.
_RULES = {
    "extra_forbidden": "unknown-key",
    "missing": "required-key",
    "literal_error": "allowed-values",
    "string_pattern_mismatch": "pattern",
    "too_short": "min-length",
    "greater_than_equal": "minimum",
    "less_than_equal": "maximum",
    "value_error": "value",
}


def builtin_names() -> list[str]:
    """Names of the catalogs shipped in catalogs/."""
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))


def resolve(name_or_path: str | Path) -> Path:
    """A built-in catalog name (``falu``) or a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return candidate
    builtin = BUILTIN_DIR / f"{name_or_path}.yaml"
    if builtin.exists():
        return builtin
    known = ", ".join(builtin_names())
    raise CatalogError(
        [Problem(str(name_or_path), 1, 1, f"no such catalog; built-in catalogs: {known}", "catalog-exists")]
    )


def display_name(path: Path) -> str:
    """The path as the user should see it: relative to the working directory if possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse(path: Path) -> tuple[Catalog, positions.Located]:
    """Schema-level load: YAML syntax and the model. Raises CatalogError."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError([Problem(name, 1, 1, f"cannot read file: {exc.strerror}", "readable")]) from None
    except UnicodeDecodeError as exc:
        raise CatalogError([Problem(name, 1, 1, f"not UTF-8 text: {exc.reason}", "utf-8")]) from None
    try:
        located = positions.load(text, name=name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise CatalogError([Problem(name, line, col, f"YAML syntax: {message}", "yaml-syntax")]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(name, 1, 1, f"YAML syntax: {exc}", "yaml-syntax")]) from None
    if not isinstance(located.data, dict):
        raise CatalogError([Problem(name, 1, 1, "a catalog is a YAML mapping at the top level", "top-level-mapping")])
    try:
        catalog = Catalog.model_validate(located.data)
    except ValidationError as exc:
        raise CatalogError([_problem(name, located, error) for error in exc.errors()]) from None
    return catalog, located


def _problem(name: str, located: positions.Located, error: dict[str, Any]) -> Problem:
    path = data_path(located.data, error["loc"])
    is_key = error["type"] == "extra_forbidden"
    line, col = located.position(path, key=is_key)
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "missing":
        message = f"required key '{error['loc'][-1]}' is missing"
    elif error["type"] not in ("value_error",):
        message = f"{message} (got {_short(error.get('input'))})"
    return Problem(name, line, col, f"{positions.dotted(path)}: {message}", _RULES.get(error["type"], error["type"]))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def data_path(data: Any, loc: tuple[Any, ...]) -> positions.Path:
    """Keep the parts of a pydantic error location that exist in the data.

    pydantic inserts union member tags (``'int'``, ``'list[int]'``, ``function-after[...]``)
    into locations; they name no place in the file.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and not isinstance(part, int) and not _is_tag(part):
            # a missing or unknown key: the key itself is the place to point at
            path.append(part)
            node = None
    return tuple(path)


def _is_tag(part: Any) -> bool:
    text = str(part)
    return "[" in text or text in ("int", "str", "float", "bool", "dict", "list", "none")


def _checked(path: Path) -> tuple[Catalog, positions.Located, str]:
    """Parse and lint ``path``: the catalog, where its values stand, and its display name.
    Raises CatalogError with every error lint finds."""
    from .lint import semantic_problems

    catalog, located = parse(path)
    name = display_name(path)
    problems = semantic_problems(catalog, located, name)
    if problems:
        raise CatalogError(problems)
    return catalog, located, name


@functools.lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int) -> Catalog:
    return _checked(Path(path))[0]


def lint(name_or_path: str | Path) -> list[Problem]:
    """What ``conformance lint`` reports: every error (raised, as ``load_catalog`` does) and,
    for a catalog that loads, its warnings (returned), from one reading of the file."""
    from .lint import todo_warnings

    _, located, name = _checked(resolve(name_or_path).resolve())
    return todo_warnings(located, name)


def load_catalog(name_or_path: str | Path) -> Catalog:
    """Load and fully check a catalog; the result is cached until the file changes."""
    path = resolve(name_or_path).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load_cached(str(path), mtime)
