"""Rate limits: a bounded burst until the 429, whose headers and body are then checked."""

import pytest

from conformance.catalog.model import Burst
from conformance.engine.failures import ExpectedErrorNotProduced


@pytest.mark.probe_kind("rate-limit")
def test_burst_hits_rate_limit(case):
    burst = case.probe.burst or Burst()
    credential = None  # burst.credential null: unauthenticated (a limit applied before auth)
    if burst.credential is not None:
        credential = case.target.burst_credential(burst.credential)  # minted first: setup may use it
        if credential is None:
            pytest.skip(f"credential {burst.credential} not provided")
    variables = case.setup()
    for sent in range(1, burst.max_requests + 1):
        exchange = case.send(variables, allow_429=True, credential=credential)
        if exchange.status == 429:
            case.check(exchange)
            return
        if exchange.is_error:
            case.check(exchange, expect=())  # errors met on the way must conform too
    case.fail(ExpectedErrorNotProduced(
        expected_code=" or ".join(case.expect),
        scenario=f"{burst.max_requests} requests in a burst, no 429",
    ), exchange)
