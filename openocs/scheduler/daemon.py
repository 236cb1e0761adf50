"""The scheduling loop behind ``ocs scheduler run`` (contract §5), written against a small typed
data-source protocol so that the loop logic does not depend on HTTP.

``SchedulerDataSource`` is the boundary: an implementation reads the portal (request feed, current
observations, ``last_changed``), configdb (telescopes, with their dark time over the horizon) and
the downtime service, converts everything to the library's model relative to the given epoch, and
writes observations back. The HTTP implementation over ``openocs.clients`` is not part of this
module. A source may also be a ``ChangeNotifier``: it can *wait* for a change (the portal's
change events) instead of being polled; and an ``InfrastructureWatcher``: it can fingerprint the
telescopes and downtime cheaply, so that a telescope that fails (a new downtime, an instrument
no longer SCHEDULABLE, an enclosure closed) triggers a replan without waiting for the periodic one.

Loop rules:

- plan on the first run, after a failed run, when a change event arrived, when ``last_changed``
  moved since the last check (any error reading it counts as "changed"), when the telescopes or
  the downtime changed since the last cycle read them (checked at most every
  ``infrastructure_check_s``; an outage of configdb or downtime is not a change: the last good
  copies stay in use), and at least every ``replan_interval_s``;
- between checks, wait for a change event (up to ``loop_sleep_s``) when the source offers them,
  else sleep ``loop_sleep_s``; a source that turns out to have no events
  (``ChangeEventsUnsupported``) is polled from then on;
- read *everything* before writing *anything*: an outage while reading ends the cycle with no
  write, and the loop waits (exponential back-off) and retries; an outage while waiting for
  events backs off the same way;
- configdb and downtime keep their last good copy; with no copy at all (cold start) the cycle is
  not planned (D39);
- the rapid-response pass is planned and written first; the normal pass is then solved in a worker
  thread while this thread keeps waiting for change events. A change that names a RAPID_RESPONSE
  group stops that solve and throws its result away unwritten (it was computed without the new
  rapid-response observation), and a fresh cycle starts at once with its rapid-response pass;
  other changes let the solve finish and be written, then plan again. A normal schedule is thus
  never written over a rapid-response observation written after its inputs were read;
- a failed pass writes nothing (D26); a write failure ends the cycle and forces a replan;
- after each planned cycle, when the source is a ``RunReporter``, the run is reported (when, how
  long, counts, value and gap, why each request was left out: ``openocs.scheduler.runs``); the
  reporter never raises for a portal that refuses or is down (it logs), so reporting never
  stops scheduling;
- planning "now" is the wall clock plus the estimated duration of the pass (§5.2), one estimate
  for the rapid-response pass (inputs read, solved and written) and one for the whole cycle,
  each updated with the reference rule.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from openocs.scheduler.errors import ChangeEventsUnsupported, DataSourceUnavailable
from openocs.scheduler.kernels import StopToken
from openocs.scheduler.model import (
    Assignment,
    Downtime,
    ObservationType,
    Problem,
    RequestGroup,
    Telescope,
)
from openocs.scheduler.passes import (
    CurrentObservation,
    CyclePlan,
    PassPlan,
    plan_normal_pass,
    plan_rapid_response_pass,
)
from openocs.scheduler.runs import RunRecord, run_record

__all__ = [
    "ChangeNotice",
    "ChangeNotifier",
    "CycleReport",
    "DaemonConfig",
    "InfrastructureWatcher",
    "RunReporter",
    "SchedulerDaemon",
    "SchedulerDataSource",
]

logger = logging.getLogger(__name__)


class SchedulerDataSource(Protocol):
    """Where the daemon reads its inputs and writes its results.

    Every method may raise ``DataSourceUnavailable``. Times in returned objects are seconds from
    ``epoch``.
    """

    def last_changed(self) -> datetime:
        """The portal's ``last_changed`` time."""
        ...

    def telescopes(self, *, epoch: datetime, end: datetime) -> Sequence[Telescope]:
        """configdb telescopes, with their dark time between ``epoch`` and ``end``."""
        ...

    def downtimes(self, *, epoch: datetime, end: datetime) -> Sequence[Downtime]:
        """Every downtime overlapping [epoch, end] (all pages)."""
        ...

    def schedulable_groups(self, *, epoch: datetime, end: datetime) -> Sequence[RequestGroup]:
        """The request feed, with visibility per telescope when the source computes it."""
        ...

    def current_observations(
        self, *, epoch: datetime, end: datetime
    ) -> Sequence[CurrentObservation]:
        """Observations on the telescopes from one day before ``epoch`` to ``end`` (running,
        pending, recently completed), times relative to ``epoch`` (negative in the past)."""
        ...

    def create_observations(self, assignments: Sequence[Assignment], *, epoch: datetime) -> int:
        """Create observations (bulk); returns how many were created."""
        ...

    def cancel_observations(
        self, observation_ids: Sequence[int], *, preemption: bool, reason: str = ""
    ) -> int:
        """Cancel (or, with ``preemption``, abort) observations by id; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """Changes a source saw since its previous notice (one or more change events)."""

    last_seq: int
    """The source's cursor after these events."""
    kinds: tuple[str, ...] = ()
    rapid_response: bool = False
    """Some event names a RAPID_RESPONSE request group (a submission, a state change)."""
    events: int = 1

    def merge(self, other: ChangeNotice) -> ChangeNotice:
        return ChangeNotice(
            last_seq=max(self.last_seq, other.last_seq),
            kinds=tuple(sorted(set(self.kinds) | set(other.kinds))),
            rapid_response=self.rapid_response or other.rapid_response,
            events=self.events + other.events,
        )

    def describe(self) -> str:
        what = ", ".join(self.kinds) or "change"
        return f"{'rapid-response ' if self.rapid_response else ''}change event ({what})"


