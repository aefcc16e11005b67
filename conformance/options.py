"""The plugin's options and the effective settings of a run.

Options live in one group; each reads CLI flag, then environment variable, then ini (the
pytest-base-url custom). The plugin acts only when catalogs are asked for (``--catalog``,
``CONFORMANCE_CATALOG`` or the ini key ``conformance_catalog``); ``all`` names every
built-in catalog.
"""

from __future__ import annotations

import importlib.util
import math
import os

import pytest

from .catalog import CatalogError, builtin_names, load_catalog
from .catalog.model import Catalog
from .engine.inprocess import APP_BASE_URL
from .engine.ledger import Ledger
from .engine.transport import DEFAULT_MAX_BODY, DEFAULT_TIMEOUT
from .usage import redacting

ALL = "all"  # --catalog all: every built-in catalog
REFERENCE_EXTRA = "error-contract-conformance[reference]"
OPENAPI_ENV = "CONFORMANCE_OPENAPI"  # PATH|URL of the OpenAPI document (JSON or YAML)


def addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "error-contract conformance")
    group.addoption("--catalog", action="append", default=None, metavar="NAME|PATH",
                    help="catalog to run (repeatable; 'all': every built-in catalog); the plugin does nothing "
                         "without one [env CONFORMANCE_CATALOG, comma-separated]")
    group.addoption("--api-key", default=None, metavar="KEY",
                    help="primary credential of the target (never printed) [env CONFORMANCE_API_KEY]")
    group.addoption("--app", default=None, metavar="MODULE:ATTR",
                    help="run against an ASGI or WSGI app in this process instead of a server "
                         "(MODULE:factory() calls a factory) [env CONFORMANCE_APP]")
    group.addoption("--max-rps", type=float, default=None, metavar="N",
                    help="at most N requests per second [env CONFORMANCE_MAX_RPS; default unlimited]")
    group.addoption("--max-requests", type=int, default=None, metavar="N",
                    help="stop the run cleanly after N requests [env CONFORMANCE_MAX_REQUESTS]")
    group.addoption("--request-timeout", type=float, default=None, metavar="S",
                    help=f"seconds one request may take, body included [env CONFORMANCE_TIMEOUT; default {DEFAULT_TIMEOUT:g}]")
    group.addoption("--max-body", type=int, default=None, metavar="BYTES",
                    help=f"read at most this much of a response body [env CONFORMANCE_MAX_BODY; default {DEFAULT_MAX_BODY}]")
    group.addoption("--strict-planned", action="store_true", default=None,
                    help="a planned code that surfaces as its stand-in fails [env CONFORMANCE_STRICT_PLANNED=1]")
    group.addoption("--strict-should", action="store_true", default=None,
                    help="a rule at level 'should' (RFC 2119) fails instead of warning [env CONFORMANCE_STRICT_SHOULD=1]")
    for name, help_text in [
        ("conformance_catalog", "catalogs to run (space or comma separated; 'all': every built-in catalog)"),
        ("conformance_app", "MODULE:ATTR of an ASGI or WSGI app to run against in process"),
        ("conformance_max_rps", "requests per second limit"),
        ("conformance_max_requests", "request budget of a run"),
        ("conformance_timeout", "seconds per request"),
        ("conformance_max_body", "response body cap in bytes"),
        ("conformance_strict_planned", "fail planned codes that surface as their stand-in"),
        ("conformance_strict_should", "fail rules at level 'should' instead of warning"),
    ]:
        parser.addini(name, help_text)
    # A mistyped option must not print the credential typed after it.
    parser.parse = redacting(parser.parse)
    parser.parse_known_and_unknown_args = redacting(parser.parse_known_and_unknown_args)


def setting(config: pytest.Config, option: str, env: str, ini: str, convert=str):
    value = config.getoption(option)
    if value is None:
        value = os.environ.get(env) or config.getini(ini) or None
    return convert(value) if value is not None else None


def truthy(value: str | bool) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def requested_catalogs(config: pytest.Config) -> list[str]:
    """The catalogs asked for, ``all`` expanded; empty: the plugin stays inactive."""
    catalogs = config.getoption("catalog")
    if not catalogs:
        raw = os.environ.get("CONFORMANCE_CATALOG") or config.getini("conformance_catalog") or ""
        catalogs = [part for part in raw.replace(",", " ").split() if part]
    expanded: list[str] = []
    for arg in catalogs:
        for name in builtin_names() if arg == ALL else [arg]:
            if name not in expanded:
                expanded.append(name)
    return expanded


