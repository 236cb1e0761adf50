"""How fast a rapid-response request is placed into an existing schedule.

    .venv/bin/python benchmarks/scheduler_rr_bench.py [--instance large] [--time-limit 10]

Schedules the instance (normal pass), turns the result into the current PENDING observations,
adds one RAPID_RESPONSE request that can start at once on any telescope of its class, and times
the rapid-response pass (``plan_rapid_response_pass``): what it creates, what it preempts
(cancels), and that the rest of the schedule is untouched.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from openocs.scheduler.kernels import get_kernel, solve
from openocs.scheduler.model import (
    GroupOperator,
    Location,
    ObservationType,
    Request,
    RequestGroup,
)
from openocs.scheduler.passes import CurrentObservation, plan_rapid_response_pass
from openocs.scheduler.serialization import load_problem

INSTANCES = Path(__file__).parent / "instances"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="large")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--normal-time-limit", type=float, default=30.0)
    args = parser.parse_args()
    get_kernel("cpsat")
    problem = load_problem(INSTANCES / f"scheduler_{args.instance}.json")
    normal = solve(problem, kernel="cpsat", time_limit_s=args.normal_time_limit)
    current = [
        CurrentObservation(10_000_000 + i, a.request_id, a.telescope_key, a.start_s, a.end_s)
        for i, a in enumerate(normal.assignments)
    ]
    # the earliest dark start of any 1-metre telescope: the RR request can start right then
    first_night_s = min(
        t.night[0][0] for t in problem.telescopes if t.telescope_class == "1m0" and t.night
    )
    urgent = Request(
        id=99_999_999,
        duration_s=1800,
        windows=((first_night_s, first_night_s + 3 * 3600),),
        location=Location("1m0"),
        instrument_types=("1M0-SCICAM-SINISTRO",),
    )
    group = RequestGroup(
        99_999_999,
        GroupOperator.SINGLE,
        (urgent,),
        tac_priority=50.0,
        observation_type=ObservationType.RAPID_RESPONSE,
    )
    with_rr = replace(problem, groups=(*problem.groups, group))
    started = time.perf_counter()
    plan = plan_rapid_response_pass(with_rr, current, kernel="cpsat", time_limit_s=args.time_limit)
    elapsed_s = time.perf_counter() - started
    print(f"instance {args.instance}: {len(current)} scheduled observations before the RR request")
    print(f"rapid-response pass: {elapsed_s:.2f} s wall, status {plan.schedule.status.value}")
    for assignment in plan.create:
        print(
            f"  placed request {assignment.request_id} on {assignment.telescope_key} at "
            f"{problem.to_datetime(assignment.start_s):%Y-%m-%d %H:%M:%S}"
        )
    print(
        f"  preempted (cancelled) observations: {len(plan.cancel)}; aborted: {len(plan.abort)}; "
        f"untouched: {len(current) - len(plan.cancel) - len(plan.abort)}"
    )


if __name__ == "__main__":
    main()