@runtime_checkable
class ChangeNotifier(Protocol):
    """Optional capability of a ``SchedulerDataSource``: wait for a change instead of polling."""

    def wait_for_change(self, timeout_s: float) -> ChangeNotice | None:
        """Wait up to ``timeout_s`` (0: do not wait) for changes; a notice when some arrived,
        else ``None``. Raises ``ChangeEventsUnsupported`` when the source has no change events
        (for good: the daemon then polls ``last_changed``) and ``DataSourceUnavailable`` on an
        outage."""
        ...


@runtime_checkable
class InfrastructureWatcher(Protocol):
    """Optional capability of a ``SchedulerDataSource``: a cheap fingerprint of the telescopes
    (configdb) and of the downtime that concern this scheduler."""

    def infrastructure_fingerprint(self) -> str:
        """A string that changes whenever the telescopes or the downtime do (raises
        ``DataSourceUnavailable`` on an outage)."""
        ...


@runtime_checkable
class RunReporter(Protocol):
    """Optional capability of a ``SchedulerDataSource``: record each scheduling run where people
    see it (the portal's ``/api/scheduler/runs/``)."""

    def report_run(self, record: RunRecord) -> None:
        """Send ``record``. Must not raise when the receiver refuses or is unreachable: log and
        return (a report is never worth a missed schedule)."""
        ...


