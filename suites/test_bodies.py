"""Request bodies: malformed JSON (RFC 8259) and mismatched Content-Type."""

import pytest


@pytest.mark.probe_kind("body")
def test_malformed_body_rejected(case):
    variables = case.setup()
    case.control(variables)

    @case.given
    def rejected(value):
        case.check(case.send(variables, value), value=value)

    rejected()
