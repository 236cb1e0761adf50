"""The two passes of a cycle: rapid response first, then normal + time-critical (§5.3–5.5)."""

from __future__ import annotations

from dataclasses import replace

from openocs.scheduler.model import ObservationType, Schedule, SolveStatus
from openocs.scheduler.passes import (
    CurrentObservation,
    ObservationState,
    plan_cycle,
    split_running,
)
from openocs.scheduler.tests.factories import HOUR, group, problem, request

KEY = "1m0a.doma.lsc"
RR = ObservationType.RAPID_RESPONSE
LIMIT_S = 5.0


def observation(
    obs_id: int,
    request_id: int,
    start_h: float,
    end_h: float,
    *,
    kind: ObservationType = ObservationType.NORMAL,
    state: ObservationState = ObservationState.PENDING,
) -> CurrentObservation:
    return CurrentObservation(
        obs_id, request_id, KEY, round(start_h * HOUR), round(end_h * HOUR), kind, state
    )


def test_running_observations_extend_the_cut_off():
    now_s = 2 * HOUR
    current = [
        observation(1, 11, 1, 3, state=ObservationState.IN_PROGRESS),
        observation(2, 12, 2.5, 4),  # starts before the cut-off pushed to 3 h: running
        observation(3, 13, 5, 6),  # future
        observation(4, 14, 0, 1, state=ObservationState.COMPLETED),  # past
    ]
    running, future = split_running(current, now_s)
    assert [o.id for o in running] == [1, 2]
    assert [o.id for o in future] == [3]


def test_rapid_response_preempts_a_running_normal_observation():
    urgent = request(duration_h=1, windows=((2, 3),))
    normal_running = request(duration_h=3)
    current = [
        observation(1, normal_running.id, 1, 4, state=ObservationState.IN_PROGRESS),
    ]
    plan = plan_cycle(
        problem([group(urgent, observation_type=RR), group(normal_running)], start_h=2),
        current,
        time_limit_s=LIMIT_S,
    )
    assert [a.request_id for a in plan.rapid_response.create] == [urgent.id]
    assert [a.observation_id for a in plan.rapid_response.abort] == [1]
    assert plan.rapid_response.abort[0].reason == (
        f"Request interrupted to observe request: {urgent.id}"
    )


def test_rapid_response_never_preempts_another_rapid_response_observation():
    urgent = request(duration_h=1, windows=((2, 5.5),))
    current = [observation(1, 99, 1, 4, kind=RR, state=ObservationState.IN_PROGRESS)]
    plan = plan_cycle(
        problem([group(urgent, observation_type=RR)], start_h=2), current, time_limit_s=LIMIT_S
    )
    (created,) = plan.rapid_response.create
    assert created.start_s >= 4 * HOUR  # right after the running RR observation
    assert plan.rapid_response.abort == ()


def test_new_rapid_response_touches_only_what_it_preempts():
    urgent = request(duration_h=1, windows=((6, 7),))
    first, second = request(duration_h=2), request(duration_h=2)
    groups = [group(urgent, observation_type=RR), group(first), group(second)]
    before = plan_cycle(problem(groups[1:]), [], time_limit_s=LIMIT_S)
    current = [
        observation(100 + i, a.request_id, a.start_s / HOUR, a.end_s / HOUR)
        for i, a in enumerate(before.normal.create)
    ]
    plan = plan_cycle(problem(groups), current, time_limit_s=LIMIT_S)
    assert [a.request_id for a in plan.rapid_response.create] == [urgent.id]
    assert plan.rapid_response.cancel == ()  # nothing was in its way
    assert sorted(plan.normal.keep) == [100, 101]  # the normal schedule is left untouched
    assert plan.normal.create == () and plan.normal.cancel == ()


def test_normal_pass_keeps_running_observations():
    running = request(duration_h=2)
    others = [request(duration_h=2) for _ in range(3)]
    current = [observation(7, running.id, -1, 1, state=ObservationState.IN_PROGRESS)]
    plan = plan_cycle(
        problem([group(running), *[group(r) for r in others]]), current, time_limit_s=LIMIT_S
    )
    assert plan.normal.abort == () and 7 not in plan.normal.cancel
    assert {a.request_id for a in plan.normal.create} == {r.id for r in others}
    assert min(a.start_s for a in plan.normal.create) >= 1 * HOUR


def test_normal_pass_avoids_the_time_given_to_rapid_response():
    urgent = request(duration_h=2, windows=((0, 2),))
    normal = [request(duration_h=2) for _ in range(6)]
    groups = [group(urgent, observation_type=RR), *[group(r, tac_priority=50) for r in normal]]
    plan = plan_cycle(problem(groups), [], time_limit_s=LIMIT_S)
    (rr,) = plan.rapid_response.create
    assert len(plan.normal.create) == 4  # 10-hour night minus 2 RR hours
    for assignment in plan.normal.create:
        assert assignment.start_s >= rr.end_s or assignment.end_s <= rr.start_s


def test_a_failed_solve_cancels_nothing(monkeypatch):
    normal = request(duration_h=1)
    current = [observation(5, normal.id, 3, 4)]

    def failing_solve(problem, *, kernel, time_limit_s, seed, stop=None):
        return Schedule("cpsat", SolveStatus.FAILED, message="solver crashed")

    monkeypatch.setattr("openocs.scheduler.passes.solve", failing_solve)
    plan = plan_cycle(problem([group(normal)]), current, time_limit_s=LIMIT_S)
    assert not plan.ok
    for pass_plan in (plan.rapid_response, plan.normal):
        assert pass_plan.cancel == () and pass_plan.abort == () and pass_plan.create == ()


def test_running_observation_that_cannot_complete_is_aborted():
    broken = request(duration_h=1)
    current = [
        replace(
            observation(9, broken.id, -0.5, 0.5, state=ObservationState.IN_PROGRESS),
            can_complete=False,
        )
    ]
    plan = plan_cycle(problem([group(broken)]), current, time_limit_s=LIMIT_S)
    assert [a.observation_id for a in plan.normal.abort] == [9]
