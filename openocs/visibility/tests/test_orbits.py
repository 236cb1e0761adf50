"""Orbital elements: MPC parsing, portal fields, validation and two-body propagation.

Authorities used here:

- parsing: the MPC format descriptions (MPCORB "Export Format" and the cometary one-line format)
  applied by hand to the real files in ``shared/data/orbits`` (the expected numbers are read off
  the file text, so they test the column/field mapping, not our arithmetic);
- propagation: physical identities of the two-body problem that the code does not use directly
  (r = q at perihelion, r = a(1 − e cos E), energy and angular momentum conservation measured by
  finite differences) and an independent numerical integration of the equations of motion.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from openocs.visibility import orbits
from openocs.visibility.errors import ElementsError

ORBITS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "orbits"
MJD_TO_JD = 2_400_000.5
GM_SUN = orbits.GAUSSIAN_GRAVITATIONAL_CONSTANT**2


def _read(name: str) -> orbits.MinorPlanetElements | orbits.CometElements:
    (elements,) = orbits.read_mpc_file(ORBITS_DIR / name)
    return elements


# ------------------------------------------------------------------------------------------------
# Parsing


def test_parses_every_file_in_the_shared_orbit_data():
    files = sorted(ORBITS_DIR.glob("*.neocp"))
    assert len(files) == 9
    for path in files:
        parsed = orbits.read_mpc_file(path)
        assert len(parsed) == 1, path.name
        assert parsed[0].designation, path.name


def test_parses_ceres_mpcorb_line_with_packed_epoch_and_number():
    ceres = _read("00001_Ceres.neocp")
    assert isinstance(ceres, orbits.MinorPlanetElements)
    assert ceres.designation == "1"
    assert ceres.name == "(1) Ceres"
    assert ceres.epoch_mjd_tt == 57200.0  # K156R = 2015-06-27.0 TT = MJD 57200
    assert ceres.mean_anomaly_deg == 138.66222
    assert ceres.arg_perihelion_deg == 72.65410
    assert ceres.long_asc_node_deg == 80.32720
    assert ceres.inclination_deg == 10.59230
    assert ceres.eccentricity == 0.0757825
    assert ceres.semi_major_axis_au == 2.7679724
    assert ceres.absolute_magnitude == 3.34
    assert ceres.slope_parameter == 0.12


def test_mean_motion_from_semi_major_axis_matches_the_published_daily_motion():
    ceres = _read("00001_Ceres.neocp")
    # The MPCORB line publishes n = 0.21402349 deg/day next to a.
    assert ceres.mean_motion_deg_per_day == pytest.approx(0.21402349, abs=2e-8)


def test_unpacks_provisional_designation_and_short_year_epoch():
    tl117 = _read("2013TL117.neocp")
    assert tl117.designation == "2013 TL117"
    assert tl117.epoch_mjd_tt == 56600.0  # K13B4 = 2013-11-04.0


def test_parses_neocp_lines_whose_columns_are_shifted():
    candidate = _read("N007rdx.neocp")
    assert isinstance(candidate, orbits.MinorPlanetElements)
    assert candidate.designation == "N007rdx"
    assert candidate.epoch_mjd_tt == 57120.0  # K1548 = 2015-04-08.0
    assert candidate.semi_major_axis_au == 0.9445925
    assert candidate.eccentricity == 0.1054741
    assert _read("special_neo_target.neocp").epoch_mjd_tt == 56840.0  # K1472 = 2014-07-02


def test_parses_find_orb_lines_with_carriage_returns():
    first, second = _read("LSCTLF3.neocp"), _read("LSCTLF3_V2.neocp")
    assert first.name == second.name == "LSCTLF3"
    assert isinstance(first, orbits.MinorPlanetElements)
    assert first.semi_major_axis_au == 2.2601939
    assert first.epoch_mjd_tt == 57109.0  # K153S = 2015-03-28.0


def test_parses_numbered_periodic_comet_line():
    comet = _read("Comet_299P.neocp")
    assert isinstance(comet, orbits.CometElements)
    assert comet.designation == "299P"
    assert comet.name == "299P/Catalina-PANSTARRS"
    # 2015 02 23.2724 TT = MJD 57076.2724
    assert comet.perihelion_epoch_mjd_tt == pytest.approx(57076.2724, abs=1e-9)
    assert comet.perihelion_distance_au == 3.139554
    assert comet.eccentricity == 0.282122
    assert comet.arg_perihelion_deg == 323.5091
    assert comet.long_asc_node_deg == 271.6800
    assert comet.inclination_deg == 10.4798
    assert comet.epoch_mjd_tt == 57000.0  # 20141209
    assert comet.absolute_magnitude == 11.5
    assert comet.slope_parameter == 4.0


def test_parses_hyperbolic_comet_with_packed_provisional_designation():
    comet = _read("Comet_SidingSpring.neocp")
    assert isinstance(comet, orbits.CometElements)
    assert comet.designation == "C/2013 A1"
    assert comet.name == "C/2013 A1 (Siding Spring)"
    assert comet.eccentricity == 1.000434
    assert comet.perihelion_epoch_mjd_tt == pytest.approx(56955.3015, abs=1e-9)


@pytest.mark.parametrize(
    ("packed", "readable"),
    [
        ("00001", "1"),
        ("A0001", "100001"),
        ("a0001", "360001"),
        ("K13TB7L", "2013 TL117"),
        ("J95X00A", "1995 XA"),
        ("PLS2040", "2040 P-L"),
        ("T1S3138", "3138 T-1"),
        ("0299P", "299P"),
        ("CK13A010", "C/2013 A1"),
        ("PK05E01b", "P/2005 E1-B"),
        ("P10cIkW", "P10cIkW"),
    ],
)
def test_unpacks_mpc_designations(packed, readable):
    assert orbits.unpack_designation(packed) == readable


@pytest.mark.parametrize(
    ("packed", "mjd"),
    [("K156R", 57200.0), ("J96BA", 50397.0), ("I9911", 14655.0), ("K156R5", 57200.5)],
)
def test_unpacks_packed_epochs(packed, mjd):
    assert orbits.unpack_epoch_mjd(packed) == mjd


def test_refuses_a_line_without_packed_epoch_naming_the_field():
    with pytest.raises(ElementsError) as caught:
        orbits.parse_mpc_line("Des'n     H     G   Epoch     M        Peri.      Node       Incl.")
    assert caught.value.field == "epoch"


def test_refuses_an_impossible_packed_date():
    with pytest.raises(ElementsError) as caught:
        orbits.unpack_epoch_mjd("K152V")  # 31 February
    assert caught.value.field == "epoch"


def test_refuses_a_truncated_line_naming_the_missing_element():
    line = (ORBITS_DIR / "00001_Ceres.neocp").read_text()[:57]
    with pytest.raises(ElementsError) as caught:
        orbits.parse_mpc_line(line)
    assert caught.value.field == "inclination"


def test_refuses_a_non_numeric_element():
    line = (ORBITS_DIR / "00001_Ceres.neocp").read_text().replace("0.0757825", "0.07x7825")
    with pytest.raises(ElementsError) as caught:
        orbits.parse_mpc_line(line)
    assert caught.value.field == "eccentricity"
    assert caught.value.value == "0.07x7825"


def test_refuses_a_blank_line():
    with pytest.raises(ElementsError):
        orbits.parse_mpc_line("   \n")


# ------------------------------------------------------------------------------------------------
# Validation and the portal's fields

KILIA = {
    "scheme": "MPC_MINOR_PLANET",
    "epochofel": 56600.0,
    "orbinc": 7.22565,
    "longascnode": 173.25052,
    "argofperih": 47.60658,
    "meandist": 2.4050925,
    "eccentricity": 0.0943494,
    "meananom": 54.47380,
}


def test_builds_minor_planet_elements_from_portal_fields():
    elements = orbits.elements_from_portal(KILIA)
    assert elements == orbits.MinorPlanetElements(
        epoch_mjd_tt=56600.0,
        inclination_deg=7.22565,
        long_asc_node_deg=173.25052,
        arg_perihelion_deg=47.60658,
        semi_major_axis_au=2.4050925,
        eccentricity=0.0943494,
        mean_anomaly_deg=54.47380,
    )


def test_builds_comet_elements_from_portal_fields_with_any_eccentricity():
    comet = orbits.elements_from_portal(
        {
            "scheme": "MPC_COMET",
            "epochofel": 56900.0,
            "epochofperih": 56896.65636138478,
            "orbinc": 142.4281063052002,
            "longascnode": 317.731588784467,
            "argofperih": 203.0929610210846,
            "perihdist": 1.054777188675267,
            "eccentricity": 1.000209136966309,
        }
    )
    assert isinstance(comet, orbits.CometElements)
    assert comet.eccentricity > 1.0
    assert comet.epoch_mjd_tt == 56900.0


def test_builds_major_planet_elements_with_daily_motion():
    jupiter = orbits.elements_from_portal(
        {
            "scheme": "JPL_MAJOR_PLANET",
            "epochofel": 55959.0,
            "orbinc": 1.303884172546506,
            "longascnode": 100.5093329813755,
            "argofperih": 274.0516181838379,
            "meandist": 5.204023536751508,
            "eccentricity": 0.04910768996084790,
            "meananom": 26.60707699766562,
            "dailymot": 0.08306200006467207,
        }
    )
    assert isinstance(jupiter, orbits.MajorPlanetElements)
    assert jupiter.daily_motion_deg_per_day == 0.08306200006467207


def test_asa_major_planet_converts_longitudes_of_perihelion_and_mean_longitude():
    planet = orbits.elements_from_portal(
        {
            "scheme": "ASA_MAJOR_PLANET",
            "epochofel": 55959.0,
            "orbinc": 1.3,
            "longascnode": 100.0,
            "longofperih": 374.0,
            "meanlong": 400.0,
            "meandist": 5.2,
            "eccentricity": 0.05,
            "dailymot": 0.083,
        }
    )
    assert isinstance(planet, orbits.MajorPlanetElements)
    assert planet.arg_perihelion_deg == pytest.approx(274.0)
    assert planet.mean_anomaly_deg == pytest.approx(26.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"eccentricity": 1.0}, "eccentricity"),
        ({"eccentricity": -0.1}, "eccentricity"),
        ({"meandist": 0.0}, "meandist"),
        ({"meandist": -2.0}, "meandist"),
        ({"orbinc": 181.0}, "orbinc"),
        ({"meananom": float("nan")}, "meananom"),
        ({"meananom": "abc"}, "meananom"),
        ({"meananom": True}, "meananom"),
        ({"epochofel": None}, "epochofel"),
        ({"scheme": "NOT_A_SCHEME"}, "scheme"),
    ],
)
def test_rejects_invalid_minor_planet_fields_naming_them(change, field):
    with pytest.raises(ElementsError) as caught:
        orbits.elements_from_portal({**KILIA, **change})
    assert caught.value.field == field


def test_rejects_a_missing_field():
    fields = {key: value for key, value in KILIA.items() if key != "meananom"}
    with pytest.raises(ElementsError) as caught:
        orbits.elements_from_portal(fields)
    assert caught.value.field == "meananom"


def test_rejects_a_comet_with_non_positive_perihelion_distance():
    with pytest.raises(ElementsError) as caught:
        orbits.CometElements(
            perihelion_epoch_mjd_tt=56000.0,
            perihelion_distance_au=0.0,
            eccentricity=1.0,
            inclination_deg=10.0,
            long_asc_node_deg=0.0,
            arg_perihelion_deg=0.0,
        )
    assert caught.value.field == "perihdist"


def test_rejects_major_planet_without_positive_daily_motion():
    with pytest.raises(ElementsError) as caught:
        orbits.MajorPlanetElements(
            epoch_mjd_tt=55959.0,
            inclination_deg=1.3,
            long_asc_node_deg=100.0,
            arg_perihelion_deg=274.0,
            semi_major_axis_au=5.2,
            eccentricity=0.05,
            mean_anomaly_deg=26.6,
            daily_motion_deg_per_day=0.0,
        )
    assert caught.value.field == "dailymot"


# ------------------------------------------------------------------------------------------------
# Two-body propagation: identities


def _comet(eccentricity: float, perihelion_au: float = 1.2) -> orbits.CometElements:
    return orbits.CometElements(
        perihelion_epoch_mjd_tt=57000.0,
        perihelion_distance_au=perihelion_au,
        eccentricity=eccentricity,
        inclination_deg=63.0,
        long_asc_node_deg=120.0,
        arg_perihelion_deg=200.0,
    )


@pytest.mark.parametrize("eccentricity", [0.0, 0.3, 0.97, 0.99, 0.999999, 1.0, 1.0000001, 1.5, 4.0])
def test_comet_is_at_perihelion_distance_at_perihelion_time(eccentricity):
    comet = _comet(eccentricity)
    position = orbits.heliocentric_position_au(comet, 57000.0 + MJD_TO_JD)
    assert np.linalg.norm(position) == pytest.approx(1.2, rel=1e-13)


def _specific_energy_and_momentum(
    elements: orbits.OrbitalElements, jd_tt: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    step_days = 2.0**-10  # exact in binary, so jd ± step is exact
    before = orbits.heliocentric_position_au(elements, jd_tt - step_days)
    here = orbits.heliocentric_position_au(elements, jd_tt)
    after = orbits.heliocentric_position_au(elements, jd_tt + step_days)
    velocity = (after - before) / (2 * step_days)
    energy = 0.5 * np.sum(velocity**2, axis=1) - GM_SUN / np.linalg.norm(here, axis=1)
    momentum = np.cross(here, velocity)
    return energy, momentum


@pytest.mark.parametrize("eccentricity", [0.2, 0.97, 0.985, 0.999, 1.0, 1.001, 1.000434, 2.5])
def test_comet_orbits_conserve_energy_and_angular_momentum(eccentricity):
    comet = _comet(eccentricity)
    jd = 57000.0 + MJD_TO_JD + np.linspace(-400.0, 400.0, 81)
    energy, momentum = _specific_energy_and_momentum(comet, jd)
    expected_energy = -GM_SUN * (1 - eccentricity) / (2 * comet.perihelion_distance_au)
    expected_momentum = math.sqrt(GM_SUN * comet.perihelion_distance_au * (1 + eccentricity))
    assert np.allclose(energy, expected_energy, rtol=0, atol=1e-11)
    assert np.allclose(np.linalg.norm(momentum, axis=1), expected_momentum, rtol=1e-8)
    assert np.allclose(momentum, momentum[0], rtol=0, atol=1e-10)


def test_comet_universal_and_elliptic_solutions_agree_across_the_switch():
    # e = 0.98 uses universal variables, 0.98 − 1e-12 the elliptic solver: same orbit.
    jd = 57000.0 + MJD_TO_JD + np.linspace(-300.0, 300.0, 61)
    universal = orbits.heliocentric_position_au(_comet(0.98), jd)
    elliptic = orbits.heliocentric_position_au(_comet(0.98 - 1e-12), jd)
    assert np.max(np.abs(universal - elliptic)) < 1e-9


def test_minor_planet_distance_follows_eccentric_anomaly():
    ceres = _read("00001_Ceres.neocp")
    assert isinstance(ceres, orbits.MinorPlanetElements)
    jd = 57200.0 + MJD_TO_JD + np.linspace(-2000.0, 2000.0, 201)
    radius = np.linalg.norm(orbits.heliocentric_position_au(ceres, jd), axis=1)
    a, e = ceres.semi_major_axis_au, ceres.eccentricity
    assert radius.min() >= a * (1 - e) - 1e-12
    assert radius.max() <= a * (1 + e) + 1e-12
    energy, _ = _specific_energy_and_momentum(ceres, jd)
    assert np.allclose(energy, -GM_SUN / (2 * a), rtol=1e-9)


def test_orbit_normal_points_along_the_inclined_ecliptic_pole():
    comet = _comet(0.5)
    _, momentum = _specific_energy_and_momentum(comet, np.array([57010.0 + MJD_TO_JD]))
    normal = momentum[0] / np.linalg.norm(momentum[0])
    # Orbit pole in ecliptic coordinates: (sin i sin Ω, −sin i cos Ω, cos i); to ICRS by ε.
    i, node = math.radians(63.0), math.radians(120.0)
    pole_ecliptic = np.array(
        [math.sin(i) * math.sin(node), -math.sin(i) * math.cos(node), math.cos(i)]
    )
    eps = math.radians(84381.448 / 3600)
    rotation = np.array(
        [[1, 0, 0], [0, math.cos(eps), -math.sin(eps)], [0, math.sin(eps), math.cos(eps)]]
    )
    assert np.allclose(normal, rotation @ pole_ecliptic, atol=1e-9)


def test_propagation_is_vectorised_and_scalar_times_give_one_row():
    ceres = _read("00001_Ceres.neocp")
    jd = 57200.0 + MJD_TO_JD + np.arange(5.0)
    many = orbits.geocentric_position_au(ceres, jd)
    assert many.shape == (5, 3)
    one = orbits.geocentric_position_au(ceres, float(jd[3]))
    assert one.shape == (1, 3)
    assert np.allclose(one[0], many[3], rtol=0, atol=1e-15)
