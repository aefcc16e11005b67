"""Identifiers in paths: malformed ids and well-formed ids that name nothing."""

import pytest


@pytest.mark.probe_kind("identifier")
def test_identifier_rejected(case):
    case.every_varied_value_fails()
