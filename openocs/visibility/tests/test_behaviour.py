"""Behavioural cases of ``visibility.md`` §7.4 (B1–B14) and the interval conventions of §1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from openocs.visibility import (
    ConfigurationError,
    Constraints,
    HourAngleTarget,
    SatelliteTarget,
    SiderealTarget,
    Site,
    TimeError,
    UnobservableTarget,
    altitude_at_times,
    dark_intervals,
    effective_horizon_deg,
    observable_intervals,
    observable_intervals_batch,
    target_from_portal,
)

UTC = dt.UTC
START = dt.datetime(2014, 6, 1, tzinfo=UTC)
END = START + dt.timedelta(days=2)
NO_LIMITS = {"ha_limit_neg_hours": -12.0, "ha_limit_pos_hours": 12.0}
CANOPUS = SiderealTarget(95.98795833, -52.69569444)
CAPELLA = SiderealTarget(79.17233333, 45.998)
COJ = Site(-31.273, 149.070593, 1116.0)
LSC = Site(-30.1673472222, -70.8046722222, 2198.0)
CPT = Site(-32.3805542, 20.8101815, 1460.0)
ALWAYS = Constraints(twilight="sunrise")


def up_intervals(
    site: Site, target: SiderealTarget, start: dt.datetime = START, end: dt.datetime = END
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Target-only intervals: compare with and without the target to remove the Sun."""
    with_target = observable_intervals(site, target, start, end, ALWAYS)
    assert all(s < e for s, e in with_target)
    return with_target


def test_b1_canopus_never_rises_at_latitude_56() -> None:
    assert observable_intervals(Site(56.0, 3.0), CANOPUS, START, END, ALWAYS) == []


def test_b2_capella_is_circumpolar_at_latitude_56_with_horizon_0() -> None:
    site = Site(56.0, 3.0)
    winter = dt.datetime(2014, 12, 1, tzinfo=UTC)
    dark = dark_intervals(site, winter, winter + dt.timedelta(days=2), "sunrise")
    observable = observable_intervals(site, CAPELLA, winter, winter + dt.timedelta(days=2), ALWAYS)
    assert observable == dark
    high = dataclasses.replace(site, horizon_deg=80.0)
    assert observable_intervals(high, CAPELLA, winter, winter + dt.timedelta(days=2), ALWAYS) != []


def test_b3_polaris_and_mimosa_from_siding_spring_are_full_and_empty() -> None:
    polaris = SiderealTarget(37.95454167, 89.26411111)
    mimosa = SiderealTarget(191.93025, -59.68876361)
    dark = dark_intervals(COJ, START, END, "sunrise")
    assert observable_intervals(COJ, polaris, START, END, ALWAYS) == []
    assert observable_intervals(COJ, mimosa, START, END, ALWAYS) == dark


def test_b4_ngc2997_from_cpt_with_horizon_30_is_neither_always_up_nor_down() -> None:
    site = dataclasses.replace(CPT, horizon_deg=30.0)
    target = SiderealTarget(146.4116375, -31.19108888)
    winter = dt.datetime(2014, 4, 1, tzinfo=UTC)
    observable = observable_intervals(site, target, winter, winter + dt.timedelta(days=1), ALWAYS)
    dark = dark_intervals(site, winter, winter + dt.timedelta(days=1), "sunrise")
    assert observable != []
    assert observable != dark


@pytest.mark.parametrize("latitude_deg", [66.7, 75.0, 89.9])
def test_b5_polar_summer_has_no_astronomical_darkness(latitude_deg: float) -> None:
    june = dt.datetime(2015, 6, 15, tzinfo=UTC)
    site = Site(latitude_deg, 20.0)
    assert dark_intervals(site, june, june + dt.timedelta(days=3), "astronomical") == []


def test_polar_winter_is_dark_for_the_whole_window() -> None:
    december = dt.datetime(2015, 12, 15, tzinfo=UTC)
    window = (december, december + dt.timedelta(days=3))
    assert dark_intervals(Site(-78.0, 166.0), *window, "nautical") == []
    assert dark_intervals(Site(85.0, 10.0), *window, "nautical") == [window]


