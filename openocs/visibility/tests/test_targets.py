"""Portal targets → library targets (spec §2), and input validation naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

from openocs.visibility import (
    ConfigurationError,
    Constraints,
    HourAngleTarget,
    OrbitalElementsTarget,
    SatelliteTarget,
    SiderealTarget,
    Site,
    TargetError,
    UnobservableTarget,
    apparent_ra_dec_deg,
    observable_intervals,
    target_from_portal,
)


def test_icrs_target_keeps_parallax_in_milliarcseconds_d28() -> None:
    target = target_from_portal(
        {
            "type": "ICRS",
            "ra": 310.35,
            "dec": 45.28,
            "proper_motion_ra": 2.01,
            "proper_motion_dec": 1.85,
            "parallax": 2.29,
            "epoch": 2000,
        }
    )
    assert target == SiderealTarget(310.35, 45.28, 2.01, 1.85, 2.29, 2000.0)


def test_icrs_defaults_match_the_portal() -> None:
    assert target_from_portal({"type": "ICRS", "ra": 1, "dec": 2}) == SiderealTarget(1.0, 2.0)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "ICRS", "dec": 2}, "ra"),
        ({"type": "ICRS", "ra": "x", "dec": 2}, "ra"),
        ({"type": "ICRS", "ra": 1, "dec": 120}, "dec_deg"),
        ({"type": "BOGUS"}, "type"),
        ({"type": "HOUR_ANGLE", "dec": 3}, "hour_angle"),
    ],
)
def test_bad_target_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(TargetError) as error:
        target_from_portal(payload)
    assert error.value.field == field


def test_static_targets() -> None:
    assert target_from_portal({"type": "HOUR_ANGLE", "hour_angle": 1.5, "dec": -20}) == (
        HourAngleTarget(1.5, -20.0)
    )
    assert target_from_portal({"type": "SATELLITE", "altitude": 50, "azimuth": 120}) == (
        SatelliteTarget(50.0, 120.0)
    )


@pytest.mark.parametrize("scheme", ["MPC_MINOR_PLANET", "ASA_MINOR_PLANET"])
def test_minor_planet_schemes_become_orbital_element_targets(scheme: str) -> None:
    target = target_from_portal(
        {
            "type": "ORBITAL_ELEMENTS",
            "scheme": scheme,
            "epochofel": 56600.0,
            "orbinc": 7.2,
            "longascnode": 173.2,
            "argofperih": 47.6,
            "meandist": 2.4,
            "eccentricity": 0.09,
            "meananom": 54.4,
        }
    )
    assert isinstance(target, OrbitalElementsTarget)


def test_missing_element_gives_an_unobservable_target_naming_the_field() -> None:
    target = target_from_portal({"type": "ORBITAL_ELEMENTS", "scheme": "MPC_COMET"})
    assert isinstance(target, UnobservableTarget)
    assert target.field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"latitude_deg": 91.0}, "latitude_deg"),
        ({"longitude_deg": 181.0}, "longitude_deg"),
        ({"horizon_deg": -1.0}, "horizon_deg"),
        ({"zenith_blind_spot_deg": 181.0}, "zenith_blind_spot_deg"),
    ],
)
def test_site_values_out_of_range_are_configuration_errors(
    kwargs: dict[str, float], field: str
) -> None:
    values = {"latitude_deg": 0.0, "longitude_deg": 0.0, **kwargs}
    with pytest.raises(ConfigurationError) as error:
        Site(**values)
    assert error.value.field == field


def test_site_from_configdb_reads_the_telescope_record() -> None:
    site = Site.from_configdb(
        {
            "lat": -30.1673,
            "long": -70.8047,
            "elevation": 2198,
            "horizon": 15,
            "ha_limit_neg": -4.6,
            "ha_limit_pos": 4.6,
            "zenith_blind_spot": 0,
        }
    )
    assert site.ha_window_hours == (-4.6, 4.6)
    assert site.horizon_deg == 15.0


def test_southern_hour_angle_window_uses_the_configdb_convention() -> None:
    south = Site(-31.0, 149.0, ha_limit_neg_hours=-4.533, ha_limit_pos_hours=4.467)
    north = Site(31.0, 149.0, ha_limit_neg_hours=-4.533, ha_limit_pos_hours=4.467)
    assert south.ha_window_hours == (-4.467, 4.533)
    assert north.ha_window_hours == (-4.533, 4.467)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_airmass": 0.9}, "max_airmass"),
        ({"min_lunar_distance_deg": -1.0}, "min_lunar_distance_deg"),
        ({"max_lunar_phase": 1.5}, "max_lunar_phase"),
        ({"twilight": "dusk"}, "twilight"),
    ],
)
def test_constraint_values_out_of_range_are_configuration_errors(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ConfigurationError) as error:
        Constraints(**kwargs)  # type: ignore[arg-type]
    assert error.value.field == field


def test_a_catalogue_epoch_other_than_j2000_moves_the_star_by_its_proper_motion() -> None:
    """Barnard's star from its Hipparcos entry (epoch J1991.25) lands where its J2000 catalogue
    place (SIMBAD, ICRS at J2000) puts it; this path raised before (ERFA ``pmsafe`` returns six
    values, not seven)."""
    motion = (-798.58, 10328.12, 548.31)  # μα·cos δ, μδ (mas/yr), parallax (mas)
    hipparcos = SiderealTarget(269.45402305, 4.66828815, *motion, epoch_jyear=1991.25)
    j2000 = SiderealTarget(269.4520751, 4.6933909, *motion, epoch_jyear=2000.0)
    site = Site(-30.1673472222, -70.8046722222, 2198.0)
    when = dt.datetime(2024, 3, 4, 6, tzinfo=dt.UTC)
    ra_a, dec_a = apparent_ra_dec_deg(site, hipparcos, when)
    ra_b, dec_b = apparent_ra_dec_deg(site, j2000, when)
    assert abs(float(ra_a[0] - ra_b[0])) * 3600.0 < 0.1
    assert abs(float(dec_a[0] - dec_b[0])) * 3600.0 < 0.1
    week = (when, when + dt.timedelta(days=7))
    ours = observable_intervals(site, hipparcos, *week)
    catalogue = observable_intervals(site, j2000, *week)
    assert len(ours) == len(catalogue) > 0
    for (start_a, end_a), (start_b, end_b) in zip(ours, catalogue, strict=True):
        assert abs((start_a - start_b).total_seconds()) < 1.0
        assert abs((end_a - end_b).total_seconds()) < 1.0
