"""--latency: a real delay before each answer of a reference API (fixed or jittered)."""
import time

import httpx
import pytest

from conformance import reference
from conformance.reference._machinery.latency import parse


def test_parse_fixed_jittered_and_errors():
    assert parse("50") == (0.05, 0.05)
    assert parse("40-60") == (0.04, 0.06)
    assert parse("0") is None and parse(None) is None
    with pytest.raises(ValueError, match="expected milliseconds"):
        parse("fast")
    with pytest.raises(ValueError, match="low <= high"):
        parse("60-40")


@pytest.mark.parametrize("in_process", [True, False])
def test_answers_wait_at_least_the_latency(in_process):
    with reference.start("flowbrite", in_process=in_process, latency="120") as srv:
        with httpx.Client() as client:
            client.get(srv.url + "/openapi.json")  # connection set up outside the timing
            began = time.perf_counter()
            client.get(srv.url + "/openapi.json")
            assert time.perf_counter() - began >= 0.12
