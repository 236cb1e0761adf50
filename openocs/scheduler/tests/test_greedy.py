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


def test_repair_leaves_compound_groups_alone():
    pair = [request(duration_h=1), request(duration_h=1)]
    prob = problem([group(*pair, operator=GroupOperator.AND), group(request(duration_h=9))])
    prepared = prepare(prob)
    assignments = best_greedy(prepared)
    assert repair(prepared, assignments) == assignments
