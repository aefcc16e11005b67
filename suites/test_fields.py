"""Field validation: one JSON member varied by a strategy, the rest kept valid."""

import pytest


@pytest.mark.probe_kind("field")
def test_invalid_field_rejected(case):
    variables = case.setup()
    case.control(variables)

    @case.given
    def rejected(value):
        case.check(case.send(variables, value), value=value)

    rejected()
