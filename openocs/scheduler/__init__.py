"""openocs.scheduler: builds and solves the network schedule (a pure library, no Django).

Front door::

    from openocs.scheduler import explain, load_problem, solve
    problem = load_problem(path)
    schedule = solve(problem, kernel="cpsat", time_limit_s=30, seed=0)
    for request_id, why in explain(problem, schedule).items(): ...
"""

from openocs.scheduler.errors import (
    DataSourceUnavailable,
    InvalidProblemError,
    ProblemFormatError,
    SchedulerError,
    UnknownKernelError,
)
from openocs.scheduler.explain import Explanation, Reason, explain
from openocs.scheduler.kernels import Kernel, available_kernels, get_kernel, register_kernel, solve
from openocs.scheduler.model import (
    Assignment,
    Downtime,
    FixedObservation,
    GroupOperator,
    Incumbent,
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
from openocs.scheduler.passes import (
    CurrentObservation,
    CyclePlan,
    PassPlan,
    plan_cycle,
    plan_normal_pass,
    plan_rapid_response_pass,
)
from openocs.scheduler.serialization import dump_problem, load_problem
from openocs.scheduler.validation import schedule_violations

__all__ = [
    "Assignment",
    "CurrentObservation",
    "CyclePlan",
    "DataSourceUnavailable",
    "Downtime",
    "Explanation",
    "FixedObservation",
    "GroupOperator",
    "Incumbent",
    "InvalidProblemError",
    "Kernel",
    "Location",
    "ObservationType",
    "PassPlan",
    "Problem",
    "ProblemFormatError",
    "Reason",
    "Request",
    "RequestGroup",
    "Schedule",
    "SchedulerError",
    "SolveStatus",
    "Telescope",
    "UnknownKernelError",
    "available_kernels",
    "dump_problem",
    "effective_priority",
    "explain",
    "get_kernel",
    "load_problem",
    "plan_cycle",
    "plan_normal_pass",
    "plan_rapid_response_pass",
    "register_kernel",
    "schedule_violations",
    "solve",
]
