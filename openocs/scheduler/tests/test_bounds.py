"""Cheap upper bounds hold for every schedule and tighten on oversubscribed problems."""

from __future__ import annotations

from openocs.scheduler.bounds import segment_lp_bound, trivial_bound
from openocs.scheduler.candidates import prepare
from openocs.scheduler.kernels import solve
from openocs.scheduler.tests.factories import group, problem, request


def test_segment_lp_bound_lies_between_the_optimum_and_the_trivial_bound():
    # six 3-hour requests for one 10-hour night: at most three fit
    prob = problem([group(request(duration_h=3), tac_priority=10 + i) for i in range(6)])
    prepared = prepare(prob)
    optimum = solve(prob, kernel="cpsat", time_limit_s=5)
    lp = segment_lp_bound(prepared)
    assert lp is not None
    assert optimum.objective <= lp < trivial_bound(prepared)
    # the LP fills 10 hours with the best requests: 3 + 3 + 3 + 1/3 of the fourth
    assert lp < 0.75 * trivial_bound(prepared)


def test_bounds_of_an_empty_problem_are_zero():
    prepared = prepare(problem([group(request(duration_h=20))]))
    assert trivial_bound(prepared) == 0
    assert segment_lp_bound(prepared) == 0
