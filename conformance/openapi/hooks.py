"""Load with ``SCHEMATHESIS_HOOKS=conformance.openapi.hooks schemathesis run ...``.

Registers the ``catalog_conformance`` check: every 4xx/5xx response schemathesis provokes
is judged by the verdict engine against the catalog named by ``CONFORMANCE_CATALOG``
(a built-in name or a path), or by ``catalog`` in schemathesis.toml::

    [checks.catalog_conformance]
    catalog = "flowbrite"

``CONFORMANCE_STRICT_PLANNED=1`` (or ``strict_planned = true``) fails planned codes that
surface as their stand-in.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from .checks import catalog_check


@schemathesis.check
class catalog_conformance:  # noqa: N801 - the check's name on the schemathesis command line
    """Every 4xx/5xx answer is a catalog code with its status, envelope, media type and headers."""

    def __init__(self, catalog: str | None = None, strict_planned: bool | None = None) -> None:
        self._check = catalog_check(catalog, strict_planned=strict_planned)

    def after_response(self, ctx: Any, response: Any, case: Any) -> None:
        self._check(ctx, response, case)
