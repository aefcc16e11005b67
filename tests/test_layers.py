"""The layer rules of DESIGN.md, read from the source: ``reference/`` imports neither the engine
nor the catalogs (server and catalog must not agree by construction); ``strategies/`` knows no
HTTP and no catalogs. Both are subpackages of ``conformance`` only at install time."""

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
