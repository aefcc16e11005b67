"""Against every fault kind of every reference API, the suites fail with the right class."""

import pytest

from conformance import reference
from faultmatrix import EXPECTED, applicable_faults, run_fault

CASES = [(api, fault) for api in reference.available() for fault in applicable_faults(api)]


def test_every_fault_kind_has_an_expected_failure_class():
    kinds = {fault.kind for fault in reference.faults()}
    assert kinds <= set(EXPECTED), kinds - set(EXPECTED)


@pytest.mark.parametrize("api, fault", CASES, ids=[f"{api}:{fault.kind}" for api, fault in CASES])
def test_fault_is_caught_with_the_right_class(api, fault):
    row = run_fault(api, fault)
    assert row.error is None, row.error
    assert row.caught, f"{api} --fault {fault.kind} ({fault.affects}): expected {sorted(row.expected)}, got {row.found or 'no failure'} from {row.selected}"
