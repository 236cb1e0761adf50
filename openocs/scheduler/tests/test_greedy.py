"""The greedy warm start and its repair step."""

from __future__ import annotations

from pathlib import Path

from openocs.scheduler.candidates import prepare
from openocs.scheduler.greedy import best_greedy, repair
from openocs.scheduler.model import Assignment, GroupOperator, Schedule, SolveStatus
from openocs.scheduler.serialization import load_problem
from openocs.scheduler.tests.factories import HOUR, group, problem, request, telescope
from openocs.scheduler.validation import schedule_violations

KEY = "1m0a.doma.lsc"
MEDIUM = Path(__file__).parents[3] / "benchmarks" / "instances" / "scheduler_medium.json"


def value(assignments: list[Assignment]) -> float:
    return sum(a.priority for a in assignments)


def test_repair_inserts_left_out_requests_and_keeps_the_schedule_valid():
    prob = load_problem(MEDIUM)
    prepared = prepare(prob)
    plain = best_greedy(prepared)
    repaired = best_greedy(prepared, repair_limit=500)
    assert value(repaired) > value(plain)
    schedule = Schedule("greedy", SolveStatus.FEASIBLE, tuple(repaired))
    assert schedule_violations(prob, schedule, prepared=prepared) == []


def test_repair_resequences_observations_to_make_room():
    flexible = request(duration_h=2, windows=((0, 10),))
    early_only = request(duration_h=2, windows=((0, 2),))
    prob = problem([group(flexible), group(early_only)])
    prepared = prepare(prob)
    # the flexible request sits in the only slot the other one can use
    squeezed = [Assignment(flexible.id, KEY, 0, 2 * HOUR, prepared.requests[flexible.id].priority)]
    repaired = {a.request_id: a for a in repair(prepared, squeezed)}
    assert repaired[early_only.id].start_s == 0
    assert repaired[flexible.id].start_s == 2 * HOUR


def test_repair_moves_a_blocker_to_another_telescope():
    first, second = telescope("1m0a.doma.lsc"), telescope("1m0a.domb.lsc")
    movable = request(duration_h=10, windows=((0, 10),))
    only_first = request(duration_h=10, windows=((0, 10),), visibility={first.key: ((0, 10),)})
    prob = problem([group(movable), group(only_first)], [first, second])
    prepared = prepare(prob)
    blocked = [Assignment(movable.id, first.key, 0, 10 * HOUR, 1.0)]
    repaired = {a.request_id: a.telescope_key for a in repair(prepared, blocked)}
    assert repaired == {only_first.id: first.key, movable.id: second.key}


def test_repair_resequences_around_an_and_group_and_keeps_it_whole():
    first, second = request(duration_h=2), request(duration_h=2)
    early_only = request(duration_h=2, windows=((0, 2),))
    prob = problem([group(first, second, operator=GroupOperator.AND), group(early_only)])
    prepared = prepare(prob)
    placed = [
        Assignment(first.id, KEY, 0, 2 * HOUR, prepared.requests[first.id].priority),
        Assignment(second.id, KEY, 2 * HOUR, 4 * HOUR, prepared.requests[second.id].priority),
    ]
    repaired = repair(prepared, placed)
    assert {a.request_id for a in repaired} == {first.id, second.id, early_only.id}
    schedule = Schedule("greedy", SolveStatus.FEASIBLE, tuple(repaired))
    assert schedule_violations(prob, schedule, prepared=prepared) == []


def test_repair_never_displaces_a_member_of_an_and_group():
    first, second = request(duration_h=2), request(duration_h=2)
    urgent = group(request(duration_h=2), tac_priority=100)
    prob = problem(
        [group(first, second, operator=GroupOperator.AND), urgent],
        [telescope(night=((0, 4),))],
    )
    prepared = prepare(prob)
    placed = [
        Assignment(first.id, KEY, 0, 2 * HOUR, prepared.requests[first.id].priority),
        Assignment(second.id, KEY, 2 * HOUR, 4 * HOUR, prepared.requests[second.id].priority),
    ]
    assert repair(prepared, placed) == placed


