"""``ocs scheduler …``: a thin click layer over the scheduling library.

The group is exposed as ``scheduler_group`` and mounted into the ``ocs`` CLI by
``openocs.server.cli``.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import click

from openocs.exiting import skip_final_collection
from openocs.progress import elapsed
from openocs.scheduler.candidates import prepare
from openocs.scheduler.deadline import Deadline
from openocs.scheduler.errors import InvalidProblemError
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
    help="Time limit, seconds: from reading the problem to the schedule (explaining and "
    "printing it come after).",
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
    deadline = Deadline(time_limit_s)  # the limit covers reading the problem too
    try:
        problem = load_problem(input_path)
    except InvalidProblemError as error:
        click.echo(f"error: {input_path}: {error}", err=True)
        raise SystemExit(EXIT_BAD_INPUT) from None
    with elapsed(f"solving ({kernel})", time_limit_s):  # on a terminal only
        schedule = solve(
            problem, kernel=kernel, time_limit_s=time_limit_s, seed=seed, deadline=deadline
        )
    with elapsed("explaining the left-out requests"):
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


# -- ocs scheduler run -----------------------------------------------------------------------

EXIT_CYCLE_FAILED = 5
"""``run --once``: the cycle could not read its inputs, write its result, or solve."""

DEFAULT_PORTAL_URL = "http://127.0.0.1:8000/"


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


@scheduler_group.command("run")
@click.option(
    "--portal-url",
    envvar="OCS_PORTAL_URL",
    default=DEFAULT_PORTAL_URL,
    show_default=True,
    help="Observation portal base URL (env OCS_PORTAL_URL).",
)
@click.option(
    "--configdb-url",
    envvar="OCS_CONFIGDB_URL",
    default="",
    help="configdb base URL (env OCS_CONFIGDB_URL; default <portal-url>configdb/).",
)
@click.option(
    "--downtime-url",
    envvar="OCS_DOWNTIME_URL",
    default="",
    help="Downtime service base URL (env OCS_DOWNTIME_URL; default <portal-url>downtime/).",
)
@click.option(
    "--token",
    envvar="OCS_SCHEDULER_TOKEN",
    default="",
    help="API token of a staff account with staff_view (env OCS_SCHEDULER_TOKEN).",
)
@click.option(
    "--interval",
    "interval_min",
    envvar="OCS_SCHEDULER_INTERVAL",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Replan at least every this many minutes, even if nothing changed "
    "(env OCS_SCHEDULER_INTERVAL).",
)
@click.option(
    "--poll",
    "poll_s",
    envvar="OCS_SCHEDULER_POLL",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds between last_changed checks; with change events, the longest wait for one "
    "(env OCS_SCHEDULER_POLL).",
)
@click.option(
    "--change-events/--no-change-events",
    envvar="OCS_SCHEDULER_CHANGE_EVENTS",
    default=True,
    show_default=True,
    help="Wake on the portal's change events (/api/changes/); without them, or when the "
    "portal has none, poll last_changed (env OCS_SCHEDULER_CHANGE_EVENTS).",
)
@click.option("--once", is_flag=True, help="Run one cycle and exit (exit code 5 if it failed).")
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
    envvar="OCS_SCHEDULER_TIME_LIMIT",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Normal-pass solver time limit, seconds (KERNEL_TIMELIMIT; env OCS_SCHEDULER_TIME_LIMIT).",
)
@click.option(
    "--horizon-days",
    type=click.FloatRange(min=0, min_open=True),
    default=7.0,
    show_default=True,
    help="Planning horizon, days (MODEL_HORIZON).",
)
@click.option(
    "--telescope-class",
    "telescope_classes",
    multiple=True,
    help="Only schedule these telescope classes (repeatable; TELESCOPE_CLASSES).",
)
@click.option(
    "--pass-estimate",
    "pass_estimate_s",
    envvar="OCS_SCHEDULER_PASS_ESTIMATE",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Initial estimate of a pass, seconds: the first cycles plan from now + this "
    "(default 360 for the normal pass, 120 for rapid response; later cycles adapt it; "
    "env OCS_SCHEDULER_PASS_ESTIMATE).",
)
@click.option("--dry-run", is_flag=True, help="Plan and report, but cancel and create nothing.")
@click.option(
    "--metrics-port",
    envvar="OCS_SCHEDULER_METRICS_PORT",
    type=click.IntRange(min=0, max=65535),
    default=0,
    help="Serve Prometheus metrics on this port at /metrics (env OCS_SCHEDULER_METRICS_PORT; "
    "0: off).",
)
def run(
    portal_url: str,
    configdb_url: str,
    downtime_url: str,
    token: str,
    interval_min: float,
    poll_s: float,
    change_events: bool,
    once: bool,
    kernel: str,
    time_limit_s: float,
    horizon_days: float,
    telescope_classes: tuple[str, ...],
    pass_estimate_s: float | None,
    dry_run: bool,
    metrics_port: int,
) -> None:
    """Keep the network schedule current: read the portal's schedulable requests, configdb and
    downtime, plan (rapid-response pass, then normal and time-critical), and write observations
    back to the portal. Replans when the portal announces a change (its change events, or
    last_changed polling for a portal without them), after a failure (with back-off: an outage
    while reading writes nothing, a failed write forces a replan) and at least every --interval
    minutes. A rapid-response request announced while the normal pass solves is placed and
    written at once; that normal pass is dropped unwritten and planned again. `ocs up` starts it
    with a token of its `scheduler` service account.

    \b
    Example:
        OCS_SCHEDULER_TOKEN=<token> ocs scheduler run --portal-url http://127.0.0.1:8000/ \\
            --interval 15 --time-limit 60
        ocs scheduler run --once --dry-run --token <token>

    \b
    Exit codes: 0 stopped normally (or --once succeeded); 2 bad command line (e.g. no token);
    5 --once and the cycle failed.
    """
    import logging
    from dataclasses import replace

    from openocs.clients.configdb import ConfigDBClient
    from openocs.clients.downtime import DowntimeClient
    from openocs.clients.scheduling import MAX_BULK_ITEMS, PortalSchedulingClient
    from openocs.env import env_int
    from openocs.scheduler.daemon import CycleReport, DaemonConfig, SchedulerDaemon
    from openocs.scheduler.sources import HttpDataSource

    if not token:
        raise click.UsageError(
            "the portal needs a staff token with staff_view: pass --token or set "
            "OCS_SCHEDULER_TOKEN (`ocs up` creates one for its `scheduler` account)"
        )
    from openocs.logformat import JsonFormatter, default_log_format

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if os.environ.get("OCS_LOG_FORMAT", default_log_format()) == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    portal_url = _with_slash(portal_url)
    # The portal's bulk limit, read from the same variable the portal reads: a big schedule is
    # written in calls of at most this many observations instead of being refused with a 400.
    max_bulk_items = env_int("OCS_MAX_BULK_ITEMS", MAX_BULK_ITEMS, minimum=1)
    portal = PortalSchedulingClient(portal_url, token=token, max_bulk_items=max_bulk_items)
    configdb = ConfigDBClient(_with_slash(configdb_url or portal_url + "configdb/"), refresh_s=60)
    downtime = DowntimeClient(_with_slash(downtime_url or portal_url + "downtime/"), timeout_s=120)
    source = HttpDataSource(
        portal=portal,
        configdb=configdb,
        downtime=downtime,
        telescope_classes=telescope_classes,
        change_events=change_events,
    )
    config = DaemonConfig(
        kernel=kernel,
        time_limit_s=time_limit_s,
        horizon_s=round(horizon_days * 86400),
        loop_sleep_s=poll_s,
        replan_interval_s=interval_min * 60,
        dry_run=dry_run,
    )
    if pass_estimate_s is not None:
        config = replace(
            config,
            initial_pass_estimate_s=pass_estimate_s,
            initial_rapid_response_estimate_s=min(
                pass_estimate_s, config.initial_rapid_response_estimate_s
            ),
        )

    def echo_report(report: CycleReport) -> None:
        if report.ok and report.superseded:
            click.echo(
                f"cycle ({report.reason}): rapid-response pass created {report.created}, "
                f"cancelled {report.cancelled}, aborted {report.aborted}; normal pass dropped "
                "for a rapid-response change, planning again"
            )
        elif report.ok:
            click.echo(
                f"cycle ({report.reason}): created {report.created}, cancelled "
                f"{report.cancelled}, aborted {report.aborted}" + (" (dry run)" if dry_run else "")
            )
        else:
            click.echo(f"cycle ({report.reason}) failed, nothing more written: {report.error}")

    metrics = None
    if metrics_port:
        from openocs.scheduler.metrics import SchedulerMetrics

        metrics = SchedulerMetrics()
        metrics.serve(metrics_port)

    class _ReportingDaemon(SchedulerDaemon):
        def run_cycle(self, reason: str = "", *, interruptible: bool = True) -> CycleReport:
            started = time.monotonic()
            report = super().run_cycle(reason, interruptible=interruptible)
            if metrics is not None:
                metrics.record(report, time.monotonic() - started)
            echo_report(report)
            return report

    daemon = _ReportingDaemon(source, config=config)
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)  # `ocs up` stops us so
    try:
        if once:
            report = daemon.run_cycle("--once", interruptible=False)
            if not report.ok:
                raise SystemExit(EXIT_CYCLE_FAILED)
            return
        click.echo(f"scheduling against {portal_url} (Ctrl-C stops)")
        skip_final_collection()  # once stopped, exit without walking the heap
        daemon.run()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        daemon.close()  # a normal pass still solving is stopped and joined
        for client in (portal, configdb, downtime):
            client.close()


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM ends the loop like Ctrl-C, so that the daemon shuts down cleanly."""
    raise KeyboardInterrupt
