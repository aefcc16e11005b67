"""Unknown routes and methods the route does not allow."""

import pytest


@pytest.mark.probe_kind("routing")
def test_unknown_route_or_method(case):
    variables = case.setup()
    case.check(case.send(variables))