class Settings:
    """The effective conformance settings of this run."""

    def __init__(self, config: pytest.Config, catalogs: list[str], shared: Ledger | None = None):
        self.catalog_args = catalogs
        self.base_url: str | None = config.getoption("base_url", None) or None
        self.app: str | None = setting(config, "app", "CONFORMANCE_APP", "conformance_app")
        self.api_key = config.getoption("api_key") or os.environ.get("CONFORMANCE_API_KEY") or None
        self.max_rps = setting(config, "max_rps", "CONFORMANCE_MAX_RPS", "conformance_max_rps", float) or 0.0
        self.max_requests = setting(config, "max_requests", "CONFORMANCE_MAX_REQUESTS", "conformance_max_requests", int) or 0
        self.timeout = setting(config, "request_timeout", "CONFORMANCE_TIMEOUT", "conformance_timeout", float) or DEFAULT_TIMEOUT
        self.max_body = setting(config, "max_body", "CONFORMANCE_MAX_BODY", "conformance_max_body", int) or DEFAULT_MAX_BODY
        self.strict_planned = truthy(setting(config, "strict_planned", "CONFORMANCE_STRICT_PLANNED", "conformance_strict_planned") or False)
        self.strict_should = truthy(setting(config, "strict_should", "CONFORMANCE_STRICT_SHOULD", "conformance_strict_should") or False)
        # The limits hold for the whole run. Under xdist the controller and its workers share
        # one ledger file; where file locks are missing, each worker gets its share. Read from
        # this config, not the environment: a pytest run started inside a worker (pytester)
        # inherits its variables but is not a worker.
        workerinput = getattr(config, "workerinput", None) or {}
        path = workerinput.get("conformance_ledger")
        self.ledger: Ledger | None = Ledger(path) if path else shared
        workers = 1 if self.ledger else int(workerinput.get("workercount", 1))
        self.worker_rps = self.max_rps / workers if self.max_rps else 0.0
        self.worker_requests = math.ceil(self.max_requests / workers) if self.max_requests else 0
        self.catalogs: dict[str, Catalog] = {}
        # The OpenAPI route's document, where the user names one (else each target's own
        # {base url}/openapi.json): read once in load(), so a broken one stops the run there.
        self.openapi: str | None = os.environ.get(OPENAPI_ENV, "").strip() or None
        self.openapi_document: dict | None = None

    @property
    def embedded(self) -> bool:
        """No target given: each catalog runs against its embedded reference API."""
        return not self.base_url and not self.app

    @property
    def target_url(self) -> str | None:
        """Where requests go when a target is given: the base URL, or the in-process origin of --app."""
        return self.base_url or (APP_BASE_URL if self.app else None)

    def target_text(self) -> str:
        if self.app:
            return f"app {self.app} in this process"
        return self.base_url or "embedded reference APIs on 127.0.0.1"

    def load(self) -> None:
        problems = []
        for arg in self.catalog_args:
            try:
                catalog = load_catalog(arg)
            except CatalogError as exc:
                problems.extend(str(problem) for problem in exc.problems)
                continue
            self.catalogs[catalog.api.name] = catalog
        if problems:
            raise pytest.UsageError("broken catalog:\n" + "\n".join(problems))
        if self.base_url and self.app:
            raise pytest.UsageError("give --base-url URL or --app MODULE:ATTR, not both")
        chosen = "--base-url" if self.base_url else "--app" if self.app else None
        if chosen and len(self.catalogs) != 1:
            raise pytest.UsageError(
                f"{chosen} needs exactly one --catalog (got {len(self.catalogs)}: {', '.join(self.catalogs)})"
            )
        if self.embedded:
            if any(importlib.util.find_spec(module) is None for module in ("starlette", "uvicorn")):
                raise pytest.UsageError(
                    f"the embedded reference APIs need the 'reference' extra (pip install '{REFERENCE_EXTRA}'); "
                    "or give --base-url URL"
                )
            from . import reference

            missing = [name for name in self.catalogs if name not in reference.APIS]
            if missing:
                raise pytest.UsageError(
                    f"no embedded reference API for catalog {', '.join(missing)}: give --base-url URL"
                )
        if self.openapi:
            from .openapi.document import DocumentError, load_document

            try:
                self.openapi_document = load_document(self.openapi, timeout=self.timeout)
            except DocumentError as exc:
                # One error for the run, as for a broken catalog, instead of a skip or a
                # failure per test: the document the user named is unusable.
                raise pytest.UsageError(str(exc)) from None
