"""Every error answer conforms: random requests against known and unknown routes.

Probes aim at codes; this suite aims at the envelope. Whatever the API answers to a
request nobody designed, an error must carry a catalog code in the catalog's envelope
with its required headers (the same judge as everywhere, with no expected code).
"""

import re

from hypothesis import given
from hypothesis import strategies as st

from conformance.catalog.model import Probe, Step
from conformance.engine import profiles
from conformance.engine.build import Variables

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
    target = conformance_target
    catalog = target.catalog
    fuzz = Probe.model_construct(id="envelope-fuzz", kind="request", expect=None, setup=[], markers=[])
    credentials = [None, *sorted(name for name in catalog.auth.credentials if name in target.credentials)]
    paths = st.one_of(
        st.sampled_from(_known_paths(catalog)),
        st.lists(_SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    )

    @profiles.current()
    @given(
        method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
        path=paths,
        credential=st.sampled_from(credentials),
        body=st.one_of(st.none(), _JSON),
    )
    def conforms(method, path, credential, body):
        step = Step(method=method, path=path, credential=credential, json=body)
        exchange = target.send(step, Variables(), probe=fuzz)
        target.check(exchange, fuzz, (), value=(method, path, credential, body))

    conforms()
