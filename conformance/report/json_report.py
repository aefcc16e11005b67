"""report.json: the report model as written, stable keys, UTF-8."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..engine import secrets


def render(report: dict[str, Any]) -> str:
    return secrets.redact(json.dumps(report, indent=2, ensure_ascii=False)) + "\n"


def write(report: dict[str, Any], path: Path) -> Path:
    path.write_text(render(report), encoding="utf-8")
    return path
