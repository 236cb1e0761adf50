"""Large-neighbourhood search: never worse than its start, group semantics kept (issue 16)."""

from __future__ import annotations

import random

import pytest

from openocs.scheduler.candidates import Prepared, prepare
from openocs.scheduler.cpsat import CpSatKernel
from openocs.scheduler.deadline import Deadline
from openocs.scheduler.generator import GeneratorSpec, generate
from openocs.scheduler.greedy import greedy_schedule
from openocs.scheduler.kernels import StopToken, objective_of
from openocs.scheduler.lns import (
    Neighbourhood,
    large_neighbourhood_search,
    solve_neighbourhood,
    sub_problem,
)
from openocs.scheduler.model import Assignment, GroupOperator, Schedule, SolveStatus
from openocs.scheduler.tests.factories import HOUR, group, problem, request, telescope
from openocs.scheduler.validation import schedule_violations

NETWORK = ("1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.doma.cpt", "1m0a.domb.cpt")


def _exact(
    sub: Prepared, hint: list[Assignment], limit_s: float, seed: int
) -> tuple[list[Assignment], bool]:
    return CpSatKernel()._solve_sub(sub, hint, limit_s, seed, StopToken())


def _valid(prepared: Prepared, assignments: list[Assignment]) -> list[str]:
    schedule = Schedule("lns", SolveStatus.FEASIBLE, assignments=tuple(assignments))
    return schedule_violations(prepared.problem, schedule, prepared=prepared)


@pytest.fixture(scope="module")
def compound():
    """Contended, with many AND and ONEOF groups and tight windows."""
    spec = GeneratorSpec(
        70, NETWORK, 1.0, seed=31, duration_range_s=(1800, 9000), and_fraction=0.3,
        oneof_fraction=0.3,
    )  # fmt: skip
    return prepare(generate(spec))


def test_lns_never_returns_a_worse_schedule_than_its_start(compound):
    start = greedy_schedule(compound)
    found, stats = large_neighbourhood_search(
        compound, start, _exact, deadline=Deadline(60.0), seed=3, max_steps=15
    )
    problem = compound.problem
    assert objective_of(problem, found)[1] >= objective_of(problem, start)[1]
    assert stats.steps == 15 and not _valid(compound, found)


def test_a_step_whose_sub_solver_does_worse_keeps_the_schedule(compound):
    start = greedy_schedule(compound)

    def worse(
        sub: Prepared, hint: list[Assignment], limit_s: float, seed: int
    ) -> tuple[list[Assignment], bool]:
        return [], True  # drops everything it was given

    hood = Neighbourhood(frozenset(NETWORK), 0, 86_400)
    kept, _, size = solve_neighbourhood(compound, start, hood, worse, time_limit_s=1.0)
    assert size > 0 and kept == start


def test_and_and_one_of_groups_hold_after_every_step(compound):
    rng = random.Random(5)
    current = greedy_schedule(compound)
    for _ in range(25):
        keys = frozenset(rng.sample(NETWORK, rng.randint(1, len(NETWORK))))
        start_s = rng.randrange(0, 80_000)
        hood = Neighbourhood(keys, start_s, start_s + rng.choice((2, 5, 9)) * HOUR)
        before = objective_of(compound.problem, current)[1]
        current, _, _ = solve_neighbourhood(compound, current, hood, _exact, time_limit_s=2.0)
        assert not _valid(compound, current)
        assert objective_of(compound.problem, current)[1] >= before


def test_an_and_group_partly_outside_the_neighbourhood_stays_fixed():
    lsc = telescope("1m0a.doma.lsc", night=((0, 24),))
    first, second = request(duration_h=1), request(duration_h=1)
    other = request(duration_h=1)
    prepared = prepare(
        problem([group(first, second, operator=GroupOperator.AND), group(other)], [lsc])
    )
    placed = [
        Assignment(first.id, lsc.key, 0, HOUR, 1.0),
        Assignment(second.id, lsc.key, 5 * HOUR, 6 * HOUR, 1.0),
    ]
    hood = Neighbourhood(frozenset({lsc.key}), 0, 3 * HOUR)  # holds only the first member
    sub, fixed, freed = sub_problem(prepared, placed, hood)
    assert not freed and fixed == placed
    assert {o.request.id for o in sub.candidates()} == {other.id}


def test_a_one_of_group_placed_outside_sends_no_alternative_in():
    lsc = telescope("1m0a.doma.lsc", night=((0, 24),))
    chosen, alternative = request(duration_h=1), request(duration_h=1)
    prepared = prepare(problem([group(chosen, alternative, operator=GroupOperator.ONEOF)], [lsc]))
    placed = [Assignment(chosen.id, lsc.key, 10 * HOUR, 11 * HOUR, 1.0)]
    sub, fixed, _ = sub_problem(prepared, placed, Neighbourhood(frozenset({lsc.key}), 0, 5 * HOUR))
    assert fixed == placed and not sub.candidates()


def test_the_kernel_improves_a_contended_greedy_start_with_lns():
    spec = GeneratorSpec(120, NETWORK, 1.0, seed=33, duration_range_s=(1800, 10_800))
    prepared = prepare(generate(spec))
    kernel = CpSatKernel(full_model_max_candidates=0, lns_step_limit_s=0.5)
    schedule = kernel.solve(prepared.problem, time_limit_s=4.0, deadline=Deadline(4.0))
    assert schedule.ok and not schedule_violations(prepared.problem, schedule)
    assert schedule.stats["lns_steps"] > 0
    assert schedule.objective >= schedule.stats["construction_objective"]


