"""Envelope forms of real error specifications, judged over real sockets (a Starlette app on
loopback): an array of errors (``errors``: every element's code known, the expected code among
them) and "any format, but JSON must match" (``other_formats``: a non-JSON body passes on
status and headers and is counted; a JSON one must follow the envelope)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from conformance.catalog.loader import CatalogError, parse
from conformance.engine import failures as F
from conformance.engine.judge import NOTE_OTHER_FORMAT, Judge
from conformance.engine.record import Observation
from conformance.engine.transport import OutgoingRequest, Transport
from conformance.reference._machinery.server import start_in_process
from conformance.report.model import catalog_report

CATALOG = """\
format: 1
api: {name: registry, title: A registry}
auth: {header: Authorization, scheme: Bearer}
envelopes:
  default:
    media_type: application/json
    other_formats: true
    errors: /errors
    schema:
      type: object
      required: [errors]
      properties:
        errors:
          type: array
          minItems: 1
          items: {type: object, required: [code, message], properties: {code: {type: string}, message: {type: string}}}
    code: {pointer: /code}
errors:
  - {code: NAME_UNKNOWN, status: 404, provenance: {name: seed, status: seed}}
  - {code: MANIFEST_UNKNOWN, status: 404, provenance: {name: seed, status: seed}}
  - {code: DENIED, status: 403, provenance: {name: seed, status: seed}}
"""

ANSWERS = {
    # conforming
    "two-known": (404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "m"}, {"code": "NAME_UNKNOWN", "message": "n"}]}),
    "html-404": (404, "<html>not found</html>"),
    # violations
    "second-unknown": (404, {"errors": [{"code": "NAME_UNKNOWN", "message": "n"}, {"code": "BOGUS", "message": "b"}]}),
    "second-no-code": (404, {"errors": [{"code": "NAME_UNKNOWN", "message": "n"}, {"message": "b"}]}),
    "expected-absent": (404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "m"}]}),
    "html-500": (500, "<html>boom</html>"),
    "json-off-envelope": (404, {"error": "NAME_UNKNOWN"}),
    "json-text-plain-ok": (404, "NAME_UNKNOWN"),
}


async def answer(request):
    status, body = ANSWERS[request.path_params["name"]]
    if isinstance(body, dict):
        return JSONResponse(body, status_code=status)
    if body.startswith("<html>"):
        return Response(body, status_code=status, media_type="text/html")
    return PlainTextResponse(body, status_code=status)


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    path = tmp_path_factory.mktemp("forms") / "registry.yaml"
    path.write_text(CATALOG)
    catalog, _ = parse(path)
    return Judge(catalog)


@pytest.fixture(scope="module")
def fetch():
    server = start_in_process("forms", Starlette(routes=[Route("/v2/{name}", answer)]), fault=None, port=0)
    transport = Transport()
    yield lambda name: transport.send(OutgoingRequest("GET", f"{server.url}/v2/{name}"))
    transport.close()
    server.stop()


def kinds(verdict):
    return [type(failure) for failure in verdict.failures]


def test_every_element_known_and_the_expected_code_among_them_passes(judge, fetch):
    verdict = judge.judge(fetch("two-known"), ("NAME_UNKNOWN",))
    assert verdict.passed, [f.render() for f in verdict.failures]
    assert verdict.code == "NAME_UNKNOWN"  # not element 0: the expected one among them
    assert "errors array: 2 elements, codes MANIFEST_UNKNOWN, NAME_UNKNOWN" in verdict.notes


def test_an_unknown_code_in_a_later_element_fails(judge, fetch):
    verdict = judge.judge(fetch("second-unknown"), ("NAME_UNKNOWN",))
    assert kinds(verdict) == [F.UnknownCode]
    assert "Received code: BOGUS" in verdict.failures[0].render().splitlines()


def test_an_element_without_a_code_fails_and_names_its_index(judge, fetch):
    verdict = judge.judge(fetch("second-no-code"), ("NAME_UNKNOWN",))
    assert kinds(verdict) == [F.NoErrorCode, F.EnvelopeViolation]
    assert "pointer /errors/1/code" in verdict.failures[0].render()


def test_the_expected_code_must_be_among_the_elements(judge, fetch):
    verdict = judge.judge(fetch("expected-absent"), ("NAME_UNKNOWN",))
    assert kinds(verdict) == [F.WrongCode]
    lines = verdict.failures[0].render().splitlines()
    assert "Expected code: NAME_UNKNOWN" in lines and "Received code: MANIFEST_UNKNOWN" in lines


def test_a_body_in_another_format_passes_on_its_status_and_is_noted(judge, fetch):
    verdict = judge.judge(fetch("html-404"), ("NAME_UNKNOWN",))
    assert verdict.passed, [f.render() for f in verdict.failures]
    assert any(note.startswith(NOTE_OTHER_FORMAT) for note in verdict.notes)
    plain = judge.judge(fetch("json-text-plain-ok"), ("NAME_UNKNOWN",))
    assert plain.passed and any(note.startswith(NOTE_OTHER_FORMAT) for note in plain.notes)


def test_a_body_in_another_format_is_still_judged_by_status(judge, fetch):
    verdict = judge.judge(fetch("html-500"), ("NAME_UNKNOWN",))
    assert F.WrongStatus in kinds(verdict) and F.ServerError in kinds(verdict)
    wrong = next(f for f in verdict.failures if isinstance(f, F.WrongStatus)).render().splitlines()
    assert "Expected status: 404" in wrong and "Received status: 500" in wrong


def test_a_json_body_must_still_follow_the_envelope(judge, fetch):
    verdict = judge.judge(fetch("json-off-envelope"), ("NAME_UNKNOWN",))
    assert not verdict.passed
    assert kinds(verdict)[0] in (F.EnvelopeViolation, F.NoErrorCode)
    assert not any(note.startswith(NOTE_OTHER_FORMAT) for note in verdict.notes)


def test_without_other_formats_a_non_json_body_fails(tmp_path, fetch):
    path = tmp_path / "strict.yaml"
    path.write_text(CATALOG.replace("    other_formats: true\n", ""))
    catalog, _ = parse(path)
    verdict = Judge(catalog).judge(fetch("html-404"), ("NAME_UNKNOWN",))
    assert kinds(verdict)[0] is F.UnparseableBody


def test_the_report_counts_errors_without_the_envelope(judge, fetch):
    observations = []
    for name in ("html-404", "json-text-plain-ok", "two-known"):
        verdict = judge.judge(fetch(name), ("NAME_UNKNOWN",))
        observations.append(Observation(catalog="registry", probe=name, kind="routing", expected=["NAME_UNKNOWN"],
                                        method="GET", path=f"/v2/{name}", status=verdict.exchange.status,
                                        code=verdict.code, passed=verdict.passed, notes=list(verdict.notes)))
    assert catalog_report(judge.catalog, observations, [])["without_envelope"] == 2


@pytest.mark.parametrize("change, message", [
    ("    errors: /errors\n", "    errors: errors\n"),
    ("    code: {pointer: /code}\n", "    code: {header: X-Code}\n"),
])
def test_an_errors_array_needs_a_pointer_and_a_code_pointer(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    path.write_text(CATALOG.replace(*((change, message))))
    with pytest.raises(CatalogError) as caught:
        parse(path)
    assert "bad.yaml:" in str(caught.value)


def test_other_formats_is_per_envelope(tmp_path, fetch):
    """A code whose own envelope does not allow other formats still needs a JSON body."""
    path = tmp_path / "mixed.yaml"
    path.write_text(CATALOG.replace("errors:\n  - {code: NAME_UNKNOWN", """  strict:
    media_type: application/json
    code: {pointer: /code}
