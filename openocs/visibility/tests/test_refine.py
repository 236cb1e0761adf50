"""Predicted roots (issue 17) give the bracket search's answers, and wrong predictions cost
time, never accuracy."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openocs.visibility import (
    Constraints,
    SiderealTarget,
    Site,
    observability,
    observable_intervals_batch,
)
from openocs.visibility.roots import find_roots, refine_from_guesses

PERIOD_S = 86_164.0


def wave(index: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sin of a sidereal day, shifted per object, minus a level: roots known in closed form."""
    return np.sin(2 * np.pi * t / PERIOD_S + 0.3 * index) - 0.25


def brackets() -> tuple[np.ndarray, ...]:
    index = np.arange(6, dtype=np.intp)
    grid = np.linspace(0.0, PERIOD_S, 9)
    rows, a_s, b_s = [], [], []
    for i in index:
        values = wave(np.full(grid.size, i), grid)
        change = np.flatnonzero((values[1:] >= 0) != (values[:-1] >= 0))
        rows += [i] * change.size
        a_s += list(grid[change])
        b_s += list(grid[change + 1])
    row = np.array(rows, dtype=np.intp)
    a, b = np.array(a_s), np.array(b_s)
    return row, a, b, wave(row, a), wave(row, b)


def test_good_predictions_give_the_bracket_search_roots() -> None:
    row, a, b, fa, fb = brackets()
    expected = find_roots(wave, row, a, b, fa, fb)
    guesses = expected + np.linspace(-0.3, 0.3, row.size)  # off by up to 0.3 s
    got = refine_from_guesses(wave, row, a, b, fa, fb, guesses, np.full(row.size, 0.5))
    assert np.max(np.abs(got - expected)) < 1e-6


@pytest.mark.parametrize("spoil", ["nan", "far", "narrow"])
def test_wrong_predictions_fall_back_to_the_bracket_search(spoil: str) -> None:
    row, a, b, fa, fb = brackets()
    expected = find_roots(wave, row, a, b, fa, fb)
    guesses = expected.copy()
    widths = np.full(row.size, 0.5)
    if spoil == "nan":
        guesses[::2] = np.nan
    elif spoil == "far":
        guesses[::2] += 600.0  # no sign change where predicted
    else:
        guesses[::2] += 0.01  # the root is in the first round's bracket, not the second's
        widths[::2] = 0.02
    got = refine_from_guesses(wave, row, a, b, fa, fb, guesses, widths)
    assert np.max(np.abs(got - expected)) < 1e-6


def test_no_brackets_no_work() -> None:
    empty = np.zeros(0)
    index = np.zeros(0, dtype=np.intp)
    assert refine_from_guesses(wave, index, empty, empty, empty, empty, empty, empty).size == 0


def test_rough_moon_distance_samples_give_the_exact_ones_edges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Moon-distance grid is sampled without diurnal aberration unless a sample is within
    the margin of the limit; with every sample computed exactly the edges are the same."""
    site = Site(-30.1673472222, -70.8046722222, 2198.0, horizon_deg=15.0)
    start = dt.datetime(2024, 3, 18, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=5)
    rng = np.random.default_rng(3)
    targets = [
        SiderealTarget(float(r), float(d))
        for r, d in zip(rng.uniform(90, 200, 40), rng.uniform(-30, 30, 40), strict=True)
    ]
    constraints = Constraints(max_airmass=2.0, min_lunar_distance_deg=30.0)
    rough = observable_intervals_batch(site, targets, start, end, constraints)
    observability._cached_context.cache_clear()
    monkeypatch.setattr(observability, "ROUGH_MOON_DISTANCE_MARGIN", 10.0)
    exact = observable_intervals_batch(site, targets, start, end, constraints)
    observability._cached_context.cache_clear()
    assert rough == exact
    assert any(
        a != b
        for a, b in zip(
            rough,
            observable_intervals_batch(site, targets, start, end, Constraints(max_airmass=2.0)),
            strict=True,
        )
    )  # the Moon limit cut something: the test exercised it
