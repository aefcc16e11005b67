"""``capture`` from a response header, and a later step that follows the captured URL
(RFC 9110 section 10.2.2: Location is a URI reference, resolved against the request's URL per
RFC 3986 section 5.2), against a Starlette app on loopback. The URL is followed only at the
target's origin under base_path (RequestBuilder.check_url); anywhere else is a setup problem."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.catalog.loader import CatalogError, parse
from conformance.engine import failures as F
from conformance.engine.case import ProbeCase
from conformance.engine.target import Target
from conformance.engine.transport import Transport
from conformance.reference._machinery.server import start_in_process

CATALOG = """\
format: 1
api: {name: uploads, title: Uploads, base_path: /v2}
auth: {header: Authorization, scheme: Bearer}
envelopes:
  default:
    media_type: application/json
    schema: {type: object, required: [code], properties: {code: {type: string}}}
    code: {pointer: /code}
errors:
  - {code: BLOB_UPLOAD_INVALID, status: 400, provenance: {name: seed, status: seed}}
  - {code: SIZE_INVALID, status: 400, provenance: {name: seed, status: seed}}
probes:
  - id: upload.chunk
    kind: request
    setup:
      - method: POST
        path: /uploads/{where}
        capture:
          session: {header: Location}
          uid: {header: Location, pattern: '/uploads/s/(?P<value>[^/?]+)'}
    request: {method: PUT, path: '{session}', headers: {X-Upload-Id: '{uid}'}}
    expect: BLOB_UPLOAD_INVALID
"""

LOCATIONS = {
    "relative": "/v2/uploads/s/abc",
    "same-origin-absolute": None,  # filled with the server's own origin
    "off-origin": "http://other.invalid/v2/uploads/s/abc",
    "outside-base-path": "/admin/uploads/s/abc",
    "dot-dot": "/v2/uploads/s/../../../admin/uploads/s/abc",
}
SEEN: list[str] = []


async def start_upload(request):
    where = request.path_params["where"]
    location = LOCATIONS[where] or f"{request.url.scheme}://{request.url.netloc}/v2/uploads/s/abc"
    return Response(status_code=202, headers={"Location": location})


async def chunk(request):
    SEEN.append(f"{request.method} {request.url.path} {request.headers.get('X-Upload-Id')}")
    code = "BLOB_UPLOAD_INVALID" if request.query_params.get("bad") is None else "SIZE_INVALID"
    return JSONResponse({"code": code}, status_code=400)


async def elsewhere(request):
    SEEN.append(f"{request.method} {request.url.path} (outside)")
    return JSONResponse({"code": "BLOB_UPLOAD_INVALID"}, status_code=400)


APP = Starlette(routes=[
    Route("/v2/uploads/{where}", start_upload, methods=["POST"]),
    Route("/v2/uploads/s/{uid}", chunk, methods=["PUT"]),
    Route("/admin/{rest:path}", elsewhere, methods=["PUT"]),
])


@pytest.fixture(scope="module")
def server():
    running = start_in_process("uploads", APP, fault=None, port=0)
    yield running
    running.stop()


def case_for(tmp_path, server, where: str, text: str = CATALOG):
    path = tmp_path / "uploads.yaml"
    path.write_text(text.replace("{where}", where))
    catalog, _ = parse(path)
    target = Target(catalog=catalog, base_url=server.url, credentials={"primary": "k-test"}, transport=Transport())
    return ProbeCase(target, catalog.probes[0]), target


@pytest.mark.parametrize("where", ["relative", "same-origin-absolute"])
def test_a_captured_location_is_followed_at_the_target(tmp_path, server, where):
    SEEN.clear()
    case, target = case_for(tmp_path, server, where)
    variables = case.setup()
    assert variables["session"] == f"{server.url}/v2/uploads/s/abc"
    assert variables["uid"] == "abc"
    verdict = case.check(case.send(variables, vary=False))
    assert verdict.passed and verdict.code == "BLOB_UPLOAD_INVALID"
    assert SEEN == ["PUT /v2/uploads/s/abc abc"]


def test_the_answer_at_a_followed_location_is_judged(tmp_path, server):
    """A violation still fails: the captured URL with a query the server answers wrongly to."""
    case, _ = case_for(tmp_path, server, "relative", CATALOG.replace("path: '{session}'", "path: '{session}?bad=1'"))
    variables = case.setup()
    with pytest.raises(F.WrongCode) as caught:
        case.check(case.send(variables, vary=False))
    assert "Received code: SIZE_INVALID" in caught.value.render().splitlines()


@pytest.mark.parametrize("where, reason", [
    ("off-origin", "not to the target"),
    ("outside-base-path", "outside the API's base path /v2"),
    ("dot-dot", "outside the API's base path /v2"),
])
def test_a_location_elsewhere_is_a_setup_problem_never_followed(tmp_path, server, where, reason):
    SEEN.clear()
    case, target = case_for(tmp_path, server, where)
    variables = case.setup()
    with pytest.raises(F.ProbeSetupError) as caught:
        case.send(variables, vary=False)
    assert reason in str(caught.value)
    assert SEEN == []  # nothing was sent there
    assert [p["reason"] for p in target.recorder.setup_problems] == ["outside-base-path"]


def test_a_missing_header_is_a_setup_problem(tmp_path, server):
    case, target = case_for(tmp_path, server, "relative", CATALOG.replace("{header: Location}", "{header: X-Nowhere}"))
    with pytest.raises(F.ProbeSetupError) as caught:
        case.setup()
    assert "nothing at header X-Nowhere to capture as 'session'" in str(caught.value)


def test_a_capture_names_one_place(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(CATALOG.replace("{header: Location}", "{header: Location, pointer: /x}"))
    with pytest.raises(CatalogError) as caught:
        parse(path)
    assert "bad.yaml:" in str(caught.value) and "exactly one of 'pointer' or 'header'" in str(caught.value)
