"""Credentials: missing, malformed, expired, revoked or without permission."""

import pytest


@pytest.mark.probe_kind("auth")
def test_credential_rejected(case):
    variables = case.setup()
    case.control(variables)
    if case.probe.vary is None:
        case.check(case.send(variables), value=case.probe.request.credential)
        return

    @case.given
    def rejected(value):
        case.check(case.send(variables, value), value=value)

    rejected()
