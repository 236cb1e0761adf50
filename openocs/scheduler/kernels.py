"""The kernel plug-in point: one small interface and a registry (DESIGN §2).

A kernel turns a ``Problem`` into a ``Schedule``. Kernels never raise for solver trouble: they
return a ``Schedule`` with status ``FAILED`` and a message (D26).

A solve may be asked to stop early from another thread through a :class:`StopToken` (the
daemon abandons a normal pass made stale by a rapid-response request, or shuts down). Stopping is
optional for a kernel: one whose ``solve`` accepts a ``stop`` keyword is given the token (see
:class:`StoppableKernel`) and returns a ``FAILED`` schedule with the message ``"stopped"`` soon
after it is stopped; any other kernel simply runs to its time limit.
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol

from openocs.scheduler.deadline import Deadline
from openocs.scheduler.errors import UnknownKernelError
from openocs.scheduler.model import Assignment, Problem, Schedule, SolveStatus

__all__ = [
    "STOPPED",
    "Kernel",
    "StopToken",
    "StoppableKernel",
    "available_kernels",
    "earliness_bonus",
    "get_kernel",
    "invalid_time_limit",
    "kept_incumbents",
    "objective_of",
    "register_kernel",
    "solve",
]

DEFAULT_KERNEL = "cpsat"
STOPPED = "stopped"
"""The message of the ``FAILED`` schedule a kernel returns when it was stopped."""


class StopToken:
    """Asks a running solve to stop early; thread-safe, and stopping is final.

    A kernel checks :attr:`stopped` between its phases and registers, with :meth:`on_stop`, a
    callback that interrupts a native search (CP-SAT's ``stop_search``) while that runs.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._callbacks: list[Callable[[], None]] = []

    @property
    def stopped(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        """Stop the solve (idempotent); registered callbacks are called in this thread."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    @contextmanager
    def on_stop(self, callback: Callable[[], None]) -> Iterator[None]:
        """Call ``callback`` if the token is stopped while the ``with`` block runs (at once if it
        already is)."""
        with self._lock:
            already = self._stopped
            if not already:
                self._callbacks.append(callback)
        if already:
            callback()
        try:
            yield
        finally:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)


class Kernel(Protocol):
    """What every kernel offers."""

    name: str

    def solve(self, problem: Problem, *, time_limit_s: float, seed: int = 0) -> Schedule:
        """Schedule ``problem`` within ``time_limit_s`` seconds of wall time (required)."""
        ...


class StoppableKernel(Kernel, Protocol):
    """A kernel that honours a :class:`StopToken` (optional capability)."""

    def solve(
        self,
        problem: Problem,
        *,
        time_limit_s: float,
        seed: int = 0,
        stop: StopToken | None = None,
    ) -> Schedule:
        """As :meth:`Kernel.solve`; returns ``FAILED`` (``"stopped"``) soon after ``stop``."""
        ...


_REGISTRY: dict[str, Callable[[], Kernel]] = {}


def register_kernel(name: str, factory: Callable[[], Kernel]) -> None:
    """Register ``factory`` (called with no arguments) under ``name``."""
    _REGISTRY[name] = factory


def available_kernels() -> tuple[str, ...]:
    _load_builtin_kernels()
    return tuple(sorted(_REGISTRY))


def get_kernel(name: str = DEFAULT_KERNEL) -> Kernel:
    _load_builtin_kernels()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise UnknownKernelError(name, tuple(sorted(_REGISTRY))) from None
    return factory()


def invalid_time_limit(time_limit_s: object) -> str | None:
    """Why ``time_limit_s`` is not a usable time limit (None, not a number, NaN, infinite, zero
    or negative), or None when it is one. A kernel given an unusable limit returns a ``FAILED``
    schedule with this message instead of raising (D26)."""
    if time_limit_s is None:
        return "a time limit is required (time_limit_s is None)"
    if isinstance(time_limit_s, bool) or not isinstance(time_limit_s, int | float):
        return f"the time limit must be a number of seconds, not {type(time_limit_s).__name__}"
    if not math.isfinite(time_limit_s) or time_limit_s <= 0:
        return f"the time limit must be a finite positive number of seconds, not {time_limit_s}"
    return None


def accepts_stop(kernel: Kernel) -> bool:
    """Whether ``kernel.solve`` takes a ``stop`` token."""
    return "stop" in inspect.signature(kernel.solve).parameters


def accepts_deadline(kernel: Kernel) -> bool:
    """Whether ``kernel.solve`` takes a ``deadline`` (``openocs.scheduler.deadline.Deadline``)."""
    return "deadline" in inspect.signature(kernel.solve).parameters


def solve(
    problem: Problem,
    *,
    kernel: str = DEFAULT_KERNEL,
    time_limit_s: float | None,
    seed: int = 0,
    stop: StopToken | None = None,
    deadline: Deadline | None = None,
) -> Schedule:
    """Solve ``problem`` with the kernel registered as ``kernel``. ``stop`` is handed to a kernel
    that accepts it; another kernel runs to its time limit. A missing or unusable time limit
    (``invalid_time_limit``) gives a ``FAILED`` schedule, whatever the kernel.

    ``deadline`` says when the clock of ``time_limit_s`` started (e.g. before the problem was
    read; see ``openocs.scheduler.deadline``): a kernel that accepts it checks it in every
    phase; another is given what is left of the limit."""
    instance = get_kernel(kernel)
    why = invalid_time_limit(time_limit_s)
    if why is not None or time_limit_s is None:
        return Schedule(instance.name, SolveStatus.FAILED, message=why or "no time limit")
    extra: dict[str, object] = {}
    if deadline is not None:
        if accepts_deadline(instance):
            extra["deadline"] = deadline
        else:
            time_limit_s = max(deadline.limit_s - deadline.elapsed_s(), 0.01)
    if stop is not None and accepts_stop(instance):
        extra["stop"] = stop
    return instance.solve(problem, time_limit_s=time_limit_s, seed=seed, **extra)


def earliness_bonus(problem: Problem, start_s: int) -> float:
    """The tie-breaking bonus for starting at ``start_s``: ``earliness_weight`` at the start of
    the horizon, falling linearly to 0 at its end."""
    span_s = max(problem.end_s - problem.start_s, 1)
    return problem.earliness_weight * (problem.end_s - start_s) / span_s


def kept_incumbents(problem: Problem, assignments: Iterable[Assignment]) -> list[Assignment]:
    """The assignments placed exactly at their request's incumbent (telescope, start, end)."""
    incumbents = problem.incumbents()
    kept: list[Assignment] = []
    for assignment in assignments:
        incumbent = incumbents.get(assignment.request_id)
        if (
            incumbent is not None
            and incumbent.telescope_key == assignment.telescope_key
            and incumbent.start_s == assignment.start_s
            and incumbent.end_s == assignment.end_s
        ):
            kept.append(assignment)
    return kept


def objective_of(problem: Problem, assignments: Iterable[Assignment]) -> tuple[float, float]:
    """``(value, objective)`` of a set of assignments: priorities, and priorities + bonuses
    (earliness, and stability for each assignment kept at its incumbent)."""
    assignments = list(assignments)
    value = objective = 0.0
    for assignment in assignments:
        value += assignment.priority
        objective += assignment.priority + earliness_bonus(problem, assignment.start_s)
    if problem.incumbent:
        for assignment in kept_incumbents(problem, assignments):
            objective += problem.stability_bonus(assignment.priority)
    return value, objective


def relative_gap(objective: float, bound: float) -> float:
    """``(bound − objective) / |bound|``, 0 for an empty problem, never negative."""
    if abs(bound) < 1e-9:
        return 0.0
    return max(0.0, (bound - objective) / abs(bound))


def _load_builtin_kernels() -> None:
    if "cpsat" not in _REGISTRY:
        from openocs.scheduler.cpsat import CpSatKernel

        register_kernel("cpsat", CpSatKernel)
    if "timesliced" not in _REGISTRY:
        from openocs.scheduler.timesliced import TimeSlicedKernel

        register_kernel("timesliced", TimeSlicedKernel)
    if "greedy" not in _REGISTRY:
        from openocs.scheduler.greedy import GreedyKernel

        register_kernel("greedy", GreedyKernel)
