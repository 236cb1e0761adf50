"""The per-call shortcuts of issue 17 give exactly what the general array code gives."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openocs.visibility import Site, astrometry, timescales
from openocs.visibility.intervals import Edges, intersect, intersect_one
from openocs.visibility.roots import find_roots, refine_from_guesses
from openocs.visibility.tests.test_refine import brackets, wave

RANGE = (1_709_510_400.0, 1_709_510_400.0 + 9 * 86_400.0)


def random_edges(rng: np.random.Generator, count: int, grid_s: float) -> Edges:
    """One object's edges at times on a coarse grid (so that constraints share instants)."""
    times = np.sort(RANGE[0] + grid_s * rng.integers(1, int((RANGE[1] - RANGE[0]) / grid_s), count))
    on = bool(rng.integers(0, 2))
    delta = np.array([-1 if (i % 2 == 0) == on else 1 for i in range(count)], dtype=np.intp)
    # Sub-millisecond offsets make the millisecond rounding and the clipping matter.
    jitter = rng.choice([0.0, 0.0004, 0.0005, 0.0006, 0.4995], count)
    return Edges(np.array([on]), np.zeros(count, np.intp), times + jitter, delta)


@pytest.mark.parametrize("seed", range(40))
def test_one_object_intersection_equals_the_array_intersection(seed: int) -> None:
    rng = np.random.default_rng(seed)
    grid = float(rng.choice([1.0, 600.0, 3600.0]))
    edge_sets = [
        random_edges(rng, int(rng.integers(0, 12)), grid) for _ in range(rng.integers(1, 5))
    ]
    clip = (RANGE[0] + float(rng.uniform(0, 86_400)), RANGE[1] - float(rng.uniform(0, 86_400)))
    expected = intersect(edge_sets, 1, *RANGE, *clip).as_datetimes()[0]
    assert intersect_one(edge_sets, *RANGE, *clip) == expected


def test_the_hour_angle_alone_is_the_hour_angle_of_the_full_transform() -> None:
    site = Site(-30.1673472222, -70.8046722222, 2198.0)
    geometry = astrometry.site_geometry(site, RANGE[0], RANGE)
    rng = np.random.default_rng(3)
    t = rng.uniform(*RANGE, 500)
    v = rng.normal(size=(500, 3))
    v /= np.linalg.norm(v, axis=1)[:, None]
    eral = astrometry.local_era_rad(geometry, t)
    _, full = astrometry.altitude_ha(v[:, 0], v[:, 1], v[:, 2], eral, geometry, t)
    assert np.array_equal(astrometry.hour_angle_rad(v[:, 0], v[:, 1], eral), full)


@pytest.mark.parametrize("leap", [False, True])
def test_the_constant_leap_second_offset_gives_the_same_rotation_angle(leap: bool) -> None:
    # 2016-12-31 had a leap second: the geometry then keeps the per-instant table.
    start = (
        dt.datetime(2016, 12, 28, tzinfo=dt.UTC) if leap else dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    )
    span = (timescales.to_unix_s(start), timescales.to_unix_s(start) + 7 * 86_400.0)
    geometry = astrometry.site_geometry(Site(20.7, -156.26, 3065.0), span[0], span)
    assert (geometry.eop_tai_minus_utc_s is None) == leap
    t = np.linspace(*span, 1000)
    assert geometry.eop_unix_s is not None and geometry.eop_ut1_minus_tai_s is not None
    dut1 = np.interp(t, geometry.eop_unix_s, geometry.eop_ut1_minus_tai_s)
    expected = timescales.era_rad(t, dut1 + timescales.tai_minus_utc_s(t)) + geometry.along_rad
    assert np.array_equal(astrometry.local_era_rad(geometry, t), expected)


def test_end_values_left_out_are_fetched_only_where_the_fallback_needs_them() -> None:
    row, a, b, fa, fb = brackets()
    expected = find_roots(wave, row, a, b, fa, fb)
    guesses = expected.copy()
    guesses[::2] = np.nan  # these fall back to the bracket search, which needs the end values
    asked: list[np.ndarray] = []

    def exact_ends(position: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        asked.append(position)
        return wave(row[position], a[position]), wave(row[position], b[position])

    unknown = np.full(row.size, np.nan)
    got = refine_from_guesses(
        wave, row, a, b, unknown, unknown, guesses, np.full(row.size, 0.5), exact_ends=exact_ends
    )
    assert np.max(np.abs(got - expected)) < 1e-6
    assert len(asked) == 1 and np.array_equal(asked[0], np.arange(0, row.size, 2))
