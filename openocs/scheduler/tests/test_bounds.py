"""Cheap upper bounds hold for every schedule and tighten on oversubscribed problems."""

from __future__ import annotations

from openocs.scheduler.bounds import segment_lp_bound, trivial_bound
from openocs.scheduler.candidates import prepare
from openocs.scheduler.generator import GeneratorSpec, generate
from openocs.scheduler.kernels import solve
from openocs.scheduler.tests.factories import group, problem, request, telescope


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


def test_energetic_cuts_tighten_the_bound_where_windows_overlap_only_in_part():
    # in [3, 6) the 4-hour requests of windows [0, 6) and [2, 8) each spend at least an hour,
    # wherever they are placed: the 3-hour request of window [3, 6) cannot run with both. The
    # plain LP (night capacity and contained windows) misses it; the least-overlap cuts find it
    requests = [
        group(request(duration_h=4, windows=((0, 6),)), tac_priority=10),
        group(request(duration_h=4, windows=((2, 8),)), tac_priority=10),
        group(request(duration_h=3, windows=((3, 6),)), tac_priority=20),
        group(request(duration_h=2, windows=((0, 10),)), tac_priority=1),
    ]
    prob = problem(requests, [telescope(night=((0, 10),))])
    prepared = prepare(prob)
    plain = segment_lp_bound(prepared, energetic_rounds=0)
    cut = segment_lp_bound(prepared)
    optimum = solve(prob, kernel="timesliced", time_limit_s=10)
    assert plain is not None and cut is not None
    assert optimum.objective <= cut < 0.7 * plain


def test_energetic_cuts_stay_valid_on_a_generated_contended_problem():
    spec = GeneratorSpec(40, ("1m0a.doma.lsc", "1m0a.domb.lsc"), 1.0, seed=41,
                         duration_range_s=(1800, 10_800))  # fmt: skip
    prob = generate(spec)
    best = solve(prob, kernel="cpsat", time_limit_s=5)
    cut = segment_lp_bound(prepare(prob))
    plain = segment_lp_bound(prepare(prob), energetic_rounds=0)
    assert cut is not None and plain is not None
    assert best.objective <= cut * (1 + 1e-9) and cut <= plain
