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

# a copy of ``shared/data/orbits`` (MPC one-line elements) kept with the tests, so that a clone
# anywhere runs them
ORBITS_DIR = Path(__file__).resolve().parent / "data" / "orbits"
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
    assert isinstance(ceres, orbits.MinorPlanetElements)
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


# ------------------------------------------------------------------------------------------------
# JPL Horizons authority
#
# The numbers below are copied from JPL Horizons outputs that other open-source projects recorded
# as test data (we have no network access to Horizons itself):
#
# - astroquery (astropy/astroquery), astroquery/jplhorizons/tests/data/:
#   ``ceres_elements_range.txt`` (heliocentric J2000-ecliptic osculating elements of (1) Ceres,
#   solution JPL#48, at 2022-Jun-10/20/30 and Jul-10 00:00 TDB), ``ceres_vectors_range.txt``
#   (heliocentric J2000-ecliptic geometric vectors at the same instants) and
#   ``ceres_ephemerides_range.txt`` (geocentric astrometric "R.A._(ICRF), DEC_(ICRF)" at
#   2022-Jun-10/20/30 and Jul-10 00:00 UT, TDB − UT = 69.184 s), all generated 2022-Jun-10 with
#   DE441;
# - sbpy (NASA-Planetary-Science/sbpy), sbpy/data/tests/data/:
#   ``TestEphemerisCLI-2p-horizons.txt`` (2P/Encke, JPL#K232/4) and
#   ``TestEphemerisCLI-c1995o1-horizons.txt`` (C/1995 O1 Hale-Bopp, JPL#226): osculating elements
#   with Horizons' "Equivalent ICRF heliocentric cartesian coordinates" at the element epoch.
#
# Horizons propagates with planetary perturbations; our model is two-body, so agreement is
# expected to degrade with the distance from the element epoch (the spec's target: 2″ within 30
# days of the epoch).

CERES_HORIZONS_ELEMENTS = [
    # JD TDB, EC, IN, OM, W, MA, A  (ceres_elements_range.txt)
    (
        2459740.5,
        7.857509431507990e-02,
        1.058712597794349e01,
        8.026775296710701e01,
        7.356968535036279e01,
        3.214371287399738e02,
        2.766380805878023e00,
    ),
    (
        2459750.5,
        7.858376292112841e-02,
        1.058706771204556e01,
        8.026756872640345e01,
        7.356246662775156e01,
        3.235863760597782e02,
        2.766419333387372e00,
    ),
    (
        2459760.5,
        7.859345715357316e-02,
        1.058700882991960e01,
        8.026736396328340e01,
        7.355524826865661e01,
        3.257356070468648e02,
        2.766460121827925e00,
    ),
    (
        2459770.5,
        7.860414361068520e-02,
        1.058695038677373e01,
        8.026714122872585e01,
        7.354835812167732e01,
        3.278845197635605e02,
        2.766502427656752e00,
    ),
]
CERES_HORIZONS_ECLIPTIC_AU = np.array(
    [  # ceres_vectors_range.txt, same instants (TDB)
        [-8.354726583796999e-01, 2.455132459520164e00, 2.314862198331841e-01],
        [-9.347458493663700e-01, 2.411365344494129e00, 2.483916160514805e-01],
        [-1.032442649066608e00, 2.363530154574458e00, 2.648779352961165e-01],
        [-1.128387470845915e00, 2.311682815778683e00, 2.809145935195726e-01],
    ]
)
CERES_HORIZONS_ASTROMETRIC = [
    # JD UT, RA ICRF deg, Dec ICRF deg  (ceres_ephemerides_range.txt, geocentric)
    (2459740.5, 101.73343, 26.78554),
    (2459750.5, 106.56175, 26.59903),
    (2459760.5, 111.42655, 26.26772),
    (2459770.5, 116.30339, 25.79505),
]
TT_MINUS_UTC_2022_DAYS = 69.184 / 86400.0  # 37 leap seconds + 32.184 s (Horizons: 69.1847)


