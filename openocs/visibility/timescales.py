"""Time scales: UTC datetimes at the edges, float seconds inside.

Inside the library an instant is a ``float`` (or numpy ``float64`` array) of **POSIX seconds**:
seconds since 1970-01-01T00:00 UTC, ignoring leap seconds, exactly like :class:`datetime`. From
that we derive

- TT  = UTC + (TAI − UTC) + 32.184 s, TAI − UTC from ``Leap_Second.dat`` of ``astropy-iers-data``
  (read offline; 10 s before 1972);
- UT1 = UTC + (UT1 − UTC) from the IERS ``finals2000A.all`` table of the same package (see
  :mod:`openocs.visibility.iers`); outside its coverage UT1 = UTC (error below 0.9 s);
- the Earth rotation angle (IAU 2000, ERFA ``era00``) from UT1.

TDB is taken as TT (the difference, below 2 ms, moves nothing we compute by a measurable amount).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.machinery
import os
from typing import Final

import numpy as np
import numpy.typing as npt

from openocs.visibility.errors import TimeError

FloatArray = npt.NDArray[np.float64]

UNIX_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
SECONDS_PER_DAY: Final = 86_400.0
JD_UNIX_EPOCH: Final = 2_440_587.5
"""Julian date of 1970-01-01T00:00."""
UNIX_J2000_S: Final = 946_728_000.0
"""POSIX seconds of JD 2451545.0 (2000-01-01T12:00)."""
TT_MINUS_TAI_S: Final = 32.184


def to_unix_s(value: dt.datetime) -> float:
    """POSIX seconds of a datetime; naive datetimes are read as UTC (spec §1)."""
    if not isinstance(value, dt.datetime):
        raise TimeError(f"expected a datetime, got {type(value).__name__}", value=value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return (value - UNIX_EPOCH).total_seconds()


def from_unix_s(seconds: float) -> dt.datetime:
    """Timezone-aware UTC datetime of POSIX seconds, rounded to the microsecond."""
    return UNIX_EPOCH + dt.timedelta(microseconds=round(float(seconds) * 1e6))


def jd_from_unix_s(unix_s: npt.ArrayLike) -> FloatArray:
    """Julian date (same time scale as the input) of POSIX-style seconds."""
    return np.asarray(JD_UNIX_EPOCH + np.asarray(unix_s, dtype=np.float64) / SECONDS_PER_DAY)


@functools.cache
def iers_data_file(name: str) -> str:
    """Path of a file in the ``data`` folder of ``astropy-iers-data``.

    Found without importing the package: its ``__init__`` imports :mod:`pathlib` (about 4 ms of
    CPU where nothing else has imported it, as in an installed wheel), and
    ``importlib.resources`` would import ``zipfile`` and more, to read a plain file. Falls back
    to the package's own constants when it is not a plain folder on the path.
    """
    spec = importlib.machinery.PathFinder.find_spec("astropy_iers_data")
    if spec is not None and spec.submodule_search_locations:
        path = os.path.join(spec.submodule_search_locations[0], "data", name)
        if os.path.isfile(path):
            return path
    import astropy_iers_data  # pragma: no cover - a zipped or unusual installation

    return os.path.join(os.path.dirname(astropy_iers_data.IERS_A_FILE), name)  # pragma: no cover


def _leap_second_text() -> str:
    """The bundled ``Leap_Second.dat``."""
    with open(iers_data_file("Leap_Second.dat"), encoding="ascii") as stream:
        return stream.read()


@functools.cache
def _leap_second_table() -> tuple[FloatArray, FloatArray]:
    """(POSIX seconds where TAI − UTC changes, TAI − UTC after the change)."""
    text = _leap_second_text()
    starts: list[float] = []
    offsets: list[float] = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or line.startswith("#"):
            continue
        mjd = float(fields[0])
        starts.append((mjd - 40_587.0) * SECONDS_PER_DAY)
        offsets.append(float(fields[4]))
    return np.array(starts), np.array(offsets)


def leap_second_expiry() -> str:
    """The expiry date stated in the bundled ``Leap_Second.dat``."""
    text = _leap_second_text()
    for line in text.splitlines():
        if "File expires on" in line:
            return line.split("File expires on", 1)[1].strip()
    return "unknown"


def tai_minus_utc_s(unix_s: npt.ArrayLike) -> FloatArray:
    """TAI − UTC in seconds (10 s before 1972, the last value after the table ends)."""
    starts, offsets = _leap_second_table()
    t = np.asarray(unix_s, dtype=np.float64)
    index = np.searchsorted(starts, t, side="right") - 1
    return np.asarray(np.where(index >= 0, offsets[np.maximum(index, 0)], 10.0))


def tt_minus_utc_s(unix_s: npt.ArrayLike) -> FloatArray:
    """TT − UTC in seconds."""
    return tai_minus_utc_s(unix_s) + TT_MINUS_TAI_S


def jd_tt(unix_s: npt.ArrayLike) -> FloatArray:
    """TT Julian date of POSIX seconds (UTC)."""
    t = np.asarray(unix_s, dtype=np.float64)
    return np.asarray(JD_UNIX_EPOCH + (t + tt_minus_utc_s(t)) / SECONDS_PER_DAY)


def era_rad(unix_s: npt.ArrayLike, ut1_minus_utc_s: npt.ArrayLike) -> FloatArray:
    """Earth rotation angle (IAU 2000, as ERFA ``era00``), radians in [0, 2π)."""
    days = (
        np.asarray(unix_s, dtype=np.float64)
        - UNIX_J2000_S
        + np.asarray(ut1_minus_utc_s, dtype=np.float64)
    ) / SECONDS_PER_DAY
    fraction = np.mod(days, 1.0)
    turns = np.mod(fraction + 0.7790572732640 + 0.00273781191135448 * days, 1.0)
    return np.asarray(2.0 * np.pi * turns)


ERA_RATE_RAD_S: Final = 2.0 * np.pi * 1.00273781191135448 / SECONDS_PER_DAY
"""Rate of the Earth rotation angle per second of UT1."""
