"""Single requests that must fail a known way: missing fields, balances, permissions."""

import pytest


@pytest.mark.probe_kind("request")
def test_request_rejected(case):
    if case.probe.vary is not None:
        case.every_varied_value_fails()
        return
    case.check(case.send(case.setup()))
