"""Stability: a re-plan keeps the current placements unless changing them is worth more."""

from __future__ import annotations

from dataclasses import replace

import pytest

from openocs.scheduler.generator import PRESETS, generate
from openocs.scheduler.kernels import earliness_bonus, solve
from openocs.scheduler.model import Incumbent, Problem, Schedule, SolveStatus
from openocs.scheduler.passes import CurrentObservation, CyclePlan, plan_cycle
from openocs.scheduler.tests.factories import HOUR, group, problem, request
from openocs.scheduler.validation import schedule_violations

LIMIT_S = 5.0
LATER_S = 300


def as_current(schedule: Schedule, *, shift_s: int = 0) -> list[CurrentObservation]:
    """The schedule written as PENDING observations, seen ``shift_s`` seconds later."""
    return [
        CurrentObservation(
            100_000 + index, a.request_id, a.telescope_key, a.start_s - shift_s, a.end_s - shift_s
        )
        for index, a in enumerate(schedule.assignments)
    ]


def completed(problem: Problem, current: list[CurrentObservation]) -> Problem:
    """Mark the requests whose observation has ended as no longer PENDING."""
    done = {o.request_id for o in current if o.end_s <= problem.start_s}
    return replace(
        problem,
        groups=tuple(
            replace(
                g,
                requests=tuple(
                    replace(r, state="COMPLETED") if r.id in done else r for r in g.requests
                ),
            )
            for g in problem.groups
        ),
    )


def future(plan: CyclePlan, current: list[CurrentObservation]) -> set[int]:
    return set(plan.normal.keep) | set(plan.normal.cancel)


@pytest.fixture(scope="module")
def medium() -> tuple[Problem, Schedule]:
    """The generator's medium instance (200 requests, 6 telescopes) over 3 days instead of 2, so
    that its first plan is proven optimal: a re-plan then has nothing to gain by moving things
    (on a plan cut by the time limit a re-plan may rightly move observations to place more)."""
    problem = generate(replace(PRESETS["medium"], days=3.0))
    first = solve(problem, time_limit_s=LIMIT_S)
    assert first.status is SolveStatus.OPTIMAL
    return problem, first


@pytest.fixture(scope="module")
def replanned(medium: tuple[Problem, Schedule]) -> tuple[Problem, list[CurrentObservation]]:
    problem, first = medium
    current = as_current(first, shift_s=LATER_S)
    return completed(problem.moved(LATER_S), current), current


def with_new_request(problem: Problem, *, tac_priority: float | None = None) -> Problem:
    template = next(g for g in problem.groups if len(g.requests) == 1)
    new = replace(template.requests[0], id=9_999_999)
    new_group = replace(
        template,
        id=9_999_999,
        requests=(new,),
        tac_priority=template.tac_priority if tac_priority is None else tac_priority,
    )
    return replace(problem, groups=(*problem.groups, new_group))


def test_replanning_an_unchanged_problem_minutes_later_keeps_every_observation(replanned):
    later, current = replanned
    plan = plan_cycle(later, current, time_limit_s=LIMIT_S)
    assert plan.ok
    assert plan.normal.create == ()
    assert plan.normal.cancel == ()
    assert len(plan.normal.keep) > 100  # the future schedule is all kept


def test_one_new_request_changes_only_a_few_observations(replanned):
    later, current = replanned
    plan = plan_cycle(with_new_request(later), current, time_limit_s=LIMIT_S)
    assert plan.ok
    cancelled = len(plan.normal.cancel)
    assert len(plan.normal.create) <= cancelled + 1
    assert cancelled <= 5
    assert len(plan.normal.keep) >= len(future(plan, current)) - 5


def test_value_with_incumbents_is_not_below_the_value_without(replanned):
    later, current = replanned
    changed = with_new_request(later)
    stable = plan_cycle(changed, current, time_limit_s=LIMIT_S).normal.schedule
    fresh = plan_cycle(changed, current, time_limit_s=LIMIT_S, stability=False).normal.schedule
    tolerance = stable.gap + later.stability_weight
    assert stable.value >= fresh.value * (1 - tolerance)
    assert not schedule_violations(changed, stable)


