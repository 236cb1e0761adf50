"""One deadline for a whole solve: every phase of a kernel asks the same object.

``time_limit_s`` is the wall time from the moment the problem is read (or, when nobody says
when that was, from the call to ``solve``) to the returned schedule. A kernel creates one
:class:`Deadline` (or is handed one, e.g. by ``ocs scheduler plan``, which starts it before
reading the problem file) and every phase checks it: candidate building with the first greedy
order (one pass in priority order, ``greedy.first_greedy``: cut, it returns the requests built
so far placed), the other greedy orders, the repair, the GRASP restarts, the LP bound, the
CP-SAT search and each large-neighbourhood step. When time runs out the best schedule found so
far is returned.

A :class:`~openocs.scheduler.kernels.StopToken` may be attached: a stopped token makes the
deadline expire at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openocs.scheduler.kernels import StopToken

__all__ = ["FINISH_RESERVE", "Deadline"]

FINISH_RESERVE = 0.03
"""Share of the limit kept for what follows the search (re-sequencing, the objective, building
the ``Schedule``), so that the schedule is returned inside the limit."""


class Deadline:
    """A wall-clock deadline ``limit_s`` seconds after ``started`` (a ``clock()`` reading,
    default now). ``clock`` is ``time.perf_counter`` unless a test gives another."""

    __slots__ = ("_clock", "limit_s", "started", "stop")

    def __init__(
        self,
        limit_s: float,
        *,
        started: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
        stop: StopToken | None = None,
    ) -> None:
        self.limit_s = float(limit_s)
        self._clock = clock
        self.started = clock() if started is None else started
        self.stop = stop

    def with_stop(self, stop: StopToken | None) -> Deadline:
        """The same deadline, also expired when ``stop`` is stopped."""
        return Deadline(self.limit_s, started=self.started, clock=self._clock, stop=stop)

    def elapsed_s(self) -> float:
        return self._clock() - self.started

    def remaining_s(self) -> float:
        """Seconds left before the search must end (the finishing reserve kept aside), ≥ 0."""
        return max(0.0, self.limit_s * (1.0 - FINISH_RESERVE) - self.elapsed_s())

    @property
    def stopped(self) -> bool:
        return self.stop is not None and self.stop.stopped

    def expired(self) -> bool:
        """True once the search must end (time is up, or the stop token was stopped)."""
        return self.stopped or self.remaining_s() <= 0.0

    def before(self, share: float) -> float:
        """Seconds left until ``share`` (0–1) of the limit has elapsed, ≥ 0: a phase that should
        use at most that share of the whole budget runs until then."""
        return max(0.0, min(self.limit_s * share - self.elapsed_s(), self.remaining_s()))
