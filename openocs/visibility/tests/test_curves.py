"""Airmass and altitude curves, Moon illumination, angular distance, largest interval, CLI."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import numpy as np
import pytest

from openocs.visibility import (
    HourAngleTarget,
    SatelliteTarget,
    SiderealTarget,
    Site,
    airmass_at_times,
    airmass_from_altitude,
    altitude_at_times,
    angular_distance_deg,
    largest_interval,
)
from openocs.visibility.tests import astropy_truth as truth
from openocs.visibility.timescales import to_unix_s

UTC = dt.UTC
LSC = Site(-30.1673472222, -70.8046722222, 2198.0)


def test_airmass_is_the_secant_of_the_geometric_altitude_d27() -> None:
    assert airmass_from_altitude([90.0, 30.0, 38.682, 0.5, -10.0]) == pytest.approx(
        [1.0, 2.0, 1.6, 99.0, 99.0], abs=1e-4
    )


def test_airmass_curve_matches_astropy_secant_to_1e_5() -> None:
    target = SiderealTarget(204.253958, -29.865417, 10.0, -5.0, 3.0)
    times = [dt.datetime(2024, 3, 11, h, 30, tzinfo=UTC) for h in range(2, 10)]
    ours = airmass_at_times(LSC, target, times)
    unix = np.array([to_unix_s(t) for t in times])
    altitude = truth.star_altitude_deg(LSC, [target], np.zeros(unix.size, dtype=int), unix)
    expected = np.where(altitude > 0.5, 1.0 / np.sin(np.radians(altitude)), 99.0)
    assert ours == pytest.approx(expected, rel=1e-5)


def test_static_target_curves() -> None:
    when = [dt.datetime(2024, 3, 11, tzinfo=UTC)] * 3
    assert airmass_at_times(LSC, SatelliteTarget(30.0, 100.0), when) == pytest.approx([2.0] * 3)
    meridian = altitude_at_times(LSC, HourAngleTarget(0.0, LSC.latitude_deg), when)
    assert meridian == pytest.approx([90.0] * 3)


def test_angular_distance_between_two_stars_matches_astropy() -> None:
    a = SiderealTarget(10.0, -30.0)
    b = SiderealTarget(40.0, -50.0)
    when = dt.datetime(2024, 3, 11, 3, tzinfo=UTC)
    unix = np.array([to_unix_s(when)] * 2)
    coords = truth.star_altaz(LSC, [a, b], np.array([0, 1]), unix)
    assert angular_distance_deg(LSC, a, b, when) == pytest.approx(
        coords[0].separation(coords[1]).deg, abs=1e-4
    )


def test_largest_interval_within_windows() -> None:
    t = [dt.datetime(2024, 1, 1, h, tzinfo=UTC) for h in range(12)]
    intervals = [(t[1], t[4]), (t[6], t[11])]
    windows = [(t[0], t[3]), (t[5], t[9]), (t[8], t[10])]
    assert largest_interval(intervals, windows) == (t[6], t[10])
    assert largest_interval(intervals, [(t[4], t[6])]) is None


def test_module_cli_prints_versions_and_data_coverage() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "openocs.visibility"], capture_output=True, text=True, check=True
    )
    assert "pyerfa" in done.stdout and "finals2000A" in done.stdout and "DE421" in done.stdout


def test_a_star_that_clears_the_threshold_for_minutes_still_rises_and_sets() -> None:
    from openocs.visibility import rise_transit_set

    star = SiderealTarget(120.0, 10.0)
    start = dt.datetime(2024, 3, 11, tzinfo=UTC)
    end = start + dt.timedelta(days=1)
    (transit,) = rise_transit_set(LSC, star, start, end).transits
    (highest,) = altitude_at_times(LSC, star, [transit])
    grazing = rise_transit_set(LSC, star, start, end, threshold_deg=float(highest) - 0.002)
    (rise,) = grazing.rises
    (set_,) = grazing.sets
    assert rise < transit < set_
    assert (set_ - rise) < dt.timedelta(minutes=10)
    assert abs((transit - rise) - (set_ - transit)) < dt.timedelta(seconds=2)
