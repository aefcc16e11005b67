"""Error-contract conformance: the engine, with the strategies, catalogs, suites and reference
APIs as subpackages (``conformance.strategies``, ``conformance.catalogs``, ``conformance.suites``,
``conformance.reference``).

For your own tests::

    from conformance import ErrorContract, load_catalog   # judge responses you obtained
    from conformance import strategies                    # the Hypothesis strategies

The names below load on first use, so importing a subpackage (the reference APIs, the
strategies) does not load the engine.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "ErrorContract": "conformance.contract",
    "load_catalog": "conformance.catalog",
    "CatalogError": "conformance.catalog",
    "Catalog": "conformance.catalog",
    "Verdict": "conformance.engine.judge",
    "ConformanceFailure": "conformance.engine.failures",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'conformance' has no attribute {name!r}")
