"""The plain-float path for one star (issue 17) gives the array code's intervals.

The array code (``observable_intervals_batch``) is the one checked edge by edge against astropy in
``test_accuracy.py``; the one-star path uses the same models and must agree with it to a
millisecond on every edge (in practice the rounded edges are the same).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openocs.visibility import (
    Constraints,
    SiderealTarget,
    Site,
    observable_intervals,
    observable_intervals_batch,
)
from openocs.visibility import observability as obs
from openocs.visibility.intervals import Interval, intersect
from openocs.visibility.timescales import to_unix_s

EDGE_TOLERANCE_S = 0.001
TWILIGHTS = ("sunrise", "civil", "nautical", "astronomical")


def _random_case(seed: int) -> tuple[Site, Constraints, dt.datetime, dt.datetime]:
    rng = np.random.default_rng(seed)
    site = Site(
        float(rng.uniform(-89.0, 89.0)),
        float(rng.uniform(-180.0, 180.0)),
        float(rng.uniform(0.0, 3000.0)),
        horizon_deg=float(rng.choice([0.0, 15.0, 30.0])),
        ha_limit_neg_hours=float(rng.choice([-12.0, -4.6, -2.0, -7.3])),
        ha_limit_pos_hours=float(rng.choice([12.0, 4.6, 3.1, 0.5])),
        zenith_blind_spot_deg=float(rng.choice([0.0, 0.0, 5.0])),
    )
    airmass = rng.choice([0.0, 1.6, 2.0, 3.0])
    phase = rng.choice([0.0, 0.5, 0.9])
    constraints = Constraints(
        max_airmass=float(airmass) if airmass else None,
        min_lunar_distance_deg=float(rng.choice([0.0, 10.0, 30.0, 60.0])),
        max_lunar_phase=float(phase) if phase else None,
        twilight=TWILIGHTS[int(rng.integers(0, 4))],  # type: ignore[arg-type]
    )
    start = dt.datetime(2014, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        days=float(rng.uniform(0.0, 3650.0))
    )
    return site, constraints, start, start + dt.timedelta(days=float(rng.uniform(0.3, 12.0)))


def _stars(seed: int, count: int) -> list[SiderealTarget]:
    rng = np.random.default_rng(seed + 1000)
    ra = rng.uniform(0.0, 360.0, count)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, count)))
    return [SiderealTarget(float(r), float(d)) for r, d in zip(ra, dec, strict=True)]


def _assert_same(
    fast: list[tuple[dt.datetime, dt.datetime]], general: list[tuple[dt.datetime, dt.datetime]]
) -> None:
    assert len(fast) == len(general)
    for (a, b), (c, d) in zip(fast, general, strict=True):
        assert abs((a - c).total_seconds()) <= EDGE_TOLERANCE_S
        assert abs((b - d).total_seconds()) <= EDGE_TOLERANCE_S


@pytest.mark.parametrize("seed", range(16))
def test_one_star_path_agrees_with_the_array_code(seed: int) -> None:
    site, constraints, start, end = _random_case(seed)
    stars = _stars(seed, 40)
    window = obs._window(start, end)
    general = observable_intervals_batch(site, stars, start, end, constraints)
    used = 0
    for star, expected in zip(stars, general, strict=True):
        fast = obs._one_sidereal(site, star, window, constraints)
        if fast is not None:
            used += 1
            _assert_same(fast, expected)
        assert observable_intervals(site, star, start, end, constraints) == (
            fast if fast is not None else expected
        )
    assert used >= len(stars) // 2, "the one-star path should serve most stars"


def test_stars_crossing_the_moon_distance_limit_agree() -> None:
    site = Site(-30.1673472222, -70.8046722222, 2198.0, horizon_deg=15.0)
    start = dt.datetime(2024, 3, 14, tzinfo=dt.UTC)  # a waxing Moon up in the evening
    end = start + dt.timedelta(days=7)
    constraints = Constraints(max_airmass=2.0, min_lunar_distance_deg=30.0)
    moon_ra, moon_dec = obs.apparent_ra_dec_deg(site, "moon", start)
    stars = [
        SiderealTarget(float((moon_ra[0] + offset) % 360.0), float(moon_dec[0] + d_dec))
        for offset in range(-30, 120, 10)
        for d_dec in (-20.0, 0.0, 20.0)
    ]
    window = obs._window(start, end)
    general = observable_intervals_batch(site, stars, start, end, constraints)
    plain = Constraints(max_airmass=2.0)
    crossed = 0
    for star, expected in zip(stars, general, strict=True):
        fast = obs._one_sidereal(site, star, window, constraints)
        assert fast is not None
        _assert_same(fast, expected)
        crossed += fast != observable_intervals(site, star, start, end, plain)
    assert crossed >= 10, "the sample should exercise Moon-distance edges inside nights"


def test_a_star_that_may_reach_the_zenith_blind_spot_uses_the_array_code() -> None:
    site = Site(-30.17, -70.80, 2198.0, zenith_blind_spot_deg=5.0)
    start = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    window = obs._window(start, start + dt.timedelta(days=3))
    near_zenith = SiderealTarget(150.0, -31.0)
    far_from_zenith = SiderealTarget(150.0, 10.0)
    assert obs._one_sidereal(site, near_zenith, window, Constraints()) is None
    assert obs._one_sidereal(site, far_from_zenith, window, Constraints()) is not None
    expected = observable_intervals_batch(site, [near_zenith], *_bounds(window))[0]
    assert observable_intervals(site, near_zenith, *_bounds(window)) == expected


def test_a_star_grazing_its_limit_at_culmination_uses_the_array_code() -> None:
    # Latitude −30°, threshold 15°: a star at δ = +45° culminates at 15°.
    site = Site(-30.0, -70.0, horizon_deg=15.0)
    start = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    window = obs._window(start, start + dt.timedelta(days=3))
    assert obs._one_sidereal(site, SiderealTarget(100.0, 45.01), window, Constraints()) is None
    assert obs._one_sidereal(site, SiderealTarget(100.0, 44.0), window, Constraints()) is not None


def _bounds(window: obs._Window) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.fromtimestamp(window.start_s, dt.UTC),
        dt.datetime.fromtimestamp(window.end_s, dt.UTC),
    )


def test_windows_are_independent_of_the_time_of_day_of_their_bounds() -> None:
    site = Site(28.3, -16.5, 2330.0, horizon_deg=15.0, ha_limit_neg_hours=-4.6)
    star = SiderealTarget(160.0, 20.0)
    constraints = Constraints(max_airmass=1.6, min_lunar_distance_deg=30.0)
    start = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
    whole = observable_intervals(site, star, start, start + dt.timedelta(days=6), constraints)
    late = start + dt.timedelta(hours=37, minutes=13)
    part = observable_intervals(site, star, late, start + dt.timedelta(days=6), constraints)
    assert part == [(max(s, late), e) for s, e in whole if e > late], (
        "a later start clips the same intervals"
    )
    assert to_unix_s(part[0][0]) >= to_unix_s(late)


@pytest.mark.parametrize("latitude_deg", [-89.5, -70.0, 66.0, 78.0])
def test_polar_sites_and_stars_near_the_poles_agree(latitude_deg: float) -> None:
    site = Site(latitude_deg, 15.0, 100.0, ha_limit_neg_hours=-6.0, ha_limit_pos_hours=5.0)
    stars = [
        SiderealTarget(float(ra), float(sign * dec))
        for ra in (10.0, 130.0, 250.0)
        for dec in (60.0, 85.0, 89.0, 89.5, 89.9)
        for sign in (-1.0, 1.0)
    ]
    constraints = Constraints(max_airmass=3.0, min_lunar_distance_deg=20.0, twilight="civil")
    for start in (dt.datetime(2024, 1, 10, tzinfo=dt.UTC), dt.datetime(2024, 6, 10, tzinfo=dt.UTC)):
        end = start + dt.timedelta(days=5)
        window = obs._window(start, end)
        general = observable_intervals_batch(site, stars, start, end, constraints)
        for star, expected in zip(stars, general, strict=True):
            fast = obs._one_sidereal(site, star, window, constraints)
            if fast is not None:
                _assert_same(fast, expected)


@pytest.mark.parametrize("seed", range(8))
def test_the_batch_leaves_edges_between_nights_unrefined_without_changing_an_interval(
    seed: int,
) -> None:
    site, constraints, start, end = _random_case(seed + 100)
    stars = _stars(seed + 100, 60)
    window = obs._window(start, end)
    context = obs._site_context(site, window)
    group = obs._SiderealGroup(context, stars)
    site_edges = context.site_edges(constraints)

    def intervals(spans: list[tuple[float, float]] | None) -> list[list[Interval]]:
        edges = list(group.edges(constraints, spans).values())
        return intersect(
            [*edges, *(e.broadcast(len(stars)) for e in site_edges)],
            len(stars),
            window.range_start_s,
            window.range_end_s,
            window.start_s,
            window.end_s,
        ).as_datetimes()

    assert intervals(context.spans(constraints)) == intervals(None)


@pytest.mark.parametrize(
    ("start", "applies"),
    [
        (dt.datetime(2016, 12, 29, tzinfo=dt.UTC), False),  # a leap second on 2016-12-31
        (dt.datetime(2045, 6, 1, tzinfo=dt.UTC), False),  # beyond the bundled IERS table
        (dt.datetime(1995, 6, 1, tzinfo=dt.UTC), True),
    ],
)
def test_windows_with_a_leap_second_or_without_iers_values_use_the_array_code(
    start: dt.datetime, applies: bool
) -> None:
    end = start + dt.timedelta(days=4)
    window = obs._window(start, end)
    stars = _stars(7, 12)
    for site in (
        Site(-30.0, -70.0, ha_limit_neg_hours=-12.0, ha_limit_pos_hours=0.0),
        Site(0.0, 179.99),
    ):
        general = observable_intervals_batch(site, stars, start, end, Constraints(max_airmass=2.0))
        for star, expected in zip(stars, general, strict=True):
            fast = obs._one_sidereal(site, star, window, Constraints(max_airmass=2.0))
            assert (fast is not None) == applies
            if fast is not None:
                _assert_same(fast, expected)
            assert observable_intervals(site, star, start, end, Constraints(max_airmass=2.0)) == (
                fast if fast is not None else expected
            )
