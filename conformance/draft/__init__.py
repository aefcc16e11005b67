"""Catalog drafts from an OpenAPI 3.0/3.1 document (``conformance draft SPEC``).

Public API::

    draft_text(document, source)  # the draft catalog as YAML text (deterministic)
"""
from __future__ import annotations

from .build import draft_text

__all__ = ["draft_text"]
