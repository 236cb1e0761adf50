"""Earth satellites from a two-line element set (TLE), propagated with SGP4.

SGP4 (the ``sgp4`` package, Vallado's reference implementation) gives positions in the TEME
frame (true equator, mean equinox of date), in kilometres, at UTC instants. This module turns
them into **geocentric position vectors on the GCRS axes, in au** — the same axes as the other
``geocentric_position_au`` functions of the library — by the route the IERS conventions and
astropy use:

    r_GCRS = Q(t)ᵀ · R₃(−ERA) · R₃(GMST82) · r_TEME

with GMST82 (IAU 1982 sidereal time, which defines TEME's x-axis) and the Earth rotation angle
from UT1, and Q the IAU 2006/2000A celestial-to-intermediate matrix (ERFA ``c2i06a``) at TT.
Polar motion does not enter: TEME → ITRS applies it and ITRS → GCRS removes it again (the
product above is exact without it). Nor does UT1 − UTC to any useful degree: it enters only
through GMST82 − ERA, which both advance at the sidereal rate, so a second of UT1 error turns the
result by ~1e-11 rad (the argument is accepted for completeness; the observer's own rotation,
which does need UT1, belongs to the topocentric transform).

No light time is applied (at most ~0.1 s for geostationary satellites: ~0.3 km along-track),
far below SGP4's own error of about a kilometre at epoch, growing by 1–3 km per day. The
remaining approximation is TEME itself, defined through GMST82 as in Vallado et al. (2006) and
astropy; our result agrees with astropy's TEME → GCRS to 0.2 mm (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import erfa
import numpy as np
import numpy.typing as npt
from sgp4.api import Satrec

from openocs.visibility import planets
from openocs.visibility.errors import TleError

__all__ = [
    "EARTH_EQUATORIAL_RADIUS_KM",
    "TleTarget",
    "geocentric_position_au",
    "is_sunlit",
    "parse_tle",
    "teme_to_gcrs_matrix",
    "tle_checksum",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

EARTH_EQUATORIAL_RADIUS_KM: Final = 6378.137
SUN_RADIUS_KM: Final = 695_700.0
_TT_MINUS_TAI_DAYS: Final = 32.184 / 86_400.0
_SGP4_ERRORS: Final = {
    1: "mean eccentricity out of range",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum below zero",
    6: "the orbit has decayed",
}


def tle_checksum(line: str) -> int:
    """The modulo-10 checksum of a TLE line's first 68 characters (each '-' counts 1)."""
    total = 0
    for char in line[:68]:
        if char.isdigit():
            total += int(char)
        elif char == "-":
            total += 1
    return total % 10


def _check_line(line: str, number: int) -> str:
    text = line.rstrip("\r\n").rstrip()
    if len(text) != 69:
        raise TleError(
            f"TLE line {number} must be 69 characters long, got {len(text)}.",
            line=number,
            value=line,
        )
    if text[0] != str(number) or text[1] != " ":
        raise TleError(
            f"TLE line {number} must start with '{number} ', got {text[:2]!r}.",
            line=number,
            value=line,
        )
    if not text[68].isdigit() or int(text[68]) != tle_checksum(text):
        raise TleError(
            f"TLE line {number} checksum mismatch: the last digit is {text[68]!r}, the "
            f"computed checksum is {tle_checksum(text)}.",
            line=number,
            value=line,
        )
    return text


