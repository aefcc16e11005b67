"""Requests stay under the catalog's base_path as a server resolves them (RFC 3986 section
5.2.4, percent-encoded dots, "//"): the builder's check against an independent oracle, and
the refusal of a catalog path that escapes."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.catalog import load_catalog
from conformance.catalog.model import Step
from conformance.engine.build import OutsideBasePath, RequestBuilder, Variables, is_under
from conformance.engine.failures import ProbeSetupError

BASE = "/v1"  # falu's base_path
# Only characters whose decoding the oracle can do with unquote without changing how the
# URL parses (no "?", "#"): dots and slashes, plain and encoded.
SEGMENTS = ["..", ".", "%2e%2e", "%2E%2e", ".%2E", "%2e", "", "a", "v1", "v1.0", "%2F", "%2f..", "..%2F..", "%5C.."]


def oracle_is_under(path: str, base: str = BASE) -> bool:
    """What a lenient server serves, computed by other means: the stdlib's unquote, then
    backslashes and runs of slashes made one "/", then urljoin's RFC 3986 resolution."""
    decoded = re.sub(r"/+", "/", unquote(path).replace("\\", "/"))
    resolved = urlsplit(urljoin("http://h/", decoded)).path
    return resolved == base or resolved.startswith(base + "/")


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6))
def test_is_under_agrees_with_the_oracle(parts):
    path = BASE + "/" + "/".join(parts)
    assert is_under(path, BASE) == oracle_is_under(path)


@pytest.mark.parametrize("path, under", [
    ("/v1/wallets/../events", True),
    ("/v1/./events", True),
    ("/v1/a/b/../..", True),
    ("/v1/..", False),
    ("/v1/../openapi.json", False),
    ("/v1/%2e%2e/x", False),
    ("/v1/%2E%2E/x", False),
    ("/v1/a/..%2F..", False),
    ("/v1//../x", False),  # RFC 3986 alone keeps this under /v1; a server collapsing "//" does not
    ("/v1.0/x", False),
    ("/v1", True),
])
def test_known_cases(path, under):
    assert oracle_is_under(path) == under
    assert is_under(path, BASE) == under


@pytest.fixture
def falu():
    catalog = load_catalog("falu")
    assert catalog.api.base_path == BASE
    return catalog


def test_the_builder_refuses_a_path_that_resolves_outside_base_path(falu):
    builder = RequestBuilder(falu, "http://127.0.0.1:9", {"primary": "k"})
    assert builder.build(Step(method="GET", path="/events/../messages"), Variables()).url == "http://127.0.0.1:9/v1/events/../messages"
    for path in ["/../openapi.json", "/%2E%2E/openapi.json", "//..//..", "/events/..%2f..%2fhealth"]:
        with pytest.raises(OutsideBasePath) as caught:
            builder.build(Step(method="GET", path=path), Variables())
        assert isinstance(caught.value, ProbeSetupError)  # a setup problem, not a conformance failure
        assert "outside the API's base path /v1" in str(caught.value)


def test_the_builder_refuses_a_varied_path_value_only_if_it_escapes(falu):
    builder = RequestBuilder(falu, "http://127.0.0.1:9", {"primary": "k"})
    probe = next(probe for probe in falu.probes if probe.vary is not None and probe.vary.target == "path")
    # A drawn value is percent-encoded whole ("../.." -> "..%2F.."), which a lenient server decodes.
    with pytest.raises(OutsideBasePath):
        builder.build(probe.request, Variables(), vary=probe.vary, value="../../../..")
    assert builder.build(probe.request, Variables(), vary=probe.vary, value="x%2Fy").url.startswith("http://127.0.0.1:9/v1/")


def test_the_builder_refuses_another_origin(falu):
    rootless = falu.model_copy(update={"api": falu.api.model_copy(update={"base_path": ""})})
    builder = RequestBuilder(rootless, "http://127.0.0.1:9", {})
    with pytest.raises(OutsideBasePath, match="would go to http://127.0.0.1:9@evil.example, not to the target http://127.0.0.1:9"):
        builder.build(Step(method="GET", path="@evil.example/x", credential=None), Variables())
