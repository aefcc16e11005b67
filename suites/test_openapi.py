"""Schemathesis over the target's OpenAPI document, with the catalog checks added.

The document comes from the target (``{base url}/openapi.json``, or the URL or file in
``CONFORMANCE_OPENAPI``). Schemathesis generates schema-breaking (negative) and
schema-valid (positive) requests for every operation; each response goes through the
built-in checks that matter for error contracts (see ``conformance.openapi.run``) and
through ``catalog_conformance``, the verdict engine's judgement of every 4xx/5xx.
Bounded: ``CONFORMANCE_OPENAPI_EXAMPLES`` examples per operation and mode (default: the
Hypothesis profile's max_examples / 6, so dev 2, ci 5, thorough 50), and
``CONFORMANCE_OPENAPI_BUDGET`` seconds per test (default 60).
"""

import json
import os
from pathlib import Path

import pytest
from schemathesis.generation import GenerationMode

from conformance.engine import profiles
from conformance.openapi.checks import catalog_check
from conformance.openapi.run import BUILTIN_CHECKS, NEGATIVE_CHECKS, builtin_checks, fetch_document, run_schema


def _document(target) -> dict:
    source = os.environ.get("CONFORMANCE_OPENAPI", "").strip()
    if source and not source.startswith(("http://", "https://")):
        return json.loads(Path(source).read_text(encoding="utf-8"))
    return fetch_document(source or target.base_url.rstrip("/") + "/openapi.json")


def _headers(target) -> dict[str, str]:
    auth = target.catalog.auth
    key = target.credentials.get("primary")
    if not key:
        return {}
    return {auth.header: f"{auth.scheme} {key}" if auth.scheme else key}


@pytest.mark.parametrize("mode", [GenerationMode.NEGATIVE, GenerationMode.POSITIVE], ids=["negative", "positive"])
def test_openapi_errors_conform(conformance_target, mode):
    target = conformance_target
    if target.transport.in_process:
        pytest.skip("the OpenAPI route sends through schemathesis's own client, which needs a server: not with --app")
    try:
        document = _document(target)
    except Exception as exc:  # noqa: BLE001 - a target without a document is skipped, not failed
        pytest.skip(f"no OpenAPI document for {target.catalog.api.name}: {exc}")
    ours = catalog_check(target.catalog, strict_planned=target.strict_planned)
    names = NEGATIVE_CHECKS if mode == GenerationMode.NEGATIVE else BUILTIN_CHECKS
    result = run_schema(
        document,
        base_url=target.base_url,
        headers=_headers(target),
        checks=[*builtin_checks(names), ours],
        modes=[mode],
        max_examples=int(os.environ.get("CONFORMANCE_OPENAPI_EXAMPLES") or max(1, profiles.current().max_examples // 6)),
        budget_seconds=float(os.environ.get("CONFORMANCE_OPENAPI_BUDGET", "60")),
    )
    if result.findings:
        summary = "\n".join(result.lines())
        details = "\n\n".join(f"== {f.operation} [{f.mode}]\n{f.text}" for f in result.findings)
        pytest.fail(f"{len(result.findings)} operations broke a contract:\n{summary}\n\n{details}", pytrace=False)
