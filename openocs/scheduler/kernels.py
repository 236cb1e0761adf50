"""The kernel plug-in point: one small interface and a registry (DESIGN §2).

A kernel turns a ``Problem`` into a ``Schedule``. Kernels never raise for solver trouble: they
return a ``Schedule`` with status ``FAILED`` and a message (D26).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from openocs.scheduler.errors import UnknownKernelError
from openocs.scheduler.model import Assignment, Problem, Schedule

__all__ = [
    "Kernel",
    "available_kernels",
    "earliness_bonus",
    "get_kernel",
    "objective_of",
    "register_kernel",
    "solve",
]

DEFAULT_KERNEL = "cpsat"


class Kernel(Protocol):
    """What every kernel offers."""

    name: str

    def solve(self, problem: Problem, *, time_limit_s: float, seed: int = 0) -> Schedule:
        """Schedule ``problem`` within ``time_limit_s`` seconds of wall time (required)."""
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


def solve(
    problem: Problem, *, kernel: str = DEFAULT_KERNEL, time_limit_s: float, seed: int = 0
) -> Schedule:
    """Solve ``problem`` with the kernel registered as ``kernel``."""
    return get_kernel(kernel).solve(problem, time_limit_s=time_limit_s, seed=seed)


def earliness_bonus(problem: Problem, start_s: int) -> float:
    """The tie-breaking bonus for starting at ``start_s``: ``earliness_weight`` at the start of
    the horizon, falling linearly to 0 at its end."""
    span_s = max(problem.end_s - problem.start_s, 1)
    return problem.earliness_weight * (problem.end_s - start_s) / span_s


def objective_of(problem: Problem, assignments: Iterable[Assignment]) -> tuple[float, float]:
    """``(value, objective)`` of a set of assignments: priorities, and priorities + bonuses."""
    value = objective = 0.0
    for assignment in assignments:
        value += assignment.priority
        objective += assignment.priority + earliness_bonus(problem, assignment.start_s)
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
