"""Every request left out gets a reason (contract §6.9)."""

from __future__ import annotations

from openocs.scheduler.explain import Explanation, Reason, explain
from openocs.scheduler.kernels import solve
from openocs.scheduler.model import Downtime, FixedObservation, GroupOperator, Problem
from openocs.scheduler.tests.factories import HOUR, group, problem, request, telescope


def reasons_for(prob: Problem) -> dict[int, Explanation]:
    schedule = solve(prob, kernel="cpsat", time_limit_s=5)
    return explain(prob, schedule)


def test_request_outside_its_visibility_is_not_visible():
    tel = telescope()
    hidden = request(windows=((0, 5),), visibility={tel.key: ((6, 10),)})
    why = reasons_for(problem([group(hidden)], [tel]))[hidden.id]
    assert why.reason is Reason.NOT_VISIBLE
    assert why.reference_reason == "RequestIsNotVisible"


def test_request_without_a_telescope_for_its_instrument_says_so():
    spectrum = request(instrument_type="2M0-FLOYDS-SCICAM")
    why = reasons_for(problem([group(spectrum)]))[spectrum.id]
    assert why.reason is Reason.NO_TELESCOPE


def test_request_whose_time_is_all_downtime_is_blocked_by_downtime():
    blocked = request(windows=((0, 10),))
    downtime = Downtime("1m0a.doma.lsc", 0, 10 * HOUR)
    why = reasons_for(problem([group(blocked)], downtimes=[downtime]))[blocked.id]
    assert why.reason is Reason.BLOCKED_BY_DOWNTIME


def test_request_whose_time_is_taken_by_running_work_is_blocked_by_running():
    blocked = request(windows=((0, 3),), duration_h=2)
    running = FixedObservation("1m0a.doma.lsc", 0, 2 * HOUR, request_id=1)
    why = reasons_for(problem([group(blocked)], fixed=[running]))[blocked.id]
    assert why.reason is Reason.BLOCKED_BY_RUNNING


def test_request_with_no_window_in_the_horizon_has_no_window():
    late = request(windows=((30, 40),))
    why = reasons_for(problem([group(late)], end_h=24))[late.id]
    assert why.reason is Reason.NO_WINDOW


def test_loser_of_a_conflict_names_the_requests_that_took_its_place():
    winner = request(duration_h=6)
    loser = request(duration_h=6)
    prob = problem([group(winner, tac_priority=20), group(loser, tac_priority=10)])
    why = reasons_for(prob)[loser.id]
    assert why.reason is Reason.LOST_TO_HIGHER_PRIORITY
    assert why.competitors == (winner.id,)
    assert str(winner.id) in why.message


def test_impossible_member_makes_an_all_or_nothing_group_impossible():
    fine, impossible = request(duration_h=1), request(duration_h=11, windows=((0, 20),))
    prob = problem([group(fine, impossible, operator=GroupOperator.AND)])
    reasons = reasons_for(prob)
    assert reasons[fine.id].reason is Reason.GROUP_IMPOSSIBLE
    assert reasons[impossible.id].reason is Reason.NOT_VISIBLE


def test_one_of_group_explains_which_request_was_chosen():
    members = [request(duration_h=1) for _ in range(2)]
    prob = problem([group(*members, operator=GroupOperator.ONEOF)])
    reasons = reasons_for(prob)
    (left_out,) = reasons.values()
    assert left_out.reason is Reason.ONE_OF_CHOSEN


def test_scheduled_requests_are_not_explained():
    placed = request(duration_h=1)
    assert reasons_for(problem([group(placed)])) == {}
