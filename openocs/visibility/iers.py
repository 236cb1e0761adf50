"""Earth orientation (UT1 − UTC and polar motion) from the IERS tables of ``astropy-iers-data``.

The file ``finals2000A.all`` (IERS Bulletin A, daily values with about a year of predictions) ships
inside the ``astropy-iers-data`` package and is read offline, once, on first use. Values are
interpolated linearly; UT1 − UTC is interpolated as UT1 − TAI so that leap seconds do not smear.
Outside the table's coverage UT1 = UTC and the polar motion is zero (errors below 0.9 s of time
and 0.5″ of orientation), as the spec allows.
"""

from __future__ import annotations

import functools
import os
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from openocs.visibility.timescales import SECONDS_PER_DAY, iers_data_file, tai_minus_utc_s

FloatArray = npt.NDArray[np.float64]

_ARCSEC_RAD: Final = np.pi / (180.0 * 3600.0)
_MJD_UNIX_EPOCH: Final = 40_587.0


class EopTable(NamedTuple):
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


# Bulletin A columns (0-based, end exclusive) of the fields we read.
_MJD_COLUMNS: Final = (7, 15)
_XP_COLUMNS: Final = (18, 27)
_YP_COLUMNS: Final = (37, 46)
_UT1_COLUMNS: Final = (58, 68)


def _finals_path() -> str:
    return iers_data_file("finals2000A.all")


@functools.cache
def _finals() -> bytes:
    with open(_finals_path(), "rb") as stream:
        return stream.read()


def _table(mjd: FloatArray, ut1_utc: FloatArray, xp: FloatArray, yp: FloatArray) -> EopTable:
    unix_s = (mjd - _MJD_UNIX_EPOCH) * SECONDS_PER_DAY
    return EopTable(
        unix_s=unix_s,
        ut1_minus_tai_s=ut1_utc - tai_minus_utc_s(unix_s),
        xp_rad=xp * _ARCSEC_RAD,
        yp_rad=yp * _ARCSEC_RAD,
    )


@functools.cache
def eop_table() -> EopTable:
    """Parse ``finals2000A.all`` (Bulletin A columns) from the installed package."""
    data = _finals()
    return _table(*(_columns_fixed_width(data) or _columns_line_by_line(data)))


@functools.lru_cache(maxsize=64)
def eop_days(first_unix_s: float, last_unix_s: float) -> EopTable | None:
    """The table's rows for the 0h-UTC days from ``first_unix_s`` to ``last_unix_s``, read
    without reading the rest of the file (the first call of a process needs only a week of its
    3.8 MB), or None when a day is missing (then use :func:`eop_table`). Same values as the full
    table."""
    with open(_finals_path(), "rb") as stream:
        first_line = stream.readline()
        width = len(first_line)
        size = os.fstat(stream.fileno()).st_size
        if not first_line.endswith(b"\n") or width < _UT1_COLUMNS[1] + 1 or size % width:
            return None
        first_mjd = float(first_line[slice(*_MJD_COLUMNS)])
        first_row = round(first_unix_s / SECONDS_PER_DAY + _MJD_UNIX_EPOCH - first_mjd)
        last_row = round(last_unix_s / SECONDS_PER_DAY + _MJD_UNIX_EPOCH - first_mjd)
        if first_row < 0 or last_row < first_row or (last_row + 1) * width > size:
            return None
        stream.seek(first_row * width)
        rows = stream.read((last_row - first_row + 1) * width)
    columns = _columns_fixed_width(rows)
    if columns is None or columns[0].size != last_row - first_row + 1:
        return None
    return _table(*columns)


_Columns = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def _columns_fixed_width(data: bytes) -> _Columns | None:
    """The four columns read as arrays when every line has the same length (the file as the
    IERS publishes it: several times faster than line by line, which matters at start-up)."""
    width = data.find(b"\n") + 1
    if width < _UT1_COLUMNS[1] + 1 or len(data) % width or data[width - 1 :: width].strip(b"\n"):
        return None
    rows = np.frombuffer(data, dtype=np.uint8).reshape(-1, width)
    spans = (_MJD_COLUMNS, _UT1_COLUMNS, _XP_COLUMNS, _YP_COLUMNS)
    keep = np.ones(rows.shape[0], dtype=bool)
    for first, last in spans[1:]:
        keep &= ~np.all(rows[:, first:last] == ord(" "), axis=1)
    kept = rows[keep]
    mjd, ut1, xp, yp = (
        np.ascontiguousarray(kept[:, a:b]).view(f"S{b - a}").ravel().astype(np.float64)
        for a, b in spans
    )
    return mjd, ut1, xp, yp


def _columns_line_by_line(data: bytes) -> _Columns:
    mjds: list[float] = []
    ut1_utc: list[float] = []
    xps: list[float] = []
    yps: list[float] = []
    for line in data.decode("ascii").splitlines():
        ut1_field = line[slice(*_UT1_COLUMNS)].strip()
        xp_field = line[slice(*_XP_COLUMNS)].strip()
        yp_field = line[slice(*_YP_COLUMNS)].strip()
        if not ut1_field or not xp_field or not yp_field:
            continue
        mjds.append(float(line[slice(*_MJD_COLUMNS)]))
        ut1_utc.append(float(ut1_field))
        xps.append(float(xp_field))
        yps.append(float(yp_field))
    return np.array(mjds), np.array(ut1_utc), np.array(xps), np.array(yps)


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