@dataclass(frozen=True, slots=True)
class DaemonConfig:
    kernel: str = "cpsat"
    time_limit_s: float = 300.0
    rapid_response_time_limit_s: float = 10.0
    seed: int = 0
    horizon_s: int = 7 * 86400
    loop_sleep_s: float = 60.0
    """The longest wait between two checks (with change events: the longest long poll)."""
    replan_interval_s: float = 1800.0
    infrastructure_check_s: float = 60.0
    """How often (at most) the telescopes and downtime are fingerprinted between cycles."""
    backoff_initial_s: float = 5.0
    backoff_max_s: float = 300.0
    initial_pass_estimate_s: float = 360.0
    """Initial estimate of a whole cycle (INITIAL_NORMAL_RUNTIME); the normal pass plans from
    now + this estimate."""
    initial_rapid_response_estimate_s: float = 120.0
    """Initial estimate of the rapid-response pass (INITIAL_RAPID_RESPONSE_RUNTIME), from the
    start of the cycle until its observations are written; that pass plans from now + it."""
    solve_poll_s: float = 1.0
    """While the normal pass solves, the longest single wait for a change (the end of the solve
    is noticed within it)."""
    stop_timeout_s: float = 30.0
    """On shutdown, how long to wait for a stopped normal solve to end."""
    dry_run: bool = False


@dataclass(slots=True)
class CycleReport:
    planned: bool
    ok: bool
    reason: str
    created: int = 0
    cancelled: int = 0
    aborted: int = 0
    error: str = ""
    plan: CyclePlan | None = None
    requests: int = 0
    """Schedulable requests the cycle read (placed or left out)."""
    superseded: bool = False
    """A rapid-response change arrived while the normal pass was solving: that pass was stopped
    and nothing of it was written (the rapid-response pass of this cycle was); the next cycle
    starts at once."""
    passes: list[PassPlan] = field(default_factory=list)
    """The passes the cycle planned (written or not), for the run report."""


@dataclass(slots=True)
class _State:
    first_run: bool = True
    failed: bool = False
    pending: ChangeNotice | None = None
    """Changes announced since the current (or last) cycle read its inputs."""
    last_check: datetime | None = None
    last_plan: datetime | None = None
    infrastructure: str | None = None
    """The fingerprint of telescopes and downtime taken when the last good cycle read them."""
    infrastructure_checked: datetime | None = None
    telescopes: Sequence[Telescope] | None = None
    telescopes_epoch: datetime | None = None
    downtimes: Sequence[Downtime] | None = None
    downtimes_epoch: datetime | None = None
    backoff_s: float = 0.0
    history: list[CycleReport] = field(default_factory=list)


def _shift(items: Sequence[Downtime], old: datetime, new: datetime) -> list[Downtime]:
    delta_s = round((old - new).total_seconds())
    return [
        Downtime(
            d.telescope_key, d.start_s + delta_s, d.end_s + delta_s, d.instrument_type, d.reason
        )
        for d in items
    ]


def _next_estimate(estimate_s: float, actual_s: float) -> float:
    """The reference rule (§5.2): ``2A`` if the pass took longer than estimated, else
    ``max(E − (E − A)/2, 1.05 A)``."""
    if actual_s > estimate_s:
        return 2 * actual_s
    return max(estimate_s - (estimate_s - actual_s) / 2, 1.05 * actual_s)


class _NormalSolve:
    """One normal pass solved in a worker thread (CP-SAT releases the GIL while it searches).

    The worker only computes: it never touches the data source, so every read and write stays
    on the daemon's thread. An exception in the worker is raised again by :meth:`result`.
    """

    def __init__(self, plan: Callable[[StopToken], PassPlan]) -> None:
        self._plan = plan
        self._stop = StopToken()
        self._done = threading.Event()
        self._result: PassPlan | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="scheduler-normal-pass", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._plan(self._stop)
        except BaseException as error:  # handed to the daemon's thread by result()
            self._error = error
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the solve to end; whether it has."""
        return self._done.wait(timeout_s)

    def stop(self) -> None:
        """Ask the solve to stop early (its result is then a failed pass)."""
        self._stop.stop()

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for the worker thread; whether it has ended."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def result(self) -> PassPlan:
        """The pass, once the worker has ended (raises what the worker raised)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._result is None:  # pragma: no cover - _run sets one of the two
            raise RuntimeError("the normal pass ended without a result")
        return self._result


