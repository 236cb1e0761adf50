"""The first pass (candidate building and the first greedy together) under a deadline: cut
anywhere, it returns a valid schedule and an honest bound (issue 16). Deterministic: the
deadline is a counter of ``should_stop`` calls or a fake clock, never the wall clock."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

import pytest

from openocs.scheduler.bounds import segment_lp_bound, trivial_bound
from openocs.scheduler.candidates import prepare
from openocs.scheduler.cpsat import CpSatKernel
from openocs.scheduler.deadline import Deadline
from openocs.scheduler.generator import GeneratorSpec, generate
from openocs.scheduler.greedy import GreedyKernel, first_greedy, first_pass_stop, greedy_schedule
from openocs.scheduler.kernels import objective_of
from openocs.scheduler.model import Assignment, Incumbent, Problem, Schedule, SolveStatus
from openocs.scheduler.validation import schedule_violations

NETWORK = ("1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.doma.cpt", "1m0a.domb.cpt")


@pytest.fixture(scope="module")
def compound() -> Problem:
    """Contended, with many AND and ONEOF groups and tight windows."""
    spec = GeneratorSpec(
        70, NETWORK, 1.0, seed=31, duration_range_s=(1800, 9000), and_fraction=0.3,
        oneof_fraction=0.3,
    )  # fmt: skip
    return generate(spec)


@pytest.fixture(scope="module")
def with_incumbents(compound: Problem) -> Problem:
    """``compound`` with every other placement of its greedy schedule as an incumbent, and
    one incumbent that no longer fits (a second late)."""
    placed = greedy_schedule(prepare(compound))[::2]
    kept = [Incumbent(a.request_id, a.telescope_key, a.start_s, a.end_s) for a in placed]
    moved = kept.pop()
    kept.append(replace(moved, start_s=moved.start_s + 1, end_s=moved.end_s + 1))
    return replace(compound, incumbent=tuple(kept))


def stop_after(calls: int) -> Callable[[], bool]:
    """A ``should_stop`` that answers true from its ``calls + 1``-th question on."""
    asked = itertools.count()
    return lambda: next(asked) >= calls


def valid(problem: Problem, assignments: list[Assignment]) -> bool:
    schedule = Schedule("test", SolveStatus.FEASIBLE, assignments=tuple(assignments))
    return not schedule_violations(problem, schedule)


@pytest.mark.parametrize("name", ["compound", "with_incumbents"])
def test_uncut_the_first_pass_equals_prepare_then_the_greedy(name, request):
    problem = request.getfixturevalue(name)
    first = first_greedy(problem, should_stop=lambda: False)
    full = prepare(problem)
    assert first.complete and first.prepared.unbuilt_bound == 0.0
    assert list(first.prepared.requests) == list(full.requests)  # the problem's order
    assert first.prepared.requests == full.requests
    assert first.assignments == greedy_schedule(full)
    assert first.built_requests == first.total_requests == len(full.requests)


@pytest.mark.parametrize("name", ["compound", "with_incumbents"])
def test_cut_anywhere_the_first_pass_is_valid_and_its_bound_honest(name, request):
    problem = request.getfixturevalue(name)
    full = prepare(problem)
    best_known = objective_of(problem, greedy_schedule(full))[1]
    for calls in range(len(problem.groups)):
        first = first_greedy(problem, should_stop=stop_after(calls))
        assert not first.complete
        built = first.prepared.requests
        assert len({full.requests[rid].group.id for rid in built}) == calls  # whole groups
        assert valid(problem, first.assignments), calls
        # every built request's options are the full ones, and only built requests are placed
        assert all(built[rid] == full.requests[rid] for rid in built)
        assert {a.request_id for a in first.assignments} <= set(built)
        bound = trivial_bound(first.prepared)
        assert bound >= trivial_bound(full) - 1e-9  # the unbuilt ones counted as placed
        assert bound >= best_known
        assert segment_lp_bound(first.prepared) is None  # no LP on a part of the problem


def test_the_first_pass_builds_by_decreasing_priority(compound):
    full = prepare(compound)
    first = first_greedy(compound, should_stop=stop_after(10))
    built = set(first.prepared.requests)
    lowest_built = min(full.requests[rid].priority for rid in built)
    # a request left out ranks below every request built, unless it shares a group with one
    for rid, options in full.requests.items():
        if rid in built:
            continue
        assert options.priority <= lowest_built or any(
            r.id in built for r in options.group.requests
        )


@pytest.mark.parametrize("kernel", [CpSatKernel(), GreedyKernel()])
def test_a_kernel_cut_in_its_first_pass_returns_what_it_placed(compound, kernel):
    """A fake clock that moves 10 ms at every reading, a 0.2 s limit: the deadline comes after
    about twenty groups."""
    readings = itertools.count()
    deadline = Deadline(0.2, clock=lambda: next(readings) * 0.01)
    schedule = kernel.solve(compound, time_limit_s=0.2, deadline=deadline)
    assert schedule.status is SolveStatus.FEASIBLE
    assert schedule.assignments and not schedule_violations(compound, schedule)
    assert schedule.stats["candidates_complete"] == 0.0
    assert 0 < schedule.stats["built_requests"] < sum(len(g.requests) for g in compound.groups)
    assert schedule.bound >= trivial_bound(prepare(compound)) - 1e-9
    assert schedule.gap > 0.0
    assert "requests built" in schedule.message


@pytest.mark.parametrize("kernel", [CpSatKernel(), GreedyKernel()])
def test_a_deadline_already_past_places_nothing_and_fails(compound, kernel):
    """Nothing was built in time: a FAILED schedule, on which a pass changes nothing (D26)."""
    deadline = Deadline(1.0, started=-100.0, clock=lambda: 0.0)
    schedule = kernel.solve(compound, time_limit_s=1.0, deadline=deadline)
    assert schedule.status is SolveStatus.FAILED
    assert schedule.assignments == ()
    assert "before any request was placed" in schedule.message


def test_the_first_pass_stops_early_enough_to_finish_within_the_deadline():
    """With 0.9 s of a 1 s limit gone when the pass started, it may run until the time left
    (less the finishing reserve) no longer covers a quarter of what it has run."""
    now = [0.5]
    deadline = Deadline(1.0, started=0.0, clock=lambda: now[0])
    should_stop = first_pass_stop(deadline)
    now[0] = 0.7  # ran 0.2 s, 0.27 s left: a quarter of 0.2 s fits
    assert not should_stop()
    now[0] = 0.9  # ran 0.4 s, 0.07 s left: a quarter of 0.4 s does not
    assert should_stop()
    assert not first_pass_stop(Deadline(60.0, started=0.0, clock=lambda: 30.0))()