errors:
  - {code: GONE, status: 404, envelope: strict, provenance: {name: seed, status: seed}}
  - {code: NAME_UNKNOWN""", 1))
    judge = Judge(parse(path)[0])
    assert kinds(judge.judge(fetch("html-404"), ("GONE",)))[0] is F.UnparseableBody
    assert judge.judge(fetch("html-404"), ("NAME_UNKNOWN",)).passed


# -- schema_level: should (RFC 2119) ------------------------------------------------------

ANSWERS["no-message"] = (404, {"errors": [{"code": "NAME_UNKNOWN"}]})  # the schema wants a message


def _judge(tmp_path, level: str | None, *, strict_should: bool = False) -> Judge:
    path = tmp_path / "levels.yaml"
    text = CATALOG if level is None else CATALOG.replace("    errors: /errors\n", f"    errors: /errors\n    schema_level: {level}\n")
    path.write_text(text)
    catalog, _ = parse(path)
    return Judge(catalog, strict_should=strict_should)


def test_an_envelope_schema_at_level_should_warns_and_the_code_is_still_judged(tmp_path, fetch):
    verdict = _judge(tmp_path, "should").judge(fetch("no-message"), ("NAME_UNKNOWN",))
    assert verdict.passed, [f.render() for f in verdict.failures]
    [warning] = verdict.warnings
    lines = warning.render().splitlines()
    assert lines[0] == "Envelope schema violation" and "Schema: envelope default" in lines and "Level: should" in lines
    # a MUST still fails beside it: the code must be known and expected
    wrong = _judge(tmp_path, "should").judge(fetch("no-message"), ("MANIFEST_UNKNOWN",))
    assert kinds(wrong) == [F.WrongCode] and len(wrong.warnings) == 1


def test_strict_should_and_the_default_level_fail_the_same_body(tmp_path, fetch):
    strict = _judge(tmp_path, "should", strict_should=True).judge(fetch("no-message"), ("NAME_UNKNOWN",))
    assert kinds(strict) == [F.EnvelopeViolation] and not strict.warnings
    assert "Level: should (--strict-should)" in strict.failures[0].render().splitlines()
    default = _judge(tmp_path, None).judge(fetch("no-message"), ("NAME_UNKNOWN",))
    assert kinds(default) == [F.EnvelopeViolation] and not default.warnings
    assert not any(line.startswith("Level:") for line in default.failures[0].render().splitlines())


def test_schema_level_needs_a_schema(tmp_path):
    path = tmp_path / "no-schema.yaml"
    head, rest = CATALOG.split("    schema:\n")
    path.write_text(head + "    schema_level: should\n    code: {pointer: /code}\nerrors:\n" + rest.split("\nerrors:\n", 1)[1])
    with pytest.raises(CatalogError) as error:
        parse(path)
    assert "'schema_level' needs a 'schema'" in str(error.value)