@dataclass(frozen=True, slots=True)
class TleTarget:
    """A satellite given by its two TLE lines (validated: length, line numbers, checksums)."""

    line1: str
    line2: str
    name: str = ""
    _satrec: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        line1 = _check_line(self.line1, 1)
        line2 = _check_line(self.line2, 2)
        if line1[2:7] != line2[2:7]:
            raise TleError(
                f"TLE lines name different satellites: {line1[2:7]!r} and {line2[2:7]!r}.",
                line=0,
                value=f"{line1}\n{line2}",
            )
        try:
            satrec = Satrec.twoline2rv(line1, line2)
        except ValueError as error:
            raise TleError(f"TLE cannot be read: {error}", line=0, value=line1) from None
        if satrec.error:
            raise TleError(
                f"TLE gives unusable elements: {_SGP4_ERRORS.get(satrec.error, satrec.error)}.",
                line=2,
                value=line2,
            )
        object.__setattr__(self, "line1", line1)
        object.__setattr__(self, "line2", line2)
        object.__setattr__(self, "_satrec", satrec)

    @property
    def catalog_number(self) -> str:
        """The satellite catalogue number as written (5 characters, Alpha-5 allowed)."""
        return self.line1[2:7].strip()

    @property
    def epoch_jd_utc(self) -> float:
        """The element-set epoch as a UTC Julian date."""
        return float(self._satrec.jdsatepoch + self._satrec.jdsatepochF)

    def teme_position_km(self, jd_utc: npt.ArrayLike) -> FloatArray:
        """SGP4 positions in TEME, (N, 3) km, at UTC Julian dates (NaN where SGP4 fails)."""
        times = np.atleast_1d(np.asarray(jd_utc, dtype=np.float64))
        whole = np.floor(times - 0.5) + 0.5
        errors, positions, _velocities = self._satrec.sgp4_array(whole, times - whole)
        result = np.asarray(positions, dtype=np.float64)
        result[np.asarray(errors) != 0] = np.nan
        return result


def parse_tle(text: str) -> TleTarget:
    """A :class:`TleTarget` from two lines, or three with a leading name line ("0 NAME" too)."""
    lines = [line.rstrip() for line in text.strip("\r\n").splitlines() if line.strip()]
    if len(lines) == 3:
        name = lines[0][2:].strip() if lines[0].startswith("0 ") else lines[0].strip()
        return TleTarget(lines[1], lines[2], name=name)
    if len(lines) == 2:
        return TleTarget(lines[0], lines[1])
    raise TleError(
        f"A TLE has two lines (three with a name line), got {len(lines)}.", line=0, value=text
    )


