"""Request bodies: malformed JSON (RFC 8259) and mismatched Content-Type."""

import pytest


@pytest.mark.probe_kind("body")
def test_malformed_body_rejected(case):
    case.every_varied_value_fails()
