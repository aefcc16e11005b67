"""State conflicts: an operation the resource's current state does not allow."""

import pytest


@pytest.mark.probe_kind("state")
def test_state_conflict(case):
    variables = case.setup()
    case.check(case.send(variables))
