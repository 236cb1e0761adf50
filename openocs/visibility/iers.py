"""Earth orientation (UT1 − UTC and polar motion) from the IERS tables of ``astropy-iers-data``.

The file ``finals2000A.all`` (IERS Bulletin A, daily values with about a year of predictions) ships
inside the ``astropy-iers-data`` package and is read offline, once, on first use. Values are
interpolated linearly; UT1 − UTC is interpolated as UT1 − TAI so that leap seconds do not smear.
Outside the table's coverage UT1 = UTC and the polar motion is zero (errors below 0.9 s of time
and 0.5″ of orientation), as the spec allows.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from openocs.visibility.timescales import SECONDS_PER_DAY, tai_minus_utc_s

FloatArray = npt.NDArray[np.float64]

_ARCSEC_RAD: Final = np.pi / (180.0 * 3600.0)
_MJD_UNIX_EPOCH: Final = 40_587.0


@dataclass(frozen=True)
class EopTable:
    """Daily Earth orientation parameters (POSIX seconds at 0h UTC of each day)."""

    unix_s: FloatArray
    ut1_minus_tai_s: FloatArray
    xp_rad: FloatArray
    yp_rad: FloatArray

    @property
    def first_mjd(self) -> float:
        return float(self.unix_s[0] / SECONDS_PER_DAY + _MJD_UNIX_EPOCH)

    @property
    def last_mjd(self) -> float:
        return float(self.unix_s[-1] / SECONDS_PER_DAY + _MJD_UNIX_EPOCH)


@functools.cache
def eop_table() -> EopTable:
    """Parse ``finals2000A.all`` (Bulletin A columns) from the installed package."""
    text = (
        importlib.resources.files("astropy_iers_data")
        .joinpath("data", "finals2000A.all")
        .read_text(encoding="ascii")
    )
    mjds: list[float] = []
    ut1_utc: list[float] = []
    xps: list[float] = []
    yps: list[float] = []
    for line in text.splitlines():
        ut1_field = line[58:68].strip()
        xp_field = line[18:27].strip()
        yp_field = line[37:46].strip()
        if not ut1_field or not xp_field or not yp_field:
            continue
        mjds.append(float(line[7:15]))
        ut1_utc.append(float(ut1_field))
        xps.append(float(xp_field))
        yps.append(float(yp_field))
    unix_s = (np.array(mjds) - _MJD_UNIX_EPOCH) * SECONDS_PER_DAY
    return EopTable(
        unix_s=unix_s,
        ut1_minus_tai_s=np.array(ut1_utc) - tai_minus_utc_s(unix_s),
        xp_rad=np.array(xps) * _ARCSEC_RAD,
        yp_rad=np.array(yps) * _ARCSEC_RAD,
    )


def _interp(t: FloatArray, table: EopTable, values: FloatArray) -> FloatArray:
    inside = (t >= table.unix_s[0]) & (t <= table.unix_s[-1])
    return np.asarray(np.where(inside, np.interp(t, table.unix_s, values), np.nan))


def ut1_minus_utc_s(unix_s: npt.ArrayLike) -> FloatArray:
    """UT1 − UTC in seconds (0 outside the table)."""
    t = np.asarray(unix_s, dtype=np.float64)
    table = eop_table()
    ut1_tai = _interp(t, table, table.ut1_minus_tai_s)
    value = ut1_tai + tai_minus_utc_s(t)
    return np.asarray(np.where(np.isnan(value), 0.0, value))


def polar_motion_rad(unix_s: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Polar motion (x_p, y_p) in radians (0 outside the table)."""
    t = np.asarray(unix_s, dtype=np.float64)
    table = eop_table()
    xp = np.nan_to_num(_interp(t, table, table.xp_rad))
    yp = np.nan_to_num(_interp(t, table, table.yp_rad))
    return np.asarray(xp), np.asarray(yp)
