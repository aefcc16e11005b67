"""Every error answer conforms: random requests against known and unknown routes.

Probes aim at codes; this suite aims at the envelope. Whatever the API answers to a
request nobody designed, an error must carry a catalog code in the catalog's envelope
with its required headers (the same judge as everywhere, with no expected code).

What it sends, so that it is safe to point at production:

- paths: the catalog probes' own paths (placeholders filled with fresh UUIDs) and made-up
  ones of 1-4 segments ("", "..", "%2F", "%00", long, random); every one stays under the
  catalog's ``api.base_path`` once dot segments are removed (RFC 3986 section 5.2.4, also
  their percent-encoded forms, and "//" collapsed), and the request builder refuses any that
  would not;
- credentials: none, and each credential of the catalog that the run provides;
- ``test_every_error_conforms``: the safe methods GET, HEAD and OPTIONS only (RFC 9110
  section 9.2.1: read-only by definition), without a body;
- ``test_every_error_conforms_on_writes`` (marker ``writes``): POST, PUT, PATCH and DELETE,
  with or without a small random JSON body. These run under ``writes`` whatever the
  credential: a request without a valid credential should be refused by authentication, but
  on a broken server it may be executed, so ``-m "not writes"`` sends no unsafe method at all.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.catalog.model import Probe, Step
from conformance.engine import profiles
from conformance.engine.build import Variables, is_under

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # RFC 9110 section 9.2.1
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

_SEGMENT = st.one_of(
    st.sampled_from(["", "..", "%00", "%2F", "null", "0", "-1", "%C3%A9", "a" * 300]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12),
)
_JSON = st.dictionaries(
    st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=20), st.booleans(), st.none()), max_size=3
)


def _known_paths(catalog):
    """The probes' paths with every placeholder replaced by a fresh UUID."""
    return sorted({re.sub(r"\{[^}]+\}", "{uuid}", probe.request.path) for probe in catalog.probes}) or ["/"]


def test_every_error_conforms(conformance_target):
    """Safe methods (RFC 9110 section 9.2.1) with every credential: nothing is written."""
    _fuzz(conformance_target, "envelope-fuzz", SAFE_METHODS, st.none())


@pytest.mark.writes
def test_every_error_conforms_on_writes(conformance_target):
    """Unsafe methods with every credential, the valid one included: may create data."""
    _fuzz(conformance_target, "envelope-fuzz.writes", UNSAFE_METHODS, st.one_of(st.none(), _JSON))


def _fuzz(target, probe_id, methods, bodies):
    catalog = target.catalog
    fuzz = Probe.model_construct(id=probe_id, kind="request", expect=None, setup=[], markers=[])
    credentials = [None, *sorted(name for name in catalog.auth.credentials if name in target.credentials)]
    base = target.builder.base_path
    made_up = st.lists(_SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
    paths = st.one_of(
        st.sampled_from(_known_paths(catalog)),
        # Never generated: a path that resolves outside the API (a ".." above base_path), whose
        # answer would come from whatever serves the host's root, not from the API.
        made_up.filter(lambda path: is_under(base + path, base)),
    )

    @profiles.current()
    @given(method=st.sampled_from(methods), path=paths, credential=st.sampled_from(credentials), body=bodies)
    def conforms(method, path, credential, body):
        step = Step(method=method, path=path, credential=credential, json=body)
        exchange = target.send(step, Variables(), probe=fuzz)
        target.check(exchange, fuzz, (), value=(method, path, credential, body))

    conforms()
