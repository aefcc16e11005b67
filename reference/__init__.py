"""Embedded reference APIs: real HTTP servers on 127.0.0.1 implementing the seed APIs.

Independent of ``conformance`` and ``catalogs`` by design (written from the seed documents).

Public API::

    APIS                      # the five names
    available()               # names whose module is importable
    load(name)                # the API module (lazy import)
    credentials(name)         # fixture keys: {"primary": ..., "forbidden": ..., ...}
    mint_key(name)            # a fresh valid key (own rate-limit bucket and data scope)
    faults(name=None)         # [FaultInfo]: generic kinds, or what each kind changes on `name`
    openapi(name)             # the OpenAPI document (dict) the server serves at /openapi.json
    build_app(name, fault=None)
    start(name, fault=None, port=0, in_process=False, env=None, latency=None) -> RunningServer
"""
from __future__ import annotations

import importlib
import json
import os
from types import ModuleType
from unittest import mock  # patch.dict: the environment set for a block, then restored
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ._machinery.faults import FaultInfo
    from ._machinery.server import RunningServer

APIS: tuple[str, ...] = ("falu", "flireo", "voipbin", "customer-verification", "flowbrite")

__all__ = ["APIS", "available", "load", "credentials", "mint_key", "faults", "openapi",
           "build_app", "start", "module_name"]


def module_name(name: str) -> str:
    """API name -> module name under ``reference`` (``customer-verification`` -> ``customer_verification``)."""
    if name not in APIS:
        raise KeyError(f"unknown reference API {name!r}; known: {', '.join(APIS)}")
    return name.replace("-", "_")


def load(name: str) -> ModuleType:
    """Import the API module lazily (a missing module only breaks its own API)."""
    return importlib.import_module(f"{__name__}.{module_name(name)}")


def available() -> tuple[str, ...]:
    """Names of the APIs whose module exists (without importing them)."""
    import importlib.util
    out = []
    for name in APIS:
        if importlib.util.find_spec(f"{__name__}.{module_name(name)}") is not None:
            out.append(name)
    return tuple(out)


def credentials(name: str) -> dict[str, str]:
    return dict(load(name).CREDENTIALS)


def mint_key(name: str) -> str:
    return load(name).mint_key()


def faults(name: str | None = None) -> list["FaultInfo"]:
    """Without ``name``: the generic fault kinds. With ``name``: that API's declarations
    (``applies``, ``affects``, ``codes``, ``operations``, ``reason``) for every kind."""
    from ._machinery.faults import FAULT_KINDS, FaultInfo, describe
    if name is None:
        return [FaultInfo(kind=k, summary=s) for k, s in FAULT_KINDS.items()]
    mod = load(name)
    return describe(name, mod.FAULTS)


def openapi(name: str) -> dict:
    """The API's OpenAPI document: ``OPENAPI`` is a zero-argument builder or a file path."""
    spec = load(name).OPENAPI
    if callable(spec):
        return spec()
    path = spec if os.path.isabs(spec) else os.path.join(os.path.dirname(load(name).__file__), spec)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def build_app(name: str, fault: str | None = None):
    return load(name).build_app(fault=fault)


def start(name: str, *, fault: str | None = None, port: int = 0, in_process: bool = False,
          host: str = "127.0.0.1", env: dict[str, str] | None = None,
          timeout: float = 10.0, latency: str | float | None = None) -> "RunningServer":
    """Start ``name`` and return once it accepts connections.

    Default: a subprocess ``python -m conformance.reference NAME --port PORT [--fault KIND]`` (dies with
    this process). ``in_process=True``: uvicorn in a daemon thread of this process (``env`` is
    then applied to ``os.environ`` only while the app is built, e.g. ``REFERENCE_FLOWBRITE_BURST``).
    ``latency``: a delay before each answer in ms, ``50`` or ``40-60`` (default: ``REFERENCE_LATENCY``).
    """
    from ._machinery.latency import parse
    parse(latency)  # fail fast in the parent on a malformed spec
    from ._machinery import server as srv
    if in_process:
        from ._machinery.latency import wrap

        with mock.patch.dict(os.environ, env or {}):  # read while the app is built (e.g. rate-limit overrides)
            app = wrap(build_app(name, fault), latency)  # env's REFERENCE_LATENCY applies too
        return srv.start_in_process(name, app, fault=fault, port=port, host=host, timeout=timeout)
    module_name(name)
    if fault:  # fail fast in the parent for unknown / inapplicable kinds
        from ._machinery.faults import resolve
        resolve(name, load(name).FAULTS, fault)
    if latency is not None:
        env = {**(env or {}), "REFERENCE_LATENCY": str(latency)}
    return srv.start_subprocess(name, fault=fault, port=port, host=host, timeout=timeout, env=env)
