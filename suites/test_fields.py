"""Field validation: one JSON member varied by a strategy, the rest kept valid."""

import pytest


@pytest.mark.probe_kind("field")
def test_invalid_field_rejected(case):
    case.every_varied_value_fails()
