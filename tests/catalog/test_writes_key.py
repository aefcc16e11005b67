"""``writes`` on a step or a probe decides the pytest marker ``writes``; the default stays by
method (RFC 9110 section 9.2.1: GET, HEAD and OPTIONS are safe)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from conformance.catalog import load_catalog
from conformance.catalog.model import Probe, Step
from conformance.cli import main

REPO = Path(__file__).resolve().parents[2]
SUITES = REPO / "suites"
DOC = REPO / "docs" / "catalog.md"
SAFE = {"GET", "HEAD", "OPTIONS"}


def probe(**fields) -> Probe:
    return Probe.model_validate({"id": "p", "kind": "request", "expect": "x", **fields})


def test_a_post_declared_read_only_does_not_write():
    assert not probe(request={"method": "POST", "path": "/search", "writes": False}).writes_data
    assert not probe(request={"method": "POST", "path": "/search"}, writes=False).writes_data


def test_a_get_declared_writing_writes():
    assert probe(request={"method": "GET", "path": "/open", "writes": True}).writes_data
    assert probe(setup=[{"method": "GET", "path": "/open", "writes": True}], request={"method": "GET", "path": "/x"}).writes_data
    assert probe(request={"method": "GET", "path": "/open"}, writes=True).writes_data


@pytest.mark.parametrize("name", ["falu", "flireo", "voipbin", "customer-verification", "flowbrite"])
def test_the_default_is_by_method_as_before(name):
    for item in load_catalog(name).probes:
        methods = {step.method for step in [*item.setup, item.request]}
        before = bool(methods - SAFE) or item.mode in ("replay", "mismatch", "concurrent")
        assert item.writes_data == before, item.id


def test_writes_takes_a_boolean_only():
    with pytest.raises(ValidationError):
        Step.model_validate({"method": "POST", "path": "/x", "writes": "sometimes"})


EXTRA = """
  - id: wallets.search.read-only
    kind: request
    request: {method: POST, path: /wallets, json: {name: x}, writes: false}
    expect: api.common.validationFailed
  - id: wallets.open.writes
    kind: request
    request: {method: GET, path: /wallets, writes: true}
    expect: api.common.validationFailed
"""


def test_markers_follow_the_key(pytester):
    catalog = pytester.path / "flowbrite-writes.yaml"
    catalog.write_text((REPO / "catalogs" / "flowbrite.yaml").read_text() + EXTRA)
    common = [str(SUITES / "test_requests.py"), "--catalog", str(catalog), "--collect-only", "-q", "-p", "no:randomly"]
    safe = pytester.runpytest_subprocess(*common, "-m", "not writes")
    ids = [line for line in safe.stdout.lines if "::" in line]
    assert [line.split("::", 1)[1] for line in ids] == ["test_request_rejected[flowbrite:wallets.search.read-only]"]
    writes = pytester.runpytest_subprocess(*common, "-m", "writes")
    ids = [line for line in writes.stdout.lines if "::" in line]
    assert [line.split("::", 1)[1] for line in ids] == ["test_request_rejected[flowbrite:wallets.open.writes]"]


def test_the_documented_example_lints_clean_and_marks_as_it_says(tmp_path, capsys):
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    worked = blocks[0]
    example = next(block for block in blocks if "writes: false" in block)
    path = tmp_path / "parcelpost.yaml"
    path.write_text(worked + example)
    assert main(["lint", str(path)]) == 0, capsys.readouterr().out
    from conformance.catalog.loader import parse

    catalog, _ = parse(path)
    marks = {item.id: item.writes_data for item in catalog.probes}
    assert marks["quotes.postcode"] is False and marks["parcels.label.readonly"] is True


LINTED = """\
format: 1
api: {name: acme, title: Acme}
auth:
  header: Authorization
  credentials:
    primary: {env: ACME_KEY}
idempotency: {header: Idempotency-Key, methods: [POST], replay: conflict}
envelopes:
  default:
    media_type: application/json
    schema: {type: object}
    code: {pointer: /errcode}
errors:
  - code: M_CONFLICT
    status: 409
    provenance: {name: seed, status: seed}
probes:
  - id: replay
    kind: idempotency
    mode: replay
    writes: false
    request: {method: POST, path: /rooms, json: {}}
    expect: M_CONFLICT
  - id: overridden
    kind: request
    writes: false
    request: {method: POST, path: /rooms/search, writes: false}
    expect: M_CONFLICT
"""


def test_lint_flags_a_writes_that_would_be_ignored_or_wrong(tmp_path, capsys):
    path = tmp_path / "acme.yaml"
    path.write_text(textwrap.dedent(LINTED))
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.endswith("an idempotency 'replay' probe writes; 'writes: false' would run it under -m \"not writes\" [writes]") for line in out), out
    assert any(line.endswith("the probe's own 'writes' overrides this step's; keep one of them [writes]") for line in out), out