def test_replanning_is_deterministic(replanned):
    later, current = replanned
    changed = with_new_request(later)
    first = plan_cycle(changed, current, time_limit_s=LIMIT_S).normal
    again = plan_cycle(changed, current, time_limit_s=LIMIT_S).normal
    assert (first.create, first.cancel, first.keep) == (again.create, again.cancel, again.keep)


def test_a_higher_priority_new_request_still_displaces_an_incumbent():
    night = [request(duration_h=2, windows=((0, 10),)) for _ in range(5)]
    before = solve(problem([group(r) for r in night]), time_limit_s=LIMIT_S)
    assert len(before.assignments) == 5  # the 10-hour night is full
    urgent = request(duration_h=2, windows=((0, 10),))
    groups = [*[group(r) for r in night], group(urgent, tac_priority=50)]
    plan = plan_cycle(problem(groups), as_current(before), time_limit_s=LIMIT_S)
    assert [a.request_id for a in plan.normal.create] == [urgent.id]
    assert len(plan.normal.cancel) == 1  # only the displaced observation
    assert len(plan.normal.keep) == 4


@pytest.mark.parametrize("kernel", ["cpsat", "greedy", "timesliced"])
def test_a_feasible_incumbent_is_kept_rather_than_moved_earlier(kernel):
    single = request(duration_h=1, windows=((0, 10),))
    incumbent = Incumbent(single.id, "1m0a.doma.lsc", 3 * HOUR, 4 * HOUR)
    stable = replace(problem([group(single)]), incumbent=(incumbent,))
    schedule = solve(stable, kernel=kernel, time_limit_s=LIMIT_S)
    (placed,) = schedule.assignments
    assert (placed.start_s, placed.end_s) == (3 * HOUR, 4 * HOUR)
    expected = (
        placed.priority
        + earliness_bonus(stable, placed.start_s)
        + stable.stability_bonus(placed.priority)
    )
    assert schedule.objective == pytest.approx(expected)
    assert schedule.bound >= schedule.objective - 1e-6


def test_an_incumbent_before_the_planning_start_is_not_kept():
    single = request(duration_h=1, windows=((0, 10),))
    incumbent = Incumbent(single.id, "1m0a.doma.lsc", 1 * HOUR, 2 * HOUR)
    later = replace(problem([group(single)], start_h=1.5), incumbent=(incumbent,))
    (placed,) = solve(later, time_limit_s=LIMIT_S).assignments
    assert placed.start_s == round(1.5 * HOUR)


def test_an_observation_rounded_outwards_by_a_second_is_kept():
    single = request(duration_h=1, windows=((0, 10),))
    # written by an earlier cycle whose epoch had a fraction of a second: one second wider
    current = [CurrentObservation(5, single.id, "1m0a.doma.lsc", 3 * HOUR - 1, 4 * HOUR)]
    plan = plan_cycle(problem([group(single)]), current, time_limit_s=LIMIT_S)
    assert plan.normal.keep == (5,)
    assert plan.normal.create == () and plan.normal.cancel == ()


def test_the_reported_bound_counts_the_stability_bonus(medium):
    problem, first = medium
    stable = replace(
        problem,
        incumbent=tuple(
            Incumbent(a.request_id, a.telescope_key, a.start_s, a.end_s) for a in first.assignments
        ),
    )
    schedule = solve(stable, time_limit_s=LIMIT_S)
    bonus = sum(stable.stability_bonus(a.priority) for a in first.assignments)
    assert schedule.objective >= first.objective + bonus - 1e-6  # at least the incumbent
    assert schedule.bound >= schedule.objective
    assert schedule.value >= first.value * (1 - first.gap - stable.stability_weight)
