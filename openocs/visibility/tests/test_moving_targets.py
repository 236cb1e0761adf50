"""Moving targets (orbital elements, named bodies, TLE satellites) through the interval engine.

Authorities: astropy (test-only) for the topocentric places of DE421 Jupiter and of an SGP4
satellite; the engine's own altitude curve for edges (orbital-element edges ≤ 10 s, spec §6).
"""

from __future__ import annotations

import datetime as dt

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import TEME, AltAz, CartesianRepresentation
from sgp4.api import Satrec

from openocs.visibility import (
    Constraints,
    EarthSatelliteTarget,
    OrbitalElementsTarget,
    SiderealTarget,
    Site,
    SolarSystemBodyTarget,
    altitude_at_times,
    observable_intervals,
    observable_intervals_batch,
    rise_transit_set,
    target_from_portal,
)
from openocs.visibility.satellites import TleTarget
from openocs.visibility.tests import astropy_truth as truth
from openocs.visibility.timescales import to_unix_s

UTC = dt.UTC
ELP = Site(
    30.6801,
    -104.015194444,
    2070.0,
    horizon_deg=15.0,
    ha_limit_neg_hours=-4.6,
    ha_limit_pos_hours=4.6,
)
ISS = (
    "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
    "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537",
)
CERES = {
    "type": "ORBITAL_ELEMENTS",
    "scheme": "MPC_MINOR_PLANET",
    "epochofel": 60600.0,
    "orbinc": 10.58788,
    "longascnode": 80.24963,
    "argofperih": 73.29977,
    "meandist": 2.7656148,
    "eccentricity": 0.0795555,
    "meananom": 220.0,
}


def test_named_planet_altitude_matches_astropy_within_an_arcsecond() -> None:
    # Truth: DE421 Jupiter read with jplephem, light-time iterated, placed by astropy.
    times = [dt.datetime(2024, 1, 10, h, tzinfo=UTC) for h in range(0, 24, 3)]
    ours = altitude_at_times(ELP, SolarSystemBodyTarget("jupiter"), times)
    unix = np.array([to_unix_s(t) for t in times])
    reference = truth.body_coord("jupiter", unix).transform_to(truth.altaz(ELP, unix))
    assert np.max(np.abs(ours - reference.alt.deg)) * 3600 < 1.0


def test_tle_satellite_altitude_matches_astropy_teme_route() -> None:
    target = EarthSatelliteTarget(TleTarget(*ISS))
    site = Site(40.0, -75.0, 100.0)
    start = to_unix_s(dt.datetime(2008, 9, 20, 12, tzinfo=UTC))
    unix = start + np.arange(0.0, 6 * 3600.0, 97.0)
    ours = altitude_at_times(site, target, [dt.datetime.fromtimestamp(t, UTC) for t in unix])
    satrec = Satrec.twoline2rv(*ISS)
    when = truth.times(unix)
    error, position_km, _ = satrec.sgp4_array(when.jd1, when.jd2)
    assert not np.any(error)
    teme = TEME(CartesianRepresentation(position_km.T * u.km), obstime=when)
    reference = teme.transform_to(AltAz(obstime=when, location=truth.location(site))).alt.deg
    # TEME→GCRS without polar motion (satellites.py) moves a 400 km-high satellite by ≲ 10″.
    assert np.max(np.abs(ours - reference)) * 3600 < 30.0


def test_tle_satellite_passes_are_found_with_short_intervals() -> None:
    target = EarthSatelliteTarget(TleTarget(*ISS))
    site = Site(40.0, -75.0, 100.0)
    start = dt.datetime(2008, 9, 20, 12, tzinfo=UTC)
    events = rise_transit_set(site, target, start, start + dt.timedelta(days=1))
    assert 3 <= len(events.rises) <= 8
    assert len(events.rises) == len(events.sets) or abs(len(events.rises) - len(events.sets)) == 1
    durations = [
        (s - r).total_seconds()
        for r in events.rises
        for s in events.sets
        if dt.timedelta(0) < s - r < dt.timedelta(minutes=20)
    ]
    assert durations and max(durations) < 15 * 60


def test_orbital_elements_target_edges_are_roots_of_its_altitude() -> None:
    ceres = target_from_portal(CERES)
    assert isinstance(ceres, OrbitalElementsTarget)
    start = dt.datetime(2024, 11, 1, tzinfo=UTC)
    intervals = observable_intervals(ELP, ceres, start, start + dt.timedelta(days=3))
    assert intervals
    # Altitude at the middle of each interval is above the horizon.
    for s, e in intervals:
        (middle,) = altitude_at_times(ELP, ceres, [s + (e - s) / 2])
        assert middle > 15.0


def test_orbital_elements_altitude_edge_within_ten_seconds_of_brute_force() -> None:
    ceres = target_from_portal(CERES)
    start = dt.datetime(2024, 11, 2, tzinfo=UTC)
    events = rise_transit_set(ELP, ceres, start, start + dt.timedelta(days=1), threshold_deg=15.0)
    (rise,) = events.rises
    grid = [rise + dt.timedelta(seconds=s) for s in range(-30, 31)]
    altitude = altitude_at_times(ELP, ceres, grid)
    crossing = grid[int(np.argmin(np.abs(altitude - 15.0)))]
    assert abs((crossing - rise).total_seconds()) <= 10.0


def test_moving_and_sidereal_targets_mix_in_one_batch() -> None:
    start = dt.datetime(2024, 11, 1, tzinfo=UTC)
    end = start + dt.timedelta(days=2)
    targets = [
        SiderealTarget(60.0, 20.0),
        target_from_portal(CERES),
        SolarSystemBodyTarget("saturn"),
        target_from_portal({**CERES, "eccentricity": 2.0}),
    ]
    constraints = Constraints(max_airmass=2.0, min_lunar_distance_deg=20.0)
    batch = observable_intervals_batch(ELP, targets, start, end, constraints)
    assert batch[0] and batch[1] and batch[2]
    assert batch[3] == []
    for target, expected in zip(targets, batch, strict=True):
        assert observable_intervals(ELP, target, start, end, constraints) == expected


@pytest.mark.parametrize("body", ["moon", "mars", "venus"])
def test_named_bodies_have_rise_and_set_times(body: str) -> None:
    start = dt.datetime(2024, 6, 1, tzinfo=UTC)
    events = rise_transit_set(ELP, SolarSystemBodyTarget(body), start, start + dt.timedelta(days=2))
    assert len(events.rises) >= 1 and len(events.sets) >= 1 and len(events.transits) >= 1


def test_interpolated_body_positions_match_direct_evaluation_to_a_milliarcsecond() -> None:
    from openocs.visibility import astrometry as astro
    from openocs.visibility import observability as obs

    ceres = target_from_portal(CERES)
    start = dt.datetime(2024, 11, 1, tzinfo=UTC)
    window = obs._window(start, start + dt.timedelta(days=3))
    moving = obs._MovingOne(obs._site_context(ELP, window), ceres)  # type: ignore[arg-type]
    t = to_unix_s(start) + np.random.default_rng(3).uniform(0, 3 * 86_400.0, 50)
    interpolated = moving.topocentric(t).direction
    direct = astro.moving_topocentric(
        ceres.geocentric_position_au,  # type: ignore[union-attr]
        t,
        moving.context.geometry,
    ).direction
    # |a − b| of unit vectors is the angle (arccos loses precision near 0).
    angle = np.degrees(np.linalg.norm(interpolated - direct, axis=1)) * 3600
    assert angle.max() < 0.001
