"""The scheduling loop behind ``ocs scheduler run`` (contract §5), written against a small typed
data-source protocol so that the loop logic does not depend on HTTP.

``SchedulerDataSource`` is the boundary: an implementation reads the portal (request feed, current
observations, ``last_changed``), configdb (telescopes, with their dark time over the horizon) and
the downtime service, converts everything to the library's model relative to the given epoch, and
writes observations back. The HTTP implementation over ``openocs.clients`` is not part of this
module.

Loop rules:

- plan on the first run, after a failed run, when ``last_changed`` moved since the last check
  (any error reading it counts as "changed"), and at least every ``replan_interval_s``;
- read *everything* before writing *anything*: an outage while reading ends the cycle with no
  write, and the loop waits (exponential back-off) and retries;
- configdb and downtime keep their last good copy; with no copy at all (cold start) the cycle is
  not planned (D39);
- a failed pass writes nothing (D26); a write failure ends the cycle and forces a replan;
- planning "now" is the wall clock plus the estimated pass duration (§5.2), updated after every
  cycle with the reference rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from openocs.scheduler.errors import DataSourceUnavailable
from openocs.scheduler.model import Assignment, Downtime, Problem, RequestGroup, Telescope
from openocs.scheduler.passes import (
    CurrentObservation,
    CyclePlan,
    PassPlan,
    plan_normal_pass,
    plan_rapid_response_pass,
)

__all__ = ["CycleReport", "DaemonConfig", "SchedulerDaemon", "SchedulerDataSource"]

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
class DaemonConfig:
    kernel: str = "cpsat"
    time_limit_s: float = 300.0
    rapid_response_time_limit_s: float = 10.0
    seed: int = 0
    horizon_s: int = 7 * 86400
    loop_sleep_s: float = 60.0
    replan_interval_s: float = 1800.0
    backoff_initial_s: float = 5.0
    backoff_max_s: float = 300.0
    initial_pass_estimate_s: float = 360.0
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


@dataclass(slots=True)
class _State:
    first_run: bool = True
    failed: bool = False
    last_check: datetime | None = None
    last_plan: datetime | None = None
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


class SchedulerDaemon:
    """The scheduling loop (see the module docstring). ``clock`` and ``sleep`` are injected so
    the loop is testable without waiting."""

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

    # -- when to plan -----------------------------------------------------------------------
    def should_plan(self) -> tuple[bool, str]:
        state = self.state
        if state.first_run:
            return True, "first run"
        if state.failed:
            return True, "previous run failed"
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
        return False, "nothing changed"

    # -- one cycle --------------------------------------------------------------------------
    def run_cycle(self, reason: str = "") -> CycleReport:
        checked_at = self.clock()
        report = self._cycle(checked_at, reason)
        self.state.first_run = False
        self.state.failed = not report.ok
        if report.ok:
            self.state.last_check = checked_at
            self.state.last_plan = checked_at
        self.state.history.append(report)
        elapsed_s = max((self.clock() - checked_at).total_seconds(), 0.0)
        self._update_estimate(elapsed_s)
        return report

    def _update_estimate(self, actual_s: float) -> None:
        estimate_s = self.pass_estimate_s
        if actual_s > estimate_s:
            self.pass_estimate_s = 2 * actual_s
        else:
            self.pass_estimate_s = max(estimate_s - (estimate_s - actual_s) / 2, 1.05 * actual_s)

    def _cycle(self, checked_at: datetime, reason: str) -> CycleReport:
        config = self.config
        epoch = checked_at
        start_s = round(self.pass_estimate_s)
        end = epoch + timedelta(seconds=start_s + config.horizon_s)
        try:
            telescopes = self._telescopes(epoch, end)
            downtimes = self._downtimes(epoch, end)
            groups = self.source.schedulable_groups(epoch=epoch, end=end)
            current = self.source.current_observations(epoch=epoch, end=end)
        except DataSourceUnavailable as error:
            logger.warning("scheduler inputs unavailable, nothing written: %s", error)
            return CycleReport(True, False, reason, error=str(error))

        problem = Problem(
            epoch=epoch,
            start_s=start_s,
            end_s=start_s + config.horizon_s,
            telescopes=tuple(telescopes),
            groups=tuple(groups),
            downtimes=tuple(downtimes),
        )
        # the RR pass is applied before the normal pass is even planned, so that a new
        # rapid-response request reaches the telescope within seconds
        rapid_response = plan_rapid_response_pass(
            problem,
            current,
            kernel=config.kernel,
            time_limit_s=config.rapid_response_time_limit_s,
            seed=config.seed,
        )
        report = CycleReport(True, True, reason)
        try:
            if rapid_response.ok and not config.dry_run:
                self._apply(rapid_response, epoch, report)
            normal = plan_normal_pass(
                problem,
                current,
                rapid_response,
                kernel=config.kernel,
                time_limit_s=config.time_limit_s,
                seed=config.seed,
            )
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
        """Loop forever (or ``max_cycles`` iterations): plan when needed, then sleep; after a
        failure wait with exponential back-off and retry."""
        iteration = 0
        while max_cycles is None or iteration < max_cycles:
            iteration += 1
            plan_now, reason = self.should_plan()
            if not plan_now:
                self.sleep(self.config.loop_sleep_s)
                continue
            report = self.run_cycle(reason)
            if report.ok:
                self.state.backoff_s = 0.0
                self.sleep(self.config.loop_sleep_s)
            else:
                previous = self.state.backoff_s
                self.state.backoff_s = min(
                    max(previous * 2, self.config.backoff_initial_s), self.config.backoff_max_s
                )
                self.sleep(self.state.backoff_s)
