"""The house rules of ARCHITECTURE.md, read from the source: ``reference/`` imports neither the
engine nor the catalogs (server and catalog must not agree by construction); ``strategies/``
knows no HTTP and no catalogs (both are subpackages of ``conformance`` only at install time);
and no module of the product is longer than MAX_LINES, declared data tables excepted."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HTTP = {"httpx", "httpcore", "requests", "urllib3", "starlette", "uvicorn", "schemathesis"}


def imported(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports stay inside its own package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            if node.module == "conformance":  # from conformance import reference
                names.update(f"conformance.{alias.name}" for alias in node.names)
    return names


def offending(folder: str, allowed_own: str, banned_roots: set[str]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((REPO / folder).rglob("*.py")):
        bad = [
            name for name in imported(path)
            if (name == "conformance" or name.startswith("conformance.")) and not (name + ".").startswith(allowed_own + ".")
            or name.split(".")[0] in banned_roots
        ]
        if bad:
            found[str(path.relative_to(REPO))] = sorted(bad)
    return found


@pytest.mark.parametrize(
    "folder, own, banned",
    [("reference", "conformance.reference", set()), ("strategies", "conformance.strategies", HTTP)],
)
def test_layer_imports(folder, own, banned):
    assert offending(folder, own, banned) == {}


def test_the_rule_sees_a_violation(tmp_path, monkeypatch):
    """The check itself can fail: a module importing the engine is reported."""
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "bad.py").write_text("from conformance import catalog\nimport httpx\n")
    monkeypatch.setattr(__import__(__name__), "REPO", tmp_path)
    assert offending("reference", "conformance.reference", {"httpx"}) == {
        "reference/bad.py": ["conformance", "conformance.catalog", "httpx"]
    }


MAX_LINES = 500
PRODUCT = ("conformance", "strategies", "suites", "reference")


def code_lines(source: str) -> int:
    """A module's length without its declared data tables: top-level assignments whose value
    is a plain literal (``ast.literal_eval`` reads it), such as a route table or a list of
    nasty values. Tables are data; the limit is on logic."""
    tree = ast.parse(source)
    lines = len(source.splitlines())
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if value is None:
            continue
        try:
            ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        lines -= node.end_lineno - node.lineno + 1
    return lines


def oversized(root: Path) -> dict[str, int]:
    found = {}
    for folder in PRODUCT:
        for path in sorted((root / folder).rglob("*.py")):
            count = code_lines(path.read_text(encoding="utf-8"))
            if count > MAX_LINES:
                found[str(path.relative_to(root))] = count
    return found


def test_no_module_is_longer_than_the_limit():
    assert oversized(REPO) == {}


def test_the_size_rule_counts_logic_not_tables(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "long.py").write_text("print(1)\n" * (MAX_LINES + 1))
    table = "ROUTES = [\n" + "    ('GET', '/v1/x', 'handler'),\n" * 2 * MAX_LINES + "]\n"
    (tmp_path / "reference" / "routes.py").write_text('"""A route table."""\n' + table + "def f():\n    return ROUTES\n")
    assert oversized(tmp_path) == {"reference/long.py": MAX_LINES + 1}
