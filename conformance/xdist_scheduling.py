"""An xdist scheduler that runs one group of tests last, after every other test of the run.

Against one target, the rate-limit bursts must not overlap any other probe: a limit a burst
trips (a key's bucket run dry, a login locked for minutes) would throttle whatever runs beside
it, on any worker. xdist's ``loadgroup`` keeps a group on one worker but starts it as soon as
it is its turn, and sorts the larger groups first; this scheduler, otherwise ``loadgroup``
(``LoadGroupScheduling``, whose other groups it keeps), holds the one group back:

- while other work is queued, the held group is never handed out;
- when only it is left, one worker (the first to ask) is kept for it and every other worker is
  shut down, which lets each run the tests it was given (an xdist worker starts its last test
  only once it knows what follows it) and leave;
- when no other worker has a test left, the held group goes to the kept worker, after the one
  test that worker may still hold, and that worker is shut down behind it.

A crashed worker's tests are queued again by xdist (and a replacement worker may ask for
them); ``-x``/``--maxfail`` shuts every worker down, and the held group is then not run,
as any test xdist had not handed out yet.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling


class BurstsLastScheduling(LoadGroupScheduling):
    def __init__(self, config, log=None, *, held_group: str) -> None:
        super().__init__(config, log)
        self.held_group = held_group
        self._kept = None  # the worker kept for the held group
        self._releasing = False

    def _only_held_left(self) -> bool:
        return list(self.workqueue) == [self.held_group]

    def _assign_work_unit(self, node) -> None:
        if self.held_group in self.workqueue:
            self.workqueue.move_to_end(self.held_group)  # loadgroup sorts larger groups first
            if self._only_held_left() and not self._releasing:
                return  # held until every other test has finished
        super()._assign_work_unit(node)

    def _reschedule(self, node) -> None:
        # Two tests at least, as xdist's first distribution does: a worker holding one test
        # waits for the next before it starts it, and asks for more only when a test ends.
        # (Each pass hands out one group, or shuts the worker down when nothing is queued.)
        while self.workqueue and not self._only_held_left() and not node.shutting_down:
            super()._reschedule(node)
            if self._pending_of(self.assigned_work[node]) >= 2:
                break
        self._wind_down()

    def mark_test_complete(self, node, item_index: int, duration: float = 0) -> None:
        super().mark_test_complete(node, item_index, duration)
        self._wind_down()

    def remove_node(self, node):
        if node is self._kept:
            self._kept = None
        workload = self.assigned_work.get(node, {})
        for scope in [scope for scope, unit in workload.items() if all(unit.values())]:
            # xdist would queue a crashed worker's finished groups again, to go out empty (and
            # a worker sent nothing never asks for more)
            del workload[scope]
        crashitem = super().remove_node(node)  # a crashed worker's unfinished tests are queued again
        self._wind_down()
        return crashitem

    def _wind_down(self) -> None:
        """Once only the held group is queued: shut every other worker down (each runs what it
        was given, then leaves) and, when none of them has a test left, hand the held group
        to the kept worker."""
        if not self._only_held_left():
            return
        kept = self._kept
        if kept is None or kept.shutting_down or kept not in self.assigned_work:
            staying = [node for node in self.assigned_work if not node.shutting_down]
            if not staying:
                return  # every worker is leaving (-x, --maxfail): the held group is not run
            # the worker with the least left to do: the one test it holds meanwhile waits
            kept = self._kept = min(staying, key=lambda node: self._pending_of(self.assigned_work[node]))
        waiting = False
        for node, workload in self.assigned_work.items():
            if node is kept:
                continue
            if not node.shutting_down:
                node.shutdown()
            waiting = waiting or self._pending_of(workload) > 0
        if waiting:
            return
        self._releasing = True
        try:
            self._assign_work_unit(kept)
        finally:
            self._releasing = False
        kept.shutdown()  # the kept worker runs what it holds, then the held group, then leaves
