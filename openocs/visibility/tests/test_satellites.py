"""Earth satellites from TLEs: validation, SGP4 propagation, TEME → GCRS, sunlight.

Authorities used here:

- SGP4 propagation: the verification vectors published with Vallado's SGP4 ("Revisiting
  Spacetrack Report #3", AIAA 2006-6753) that the ``sgp4`` package ships as ``SGP4-VER.TLE`` and
  ``tcppver.out`` (TEME positions, km, to 1e-8 km);
- TEME → GCRS: astropy's independent ``TEME`` → ``GCRS`` frame transformation (astropy goes
  through ITRS, where polar motion enters and cancels; measured agreement 0.2 mm, tolerance 1 m);
- shadow: geometry by construction (a satellite placed on the Sun–Earth line behind the Earth).
"""

from __future__ import annotations

import importlib.resources
import itertools

import numpy as np
import pytest

from openocs.visibility import planets, satellites
from openocs.visibility.errors import TleError

ISS = (
    "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
    "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537",
)


def _verification_cases() -> list[tuple[str, str, list[tuple[float, np.ndarray]]]]:
    """(line1, line2, [(minutes since epoch, TEME km)]) from the sgp4 package's files."""
    package = importlib.resources.files("sgp4")
    tle_lines = package.joinpath("SGP4-VER.TLE").read_text(encoding="ascii").splitlines()
    tles = {}
    for first, second in itertools.pairwise(tle_lines):
        if first.startswith("1 ") and second.startswith("2 "):
            tles[int(second[2:7])] = (first[:69], second[:69])
    cases = []
    expected: list[tuple[float, np.ndarray]] = []
    current = None
    for line in package.joinpath("tcppver.out").read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "xx":
            if current is not None:
                cases.append((*tles[int(current)], expected))
            current, expected = fields[0], []
        elif current is not None and len(fields) >= 4:
            expected.append((float(fields[0]), np.array([float(v) for v in fields[1:4]])))
    if current is not None:
        cases.append((*tles[int(current)], expected))
    return cases


def test_matches_the_published_sgp4_verification_vectors():
    checked = 0
    for line1, line2, expected in _verification_cases():
        try:
            target = satellites.TleTarget(line1, line2)
        except TleError:
            continue  # the file holds deliberately malformed sets (bad checksums, odd columns)
        for minutes, teme_km in expected:
            position = target.teme_position_km(target.epoch_jd_utc + minutes / 1440.0)[0]
            if np.all(np.isfinite(position)):
                # 1 m: a float64 Julian date resolves 40 µs, 0.3 m of a low orbit.
                assert np.allclose(position, teme_km, rtol=0, atol=1e-3), (line1, minutes)
                checked += 1
    assert checked > 400


def test_validates_checksums_and_names_the_line():
    bad = ISS[1][:-1] + str((int(ISS[1][-1]) + 1) % 10)
    with pytest.raises(TleError) as caught:
        satellites.TleTarget(ISS[0], bad)
    assert caught.value.line == 2
    assert "checksum" in str(caught.value)


def test_refuses_lines_of_the_wrong_length_or_order():
    with pytest.raises(TleError) as caught:
        satellites.TleTarget(ISS[0][:60], ISS[1])
    assert caught.value.line == 1
    with pytest.raises(TleError) as swapped:
        satellites.TleTarget(ISS[1], ISS[0])
    assert swapped.value.line == 1


def test_refuses_lines_of_different_satellites():
    other = "2 25545  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
    other = other[:68] + str(satellites.tle_checksum(other))
    with pytest.raises(TleError) as caught:
        satellites.TleTarget(ISS[0], other)
    assert caught.value.line == 0


def test_checksum_counts_minus_signs_as_one():
    assert satellites.tle_checksum(ISS[0]) == 7
    assert satellites.tle_checksum(ISS[1]) == 7


def test_parses_three_line_sets_with_a_name():
    target = satellites.parse_tle("0 ISS (ZARYA)\n" + "\n".join(ISS) + "\n")
    assert target.name == "ISS (ZARYA)"
    assert target.catalog_number == "25544"
    # Epoch 08264.51782528: 2008 day 264.51782528, day 1.0 being JD 2454466.5 (2008-01-01 0h)
    assert target.epoch_jd_utc == pytest.approx(2454466.5 + 263.51782528, abs=1e-8)
    with pytest.raises(TleError):
        satellites.parse_tle(ISS[0])


def test_interpolated_precession_nutation_matches_erfa_at_every_instant():
    import erfa

    jd_tt = 2454730.0 + np.sort(np.random.default_rng(7).uniform(0.0, 3.0, 500))
    whole = np.floor(jd_tt - 0.5) + 0.5
    exact = erfa.c2i06a(whole, jd_tt - whole)
    assert np.max(np.abs(satellites._celestial_to_intermediate(jd_tt) - exact)) < 1e-10