def test_b6_short_window_at_coj_on_a_south_polar_target_is_empty() -> None:
    site = dataclasses.replace(
        COJ, horizon_deg=30.0, ha_limit_neg_hours=-4.6, ha_limit_pos_hours=4.6
    )
    target = SiderealTarget(59.890410785, -89.2641974447)
    start = dt.datetime(2014, 6, 1, 12, 10, tzinfo=UTC)
    assert observable_intervals(site, target, start, start + dt.timedelta(minutes=5)) == []


@pytest.mark.parametrize("site", [COJ, LSC], ids=["coj", "lsc"])
def test_b7_one_day_window_equals_the_first_day_of_a_two_day_window(site: Site) -> None:
    site = dataclasses.replace(site, horizon_deg=30.0)
    target = SiderealTarget(91.784167, -45.181167)
    constraints = Constraints(max_airmass=2.0, min_lunar_distance_deg=30.0, max_lunar_phase=0.7)
    one = observable_intervals(site, target, START, START + dt.timedelta(days=1), constraints)
    two = observable_intervals(site, target, START, START + dt.timedelta(days=2), constraints)
    day_end = START + dt.timedelta(days=1)
    clipped = [(s, min(e, day_end)) for s, e in two if s < day_end]
    assert one == clipped
    assert one != []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ha_limit_neg_hours", -13.0),
        ("ha_limit_neg_hours", 1.0),
        ("ha_limit_pos_hours", 13.0),
        ("ha_limit_pos_hours", -1.0),
    ],
)
def test_b8_hour_angle_limits_out_of_range_are_a_configuration_error(
    field: str, value: float
) -> None:
    with pytest.raises(ConfigurationError) as error:
        Site(0.0, 0.0, **{field: value})
    assert error.value.field == field


def test_b9_effective_horizon_from_airmass_limits() -> None:
    assert effective_horizon_deg(30.0, None) == 30.0
    assert effective_horizon_deg(30.0, 3.0) == 30.0
    assert effective_horizon_deg(30.0, 1.2) == pytest.approx(56.443, abs=1e-3)
    assert effective_horizon_deg(0.0, 1.6) == pytest.approx(38.682, abs=1e-3)


def test_b10_moon_distance_limits_leave_a_far_target_unchanged() -> None:
    # Early June 2014 the Moon is near RA 130-160°; a target at RA 330°, Dec −30° is > 60° away.
    target = SiderealTarget(330.0, -30.0)
    site = dataclasses.replace(LSC, horizon_deg=15.0)
    base = observable_intervals(site, target, START, END, Constraints())
    assert base != []
    for limit in (0.0, 30.0):
        limited = Constraints(min_lunar_distance_deg=limit)
        assert observable_intervals(site, target, START, END, limited) == base


def test_b11_zenith_blind_spot_0_changes_nothing_and_180_removes_everything() -> None:
    target = SiderealTarget(200.0, -30.0)
    base = observable_intervals(LSC, target, START, END)
    assert base != []
    assert (
        observable_intervals(
            dataclasses.replace(LSC, zenith_blind_spot_deg=0.0), target, START, END
        )
        == base
    )
    full = dataclasses.replace(LSC, zenith_blind_spot_deg=180.0)
    assert observable_intervals(full, target, START, END) == []
    dark = dark_intervals(LSC, START, END)
    assert observable_intervals(full, HourAngleTarget(1.0, -30.0), START, END) == dark
    assert observable_intervals(full, SatelliteTarget(60.0, 120.0), START, END) == dark


def test_b12_altitude_plus_zenith_distance_is_90_degrees() -> None:
    times = [START + dt.timedelta(hours=h) for h in range(0, 48, 5)]
    altitude = altitude_at_times(LSC, SiderealTarget(10.0, -60.0), times)
    zenith_distance = 90.0 - altitude
    assert altitude + zenith_distance == pytest.approx(90.0, abs=1e-4)


def test_b13_naive_and_aware_utc_inputs_give_identical_results() -> None:
    target = SiderealTarget(200.0, -30.0)
    aware = observable_intervals(LSC, target, START, END)
    naive = observable_intervals(LSC, target, START.replace(tzinfo=None), END.replace(tzinfo=None))
    assert aware == naive


def test_b14_moving_target_with_a_site_missing_ha_limits_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as error:
        Site.from_configdb({"lat": 20.0, "long": -150.0, "horizon": 15.0})
    assert error.value.field == "ha_limit_neg_hours"


