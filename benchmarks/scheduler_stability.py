"""How much of the schedule a re-plan rewrites, with and without incumbents.

    .venv/bin/python benchmarks/scheduler_stability.py [--instance large] [--time-limit 40]

Solves the frozen instance (the normal pass), turns the result into the current PENDING
observations, then re-plans ``--later`` seconds later (the epoch moves; observations that have
started by then are running, those that have ended are done) with one new NORMAL request (a
copy of the instance's first request under a new id) and again with nothing new. Each re-plan
runs twice: with the current observations as incumbents (``Problem.incumbent``, the default of
``plan_cycle``) and without (``stability=False``). Prints what the normal pass creates, cancels
and keeps, its value and gap.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from openocs.scheduler.kernels import get_kernel, solve
from openocs.scheduler.model import Problem, RequestGroup
from openocs.scheduler.passes import CurrentObservation, plan_cycle
from openocs.scheduler.serialization import load_problem

INSTANCES = Path(__file__).parent / "instances"
NEW_ID = 99_999_999


def with_new_request(problem: Problem) -> Problem:
    """``problem`` plus a copy of its first NORMAL single-request group under new ids."""
    template = next(g for g in problem.groups if len(g.requests) == 1)
    request = replace(template.requests[0], id=NEW_ID)
    group: RequestGroup = replace(template, id=NEW_ID, requests=(request,), name="new")
    return replace(problem, groups=(*problem.groups, group))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="large")
    parser.add_argument("--time-limit", type=float, default=40.0)
    parser.add_argument("--later", type=int, default=600, help="seconds between the two plans")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    get_kernel("cpsat")
    problem = load_problem(INSTANCES / f"scheduler_{args.instance}.json")
    started = time.perf_counter()
    first = solve(problem, kernel="cpsat", time_limit_s=args.time_limit, seed=args.seed)
    print(
        f"instance {args.instance}: first plan {first.status.value}, "
        f"{len(first.assignments)} observations, value {first.value:.1f}, gap {first.gap:.2%}, "
        f"{time.perf_counter() - started:.1f} s"
    )
    current = [
        CurrentObservation(
            10_000_000 + i,
            a.request_id,
            a.telescope_key,
            a.start_s - args.later,
            a.end_s - args.later,
        )
        for i, a in enumerate(first.assignments)
    ]
    ended = {o.request_id for o in current if o.end_s <= 0}  # observed: no longer PENDING
    moved = problem.moved(args.later)
    later = replace(
        moved,
        groups=tuple(
            replace(
                g,
                requests=tuple(
                    replace(r, state="COMPLETED") if r.id in ended else r for r in g.requests
                ),
            )
            for g in moved.groups
        ),
    )
    print(
        f"{'re-plan':28} {'incumbents':10} {'status':8} {'created':>7} {'cancelled':>9} "
        f"{'kept':>5} {'running':>7} {'value':>12} {'gap':>7} {'wall s':>6}"
    )
    for label, replanned in (
        (f"+{args.later} s, one new request", with_new_request(later)),
        (f"+{args.later} s, nothing new", later),
    ):
        for stability in (True, False):
            started = time.perf_counter()
            plan = plan_cycle(
                replanned,
                current,
                kernel="cpsat",
                time_limit_s=args.time_limit,
                seed=args.seed,
                stability=stability,
            )
            elapsed_s = time.perf_counter() - started
            normal = plan.normal
            running = len(current) - len(normal.keep) - len(normal.cancel)
            print(
                f"{label:28} {'yes' if stability else 'no':10} "
                f"{normal.schedule.status.value:8} {len(normal.create):>7} "
                f"{len(normal.cancel):>9} {len(normal.keep):>5} {running:>7} "
                f"{normal.schedule.value:>12.1f} {normal.schedule.gap:>7.2%} {elapsed_s:>6.1f}"
            )


if __name__ == "__main__":
    main()
