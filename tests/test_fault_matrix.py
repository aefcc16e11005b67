"""Against every fault kind of every reference API, the suites fail with the right class.

The faults run in rounds (:func:`faultmatrix.rounds`): one pytest child per round, holding one
fault of each of several APIs, served from threads of that child, instead of one child and one
server process per fault; each fault keeps its own test."""

import pytest

from conformance import reference
from faultmatrix import EXPECTED, cases, rounds, run_clean, run_faults

CASES = [(case.api, case.fault) for case in cases()]
ROUNDS = rounds(CASES)
ROUND_OF = {(api, fault.kind): index for index, group in enumerate(ROUNDS) for api, fault in group}


@pytest.fixture(scope="module")
def matrix():
    """Rows by (api, fault kind), each round run the first time one of its faults is asked for."""
    rows: dict[tuple[str, str], object] = {}

    def row(api: str, kind: str):
        if (api, kind) not in rows:
            for found in run_faults(ROUNDS[ROUND_OF[(api, kind)]], in_process=True):
                rows[(found.api, found.fault)] = found
        return rows[(api, kind)]

    return row


def test_every_fault_kind_has_an_expected_failure_class():
    kinds = {fault.kind for fault in reference.faults()}
    assert kinds <= set(EXPECTED), kinds - set(EXPECTED)


def test_rounds_hold_every_case_once_and_one_fault_per_api():
    flat = [(api, fault.kind) for group in ROUNDS for api, fault in group]
    assert sorted(flat) == sorted((api, fault.kind) for api, fault in CASES)
    assert all(len({api for api, _ in group}) == len(group) for group in ROUNDS)


# under xdist's loadgroup, a round's faults stay on one worker, so no round runs twice
PARAMS = [pytest.param(api, fault, id=f"{api}:{fault.kind}", marks=pytest.mark.xdist_group(f"fault-round-{ROUND_OF[(api, fault.kind)]}"))
          for api, fault in CASES]


@pytest.mark.parametrize("api, fault", PARAMS)
def test_fault_is_caught_with_the_right_class(matrix, api, fault):
    row = matrix(api, fault.kind)
    assert row.error is None, row.error
    assert row.caught, f"{api} --fault {fault.kind} ({fault.affects}): expected {sorted(row.expected)}, got {row.found or 'no failure'} from {row.selected}"


def test_the_selected_tests_pass_against_the_conforming_servers():
    """The control: without a fault, every test the matrix selects passes (no false positive)."""
    for row in run_clean(CASES, in_process=True):
        assert row.error is None, row.error
        assert row.found == {}, f"{row.api}: false positives {row.found}"
        assert row.passed == len(row.selected) > 0, (row.api, row.passed, row.selected)
