"""The effective priority of contract §6.4 and the interval algebra."""

from __future__ import annotations

import pytest

from openocs.scheduler.intervals import intersect, normalise, subtract
from openocs.scheduler.model import (
    MAX_EFFECTIVE_PRIORITY,
    ObservationType,
    effective_priority,
    tie_break_factor,
)
from openocs.scheduler.tests.factories import group, request


def test_normal_priority_is_tac_priority_times_ipp_times_minutes():
    req = request(duration_h=0.5)
    grp = group(req, tac_priority=20, ipp_value=1.5)
    assert effective_priority(req, grp) == pytest.approx(20 * 1.5 * 30 * tie_break_factor(req.id))


def test_ignore_ipp_forces_an_ipp_of_one():
    req = request(duration_h=0.5)
    grp = group(req, tac_priority=20, ipp_value=1.5)
    assert effective_priority(req, grp, ignore_ipp=True) == pytest.approx(
        20 * 30 * tie_break_factor(req.id)
    )


def test_time_critical_priority_ignores_ipp_and_duration():
    req = request(duration_h=0.1)
    grp = group(req, tac_priority=10, ipp_value=0.5, observation_type=ObservationType.TIME_CRITICAL)
    assert effective_priority(req, grp) == pytest.approx(10 * 100 * 60 * tie_break_factor(req.id))


def test_rapid_response_priority_is_the_tac_priority():
    req = request(duration_h=2)
    grp = group(req, tac_priority=7, observation_type=ObservationType.RAPID_RESPONSE)
    assert effective_priority(req, grp) == pytest.approx(7 * tie_break_factor(req.id))


def test_priority_is_capped_before_the_tie_break():
    req = request(duration_h=10)
    grp = group(req, tac_priority=1000, ipp_value=2)
    assert effective_priority(req, grp) == pytest.approx(
        MAX_EFFECTIVE_PRIORITY * tie_break_factor(req.id)
    )


def test_tie_break_factor_is_deterministic_and_within_half_a_percent():
    factors = [tie_break_factor(rid) for rid in range(1, 2000)]
    assert all(0.995 <= f < 1.005 for f in factors)
    assert tie_break_factor(42) == tie_break_factor(42)
    assert len(set(factors)) == len(factors)


def test_interval_algebra():
    assert normalise([(5, 7), (0, 2), (2, 3), (6, 9), (4, 4)]) == [(0, 3), (5, 9)]
    assert intersect([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    assert subtract([(0, 10), (20, 30)], [(2, 4), (8, 22), (29, 40)]) == [
        (0, 2), (4, 8), (22, 29)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "intervals",
    [
        [(0, 2), (3, 5)],  # already normalised: kept as is
        ((0, 2), (3, 5)),
        [(0, 2), (2, 5)],  # touching
        [(3, 5), (0, 2)],  # unsorted
        [(0, 2), (1, 5)],  # overlapping
        [(0, 0), (3, 5)],  # empty
        [[0, 2], [3, 5]],  # lists, not tuples
        [(0.0, 2.0), (3, 5)],  # floats
        [],
    ],
)
def test_normalise_gives_sorted_disjoint_integer_tuples_on_every_path(intervals):
    expected: list[tuple[int, int]] = []
    for start, end in sorted((int(a), int(b)) for a, b in intervals if b > a):
        if expected and start <= expected[-1][1]:
            expected[-1] = (expected[-1][0], max(expected[-1][1], end))
        else:
            expected.append((start, end))
    result = normalise(intervals)
    assert result == expected
    assert all(type(pair) is tuple and all(type(v) is int for v in pair) for pair in result)
    assert result is not intervals