def test_intervals_are_sorted_coalesced_half_open_and_clipped() -> None:
    target = SiderealTarget(200.0, -30.0)
    start = dt.datetime(2014, 6, 1, 3, 17, tzinfo=UTC)
    end = start + dt.timedelta(days=5, hours=7)
    intervals = observable_intervals(LSC, target, start, end)
    assert len(intervals) >= 5
    for (s1, e1), (s2, _) in itertools.pairwise(intervals):
        assert s1 < e1 < s2
    assert intervals[0][0] >= start and intervals[-1][1] <= end
    assert all(s.tzinfo is not None for pair in intervals for s in pair)


def test_multi_target_intervals_are_the_intersection_of_each_target() -> None:
    a = SiderealTarget(200.0, -30.0)
    b = SiderealTarget(230.0, -50.0)
    each = observable_intervals_batch(LSC, [a, b], START, END)
    both = observable_intervals(LSC, [a, b], START, END)
    assert both != []
    for s, e in both:
        assert any(s0 <= s and e <= e0 for s0, e0 in each[0])
        assert any(s0 <= s and e <= e0 for s0, e0 in each[1])
    total = sum((e - s).total_seconds() for s, e in both)
    assert total <= min(sum((e - s).total_seconds() for s, e in one) for one in each)


def test_batch_gives_the_same_intervals_as_one_target_at_a_time() -> None:
    targets = [
        SiderealTarget(float(ra), float(dec))
        for ra, dec in [(10, -70), (120, -20), (200, -30), (250, 10), (330, -45)]
    ]
    constraints = Constraints(max_airmass=1.6, min_lunar_distance_deg=30.0, max_lunar_phase=0.8)
    site = dataclasses.replace(
        LSC, ha_limit_neg_hours=-4.6, ha_limit_pos_hours=4.6, zenith_blind_spot_deg=5.0
    )
    batch = observable_intervals_batch(site, targets, START, END, constraints)
    for target, expected in zip(targets, batch, strict=True):
        assert observable_intervals(site, target, START, END, constraints) == expected


def test_sites_east_and_west_of_the_date_line_work() -> None:
    target = SiderealTarget(30.0, -20.0)
    october = dt.datetime(2014, 10, 1, tzinfo=UTC)
    for longitude in (179.9, -179.9):
        site = Site(-17.7, longitude)
        intervals = observable_intervals(site, target, october, october + dt.timedelta(days=3))
        assert len(intervals) == 3


def test_window_that_ends_before_it_starts_is_a_time_error() -> None:
    with pytest.raises(TimeError):
        observable_intervals(LSC, CANOPUS, END, START)


def test_invalid_orbital_elements_give_no_visibility_instead_of_an_error() -> None:
    target = target_from_portal(
        {
            "type": "ORBITAL_ELEMENTS",
            "scheme": "MPC_MINOR_PLANET",
            "epochofel": 56600.0,
            "orbinc": 7.2,
            "longascnode": 173.2,
            "argofperih": 47.6,
            "meandist": 2.4,
            "eccentricity": 1.5,
            "meananom": 54.4,
        }
    )
    assert isinstance(target, UnobservableTarget)
    assert target.field == "eccentricity"
    assert observable_intervals(LSC, target, START, END) == []


def test_a_forty_day_window_agrees_with_its_ten_day_pieces() -> None:
    target = SiderealTarget(250.0, -40.0)
    site = dataclasses.replace(
        LSC, horizon_deg=20.0, ha_limit_neg_hours=-4.0, ha_limit_pos_hours=4.0
    )
    constraints = Constraints(max_airmass=2.0, min_lunar_distance_deg=40.0, max_lunar_phase=0.6)
    start = dt.datetime(2014, 5, 1, 6, 30, tzinfo=UTC)
    whole = observable_intervals(site, target, start, start + dt.timedelta(days=40), constraints)
    pieces: list[tuple[dt.datetime, dt.datetime]] = []
    for k in range(4):
        lo = start + dt.timedelta(days=10 * k)
        for s, e in observable_intervals(site, target, lo, lo + dt.timedelta(days=10), constraints):
            if pieces and pieces[-1][1] == s:
                pieces[-1] = (pieces[-1][0], e)
            else:
                pieces.append((s, e))
    assert len(whole) >= 20
    assert whole == pieces
