"""openocs.scheduler: builds and solves the network schedule (a pure library, no Django).

Front door::

    from openocs.scheduler import load_problem, solve, explain
    problem = load_problem(path)
    schedule = solve(problem, kernel="cpsat", time_limit_s=30, seed=0)
    for request_id, why in explain(problem, schedule).items(): ...
"""

from openocs.scheduler.errors import (
    DataSourceUnavailable,
    ProblemFormatError,
    SchedulerError,
    UnknownKernelError,
)
from openocs.scheduler.kernels import Kernel, available_kernels, get_kernel, register_kernel, solve
from openocs.scheduler.model import (
    Assignment,
    Downtime,
    FixedObservation,
    GroupOperator,
    Location,
    ObservationType,
    Problem,
    Request,
    RequestGroup,
    Schedule,
    SolveStatus,
    Telescope,
    effective_priority,
)

__all__ = [
    "Assignment",
    "DataSourceUnavailable",
    "Downtime",
    "FixedObservation",
    "GroupOperator",
    "Kernel",
    "Location",
    "ObservationType",
    "Problem",
    "ProblemFormatError",
    "Request",
    "RequestGroup",
    "Schedule",
    "SchedulerError",
    "SolveStatus",
    "Telescope",
    "UnknownKernelError",
    "available_kernels",
    "effective_priority",
    "get_kernel",
    "register_kernel",
    "solve",
]
