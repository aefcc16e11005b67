"""Single requests that must fail a known way: missing fields, balances, permissions."""

import pytest


@pytest.mark.probe_kind("request")
def test_request_rejected(case):
    variables = case.setup()
    if case.probe.vary is None:
        case.check(case.send(variables))
        return
    case.control(variables)

    @case.given
    def rejected(value):
        case.check(case.send(variables, value), value=value)

    rejected()