# -- group moves (AND all-or-nothing, ONEOF swap) -------------------------------------------------


def test_a_neighbourhood_of_several_windows_frees_only_what_lies_inside_one():
    lsc, cpt = telescope("1m0a.doma.lsc", night=((0, 24),)), telescope("1m0a.doma.cpt")
    early, late, between = request(), request(), request()
    prepared = prepare(problem([group(early), group(late), group(between)], [lsc, cpt]))
    placed = [
        Assignment(early.id, lsc.key, 1 * HOUR, 2 * HOUR, 1.0),
        Assignment(between.id, lsc.key, 6 * HOUR, 7 * HOUR, 1.0),
        Assignment(late.id, lsc.key, 12 * HOUR, 13 * HOUR, 1.0),
    ]
    hood = Neighbourhood.around({lsc.key: [(0, 3 * HOUR), (11 * HOUR, 14 * HOUR)], cpt.key: []})
    assert hood.telescopes == frozenset({lsc.key})
    _, fixed, freed = sub_problem(prepared, placed, hood)
    assert {a.request_id for a in freed} == {early.id, late.id}
    assert [a.request_id for a in fixed] == [between.id]


def _blocked_and_group() -> tuple[Prepared, list[Assignment], list[int]]:
    """An AND group whose two members' windows are 12 h apart on one telescope, each taken by a
    lower-priority single request that has no other time: only a move that frees both windows
    at once can place the group (the group is worth more than the two singles)."""
    lsc = telescope("1m0a.doma.lsc", night=((0, 24),))
    first = request(duration_h=2, windows=((1, 3),))
    second = request(duration_h=2, windows=((15, 17),))
    blockers = [
        request(duration_h=2, windows=((1, 3),)),
        request(duration_h=2, windows=((15, 17),)),
    ]
    prepared = prepare(
        problem(
            [
                group(first, second, operator=GroupOperator.AND, tac_priority=30),
                *(group(b, tac_priority=5) for b in blockers),
            ],
            [lsc],
        )
    )
    start = [
        Assignment(b.id, lsc.key, low * HOUR, (low + 2) * HOUR, prepared.requests[b.id].priority)
        for b, low in zip(blockers, (1, 15), strict=True)
    ]
    return prepared, start, [first.id, second.id]


def test_a_group_move_places_a_left_out_and_group_whose_members_are_far_apart():
    prepared, start, members = _blocked_and_group()
    problem_ = prepared.problem
    found, stats = large_neighbourhood_search(
        prepared, start, _exact, deadline=Deadline(30.0), seed=0, max_steps=4, group_share=1.0
    )
    assert {a.request_id for a in found} == set(members)
    assert stats.group_steps >= 1 and stats.group_improvements == 1
    assert objective_of(problem_, found)[1] > objective_of(problem_, start)[1]
    assert not _valid(prepared, found)


def test_without_group_moves_a_narrow_neighbourhood_cannot_place_it():
    prepared, start, _ = _blocked_and_group()
    lsc = prepared.problem.telescopes[0].key
    for low in (0, 14):  # a window around either member alone keeps the group out
        hood = Neighbourhood(frozenset({lsc}), low * HOUR, (low + 4) * HOUR)
        kept, _, _ = solve_neighbourhood(prepared, start, hood, _exact, time_limit_s=2.0)
        assert kept == start


def test_a_group_move_swaps_the_placed_member_of_a_one_of_group():
    lsc = telescope("1m0a.doma.lsc", night=((0, 24),))
    cheap = request(duration_h=1, windows=((2, 3),))
    dear = request(duration_h=3, windows=((10, 13),))  # three times the value: longer
    filler = request(duration_h=3, windows=((10, 13),))
    prepared = prepare(
        problem(
            [group(cheap, dear, operator=GroupOperator.ONEOF), group(filler, tac_priority=1)],
            [lsc],
        )
    )
    start = [
        Assignment(cheap.id, lsc.key, 2 * HOUR, 3 * HOUR, prepared.requests[cheap.id].priority),
        Assignment(filler.id, lsc.key, 10 * HOUR, 13 * HOUR, prepared.requests[filler.id].priority),
    ]
    found, stats = large_neighbourhood_search(
        prepared, start, _exact, deadline=Deadline(30.0), seed=1, max_steps=3, group_share=1.0
    )
    assert {a.request_id for a in found} == {dear.id}
    assert stats.group_improvements == 1 and not _valid(prepared, found)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_group_moves_keep_and_and_one_of_semantics_and_never_lose_value(compound, seed):
    start = greedy_schedule(compound)
    current = start
    problem_ = compound.problem
    for step in range(6):
        before = objective_of(problem_, current)[1]
        current, stats = large_neighbourhood_search(
            compound, current, _exact, deadline=Deadline(60.0), seed=seed * 10 + step,
            max_steps=2, group_share=1.0,
        )  # fmt: skip
        assert stats.group_steps >= 1
        assert not _valid(compound, current)
        assert objective_of(problem_, current)[1] >= before
