"""Identifiers in paths: malformed ids and well-formed ids that name nothing."""

import pytest


@pytest.mark.probe_kind("identifier")
def test_identifier_rejected(case):
    variables = case.setup()
    case.control(variables)

    @case.given
    def rejected(value):
        case.check(case.send(variables, value), value=value)

    rejected()
