"""Fixtures shared by the project's own tests (pytester runs in temporary folders do not see them)."""

from __future__ import annotations

import pytest

from conformance import reference
from conformance.catalog import load_catalog


@pytest.fixture
def flowbrite_credentials(monkeypatch) -> dict[str, str]:
    """The Flowbrite reference's credentials in the environment, as a user of --base-url sets
    them: the primary key in CONFORMANCE_API_KEY, the others in the variables the catalog names."""
    creds = reference.credentials("flowbrite")
    monkeypatch.setenv("CONFORMANCE_API_KEY", creds["primary"])
    for name, spec in load_catalog("flowbrite").auth.credentials.items():
        if name in creds:
            monkeypatch.setenv(spec.env, creds[name])
    return creds
