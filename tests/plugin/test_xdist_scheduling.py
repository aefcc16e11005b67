"""The scheduler that holds the bursts back (conformance/xdist_scheduling.py), driven the way
xdist's controller drives it, by workers that behave as xdist's do: a worker starts its last
test only once it knows what follows it (another test, or the order to shut down).

The suite-level behaviour against a real server is in test_spread.py; these cover what a run
seldom shows: a crashed worker, -x shutting everything down, a held group larger than the rest.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

pytest.importorskip("xdist")

from conformance.xdist_scheduling import BurstsLastScheduling  # noqa: E402

HELD = "conformance-bursts"


class Worker:
    """What the scheduler sees of an xdist WorkerController."""

    def __init__(self, name: str) -> None:
        self.gateway = SimpleNamespace(id=name)
        self.queue: list[int] = []
        self.shutting_down = False
        self.gone = False

    def send_runtest_some(self, indices) -> None:
        assert not self.shutting_down, f"{self.gateway.id} was sent tests after shutdown"
        self.queue.extend(indices)

    def shutdown(self) -> None:
        self.shutting_down = True

    def can_run(self) -> bool:
        return len(self.queue) >= 2 or (len(self.queue) == 1 and self.shutting_down)

    def __repr__(self) -> str:
        return self.gateway.id


def collection(normal: int, held: int) -> list[str]:
    return [f"t.py::test_{i}" for i in range(normal)] + [f"t.py::test_burst_{i}@{HELD}" for i in range(held)]


def start(pytester, names: list[str], workers: int = 3):
    config = pytester.parseconfig("--tx", f"{workers}*popen", "--dist", "loadgroup")
    sched = BurstsLastScheduling(config, held_group=HELD)
    nodes = [Worker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        sched.add_node(node)
    for node in nodes:
        sched.add_node_collection(node, names)
    sched.schedule()
    return sched, nodes


def drive(sched, nodes, names, *, on_step=None, limit=10_000):
    """Run tests one at a time, round robin over the workers able to; returns (worker, nodeid)
    in the order they ran. A worker shut down with nothing left leaves the scheduler."""
    ran = []
    for _ in range(limit):
        if on_step:
            on_step(len(ran), nodes)
        ready = [node for node in nodes if not node.gone and node.can_run()]
        for node in [node for node in nodes if not node.gone and node.shutting_down and not node.queue]:
            node.gone = True
            if node in sched.nodes:  # as xdist's controller: a worker shut down unused is gone already
                assert sched.remove_node(node) is None
        if not ready:
            if not any(node.shutting_down and node.queue for node in nodes if not node.gone):
                break
            continue
        node = ready[0] if len(ran) % 2 else ready[-1]
        index = node.queue.pop(0)
        ran.append((node.gateway.id, names[index]))
        sched.mark_test_complete(node, index)
    else:
        raise AssertionError("the run did not end")
    return ran


def assert_held_last(ran):
    held = [i for i, (_, nodeid) in enumerate(ran) if nodeid.endswith(HELD)]
    others = [i for i, (_, nodeid) in enumerate(ran) if not nodeid.endswith(HELD)]
    assert held and min(held) > max(others), ran
    assert len({ran[i][0] for i in held}) == 1


def test_the_held_group_runs_after_everything_and_every_test_runs_once(pytester):
    names = collection(normal=20, held=3)
    sched, nodes = start(pytester, names)
    ran = drive(sched, nodes, names)
    assert sorted(nodeid for _, nodeid in ran) == sorted(names)
    assert_held_last(ran)
    assert len({worker for worker, nodeid in ran if not nodeid.endswith(HELD)}) == 3
    assert all(node.gone for node in nodes) and sched.tests_finished


def test_a_held_group_larger_than_the_rest_still_waits(pytester):
    # loadgroup sorts larger groups first: 5 held tests against 4 single tests
    names = collection(normal=4, held=5)
    sched, nodes = start(pytester, names, workers=2)
    ran = drive(sched, nodes, names)
    assert sorted(nodeid for _, nodeid in ran) == sorted(names)
    assert_held_last(ran)


def test_only_held_tests_run_on_one_worker(pytester):
    names = collection(normal=0, held=3)
    sched, nodes = start(pytester, names)
    ran = drive(sched, nodes, names)
    assert [nodeid for _, nodeid in ran] == names
    assert len({worker for worker, _ in ran}) == 1


def test_a_crashed_worker_is_replaced_and_the_held_group_still_runs_last(pytester):
    names = collection(normal=12, held=2)
    sched, nodes = start(pytester, names)
    crashed = []

    def crash_one(step, nodes):
        if step == 6 and not crashed:
            victim = next(node for node in nodes if not node.gone and node.queue)
            victim.gone = True
            crashed.append(sched.remove_node(victim))  # xdist: the crashed test, the rest queued again
            replacement = Worker("gw9")
            nodes.append(replacement)
            sched.add_node(replacement)
            sched.add_node_collection(replacement, names)
            sched.schedule()

    ran = drive(sched, nodes, names, on_step=crash_one)
    assert crashed and crashed[0] in names
    # xdist reports the crashed test and queues it again with the worker's unfinished ones
    assert sorted(nodeid for _, nodeid in ran if nodeid != crashed[0]) == sorted(set(names) - {crashed[0]})
    assert_held_last(ran)
    assert "gw9" in {worker for worker, _ in ran}


def test_shutting_everything_down_ends_the_run_without_the_held_group(pytester):
    """-x / --maxfail: xdist tells every worker to shut down; the run ends, the held group unsent."""
    names = collection(normal=12, held=2)
    sched, nodes = start(pytester, names)

    def maxfail(step, nodes):
        if step == 3:
            for node in nodes:
                node.shutdown()

    ran = drive(sched, nodes, names, on_step=maxfail)
    assert not [nodeid for _, nodeid in ran if nodeid.endswith(HELD)]
    assert all(node.gone for node in nodes)