def _astropy_gcrs_km(target: satellites.TleTarget, jd_tt: np.ndarray) -> np.ndarray:
    from astropy import units as u
    from astropy.coordinates import GCRS, TEME, CartesianRepresentation
    from astropy.time import Time
    from astropy.utils import iers

    with iers.conf.set_temp("auto_download", False):
        time = Time(jd_tt, format="jd", scale="tt")
        time.delta_ut1_utc = np.zeros_like(jd_tt)  # same UT1 as the call under test
        utc = time.utc
        teme_km = target.teme_position_km(utc.jd1 + utc.jd2)
        teme = TEME(CartesianRepresentation(teme_km.T * u.km), obstime=time)
        gcrs = teme.transform_to(GCRS(obstime=time))
        return np.asarray(gcrs.cartesian.xyz.to_value(u.km)).T


@pytest.mark.parametrize("days_after_epoch", [0.0, 0.37, 2.5])
def test_gcrs_position_matches_astropy_teme_transformation(days_after_epoch):
    target = satellites.TleTarget(*ISS)
    jd_tt = target.epoch_jd_utc + 65.184 / 86400 + days_after_epoch + np.linspace(0, 0.1, 7)
    ours_km = satellites.geocentric_position_au(target, jd_tt) * planets.AU_KM
    theirs_km = _astropy_gcrs_km(target, jd_tt)
    assert np.max(np.linalg.norm(ours_km - theirs_km, axis=1)) < 0.001  # 1 m


def test_satellite_behind_the_earth_is_in_shadow_and_one_beside_it_is_lit(monkeypatch):
    target = satellites.TleTarget(*ISS)
    jd_tt = np.array([2454724.5, 2454724.5])
    sun = planets.geocentric_position_au("sun", jd_tt)
    away = -sun[0] / np.linalg.norm(sun[0])
    side = np.cross(away, [0.0, 0.0, 1.0])
    side /= np.linalg.norm(side)
    placed = np.array([away * 7000.0, away * 7000.0 + side * 6500.0]) / planets.AU_KM

    def fake_position(_target, _jd_tt, **_kwargs):
        return placed

    monkeypatch.setattr(satellites, "geocentric_position_au", fake_position)
    assert satellites.is_sunlit(target, jd_tt).tolist() == [False, True]


def test_sunlit_flags_alternate_along_a_low_orbit():
    target = satellites.TleTarget(*ISS)
    jd_tt = target.epoch_jd_utc + np.arange(0.0, 1.0, 1.0 / 1440.0)
    lit = satellites.is_sunlit(target, jd_tt)
    # A 92-minute orbit at 51.6° inclination: eclipsed roughly a third of each orbit.
    assert 0.5 < lit.mean() < 0.8
    assert np.count_nonzero(np.diff(lit.astype(int)) == 1) >= 14


def test_gcrs_position_hardly_depends_on_ut1():
    # GMST82 and the Earth rotation angle both advance at the sidereal rate: their difference,
    # all that TEME -> GCRS needs of UT1, moves by ~1e-11 rad per second of UT1 error.
    target = satellites.TleTarget(*ISS)
    jd_tt = target.epoch_jd_utc + np.linspace(0.0, 1.0, 25)
    plain = satellites.geocentric_position_au(target, jd_tt)
    shifted = satellites.geocentric_position_au(target, jd_tt, ut1_minus_utc_s=0.9)
    assert np.max(np.abs(plain - shifted)) * planets.AU_KM < 1e-6  # 1 mm


def test_validated_tle_round_trips_through_the_sgp4_exporter():
    # Round trip: our validated lines -> sgp4 Satrec -> sgp4's own TLE exporter -> same lines.
    from sgp4.exporter import export_tle

    target = satellites.TleTarget(*ISS)
    assert export_tle(target._satrec) == ISS


def test_teme_to_gcrs_rotation_round_trips():
    target = satellites.TleTarget(*ISS)
    jd_tt = target.epoch_jd_utc + np.linspace(0.0, 2.0, 50)
    matrices = satellites.teme_to_gcrs_matrix(jd_tt)
    identity = np.einsum("nij,nkj->nik", matrices, matrices)
    assert np.max(np.abs(identity - np.eye(3))) < 1e-10
    utc = jd_tt - 65.184 / 86400.0  # TT - UTC in 2008
    teme_km = target.teme_position_km(utc)
    gcrs_km = satellites.geocentric_position_au(target, jd_tt) * planets.AU_KM
    back_km = np.einsum("nji,nj->ni", matrices, gcrs_km)
    assert np.max(np.linalg.norm(back_km - teme_km, axis=1)) < 1e-3  # 1 m
