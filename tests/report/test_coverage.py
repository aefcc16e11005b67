"""Per-code verdicts: a code conforms only if every answer that carried it conformed."""

from __future__ import annotations

from conformance.catalog import load_catalog
from conformance.coverage import compute
from conformance.engine.record import Observation

CATCH_ALL = "api.common.validationFailed"
OTHER = "api.common.forbidden"
UNAUTHORIZED = "api.common.unauthorized"


def obs(expected, status, code, passed, failure=None):
    return Observation(catalog="flowbrite", probe="p", kind="field", expected=list(expected), method="POST",
                       path="/v1/wallets", status=status, code=code, passed=passed, failure=failure)


def verdicts(*observations):
    coverage = compute(load_catalog("flowbrite"), list(observations))
    return {code: cov.verdict for code, cov in coverage.codes.items() if cov.verdict != "not-exercised" and cov.verdict != "not-provokable"}


def test_a_catch_all_code_on_a_server_error_fails():
    assert verdicts(*[obs([CATCH_ALL], 400, CATCH_ALL, True)] * 5, obs([CATCH_ALL], 500, CATCH_ALL, False, "server-error")) == {
        CATCH_ALL: "fail"}


def test_a_code_carried_by_a_wrong_code_answer_fails_with_the_expected_one():
    assert verdicts(obs([CATCH_ALL], 400, CATCH_ALL, True), obs([OTHER], 400, CATCH_ALL, False, "wrong-code")) == {
        CATCH_ALL: "fail", OTHER: "fail"}


def test_an_either_or_probe_blames_the_code_it_got_not_the_other():
    assert verdicts(obs([UNAUTHORIZED, OTHER], 418, UNAUTHORIZED, False, "wrong-status")) == {UNAUTHORIZED: "fail"}
    assert verdicts(obs([UNAUTHORIZED, OTHER], 401, UNAUTHORIZED, True)) == {UNAUTHORIZED: "pass"}


def test_no_code_at_all_blames_every_expected_code():
    assert verdicts(obs([UNAUTHORIZED, OTHER], 500, None, False, "unparseable")) == {UNAUTHORIZED: "fail", OTHER: "fail"}
