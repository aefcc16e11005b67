"""Credentials: missing, malformed, expired, revoked or without permission."""

import pytest


@pytest.mark.probe_kind("auth")
def test_credential_rejected(case):
    if case.probe.vary is not None:
        case.every_varied_value_fails()
        return
    variables = case.setup()
    case.control(variables)
    case.check(case.send(variables), value=case.probe.request.credential)
