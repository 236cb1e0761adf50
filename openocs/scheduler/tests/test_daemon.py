"""The scheduling loop against an in-memory data source (our own boundary, faked on purpose:
the HTTP implementation of ``SchedulerDataSource`` is tested where it is written)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openocs.scheduler.kernels import register_kernel
from openocs.scheduler.model import Downtime, Problem, Schedule, SolveStatus
from openocs.scheduler.passes import CurrentObservation
from openocs.scheduler.tests.factories import HOUR, group, request
from openocs.scheduler.tests.memory import NOW, MemorySource, daemon_for


def test_first_run_writes_the_schedule_of_submitted_requests():
    source = MemorySource(groups=[group(request(duration_h=1)), group(request(duration_h=2))])
    daemon, _ = daemon_for(source)
    report = daemon.run_cycle("first run")
    assert report.ok and report.created == 2
    assert len(source.observations) == 2


def test_no_replan_while_last_changed_stays_put_and_replan_when_it_moves():
    source = MemorySource(groups=[group(request(duration_h=1))])
    daemon, slept = daemon_for(source)
    daemon.run(max_cycles=2)
    assert len(daemon.state.history) == 1  # the second iteration found nothing new
    assert slept == [60.0, 60.0]
    source.groups.append(group(request(duration_h=1)))
    source.changed = NOW + timedelta(minutes=5)
    daemon.run(max_cycles=1)
    assert len(daemon.state.history) == 2
    assert len(source.observations) == 2


def test_outage_while_reading_writes_nothing_and_retries_with_backoff():
    source = MemorySource(groups=[group(request(duration_h=1))], down={"portal"})
    daemon, slept = daemon_for(source)
    daemon.run(max_cycles=3)
    assert source.create_calls == 0 and source.cancel_calls == []
    assert slept == [5.0, 10.0, 20.0]
    source.down.clear()
    daemon.run(max_cycles=1)
    assert len(source.observations) == 1


def test_downtime_service_down_at_cold_start_means_no_plan():
    source = MemorySource(groups=[group(request(duration_h=1))], down={"downtime"})
    daemon, _ = daemon_for(source)
    report = daemon.run_cycle()
    assert not report.ok and "downtime" in report.error
    assert source.create_calls == 0


def test_downtime_service_down_later_uses_the_last_good_copy():
    source = MemorySource(groups=[], downtime_list=[Downtime("1m0a.doma.lsc", 0, 5 * HOUR)])
    daemon, _ = daemon_for(source)
    assert daemon.run_cycle().ok
    source.down.add("downtime")
    source.groups.append(group(request(duration_h=1, windows=((0, 24),))))
    report = daemon.run_cycle()
    assert report.ok
    (observation,) = source.observations.values()
    assert observation.start_s >= 5 * HOUR  # the remembered downtime still applies


class FailingKernel:
    name = "failing"

    def solve(self, problem: Problem, *, time_limit_s: float, seed: int = 0) -> Schedule:
        return Schedule(self.name, SolveStatus.FAILED, message="MODEL_INVALID")


def test_a_failed_solve_cancels_nothing_and_plans_again():
    register_kernel("failing", FailingKernel)
    source = MemorySource(groups=[group(request(duration_h=1))])
    source.observations[50] = CurrentObservation(50, 999, "1m0a.doma.lsc", 3 * HOUR, 4 * HOUR)
    daemon, _ = daemon_for(source, kernel="failing")
    report = daemon.run_cycle()
    assert not report.ok and "MODEL_INVALID" in report.error
    assert source.cancel_calls == [] and source.create_calls == 0
    assert 50 in source.observations
    assert daemon.should_plan() == (True, "previous run failed")


def test_write_failure_forces_a_replan():
    source = MemorySource(groups=[group(request(duration_h=1))], down={"portal-write"})
    daemon, _ = daemon_for(source)
    report = daemon.run_cycle()
    assert not report.ok
    assert daemon.should_plan()[0]


def test_dry_run_computes_but_writes_nothing():
    source = MemorySource(groups=[group(request(duration_h=1))])
    daemon, _ = daemon_for(source, dry_run=True)
    report = daemon.run_cycle()
    assert report.ok and report.plan is not None
    assert len(report.plan.normal.create) == 1
    assert source.create_calls == 0


@pytest.mark.parametrize(
    ("estimate_s", "actual_s", "expected_s"),
    [(360.0, 500.0, 1000.0), (360.0, 100.0, 230.0), (360.0, 340.0, 357.0)],
)
def test_pass_duration_estimate_follows_the_reference_rule(estimate_s, actual_s, expected_s):
    daemon, _ = daemon_for(MemorySource(), initial_pass_estimate_s=estimate_s)
    daemon._update_estimate(actual_s)
    assert daemon.pass_estimate_s == pytest.approx(expected_s)
