"""One deadline for the whole solve: every phase checks it and the best schedule so far is
returned (issue 16). Wall-clock assertions live in ``test_deadline_timing.py`` (opt-in)."""

from __future__ import annotations

import itertools

import pytest

from openocs.scheduler import kernels
from openocs.scheduler.candidates import prepare
from openocs.scheduler.cpsat import CpSatKernel
from openocs.scheduler.deadline import FINISH_RESERVE, Deadline
from openocs.scheduler.generator import GeneratorSpec, generate
from openocs.scheduler.greedy import greedy_schedule
from openocs.scheduler.kernels import StopToken, objective_of, register_kernel, solve
from openocs.scheduler.model import Problem, Schedule, SolveStatus
from openocs.scheduler.validation import schedule_violations

NETWORK = ("1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.doma.cpt")


@pytest.fixture(scope="module")
def contended():
    return generate(GeneratorSpec(80, NETWORK, 1.0, seed=21, duration_range_s=(1800, 10_800)))


class FakeClock:
    """A clock that moves ``step_s`` at every reading."""

    def __init__(self, step_s: float) -> None:
        self.readings = itertools.count()
        self.step_s = step_s

    def __call__(self) -> float:
        return next(self.readings) * self.step_s


def test_deadline_counts_from_its_start_and_keeps_a_finishing_reserve():
    now = [10.0]
    deadline = Deadline(2.0, clock=lambda: now[0])
    assert deadline.remaining_s() == pytest.approx(2.0 * (1 - FINISH_RESERVE))
    now[0] = 11.0
    assert deadline.elapsed_s() == pytest.approx(1.0)
    assert deadline.before(0.25) == 0.0
    assert not deadline.expired()
    now[0] = 12.0
    assert deadline.expired() and deadline.remaining_s() == 0.0


def test_a_stopped_token_expires_the_deadline_at_once():
    token = StopToken()
    deadline = Deadline(60.0).with_stop(token)
    assert not deadline.expired()
    token.stop()
    assert deadline.expired()


def test_every_phase_stops_at_the_deadline_and_keeps_the_best_so_far(contended):
    """The clock moves 2 ms at each reading: the search must end after a bounded number of
    readings, with a valid schedule at least as good as the first greedy one. (The first pass
    reads the clock a few times per group, about 0.6 s here, and is complete; a deadline that
    cuts it is tested in ``test_first_pass.py``.)"""
    clock = FakeClock(0.002)
    deadline = Deadline(1.0, clock=clock)
    schedule = CpSatKernel().solve(contended, time_limit_s=1.0, deadline=deadline)
    assert schedule.ok and not schedule_violations(contended, schedule)
    first = greedy_schedule(prepare(contended))
    assert schedule.objective >= objective_of(contended, first)[1] - 1e-9
    assert schedule.bound >= schedule.objective
    assert "candidates_complete" not in schedule.stats


def test_the_front_door_hands_the_deadline_to_the_kernels_that_take_it(contended):
    for kernel in ("cpsat", "greedy"):
        deadline = Deadline(1.0)
        schedule = solve(contended, kernel=kernel, time_limit_s=1.0, deadline=deadline)
        assert schedule.ok and not schedule_violations(contended, schedule)


def test_a_kernel_without_a_deadline_gets_what_is_left_of_the_limit(contended, monkeypatch):
    seen: list[float] = []

    class Recording:
        name = "recording"

        def solve(self, problem: Problem, *, time_limit_s: float, seed: int = 0) -> Schedule:
            seen.append(time_limit_s)
            return Schedule(self.name, SolveStatus.OPTIMAL)

    monkeypatch.setattr(kernels, "_REGISTRY", dict(kernels._REGISTRY))
    register_kernel("recording", Recording)
    deadline = Deadline(10.0, started=0.0, clock=lambda: 4.0)
    solve(contended, kernel="recording", time_limit_s=10.0, deadline=deadline)
    assert seen == [pytest.approx(6.0)]


def test_the_lp_bound_does_not_depend_on_the_time_it_took(contended):
    """A fixed work budget: the same input gives the same bound, whatever the machine's load."""
    from openocs.scheduler.bounds import segment_lp_bound

    prepared = prepare(contended)
    assert segment_lp_bound(prepared) == segment_lp_bound(prepared, time_limit_s=1000.0)
    assert segment_lp_bound(prepared, iteration_limit=1) is None  # out of budget: no bound


def test_a_deadline_too_close_for_the_lp_keeps_the_trivial_bound_and_says_so(
    contended, monkeypatch
):
    from openocs.scheduler import cpsat

    monkeypatch.setattr(cpsat, "_LP_CPU_S_PER_CANDIDATE", 1.0)  # an LP that would take hours
    schedule = CpSatKernel(full_model_max_candidates=0, lns=False).solve(
        contended, time_limit_s=2.0
    )
    assert schedule.ok and not schedule_violations(contended, schedule)
    assert schedule.stats["lp_bound_complete"] == 0.0
    assert schedule.bound >= schedule.objective
