"""Stopping a solve from another thread: the token, CP-SAT stopped inside its search, and
kernels that do not take a token."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from openocs.scheduler.generator import generate_preset
from openocs.scheduler.kernels import STOPPED, StopToken, solve
from openocs.scheduler.model import SolveStatus


def test_a_stop_token_calls_its_callbacks_once_and_forgets_them_after_the_block() -> None:
    token = StopToken()
    calls: list[str] = []
    with token.on_stop(lambda: calls.append("inside")):
        token.stop()
        token.stop()
    with token.on_stop(lambda: calls.append("already stopped")):
        pass
    assert token.stopped
    assert calls == ["inside", "already stopped"]

    fresh = StopToken()
    with fresh.on_stop(lambda: calls.append("left")):
        pass
    fresh.stop()
    assert calls == ["inside", "already stopped"]


class _StopWhenSearching(StopToken):
    """Stops shortly after the kernel registers its search interrupt (so inside CP-SAT)."""

    def __init__(self) -> None:
        super().__init__()
        self.searching = False

    @contextmanager
    def on_stop(self, callback: Callable[[], None]) -> Iterator[None]:
        with super().on_stop(callback):
            self.searching = True
            threading.Timer(0.2, self.stop).start()
            yield


def test_cpsat_stopped_inside_its_search_returns_a_failed_stopped_schedule() -> None:
    contended = generate_preset("medium")  # the warm start is not proven: CP-SAT searches
    token = _StopWhenSearching()

    schedule = solve(contended, kernel="cpsat", time_limit_s=60.0, stop=token)

    assert token.searching
    assert schedule.status is SolveStatus.FAILED
    assert schedule.message == STOPPED
    assert not schedule.ok  # nothing to write (D26)


def test_cpsat_stopped_before_it_starts_does_no_work() -> None:
    token = StopToken()
    token.stop()
    schedule = solve(generate_preset("small"), kernel="cpsat", time_limit_s=5.0, stop=token)
    assert (schedule.status, schedule.message) == (SolveStatus.FAILED, STOPPED)
    assert schedule.assignments == ()


def test_a_kernel_that_takes_no_token_runs_to_its_end() -> None:
    token = StopToken()
    token.stop()
    schedule = solve(generate_preset("small"), kernel="greedy", time_limit_s=5.0, stop=token)
    assert schedule.ok and schedule.assignments
