"""Idempotency keys: invalid, missing, replayed, reused with another body, used concurrently."""

import json

import pytest

from conformance.engine.failures import ExpectedErrorNotProduced, ReplayNotHonoured


def _json_or_bytes(exchange):
    try:
        return json.loads(exchange.body)
    except ValueError:
        return exchange.body


@pytest.mark.probe_kind("idempotency")
def test_idempotency(case):
    variables = case.setup()
    request = case.probe.request
    mode = case.probe.mode
    if mode == "invalid-key":
        case.every_varied_value_fails(variables)
        return
    if mode == "missing-key":
        case.check(case.send(variables, step=request.model_copy(update={"idempotency_key": False})))
        return
    key = case.target.builder.idempotency_key()
    if mode == "concurrent":
        answers = case.send_many(variables, case.probe.concurrency, idempotency_key=key)
        errors = [answer for answer in answers if not answer.ok]
        for answer in errors:
            case.check(answer)
        successes = {json.dumps(_json_or_bytes(answer), sort_keys=True, default=repr) for answer in answers if answer.ok}
        if not errors:
            case.fail(ExpectedErrorNotProduced(
                expected_code=" or ".join(case.expect),
                scenario=f"{case.probe.concurrency} concurrent requests with one idempotency key",
                received_statuses=", ".join(str(answer.status) for answer in answers),
            ), answers[0])
        if len(successes) > 1:
            case.fail(ReplayNotHonoured(scenario="concurrent requests with one key succeeded with different bodies"), answers[0])
        return
    first = case.send(variables, idempotency_key=key)
    case.expect_success(first, "the first request")
    if mode == "mismatch":
        other = request.model_copy(update={"json_": case.probe.alternate_json})
        case.check(case.send(variables, step=other, idempotency_key=key))
        return
    # replay: the same request again with the same key
    second = case.send(variables, idempotency_key=key)
    if case.target.catalog.idempotency and case.target.catalog.idempotency.replay == "conflict":
        case.check(second)
        return
    case.check(second, expect=())
    if second.status != first.status or _json_or_bytes(second) != _json_or_bytes(first):
        case.fail(ReplayNotHonoured(
            first_status=first.status,
            replay_status=second.status,
            first_body=first.body[:200].decode("utf-8", "replace"),
            replay_body=second.body[:200].decode("utf-8", "replace"),
        ), second)
