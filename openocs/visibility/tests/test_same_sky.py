"""``Site.same_sky_as``: telescopes metres apart share one computed sky (used by the portal's
submission check and the scheduler's candidates)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openocs import visibility


@pytest.mark.parametrize(
    ("offset_deg", "offset_m", "shared"),
    [(0.0009, 40.0, True), (0.0011, 0.0, False), (0.0, 60.0, False)],
)
def test_same_sky_tolerance(offset_deg: float, offset_m: float, shared: bool) -> None:
    base = visibility.Site(latitude_deg=-30.1673, longitude_deg=-70.8047, elevation_m=2198.0)
    other = visibility.Site(
        latitude_deg=base.latitude_deg + offset_deg,
        longitude_deg=base.longitude_deg - offset_deg,
        elevation_m=base.elevation_m + offset_m,
    )
    assert base.same_sky_as(other) is shared
    stricter = visibility.Site(
        latitude_deg=base.latitude_deg, longitude_deg=base.longitude_deg, elevation_m=2198.0,
        horizon_deg=20.0,
    )  # fmt: skip
    assert not base.same_sky_as(stricter)


def test_shared_sky_moves_edges_by_under_a_second() -> None:
    """The claim of ``Site.same_sky_as``, checked against separate computations."""
    base = visibility.Site(latitude_deg=-30.1673, longitude_deg=-70.8047, elevation_m=2198.0)
    twin = visibility.Site(latitude_deg=-30.1682, longitude_deg=-70.8056, elevation_m=2238.0)
    assert base.same_sky_as(twin)
    start = datetime(2026, 12, 1, 12, tzinfo=UTC)
    end = start + timedelta(days=7)
    targets = [
        visibility.SiderealTarget(ra_deg=49.921, dec_deg=-19.411),
        visibility.SiderealTarget(ra_deg=83.82, dec_deg=-5.39),
        visibility.SiderealTarget(ra_deg=201.365, dec_deg=-43.019),
    ]
    constraints = visibility.Constraints(max_airmass=2.0, min_lunar_distance_deg=30.0)
    for target in targets:
        here = visibility.observable_intervals(base, target, start, end, constraints)
        there = visibility.observable_intervals(twin, target, start, end, constraints)
        assert len(here) == len(there) > 0
        for (a0, a1), (b0, b1) in zip(here, there, strict=True):
            assert abs((a0 - b0).total_seconds()) < 1.0
            assert abs((a1 - b1).total_seconds()) < 1.0
