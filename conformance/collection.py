"""What the plugin collects: the packaged suites, the markers, one test per probe.

Probes are data; a suite test asks for them by kind (``@pytest.mark.probe_kind("field")``)
and gets one parametrized case per probe of that kind in the selected catalogs, marked by
kind, ``writes`` (RFC 9110 section 9.2.1: by method, unless the catalog says), ``burst``
and the catalog's own markers.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import pytest

from .options import Settings

KIND_MARKERS = {
    "auth": "auth",
    "field": "fields",
    "identifier": "identifiers",
    "body": "bodies",
    "routing": "routing",
    "idempotency": "idempotency",
    "duplicate": "duplicates",
    "state": "states",
    "rate-limit": "ratelimit",
    "request": "requests",
}
# What a suite test says when the plugin was not asked for any catalog.
NO_CATALOG = "no catalog selected: give --catalog NAME|PATH ('all': every built-in catalog)"


def suites_dir() -> Path:
    """The conformance suites shipped in the distribution."""
    import importlib.resources

    return Path(str(importlib.resources.files("conformance.suites")))


def has_own_tests(config: pytest.Config, max_depth: int = 4) -> bool:
    """Whether the working directory holds test files pytest would collect (its
    ``python_files`` patterns, folders it does not recurse into and virtualenvs skipped)."""
    patterns = config.getini("python_files")
    skip = config.getini("norecursedirs")
    root = config.invocation_params.dir
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = [] if depth >= max_depth else [
            d for d in dirs
            if not any(fnmatch.fnmatch(d, pattern) for pattern in skip) and not (Path(folder, d) / "pyvenv.cfg").exists()
        ]
        if any(fnmatch.fnmatch(name, pattern) for name in files if name.endswith(".py") for pattern in patterns):
            return True
    return False


def register_markers(config: pytest.Config) -> None:
    for marker in sorted(set(KIND_MARKERS.values())):
        config.addinivalue_line("markers", f"{marker}: conformance probes of that scenario kind")
    config.addinivalue_line("markers", "writes: creates or changes data on the target")
    config.addinivalue_line("markers", "burst: sends many requests quickly (rate limits)")
    config.addinivalue_line("markers", "probe_kind(kind): parametrize the test's 'case' with the catalogs' probes of this kind")


def register_catalog_markers(config: pytest.Config, conf: Settings) -> None:
    for extra in sorted({marker for catalog in conf.catalogs.values() for probe in catalog.probes for marker in probe.markers}):
        config.addinivalue_line("markers", f"{extra}: marker a catalog gives some of its probes")


def probe_params(conf: Settings, kind: str) -> list:
    """One ``pytest.param((catalog, probe id))`` per probe of ``kind``, with its marks."""
    params = []
    for name, catalog in conf.catalogs.items():
        for probe in catalog.probes:
            if probe.kind != kind:
                continue
            marks = [getattr(pytest.mark, KIND_MARKERS[kind])]
            if probe.writes_data:  # by method (RFC 9110 section 9.2.1) unless the catalog says
                marks.append(pytest.mark.writes)
            if kind == "rate-limit":
                marks.append(pytest.mark.burst)
            marks.extend(getattr(pytest.mark, extra) for extra in probe.markers)
            params.append(pytest.param((name, probe.id), id=f"{name}:{probe.id}", marks=marks))
    if not params:
        reason = f"no '{kind}' probes in catalogs {', '.join(conf.catalogs)}"
        params.append(pytest.param(None, id="no-probes", marks=pytest.mark.skip(reason=reason)))
    return params
