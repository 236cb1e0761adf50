"""``ocs scheduler …``: a thin click layer over the scheduling library.

The group is exposed as ``scheduler_group`` and mounted into the ``ocs`` CLI by
``openocs.server.cli``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from openocs.scheduler.candidates import prepare
from openocs.scheduler.errors import ProblemFormatError
from openocs.scheduler.explain import Explanation, explain
from openocs.scheduler.kernels import solve
from openocs.scheduler.model import Problem, Schedule
from openocs.scheduler.serialization import load_problem, schedule_to_dict

__all__ = ["EXIT_BAD_INPUT", "EXIT_SOLVE_FAILED", "scheduler_group"]

EXIT_BAD_INPUT = 3
"""The problem file could not be read (the message names the field)."""
EXIT_SOLVE_FAILED = 4
"""The kernel produced no usable schedule (error, or time out without a solution)."""


@click.group(name="scheduler")
def scheduler_group() -> None:
    """Plan telescope network schedules."""


@scheduler_group.command("plan")
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Problem file (.json or .json.gz, format openocs-scheduling-problem/1).",
)
@click.option(
    "--kernel",
    type=click.Choice(["cpsat", "timesliced", "greedy"]),
    default="cpsat",
    show_default=True,
    help="Solver kernel.",
)
@click.option(
    "--time-limit",
    "time_limit_s",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Solver time limit, seconds.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def plan(input_path: Path, kernel: str, time_limit_s: float, seed: int, as_json: bool) -> None:
    """Schedule a JSON problem offline and print the schedule, its value, the proven bound, the
    gap, and why every left-out request was left out.

    \b
    Example:
        ocs scheduler plan --input benchmarks/instances/scheduler_small.json --time-limit 10

    \b
    Exit codes: 0 a schedule was found; 2 bad command line; 3 the problem file is invalid;
    4 the solver produced no usable schedule.
    """
    try:
        problem = load_problem(input_path)
    except ProblemFormatError as error:
        click.echo(f"error: {input_path}: {error}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    schedule = solve(problem, kernel=kernel, time_limit_s=time_limit_s, seed=seed)
    prepared = prepare(problem)
    left_out = explain(problem, schedule, prepared=prepared)
    if as_json:
        document = schedule_to_dict(problem, schedule)
        document["left_out"] = [
            {
                "request": e.request_id,
                "reason": e.reason.value,
                "reference_reason": e.reference_reason,
                "message": e.message,
                "competitors": list(e.competitors),
            }
            for e in sorted(left_out.values(), key=lambda e: e.request_id)
        ]
        click.echo(json.dumps(document, indent=2))
    else:
        _print_text(problem, schedule, left_out)
    if not schedule.ok:
        if not as_json:
            click.echo(f"error: no usable schedule: {schedule.message}", err=True)
        raise SystemExit(EXIT_SOLVE_FAILED)


def _print_text(problem: Problem, schedule: Schedule, left_out: dict[int, Explanation]) -> None:
    requests = sum(len(g.requests) for g in problem.groups)
    click.echo(
        f"kernel {schedule.kernel}: {schedule.status.value}, {len(schedule.assignments)} of "
        f"{requests} requests placed"
    )
    click.echo(
        f"value {schedule.value:.3f}  objective {schedule.objective:.3f}  "
        f"bound {schedule.bound:.3f}  gap {schedule.gap:.3%}"
    )
    click.echo(
        f"build {schedule.build_time_s:.2f} s  solve {schedule.solve_time_s:.2f} s  "
        f"({schedule.message})"
    )
    current = None
    for assignment in schedule.assignments:
        if assignment.telescope_key != current:
            current = assignment.telescope_key
            click.echo(f"\n{current}")
        start = problem.to_datetime(assignment.start_s)
        end = problem.to_datetime(assignment.end_s)
        click.echo(
            f"  {start:%Y-%m-%d %H:%M:%S} – {end:%H:%M:%S}  request {assignment.request_id:<8} "
            f"priority {assignment.priority:.1f}"
        )
    if left_out:
        click.echo(f"\nleft out ({len(left_out)}):")
        for explanation in sorted(left_out.values(), key=lambda e: e.request_id):
            click.echo(
                f"  request {explanation.request_id}: {explanation.reason.value}: "
                f"{explanation.message}"
            )
