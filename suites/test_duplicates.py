"""Creating the same resource twice: the second request is a conflict."""

import pytest


@pytest.mark.probe_kind("duplicate")
def test_second_create_conflicts(case):
    variables = case.setup()
    case.expect_success(case.send(variables), "the first create")
    case.check(case.send(variables))