class SchedulerDaemon:
    """The scheduling loop (see the module docstring). ``clock`` and ``sleep`` are injected so
    the loop is testable without waiting; change events come from the source when it is a
    ``ChangeNotifier``."""

    def __init__(
        self,
        source: SchedulerDataSource,
        *,
        config: DaemonConfig | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        import time

        self.source = source
        self.config = config or DaemonConfig()
        self.clock = clock
        self.sleep = sleep or time.sleep
        self.state = _State()
        self.pass_estimate_s = self.config.initial_pass_estimate_s
        self.rapid_response_estimate_s = self.config.initial_rapid_response_estimate_s
        self._notifier: ChangeNotifier | None = (
            source if isinstance(source, ChangeNotifier) else None
        )
        self._stopped_solves: list[_NormalSolve] = []

    @property
    def uses_change_events(self) -> bool:
        """Whether the loop waits for change events (else it polls ``last_changed``)."""
        return self._notifier is not None

    # -- when to plan -----------------------------------------------------------------------
    def should_plan(self) -> tuple[bool, str]:
        state = self.state
        if state.first_run:
            return True, "first run"
        if state.failed:
            return True, "previous run failed"
        if state.pending is not None:
            return True, state.pending.describe()
        now = self.clock()
        if state.last_plan is None or (
            (now - state.last_plan).total_seconds() >= self.config.replan_interval_s
        ):
            return True, "periodic replan"
        try:
            changed = self.source.last_changed()
        except DataSourceUnavailable as error:
            return True, f"last_changed unreadable ({error})"
        if state.last_check is None or changed > state.last_check:
            return True, "last_changed moved"
        if self._infrastructure_changed(now):
            return True, "telescopes or downtime changed"
        return False, "nothing changed"

    def _fingerprint(self) -> str | None:
        """The source's infrastructure fingerprint; None when it has none or is unreachable."""
        if not isinstance(self.source, InfrastructureWatcher):
            return None
        try:
            return self.source.infrastructure_fingerprint()
        except DataSourceUnavailable as error:
            logger.info("telescopes/downtime not checked (%s); last good copies in use", error)
            return None

    def _infrastructure_changed(self, now: datetime) -> bool:
        state = self.state
        checked = state.infrastructure_checked
        if (
            checked is not None
            and (now - checked).total_seconds() < self.config.infrastructure_check_s
        ):
            return False
        fingerprint = self._fingerprint()
        if fingerprint is None or state.infrastructure is None:
            state.infrastructure_checked = now
            return False
        if fingerprint == state.infrastructure:
            state.infrastructure_checked = now
            return False
        return True  # not marked as checked: it stays "changed" until a cycle reads it

    # -- waiting for changes ----------------------------------------------------------------
    def _note(self, notice: ChangeNotice) -> None:
        pending = self.state.pending
        self.state.pending = notice if pending is None else pending.merge(notice)

    def _events_unsupported(self, error: ChangeEventsUnsupported) -> None:
        logger.info("no change events (%s): polling last_changed from now on", error)
        self._notifier = None

    def _back_off(self) -> float:
        """The next back-off delay (exponential, from ``backoff_initial_s`` to the maximum)."""
        self.state.backoff_s = min(
            max(self.state.backoff_s * 2, self.config.backoff_initial_s), self.config.backoff_max_s
        )
        return self.state.backoff_s

    def _idle_wait(self) -> None:
        """Between checks: wait for a change event (up to ``loop_sleep_s``), or sleep."""
        notifier = self._notifier
        if notifier is None:
            self.sleep(self.config.loop_sleep_s)
            return
        try:
            notice = notifier.wait_for_change(self.config.loop_sleep_s)
        except ChangeEventsUnsupported as error:
            self._events_unsupported(error)
            self.sleep(self.config.loop_sleep_s)
            return
        except DataSourceUnavailable as error:
            logger.warning("waiting for change events failed; backing off: %s", error)
            self.sleep(self._back_off())
            return
        self.state.backoff_s = 0.0
        if notice is not None:
            self._note(notice)

    def _drain_changes(self) -> None:
        """Move the source's change cursor to now: the reads that follow see every earlier
        change, and any later one is announced (raises ``DataSourceUnavailable``)."""
        if self._notifier is None:
            return
        try:
            self._notifier.wait_for_change(0.0)
        except ChangeEventsUnsupported as error:
            self._events_unsupported(error)

    # -- one cycle --------------------------------------------------------------------------
    def run_cycle(self, reason: str = "", *, interruptible: bool = True) -> CycleReport:
        """Plan and write one cycle. With ``interruptible`` (the loop), a rapid-response change
        announced while the normal pass solves supersedes that pass (see the module docstring);
        without it (``--once``) the normal pass always runs to its end."""
        checked_at = self.clock()
        self.state.pending = None  # this cycle reads everything announced so far
        # taken before the reads: a change after it is seen by the next check
        fingerprint = self._fingerprint()
        report = self._cycle(checked_at, reason, interruptible=interruptible)
        self.state.first_run = False
        self.state.failed = not report.ok
        if report.ok:
            self.state.last_check = checked_at
            self.state.last_plan = checked_at
            self.state.infrastructure = fingerprint
            self.state.infrastructure_checked = checked_at
        self.state.history.append(report)
        if not report.superseded:
            elapsed_s = max((self.clock() - checked_at).total_seconds(), 0.0)
            self._update_estimate(elapsed_s)
        self._report_run(report, checked_at)
        return report

    def _report_run(self, report: CycleReport, started: datetime) -> None:
        """Report the cycle when the source records runs (after the writes: the explanations
        take a moment and never delay a schedule)."""
        if not isinstance(self.source, RunReporter):
            return
        error = report.error
        if report.superseded and not error:
            error = "normal pass dropped for a rapid-response change; planned again at once"
        record = run_record(
            started=started,
            ended=self.clock(),
            kernel=self.config.kernel,
            trigger=report.reason,
            ok=report.ok,
            error=error,
            dry_run=self.config.dry_run,
            requests_considered=report.requests,
            counts={
                "created": report.created,
                "cancelled": report.cancelled,
                "aborted": report.aborted,
            },
            passes=report.passes,
        )
        try:
            self.source.report_run(record)
        except DataSourceUnavailable as error_:
            logger.warning("the run was not reported: %s", error_)

    def _update_estimate(self, actual_s: float) -> None:
        self.pass_estimate_s = _next_estimate(self.pass_estimate_s, actual_s)

    def _cycle(self, checked_at: datetime, reason: str, *, interruptible: bool) -> CycleReport:
        config = self.config
        epoch = checked_at
        start_s = round(self.pass_estimate_s)
        rapid_response_start_s = round(self.rapid_response_estimate_s)
        end = epoch + timedelta(seconds=max(start_s, rapid_response_start_s) + config.horizon_s)
        try:
            self._drain_changes()
            telescopes = self._telescopes(epoch, end)
            downtimes = self._downtimes(epoch, end)
            groups = self.source.schedulable_groups(epoch=epoch, end=end)
            current = self.source.current_observations(epoch=epoch, end=end)
        except DataSourceUnavailable as error:
            logger.warning("scheduler inputs unavailable, nothing written: %s", error)
            return CycleReport(True, False, reason, error=str(error))

        # the downtime database may list telescopes that configdb does not (retired ones, or
        # ones this scheduler does not plan): their downtime concerns no telescope we place
        keys = {t.key for t in telescopes}
        problem = Problem(
            epoch=epoch,
            start_s=start_s,
            end_s=start_s + config.horizon_s,
            telescopes=tuple(telescopes),
            groups=tuple(groups),
            downtimes=tuple(d for d in downtimes if d.telescope_key in keys),
        )
        # the RR pass is applied before the normal pass is even planned, so that a new
        # rapid-response request reaches the telescope within seconds
        rapid_response = plan_rapid_response_pass(
            replace(
                problem,
                start_s=rapid_response_start_s,
                end_s=rapid_response_start_s + config.horizon_s,
            ),
            current,
            kernel=config.kernel,
            time_limit_s=config.rapid_response_time_limit_s,
            seed=config.seed,
        )
        report = CycleReport(True, True, reason, requests=sum(len(g.requests) for g in groups))
        report.passes.append(rapid_response)
        try:
            if rapid_response.ok and not config.dry_run:
                self._apply(rapid_response, epoch, report)
            rapid_response_s = max((self.clock() - checked_at).total_seconds(), 0.0)
            if rapid_response.create or rapid_response.cancel or rapid_response.abort:
                logger.info(
                    "rapid-response pass written %.1f s after the cycle started: %d created, "
                    "%d cancelled, %d aborted",
                    rapid_response_s,
                    len(rapid_response.create),
                    len(rapid_response.cancel),
                    len(rapid_response.abort),
                )
            self.rapid_response_estimate_s = _next_estimate(
                self.rapid_response_estimate_s, rapid_response_s
            )
            normal = self._plan_normal(
                problem, current, rapid_response, interruptible=interruptible
            )
            if normal is None:
                report.superseded = True
                if not rapid_response.ok:
                    report.ok = False
                    report.error = f"rapid_response: {rapid_response.schedule.message}"
                return report
            report.passes.append(normal)
            if normal.ok and not config.dry_run:
                self._apply(normal, epoch, report)
        except DataSourceUnavailable as error:
            logger.error("writing the schedule failed; replanning: %s", error)
            report.ok = False
            report.error = str(error)
            return report
        report.plan = CyclePlan(rapid_response, normal)
        if not report.plan.ok:
            failed = [p for p in (rapid_response, normal) if not p.ok]
            report.ok = False
            report.error = "; ".join(f"{p.name}: {p.schedule.message}" for p in failed)
            logger.error("scheduling pass failed, nothing cancelled: %s", report.error)
        return report

    def _plan_normal(
        self,
        problem: Problem,
        current: Sequence[CurrentObservation],
        rapid_response: PassPlan,
        *,
        interruptible: bool,
    ) -> PassPlan | None:
        """Solve the normal pass in a worker thread while this thread waits for changes; the
        pass, or ``None`` when a rapid-response change superseded it (the solve is then stopped
        and its result is never written)."""
        for stale in list(self._stopped_solves):  # at most one solve at a time
            if not self._listen_until_done(stale, interruptible=interruptible):
                return None
        self._join_stopped_solves()
        config = self.config

        def plan(stop: StopToken) -> PassPlan:
            return plan_normal_pass(
                problem,
                current,
                rapid_response,
                kernel=config.kernel,
                time_limit_s=config.time_limit_s,
                seed=config.seed,
                stop=stop,
            )

        logger.info(
            "normal pass solving (%d groups, time limit %.0f s)",
            sum(g.observation_type is not ObservationType.RAPID_RESPONSE for g in problem.groups),
            config.time_limit_s,
        )
        started = self.clock()
        solve = _NormalSolve(plan)
        finished = False
        try:
            if not self._listen_until_done(solve, interruptible=interruptible):
                return None
            finished = True
            normal = solve.result()
        finally:
            if not finished:  # superseded, or leaving on an exception (KeyboardInterrupt)
                solve.stop()
                self._stopped_solves.append(solve)
        logger.info(
            "normal pass solved in %.1f s: %s, %d placed (%s)",
            max((self.clock() - started).total_seconds(), 0.0),
            normal.schedule.status.value,
            len(normal.schedule.assignments),
            normal.schedule.message,
        )
        return normal

    def _listen_until_done(self, solve: _NormalSolve, *, interruptible: bool) -> bool:
        """Wait for ``solve`` to end while noting the changes announced meanwhile; ``False`` as
        soon as one names a rapid-response group (when ``interruptible``)."""
        while not solve.done():
            notice = self._wait_during_solve(solve, interruptible=interruptible)
            if notice is None:
                continue
            self._note(notice)
            if notice.rapid_response and interruptible:
                logger.info(
                    "%s while the normal pass was solving: that pass is dropped unwritten and "
                    "the cycle starts again",
                    notice.describe(),
                )
                return False
        return True

    def _wait_during_solve(
        self, solve: _NormalSolve, *, interruptible: bool
    ) -> ChangeNotice | None:
        notifier = self._notifier if interruptible else None
        if notifier is None:
            solve.wait(self.config.solve_poll_s)
            return None
        try:
            return notifier.wait_for_change(self.config.solve_poll_s)
        except ChangeEventsUnsupported as error:
            self._events_unsupported(error)
        except DataSourceUnavailable as error:
            logger.warning("cannot listen for changes while the normal pass solves: %s", error)
            solve.wait(self.config.solve_poll_s)
        return None

    def _join_stopped_solves(self) -> None:
        """Wait for the stopped solves to end (they stop between phases or at once inside
        CP-SAT); an exception one raised is raised here."""
        while self._stopped_solves:
            self._stopped_solves.pop(0).result()

    def close(self) -> None:
        """Stop any normal pass still solving and wait (up to ``stop_timeout_s``) for it."""
        solves, self._stopped_solves = self._stopped_solves, []
        for solve in solves:
            solve.stop()
            if not solve.join(self.config.stop_timeout_s):
                logger.warning(
                    "a stopped normal pass did not end within %.0f s", self.config.stop_timeout_s
                )

    def _apply(self, pass_plan: PassPlan, epoch: datetime, report: CycleReport) -> None:
        preemption = pass_plan.name == "rapid_response"
        if pass_plan.cancel:
            report.cancelled += self.source.cancel_observations(
                pass_plan.cancel, preemption=preemption
            )
        for abort in pass_plan.abort:
            report.aborted += self.source.cancel_observations(
                [abort.observation_id], preemption=True, reason=abort.reason
            )
        if pass_plan.create:
            report.created += self.source.create_observations(pass_plan.create, epoch=epoch)

    def _telescopes(self, epoch: datetime, end: datetime) -> Sequence[Telescope]:
        try:
            telescopes = self.source.telescopes(epoch=epoch, end=end)
        except DataSourceUnavailable:
            if self.state.telescopes is None:
                raise
            logger.warning("configdb unavailable; using the last good copy")
            return self.state.telescopes
        self.state.telescopes, self.state.telescopes_epoch = telescopes, epoch
        return telescopes

    def _downtimes(self, epoch: datetime, end: datetime) -> Sequence[Downtime]:
        try:
            downtimes = self.source.downtimes(epoch=epoch, end=end)
        except DataSourceUnavailable:
            if self.state.downtimes is None or self.state.downtimes_epoch is None:
                raise  # D39: no copy at cold start → do not plan
            logger.warning("downtime service unavailable; using the last good copy (D39)")
            return _shift(self.state.downtimes, self.state.downtimes_epoch, epoch)
        self.state.downtimes, self.state.downtimes_epoch = downtimes, epoch
        return downtimes

    # -- the loop ---------------------------------------------------------------------------
    def run(self, *, max_cycles: int | None = None) -> None:
        """Loop forever (or ``max_cycles`` iterations): plan when needed, then wait for a change
        (or sleep); after a failure wait with exponential back-off and retry. On the way out
        (also on ``KeyboardInterrupt``) a normal pass still solving is stopped and joined."""
        iteration = 0
        try:
            while max_cycles is None or iteration < max_cycles:
                iteration += 1
                plan_now, reason = self.should_plan()
                if plan_now:
                    report = self.run_cycle(reason)
                    if not report.ok:
                        self.sleep(self._back_off())
                        continue
                    self.state.backoff_s = 0.0
                    if self.state.pending is not None:
                        continue  # changes were announced during the cycle: plan again at once
                self._idle_wait()
        finally:
            self.close()