def test_repair_inserts_a_left_out_and_group_whole_by_resequencing():
    first = request(duration_h=2, windows=((0, 4),))
    second = request(duration_h=2, windows=((4, 8),))
    flexible = request(duration_h=2, windows=((0, 10),))
    prob = problem(
        [group(first, second, operator=GroupOperator.AND), group(flexible)],
        [telescope(night=((0, 10),))],
    )
    prepared = prepare(prob)
    # the flexible request sits where the second member must go
    placed = [Assignment(flexible.id, KEY, 5 * HOUR, 7 * HOUR, 1.0)]
    repaired = repair(prepared, placed)
    assert {a.request_id for a in repaired} == {first.id, second.id, flexible.id}
    schedule = Schedule("greedy", SolveStatus.FEASIBLE, tuple(repaired))
    assert schedule_violations(prob, schedule, prepared=prepared) == []


def test_repair_leaves_an_and_group_out_whole_when_one_member_cannot_fit():
    fits = request(duration_h=2, windows=((0, 4),))
    blocked = request(duration_h=2, windows=((6, 8),))
    owner = group(request(duration_h=2, windows=((6, 8),)), tac_priority=50)
    prob = problem(
        [group(fits, blocked, operator=GroupOperator.AND), owner],
        [telescope(night=((0, 10),))],
    )
    prepared = prepare(prob)
    taken = owner.requests[0]
    placed = [Assignment(taken.id, KEY, 6 * HOUR, 8 * HOUR, prepared.requests[taken.id].priority)]
    assert repair(prepared, placed) == placed  # rolled back: no half group


def test_repair_swaps_the_placed_member_of_a_one_of_group_for_a_more_valuable_one():
    cheap = request(duration_h=1, windows=((0, 1),))
    dear = request(duration_h=3, windows=((2, 8),))
    prob = problem([group(cheap, dear, operator=GroupOperator.ONEOF)])
    prepared = prepare(prob)
    placed = [Assignment(cheap.id, KEY, 0, HOUR, prepared.requests[cheap.id].priority)]
    repaired = repair(prepared, placed)
    assert [a.request_id for a in repaired] == [dear.id]
    schedule = Schedule("greedy", SolveStatus.FEASIBLE, tuple(repaired))
    assert schedule_violations(prob, schedule, prepared=prepared) == []


def test_repair_keeps_a_one_of_member_when_no_more_valuable_one_fits():
    cheap = request(duration_h=1, windows=((0, 1),))
    dear = request(duration_h=3, windows=((2, 5),))
    owner = group(request(duration_h=3, windows=((2, 5),)), tac_priority=50)
    prob = problem([group(cheap, dear, operator=GroupOperator.ONEOF), owner])
    prepared = prepare(prob)
    taken = owner.requests[0]
    placed = [
        Assignment(cheap.id, KEY, 0, HOUR, prepared.requests[cheap.id].priority),
        Assignment(taken.id, KEY, 2 * HOUR, 5 * HOUR, prepared.requests[taken.id].priority),
    ]
    assert repair(prepared, placed) == placed


def test_repair_places_a_left_out_one_of_group_with_its_most_valuable_member_that_fits():
    small = request(duration_h=1, windows=((0, 1),))
    large = request(duration_h=3, windows=((2, 5),))
    owner = group(request(duration_h=3, windows=((2, 5),)), tac_priority=50)
    prob = problem([group(small, large, operator=GroupOperator.ONEOF), owner])
    prepared = prepare(prob)
    taken = owner.requests[0]
    placed = [Assignment(taken.id, KEY, 2 * HOUR, 5 * HOUR, prepared.requests[taken.id].priority)]
    assert {a.request_id for a in repair(prepared, placed)} == {taken.id, small.id}


def test_earliest_start_before_a_limit_finds_only_earlier_starts():
    from openocs.scheduler.greedy import _Timeline

    timeline = _Timeline()
    timeline.busy = [(0, 10), (20, 30)]
    assert timeline.earliest_start((0, 100), 5) == 10
    assert timeline.earliest_start((0, 100), 5, before_s=11) == 10
    assert timeline.earliest_start((0, 100), 5, before_s=10) is None
    assert timeline.earliest_start((0, 100), 15) == 30
    assert timeline.earliest_start((0, 100), 15, before_s=30) is None
    assert timeline.earliest_start((0, 100), 15, before_s=31) == 30
