"""A probe varying a field with ``string.not_matching`` (catalog format, issue 15 item 9), run by
the plugin against two small APIs on loopback: one validates the field's regex with ``re.match``
and ``$``, which also accepts the value followed by a newline, and must fail with "Invalid input
accepted"; one validates with ``re.fullmatch`` and must pass.  Lint rejects a broken pattern
naming file, line and rule."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.reference._machinery.server import start_in_process

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
SLUG = "[a-z0-9]+(-[a-z0-9]+)*"

PROBE = """
  - id: wallets.create.reference
    kind: field
    request:
      method: POST
      path: /wallets
      json: {name: "Operations {unique}", currency: EUR, reference: ops-main}
    vary: {target: json, name: /reference, strategy: string.not_matching, args: {pattern: "%s"}}
    expect: api.common.validationFailed
"""


def with_probe(pytester, pattern: str) -> Path:
    path = pytester.path / "flowbrite-extra.yaml"
    path.write_text((REPO / "catalogs" / "flowbrite.yaml").read_text() + PROBE % pattern)
    return path


def wallets_api(valid) -> Starlette:
    """POST /v1/wallets: 201 for a valid ``reference`` (as ``valid`` decides), else a Flowbrite 400."""

    async def create(request):
        reference = (await request.json()).get("reference")
        if isinstance(reference, str) and valid(reference):
            return JSONResponse({"data": {"id": "wal_" + ULID}}, status_code=201, headers={"X-Correlation-Id": ULID})
        error = {"status": 400, "code": "api.common.validationFailed", "message": "invalid reference",
                 "validationErrors": [{"property": "reference", "message": "invalid", "attemptedValue": None}]}
        return JSONResponse({"error": error}, status_code=400, headers={"X-Correlation-Id": ULID})

    return Starlette(routes=[Route("/v1/wallets", create, methods=["POST"]), Route("/", lambda r: JSONResponse({}))])


SERVERS = {
    # The classic bug: in Python's re, '$' matches before a trailing newline.
    "dollar": wallets_api(lambda v: re.match(f"^{SLUG}$", v) is not None),
    "fullmatch": wallets_api(lambda v: re.fullmatch(SLUG, v) is not None),
}


@pytest.mark.parametrize("server_name, outcome", [("dollar", "failed"), ("fullmatch", "passed")])
def test_a_non_matching_value_accepted_fails_and_a_validating_server_passes(pytester, server_name, outcome):
    catalog = with_probe(pytester, SLUG)
    server = start_in_process(server_name, SERVERS[server_name], fault=None, port=0)
    try:
        result = pytester.runpytest_subprocess(
            str(SUITES / "test_fields.py"), "-k", "wallets.create.reference", "--catalog", str(catalog),
            "--base-url", server.url, "--api-key", "k", "-p", "no:randomly", "--hypothesis-profile", "thorough",
            "--hypothesis-seed", "1",
        )
    finally:
        server.stop()
    result.assert_outcomes(**{outcome: 1})
    assert "Warning" not in result.stderr.str() + result.stdout.str()
    if outcome == "failed":
        result.stdout.fnmatch_lines([
            "Invalid input accepted",
            "Received status: 201",
            # Shrunk to the simplest value the '$' validator lets through: one character and a newline.
            "Input: '?\\n'",
        ])


def test_lint_rejects_an_invalid_pattern_naming_file_line_and_rule(pytester):
    catalog = with_probe(pytester, "[a-")
    result = pytester.run(sys.executable, "-m", "conformance", "lint", str(catalog))
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "flowbrite-extra.yaml:*:*: strategy 'string.not_matching' rejects its args: "
        "pattern='[[]a-' is not a valid regular expression: unterminated character set at position 0 [[]strategy-args[]]",
    ])


def test_lint_rejects_a_pattern_that_matches_everything(pytester):
    catalog = with_probe(pytester, "(?s).*")
    result = pytester.run(sys.executable, "-m", "conformance", "lint", str(catalog))
    assert result.ret == 1
    result.stdout.fnmatch_lines(["flowbrite-extra.yaml:*:*: *has no non-matching values to send* [[]strategy-args[]]"])


DOC = REPO / "docs" / "catalog.md"


def test_the_docs_example_lints_clean_and_its_broken_form_reads_as_documented(pytester):
    doc = DOC.read_text()
    worked = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    section = doc[doc.index("#### Strategies from patterns"):doc.index("### How each kind runs")]
    probe = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    path = pytester.path / "parcelpost.yaml"
    path.write_text(worked + probe)
    assert pytester.run(sys.executable, "-m", "conformance", "lint", str(path)).ret == 0
    path.write_text(worked + probe.replace('pattern: "[0-9]{5}"', 'pattern: "[a-"'))
    result = pytester.run(sys.executable, "-m", "conformance", "lint", str(path))
    assert result.ret == 1
    documented = re.search(r"`(parcelpost\.yaml:\d+:\d+: strategy .*?)`", " ".join(section.split()), re.S).group(1)
    assert result.stdout.lines == [documented]
