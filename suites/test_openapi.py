"""Schemathesis over the target's OpenAPI document, with the catalog checks added.

The document comes from the target (``{base url}/openapi.json``), or from the file or
http(s) URL in ``CONFORMANCE_OPENAPI``; JSON or YAML, whichever it is written in (OpenAPI 3.1
section 4.3; see ``conformance.openapi.document``). Schemathesis generates schema-breaking
(negative) and schema-valid (positive) requests for every operation; each response goes
through the built-in checks that matter for error contracts (see ``conformance.openapi.run``)
and through ``catalog_conformance``, the verdict engine's judgement of every 4xx/5xx, recorded
with the run's other verdicts (coverage summary, ``--conformance-report``).
Bounded: ``CONFORMANCE_OPENAPI_EXAMPLES`` examples per operation and mode (default: the
Hypothesis profile's max_examples / 6, so dev 2, ci 5, thorough 50), and
``CONFORMANCE_OPENAPI_BUDGET`` seconds per test (default 60).

Every request goes through the run's transport (``conformance.openapi.send``), so the run's
limits, body cap, deadline, no-redirect rule and base-path gate hold here as for the probes;
with ``--app`` it reaches the app in process as they do.

Marked ``writes``: schemathesis calls every operation of the document, POST, PUT, PATCH and
DELETE included (RFC 9110 section 9.2.1: only GET, HEAD and OPTIONS are safe), with the run's
valid credential, so ``-m "not writes"`` leaves it out.
"""

import copy
import os
import warnings

import pytest
from schemathesis.generation import GenerationMode

from conformance import runstate
from conformance.engine import profiles
from conformance.openapi.checks import catalog_check
from conformance.openapi.document import DocumentError, DocumentNotFound, load_document
from conformance.openapi.run import BUILTIN_CHECKS, NEGATIVE_CHECKS, builtin_checks, run_schema


def _document(config, target) -> dict:
    """The document named by CONFORMANCE_OPENAPI (read when the run started: an unreadable
    one stopped it there), else the one the target serves. A target that serves none is
    skipped; one it serves that cannot be read fails the test (a finding, never a skip)."""
    conf = runstate.run_settings(config)
    if conf is not None and conf.openapi_document is not None:
        return copy.deepcopy(conf.openapi_document)  # each test's schemathesis gets its own copy
    try:
        # Through the run's transport: paced and counted as every request to the target.
        return load_document(target.base_url.rstrip("/") + "/openapi.json", timeout=target.transport.timeout,
                             transport=target.transport)
    except DocumentNotFound as exc:
        pytest.skip(f"no OpenAPI document for {target.catalog.api.name}: {exc}; set CONFORMANCE_OPENAPI=PATH|URL to name one")
    except DocumentError as exc:
        pytest.fail(str(exc), pytrace=False)


def _headers(target) -> dict[str, str]:
    auth = target.catalog.auth
    key = target.credentials.get("primary")
    if not key:
        return {}
    return {auth.header: f"{auth.scheme} {key}" if auth.scheme else key}


@pytest.mark.writes
@pytest.mark.parametrize("mode", [GenerationMode.NEGATIVE, GenerationMode.POSITIVE], ids=["negative", "positive"])
def test_openapi_errors_conform(pytestconfig, conformance_target, mode, openapi_part):
    target = conformance_target
    document = _document(pytestconfig, target)
    # Judged by the target's judge and recorded through it: the run's coverage and reports
    # count these answers (as probe "openapi.<mode>").
    ours = catalog_check(target=target, probe_id=f"openapi.{mode.value}")
    names = NEGATIVE_CHECKS if mode == GenerationMode.NEGATIVE else BUILTIN_CHECKS
    result = run_schema(
        document,
        base_url=target.base_url,
        headers=_headers(target),
        checks=[*builtin_checks(names), ours],
        modes=[mode],
        max_examples=int(os.environ.get("CONFORMANCE_OPENAPI_EXAMPLES") or max(1, profiles.current().max_examples // 6)),
        budget_seconds=float(os.environ.get("CONFORMANCE_OPENAPI_BUDGET", "60")),
        # The run's transport and gate: --max-requests, --max-rps, the body cap, the deadline,
        # no redirects, and nothing sent outside the catalog's base path.
        transport=target.transport,
        gate=target.builder.check_url,
        part=openapi_part,  # one part of the operations when a run is spread over workers
    )
    if result.refused:
        warnings.warn(f"{result.refused} generated requests would have left {target.catalog.api.name}'s base path "
                      f"{target.builder.base_path or '/'}: refused, not sent", stacklevel=1)
    if result.findings:
        summary = "\n".join(result.lines())
        details = "\n\n".join(f"== {f.operation} [{f.mode}]\n{f.text}" for f in result.findings)
        pytest.fail(f"{len(result.findings)} operations broke a contract:\n{summary}\n\n{details}", pytrace=False)
