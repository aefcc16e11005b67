"""``conformance draft SPEC [-o PATH] [--force]``: exit 0 on success, 2 with one line on a
document that cannot be read or an output that exists (no silent overwrite)."""
from __future__ import annotations

import sys
from pathlib import Path

from conformance.openapi.document import DocumentError, load_document

from .build import draft_text


def run(spec: str, output: str | None, *, force: bool = False) -> int:
    if output and Path(output).exists() and not force:
        print(f"conformance draft: {output} exists; pass --force to overwrite it", file=sys.stderr)
        return 2
    try:
        document = load_document(spec)
    except DocumentError as exc:
        print(f"conformance draft: {exc}", file=sys.stderr)
        return 2
    text = draft_text(document, spec)
    if not output:
        sys.stdout.write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"conformance draft: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {output}", file=sys.stderr)
    return 0