def _utc_from_tt(jd_tt: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(whole, fraction) UTC Julian date of TT Julian dates, through ERFA's leap-second table."""
    whole = np.floor(jd_tt - 0.5) + 0.5
    tai1, tai2 = whole, jd_tt - whole - _TT_MINUS_TAI_DAYS
    utc1, utc2 = erfa.taiutc(tai1, tai2)
    return np.asarray(utc1, dtype=np.float64), np.asarray(utc2, dtype=np.float64)


_C2I_NODE_DAYS: Final = 1.0 / 24.0


def _celestial_to_intermediate(jd_tt: FloatArray) -> FloatArray:
    """IAU 2006/2000A GCRS→CIRS matrices, interpolated linearly between hourly nodes.

    ERFA's ``c2i06a`` costs ~0.1 ms per instant (the full nutation series); the matrix changes
    smoothly (the fastest nutation terms have periods of days), so hourly nodes with linear
    interpolation stay within 1e-10 rad (20 µas, 0.7 mm at a low orbit) of the full computation
    (tested) and make a day at 20 s steps about ten times cheaper.
    """
    nodes = np.floor(jd_tt / _C2I_NODE_DAYS)
    node_set, inverse = np.unique(np.concatenate([nodes, nodes + 1.0]), return_inverse=True)
    node_jd = node_set * _C2I_NODE_DAYS
    whole = np.floor(node_jd - 0.5) + 0.5
    matrices = np.asarray(erfa.c2i06a(whole, node_jd - whole), dtype=np.float64)
    before = matrices[inverse[: nodes.size]]
    after = matrices[inverse[nodes.size :]]
    fraction = (jd_tt / _C2I_NODE_DAYS - nodes)[:, None, None]
    return np.asarray(before + fraction * (after - before), dtype=np.float64)


def teme_to_gcrs_matrix(
    jd_tt: npt.ArrayLike, *, ut1_minus_utc_s: npt.ArrayLike = 0.0
) -> FloatArray:
    """Rotation matrices (N, 3, 3) taking TEME vectors to GCRS at TT Julian dates."""
    times = np.atleast_1d(np.asarray(jd_tt, dtype=np.float64))
    utc1, utc2 = _utc_from_tt(times)
    ut1_1 = utc1
    ut1_2 = utc2 + np.asarray(ut1_minus_utc_s, dtype=np.float64) / 86_400.0
    angle = np.asarray(erfa.gmst82(ut1_1, ut1_2)) - np.asarray(erfa.era00(ut1_1, ut1_2))
    # R3(θ) for θ = GMST82 − ERA: TEME → (TIRS rotated back by ERA) = CIRS.
    cos_a, sin_a = np.cos(angle), np.sin(angle)
    rotation = np.zeros((times.size, 3, 3))
    rotation[:, 0, 0] = cos_a
    rotation[:, 0, 1] = sin_a
    rotation[:, 1, 0] = -sin_a
    rotation[:, 1, 1] = cos_a
    rotation[:, 2, 2] = 1.0
    c2i = _celestial_to_intermediate(times)
    return np.asarray(np.einsum("nji,njk->nik", c2i, rotation), dtype=np.float64)


def geocentric_position_au(
    target: TleTarget, jd_tt: npt.ArrayLike, *, ut1_minus_utc_s: npt.ArrayLike = 0.0
) -> FloatArray:
    """Geocentric satellite position on the GCRS axes, shape (N, 3), au, at TT Julian dates.

    Rows where SGP4 fails (decayed orbit, eccentricity out of range far from the epoch) are NaN.
    """
    times = np.atleast_1d(np.asarray(jd_tt, dtype=np.float64))
    utc1, utc2 = _utc_from_tt(times)
    teme_km = target.teme_position_km(utc1 + utc2)
    matrix = teme_to_gcrs_matrix(times, ut1_minus_utc_s=ut1_minus_utc_s)
    gcrs_km = np.einsum("nij,nj->ni", matrix, teme_km)
    return np.asarray(gcrs_km / planets.AU_KM, dtype=np.float64)


def is_sunlit(
    target: TleTarget, jd_tt: npt.ArrayLike, *, ut1_minus_utc_s: npt.ArrayLike = 0.0
) -> BoolArray:
    """Whether the satellite is outside the Earth's umbra (conical shadow; penumbra is lit).

    The Earth is a sphere of equatorial radius (the oblateness shifts the shadow edge by at most
    ~20 km, a second or two of a low orbit); the Sun comes from DE421. NaN positions give False.
    """
    times = np.atleast_1d(np.asarray(jd_tt, dtype=np.float64))
    satellite_km = geocentric_position_au(target, times, ut1_minus_utc_s=ut1_minus_utc_s)
    satellite_km = satellite_km * planets.AU_KM
    sun_km = planets.geocentric_position_au("sun", times) * planets.AU_KM
    sun_distance_km = np.linalg.norm(sun_km, axis=1)
    sun_unit = sun_km / sun_distance_km[:, None]
    along_km = np.einsum("ni,ni->n", satellite_km, sun_unit)
    across_km = np.linalg.norm(satellite_km - along_km[:, None] * sun_unit, axis=1)
    umbra_half_angle = np.arcsin((SUN_RADIUS_KM - EARTH_EQUATORIAL_RADIUS_KM) / sun_distance_km)
    umbra_radius_km = EARTH_EQUATORIAL_RADIUS_KM + along_km * np.tan(umbra_half_angle)
    in_umbra = (along_km < 0.0) & (across_km < umbra_radius_km)
    finite = np.all(np.isfinite(satellite_km), axis=1)
    return np.asarray(finite & ~in_umbra, dtype=np.bool_)
