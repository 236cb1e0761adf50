"""A kernel that holds the normal pass at a gate, so that a test can act while it "solves"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from openocs.scheduler.greedy import GreedyKernel
from openocs.scheduler.kernels import STOPPED, StopToken, register_kernel
from openocs.scheduler.model import ObservationType, Problem, Schedule, SolveStatus


class GateKernel:
    """The greedy kernel, except that the first normal pass (a problem without rapid-response
    groups) after :meth:`close` waits at the gate until it is stopped or the gate opens. A
    ``stubborn`` gate ignores the stop until it opens (a solve stuck in a phase it cannot leave).
    """

    name = "gate"

    def __init__(self) -> None:
        self.stubborn = False
        self.closed = False
        self.waiting = threading.Event()
        self._opened = threading.Event()
        self.stopped_passes = 0

    def close(self) -> None:
        self.closed = True
        self._opened.clear()

    def open(self) -> None:
        self._opened.set()

    def solve(
        self,
        problem: Problem,
        *,
        time_limit_s: float,
        seed: int = 0,
        stop: StopToken | None = None,
    ) -> Schedule:
        normal = bool(problem.groups) and not any(
            g.observation_type is ObservationType.RAPID_RESPONSE for g in problem.groups
        )
        if normal and stop is not None and self.closed:
            self.closed = False
            with stop.on_stop(lambda: None if self.stubborn else self._opened.set()):
                self.waiting.set()
                self._opened.wait(timeout=10.0)
            if stop.stopped:
                self.stopped_passes += 1
                return Schedule(self.name, SolveStatus.FAILED, message=STOPPED)
        return GreedyKernel().solve(problem, time_limit_s=time_limit_s, seed=seed)


@contextmanager
def gate_kernel() -> Iterator[GateKernel]:
    """A fresh ``GateKernel`` registered as ``"gate"``; its gate is opened on the way out."""
    kernel = GateKernel()
    register_kernel("gate", lambda: kernel)
    try:
        yield kernel
    finally:
        kernel.open()
