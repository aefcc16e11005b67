"""Deterministic YAML for a draft: keys in insertion order, no anchors, notes as comments
(the catalog format rejects unknown keys, so provenance and review notes are comments)."""
from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # shared bodies are written out, never as &anchors
        return True


def dump(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def render(sections: list[tuple[list[str], dict[str, Any]]]) -> str:
    """Sections of (comment lines, mapping) as one YAML document."""
    out: list[str] = []
    for comments, mapping in sections:
        out += [f"# {line}".rstrip() for comment in comments for line in comment.splitlines()]
        if mapping:
            out.append(dump(mapping).rstrip("\n"))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