def _ceres_at(epoch_index: int) -> orbits.MinorPlanetElements:
    jd, ec, inc, node, peri, mean_anomaly, axis = CERES_HORIZONS_ELEMENTS[epoch_index]
    return orbits.MinorPlanetElements(
        epoch_mjd_tt=jd - MJD_TO_JD,
        eccentricity=ec,
        inclination_deg=inc,
        long_asc_node_deg=node,
        arg_perihelion_deg=peri,
        semi_major_axis_au=axis,
        mean_anomaly_deg=mean_anomaly,
        name="(1) Ceres",
    )


def _unit_vectors(ra_deg: np.ndarray, dec_deg: np.ndarray) -> np.ndarray:
    ra, dec = np.radians(ra_deg), np.radians(dec_deg)
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)


def _separation_arcsec(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a_unit = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b_unit = b / np.linalg.norm(b, axis=-1, keepdims=True)
    cross = np.linalg.norm(np.cross(a_unit, b_unit), axis=-1)
    return np.asarray(np.degrees(np.arctan2(cross, np.sum(a_unit * b_unit, axis=-1))) * 3600.0)


def _ecliptic_to_icrs(vectors: np.ndarray) -> np.ndarray:
    eps = math.radians(84381.448 / 3600.0)
    rotation = np.array(
        [[1, 0, 0], [0, math.cos(eps), -math.sin(eps)], [0, math.sin(eps), math.cos(eps)]]
    )
    return np.asarray(vectors @ rotation.T)


def test_elements_give_horizons_cartesian_position_at_their_epoch():
    # astroquery ceres_elements_range.txt header: JPL#48 elements at 2020-Jan-01.0 TDB and the
    # "Equivalent ICRF heliocentric cartesian coordinates".
    ceres = orbits.MinorPlanetElements(
        epoch_mjd_tt=2458849.5 - MJD_TO_JD,
        eccentricity=0.07687465013145245,
        inclination_deg=10.59127767086216,
        long_asc_node_deg=80.3011901917491,
        arg_perihelion_deg=73.80896808746482,
        semi_major_axis_au=2.769289292143484,
        mean_anomaly_deg=130.3159688200986,
    )
    position = orbits.heliocentric_position_au(ceres, 2458849.5)[0]
    expected = [1.007608869613381, -2.390064275223502, -1.332124522752402]
    assert np.allclose(position, expected, rtol=0, atol=1e-10)  # 15 m


def test_elliptic_comet_elements_give_horizons_cartesian_position():
    # sbpy TestEphemerisCLI-2p-horizons.txt: 2P/Encke, elements at 2022-Jun-22.0 TDB, perihelion
    # 487 days later.
    encke = orbits.CometElements(
        perihelion_epoch_mjd_tt=2460239.0189482248 - MJD_TO_JD,
        perihelion_distance_au=0.3362300806790429,
        eccentricity=0.8485141889848308,
        long_asc_node_deg=334.3120522286535,
        arg_perihelion_deg=187.0124965530834,
        inclination_deg=11.50170416921873,
    )
    position = orbits.heliocentric_position_au(encke, 2459752.5)[0]
    expected = [3.886668467170212, -0.9188393246574216, -0.2098903569670719]
    assert np.allclose(position, expected, rtol=0, atol=1e-10)


def test_near_parabolic_comet_elements_give_horizons_cartesian_position():
    # sbpy TestEphemerisCLI-c1995o1-horizons.txt: Hale-Bopp, e = 0.995, 25 years after
    # perihelion (exercises the universal-variable solver far from perihelion).
    hale_bopp = orbits.CometElements(
        perihelion_epoch_mjd_tt=2450537.1349071441 - MJD_TO_JD,
        perihelion_distance_au=0.890537663547794,
        eccentricity=0.9949810027633206,
        long_asc_node_deg=282.7334213961641,
        arg_perihelion_deg=130.4146670659176,
        inclination_deg=89.28759424740302,
    )
    position = orbits.heliocentric_position_au(hale_bopp, 2459837.5)[0]
    expected = [3.907631452214869, -1.373895334060347, -46.24358508575312]
    assert np.allclose(position, expected, rtol=0, atol=1e-9)  # 150 m at 46 au


@pytest.mark.parametrize("epoch_index", range(4))
def test_ceres_heliocentric_positions_match_horizons_within_30_days(epoch_index):
    jd_tdb = np.array([row[0] for row in CERES_HORIZONS_ELEMENTS])
    ours = orbits.heliocentric_position_au(_ceres_at(epoch_index), jd_tdb)
    theirs = _ecliptic_to_icrs(CERES_HORIZONS_ECLIPTIC_AU)
    error_km = np.linalg.norm(ours - theirs, axis=1) * 149_597_870.7
    assert error_km[epoch_index] < 0.01
    # Two-body versus Horizons' perturbed orbit: measured 54-57 km after 10 days, 218-225 km
    # after 20 days, 497-513 km after 30 days.
    days = np.abs(jd_tdb - jd_tdb[epoch_index])
    assert np.all(error_km <= 5.0 + 0.6 * days**2)


@pytest.mark.parametrize("epoch_index", range(4))
def test_ceres_astrometric_positions_match_horizons_within_2_arcsec(epoch_index):
    jd_utc = np.array([row[0] for row in CERES_HORIZONS_ASTROMETRIC])
    expected = _unit_vectors(
        np.array([row[1] for row in CERES_HORIZONS_ASTROMETRIC]),
        np.array([row[2] for row in CERES_HORIZONS_ASTROMETRIC]),
    )
    ours = orbits.geocentric_position_au(_ceres_at(epoch_index), jd_utc + TT_MINUS_UTC_2022_DAYS)
    separation = _separation_arcsec(ours, expected)
    # Measured: 0.006-0.02″ at 0-10 days, up to 0.19″ at 30 days; Horizons prints 1e-5 degree
    # (0.036″). The requirement is 2″.
    assert np.max(separation) < 0.25
    assert separation[epoch_index] < 0.05


def test_ceres_from_the_shared_mpc_file_is_placed_like_horizons_ceres():
    # The MPC elements in shared/data (epoch 2015) are 7 years from the Horizons table (2022), so
    # this is only a coarse identity check: two-body from 2015 lands within 0.5 degree.
    ceres = _read("00001_Ceres.neocp")
    jd_utc = np.array([row[0] for row in CERES_HORIZONS_ASTROMETRIC])
    expected = _unit_vectors(
        np.array([row[1] for row in CERES_HORIZONS_ASTROMETRIC]),
        np.array([row[2] for row in CERES_HORIZONS_ASTROMETRIC]),
    )
    ours = orbits.geocentric_position_au(ceres, jd_utc + TT_MINUS_UTC_2022_DAYS)
    assert np.max(_separation_arcsec(ours, expected)) < 1800.0


# ------------------------------------------------------------------------------------------------
# Independent reference: numerical two-body integration + astropy reading DE421 as an SPK file
#
# The reference below shares no code with the module under test: the initial state comes from
# the perihelion (comets) or a bisection solution of Kepler's equation (minor planets), the orbit
# orientation from astropy's rotation matrices, the motion from a fourth-order Runge-Kutta
# integration of r'' = −μ r / r³, the Sun and the Earth from astropy's ``get_body_barycentric``
# reading DE421 through its own SPK reader, and TT → TDB from astropy's time scales.

SPK_FIRST_JD, SPK_LAST_JD = 2_447_000.5, 2_466_000.5


@pytest.fixture(scope="module")
def de421_spk_path(tmp_path_factory):
    from openocs.visibility.tests.de421_spk import write_de421_spk

    path = tmp_path_factory.mktemp("ephemeris") / "de421.bsp"
    return str(write_de421_spk(path, SPK_FIRST_JD, SPK_LAST_JD))


def _reference_orientation(elements: orbits.OrbitalElements) -> np.ndarray:
    """Columns P, Q, W of the orbit on the ICRS axes, built from astropy rotation matrices."""
    from astropy import units as u
    from astropy.coordinates.matrix_utilities import rotation_matrix

    # astropy's rotation_matrix(angle, axis) rotates the frame; the transpose rotates vectors.
    ecliptic_to_orbit = (
        rotation_matrix(elements.arg_perihelion_deg * u.deg, "z")
        @ rotation_matrix(elements.inclination_deg * u.deg, "x")
        @ rotation_matrix(elements.long_asc_node_deg * u.deg, "z")
    )
    icrs_to_ecliptic = rotation_matrix(84381.448 * u.arcsec, "x")
    return np.asarray((ecliptic_to_orbit @ icrs_to_ecliptic).T)


def _reference_initial_state(
    elements: orbits.OrbitalElements,
) -> tuple[float, np.ndarray, np.ndarray]:
    """(JD TT, position, velocity) of a state on the orbit, in the orbit plane (P, Q axes)."""
    if isinstance(elements, orbits.CometElements):
        q, e = elements.perihelion_distance_au, elements.eccentricity
        return (
            elements.perihelion_epoch_mjd_tt + MJD_TO_JD,
            np.array([q, 0.0, 0.0]),
            np.array([0.0, math.sqrt(GM_SUN * (1 + e) / q), 0.0]),
        )
    a, e = elements.semi_major_axis_au, elements.eccentricity
    mean_anomaly = math.radians(elements.mean_anomaly_deg) % (2 * math.pi)
    lo, hi = 0.0, 2 * math.pi  # E − e sin E is increasing: bisect for E
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid - e * math.sin(mid) < mean_anomaly:
            lo = mid
        else:
            hi = mid
    ecc_anomaly = 0.5 * (lo + hi)
    radius = a * (1 - e * math.cos(ecc_anomaly))
    speed_factor = math.sqrt(GM_SUN * a) / radius
    return (
        elements.epoch_mjd_tt + MJD_TO_JD,
        np.array(
            [a * (math.cos(ecc_anomaly) - e), a * math.sqrt(1 - e * e) * math.sin(ecc_anomaly), 0]
        ),
        np.array(
            [
                -speed_factor * math.sin(ecc_anomaly),
                speed_factor * math.sqrt(1 - e * e) * math.cos(ecc_anomaly),
                0,
            ]
        ),
    )


def _integrate(position: np.ndarray, velocity: np.ndarray, dt_days: np.ndarray) -> np.ndarray:
    """RK4 two-body integration of one initial state to many time offsets at once."""
    steps = 800
    h = (dt_days / steps)[:, None]
    r = np.tile(position, (dt_days.size, 1))
    v = np.tile(velocity, (dt_days.size, 1))

    def acceleration(x: np.ndarray) -> np.ndarray:
        return np.asarray(-GM_SUN * x / np.linalg.norm(x, axis=1, keepdims=True) ** 3)

    for _ in range(steps):
        k1r, k1v = v, acceleration(r)
        k2r, k2v = v + 0.5 * h * k1v, acceleration(r + 0.5 * h * k1r)
        k3r, k3v = v + 0.5 * h * k2v, acceleration(r + 0.5 * h * k2r)
        k4r, k4v = v + h * k3v, acceleration(r + h * k3r)
        r = r + h / 6 * (k1r + 2 * k2r + 2 * k3r + k4r)
        v = v + h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
    return r


def _reference_geocentric(
    elements: orbits.OrbitalElements, jd_tt: np.ndarray, spk: str
) -> np.ndarray:
    from astropy import units as u
    from astropy.coordinates import get_body_barycentric
    from astropy.time import Time

    orientation = _reference_orientation(elements)
    epoch_jd, position, velocity = _reference_initial_state(elements)
    time = Time(jd_tt, format="jd", scale="tt")
    earth = get_body_barycentric("earth", time, ephemeris=spk).xyz.to_value(u.au).T
    c_au_per_day = (299_792.458 * 86_400) / 149_597_870.7
    tau = np.zeros_like(jd_tt)
    for _ in range(4):
        plane = _integrate(position, velocity, jd_tt - tau - epoch_jd)
        heliocentric = plane @ orientation.T
        sun = get_body_barycentric("sun", time - tau * u.day, ephemeris=spk).xyz.to_value(u.au).T
        geocentric = sun + heliocentric - earth
        tau = np.linalg.norm(geocentric, axis=1) / c_au_per_day
    return np.asarray(geocentric)


def _parabolic_comet() -> orbits.CometElements:
    return orbits.CometElements(
        perihelion_epoch_mjd_tt=57_300.25,
        perihelion_distance_au=0.45,
        eccentricity=1.0,
        inclination_deg=97.0,
        long_asc_node_deg=10.0,
        arg_perihelion_deg=300.0,
    )


@pytest.mark.parametrize(
    "source",
    [
        "00001_Ceres.neocp",
        "2013TL117.neocp",
        "N007rdx.neocp",
        "Comet_299P.neocp",
        "Comet_SidingSpring.neocp",
        "parabolic",
    ],
)
def test_geocentric_positions_match_independent_astropy_reference(source, de421_spk_path):
    elements = _parabolic_comet() if source == "parabolic" else _read(source)
    if isinstance(elements, orbits.CometElements):
        epoch_jd = elements.perihelion_epoch_mjd_tt + MJD_TO_JD
    else:
        epoch_jd = elements.epoch_mjd_tt + MJD_TO_JD
    jd_tt = epoch_jd + np.linspace(-30.0, 30.0, 13)
    ours = orbits.geocentric_position_au(elements, jd_tt)
    reference = _reference_geocentric(elements, jd_tt, de421_spk_path)
    # Same model, independent code: agreement to a milliarcsecond and a few metres.
    assert np.max(_separation_arcsec(ours, reference)) < 0.001
    assert np.max(np.abs(np.linalg.norm(ours, axis=1) - np.linalg.norm(reference, axis=1))) < 1e-10


@pytest.mark.parametrize("eccentricity", [0.0, 0.5, 0.97, 0.99, 1.0, 1.000434, 3.0])
def test_short_calls_solved_point_by_point_agree_with_vectorised_solution(eccentricity):
    comet = _comet(eccentricity)
    jd = 57000.0 + MJD_TO_JD + np.linspace(-500.0, 500.0, 40)  # > 16 points: numpy path
    vectorised = orbits.heliocentric_position_au(comet, jd)
    pointwise = np.vstack(
        [orbits.heliocentric_position_au(comet, jd[i : i + 2]) for i in range(0, 40, 2)]
    )
    assert np.max(np.abs(vectorised - pointwise)) < 1e-13


@pytest.mark.parametrize(
    "source", ["00001_Ceres.neocp", "N007rdx.neocp", "Comet_SidingSpring.neocp"]
)
def test_two_evaluation_light_time_matches_a_fully_iterated_solution(source):
    from openocs.visibility import planets

    elements = _read(source)
    epoch = (
        elements.perihelion_epoch_mjd_tt
        if isinstance(elements, orbits.CometElements)
        else elements.epoch_mjd_tt
    )
    jd_tt = epoch + MJD_TO_JD + np.linspace(-60.0, 60.0, 120)
    jd_tdb = jd_tt + planets.tdb_minus_tt_days(jd_tt)
    earth = planets.earth_barycentric_position_au(jd_tdb)
    tau = np.zeros_like(jd_tt)
    for _ in range(8):
        iterated = (
            planets.sun_barycentric_position_au(jd_tdb, before_days=tau)
            + orbits.heliocentric_position_au(elements, jd_tt, before_days=tau)
            - earth
        )
        tau = np.linalg.norm(iterated, axis=1) / planets.SPEED_OF_LIGHT_AU_PER_DAY
    ours = orbits.geocentric_position_au(elements, jd_tt)
    assert np.max(_separation_arcsec(ours, iterated)) < 5e-6  # 5 µas (measured 0.7 µas, NEO)


# ------------------------------------------------------------------------------------------------
# Optional perturbed propagation


@pytest.fixture
def fresh_trajectories():
    orbits._perturbed_trajectory.cache_clear()
    yield
    orbits._perturbed_trajectory.cache_clear()


def _ceres_2020() -> orbits.MinorPlanetElements:
    # Horizons JPL#48 osculating elements at 2020-Jan-01.0 TDB (astroquery
    # ceres_elements_range.txt header), 890-920 days before the recorded 2022 positions.
    return orbits.MinorPlanetElements(
        epoch_mjd_tt=2458849.5 - MJD_TO_JD,
        eccentricity=0.07687465013145245,
        inclination_deg=10.59127767086216,
        long_asc_node_deg=80.3011901917491,
        arg_perihelion_deg=73.80896808746482,
        semi_major_axis_au=2.769289292143484,
        mean_anomaly_deg=130.3159688200986,
    )


def test_perturbed_propagation_follows_horizons_for_two_and_a_half_years(fresh_trajectories):
    ceres = _ceres_2020()
    jd_tdb = np.array([row[0] for row in CERES_HORIZONS_ELEMENTS])
    expected = _ecliptic_to_icrs(CERES_HORIZONS_ECLIPTIC_AU)
    perturbed_km = (
        np.linalg.norm(
            orbits.heliocentric_position_au(ceres, jd_tdb, perturbed=True) - expected, axis=1
        )
        * 149_597_870.7
    )
    two_body_km = (
        np.linalg.norm(orbits.heliocentric_position_au(ceres, jd_tdb) - expected, axis=1)
        * 149_597_870.7
    )
    # Measured: 29-30 km with the planets (Horizons adds 16 asteroid perturbers and relativity)
    # against 1.9-2.1 million km for the two-body orbit.
    assert np.max(perturbed_km) < 100.0
    assert np.min(two_body_km) > 1e6

    jd_utc = np.array([row[0] for row in CERES_HORIZONS_ASTROMETRIC])
    directions = _unit_vectors(
        np.array([row[1] for row in CERES_HORIZONS_ASTROMETRIC]),
        np.array([row[2] for row in CERES_HORIZONS_ASTROMETRIC]),
    )
    ours = orbits.geocentric_position_au(ceres, jd_utc + TT_MINUS_UTC_2022_DAYS, perturbed=True)
    assert np.max(_separation_arcsec(ours, directions)) < 0.1  # measured 0.02″ (two-body: 640″)


@pytest.mark.parametrize(
    "source", ["Comet_SidingSpring.neocp", "Comet_299P.neocp", "N007rdx.neocp", "parabolic"]
)
def test_perturbed_integration_without_planet_masses_reproduces_the_two_body_orbit(
    source, monkeypatch, fresh_trajectories
):
    from openocs.visibility import planets

    masses = dict(planets.gravitational_parameters_au3_per_day2())
    massless = {name: (value if name == "sun" else 0.0) for name, value in masses.items()}
    monkeypatch.setattr(planets, "gravitational_parameters_au3_per_day2", lambda: massless)
    elements = _parabolic_comet() if source == "parabolic" else _read(source)
    epoch = orbits._epoch_jd_tt(elements)
    jd = epoch + np.linspace(-90.0, 90.0, 61)
    integrated = orbits.heliocentric_position_au(elements, jd, perturbed=True)
    analytic = orbits.heliocentric_position_au(elements, jd)
    assert np.max(np.linalg.norm(integrated - analytic, axis=1)) < 2e-10  # 30 m (measured 7 m)


def test_perturbed_trajectory_is_cached_and_extended_on_demand(fresh_trajectories):
    ceres = _read("00001_Ceres.neocp")
    epoch = orbits._epoch_jd_tt(ceres)
    first = orbits.geocentric_position_au(ceres, epoch + np.arange(0.0, 7.0, 0.5), perturbed=True)
    trajectory = orbits._perturbed_trajectory(ceres)
    nodes = len(trajectory.forward.times)
    again = orbits.geocentric_position_au(ceres, epoch + np.arange(0.0, 7.0, 0.5), perturbed=True)
    assert len(trajectory.forward.times) == nodes
    assert np.array_equal(first, again)
    orbits.geocentric_position_au(ceres, epoch + np.array([-40.0, 60.0]), perturbed=True)
    assert trajectory.forward.times[-1] >= epoch + 60.0
    assert trajectory.backward.times[-1] <= epoch - 40.0


def test_skips_the_mpcorb_header_and_reads_several_records():
    ceres = (ORBITS_DIR / "00001_Ceres.neocp").read_text()
    comet = (ORBITS_DIR / "Comet_299P.neocp").read_text()
    text = (
        "MINOR PLANET CENTER ORBIT DATABASE (MPCORB)\n\nDes'n     H     G   Epoch     M\n"
        + "-" * 160
        + "\n"
        + ceres
        + "\n\n"
        + comet
    )
    parsed = orbits.parse_mpc_file(text)
    assert [element.designation for element in parsed] == ["1", "299P"]


def test_reports_the_line_number_of_a_bad_record():
    ceres = (ORBITS_DIR / "00001_Ceres.neocp").read_text().rstrip("\n")
    with pytest.raises(ElementsError) as caught:
        orbits.parse_mpc_file(ceres + "\n" + ceres.replace("K156R", "K15?R"))
    assert "line 2" in str(caught.value)
    assert caught.value.field == "epoch"
