"""Apparent places and the local frame (IAU 2006/2000A through ERFA), vectorised.

Pipeline (all vectors along CIRS axes, times as POSIX seconds):

- **Stars**: ERFA ``pmsafe`` (catalogue epoch → J2000) then ``apci13`` + ``atciq`` (proper motion,
  parallax, light deflection, annual aberration, precession-nutation) at daily nodes aligned to
  0h UTC; the CIRS unit vector is interpolated linearly between nodes (error < 0.01″).
- **Sun and Moon**: astrometric geocentric positions from JPL DE421 (:mod:`.planets`; outside its
  1900–2050 coverage ERFA ``epv00``/``moon98``), rotated GCRS → CIRS (``c2i06a``), tabulated and
  interpolated; the topocentric apparent place subtracts the site's position and adds the
  aberration of the observer's total (orbital + diurnal) velocity.
- **Local frame**: exactly ERFA ``atioq`` with refraction switched off: rotation by the local
  Earth rotation angle, polar motion (IERS), diurnal aberration, then altitude. The hour angle is
  the apparent one, ``H = ERA + λ − α_CIRS`` (= LAST − α_apparent).

Altitudes are **geometric** (no refraction); the refraction convention lives in the thresholds.
"""

from __future__ import annotations

import collections
import functools
import math
import threading
import warnings
from collections.abc import Callable
from typing import Any, Final, NamedTuple

import erfa
import numpy as np
import numpy.typing as npt

from openocs.visibility import iers
from openocs.visibility.errors import EphemerisError
from openocs.visibility.site import Site
from openocs.visibility.timescales import SECONDS_PER_DAY, era_rad, jd_tt, tai_minus_utc_s

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

AU_M: Final = 149_597_870_700.0
C_AU_PER_DAY: Final = 299_792_458.0 * SECONDS_PER_DAY / AU_M
EARTH_ROTATION_RAD_S: Final = 7.292115e-5
MOON_RADIUS_AU: Final = 1_737_400.0 / AU_M
DAY_S: Final = SECONDS_PER_DAY
DEG: Final = math.pi / 180.0


def day_nodes(start_s: float, end_s: float) -> FloatArray:
    """0h-UTC nodes covering [start_s, end_s] with one spare node on each side."""
    first = math.floor(start_s / DAY_S) - 1
    last = math.ceil(end_s / DAY_S) + 1
    return np.arange(first, last + 1, dtype=np.float64) * DAY_S


def aligned_nodes(start_s: float, end_s: float, step_s: float) -> FloatArray:
    """Nodes at absolute multiples of ``step_s`` covering [start_s, end_s] plus one spare."""
    first = math.floor(start_s / step_s) - 1
    last = math.ceil(end_s / step_s) + 1
    return np.arange(first, last + 1, dtype=np.float64) * step_s


def interp_rows(nodes_s: FloatArray, values: FloatArray, t: FloatArray) -> FloatArray:
    """Linear interpolation of ``values`` (K, ...) tabulated at uniform ``nodes_s``."""
    step = nodes_s[1] - nodes_s[0]
    position = (t - nodes_s[0]) / step
    index = np.minimum(np.maximum(np.floor(position).astype(np.intp), 0), len(nodes_s) - 2)
    weight = (position - index).reshape(position.shape + (1,) * (values.ndim - 1))
    return np.asarray(values[index] * (1.0 - weight) + values[index + 1] * weight)


# --------------------------------------------------------------------------------------------
# Site geometry


class SiteGeometry(NamedTuple):
    """The constants of ERFA's ``apio`` for one site (valid for weeks: polar motion is slow)."""

    along_rad: float
    xpl_rad: float
    ypl_rad: float
    sin_lat: float
    cos_lat: float
    diurab: float
    position_au: tuple[float, float, float]
    """Site position in the terrestrial frame rotated by ERA = 0 (CIRS at θ = 0), au."""
    eop_unix_s: FloatArray | None = None
    """Optional window-local copy of the IERS table (0h nodes) for fast UT1 look-ups."""
    eop_ut1_minus_tai_s: FloatArray | None = None
    eop_xpl_rad: FloatArray | None = None
    """Polar motion with respect to the local meridian at the same nodes (ERFA ``apio``)."""
    eop_ypl_rad: FloatArray | None = None
    eop_xp_rad: FloatArray | None = None
    """IERS polar motion (x_p, y_p) at the same nodes, for the site's position."""
    eop_yp_rad: FloatArray | None = None
    eop_tai_minus_utc_s: float | None = None
    """TAI − UTC when it is one value over the whole span of the nodes (no leap second)."""


def site_geometry(
    site: Site, unix_s: float, span_s: tuple[float, float] | None = None
) -> SiteGeometry:
    """ERFA ``apio`` + ``pvtob`` constants for ``site`` near ``unix_s``.

    With ``span_s`` the UT1 − UTC values of that span are copied for fast evaluation.
    """
    # The constants are computed without polar motion (and s' = 0) so that they do not depend
    # on ``unix_s``: polar motion enters per instant, in the local frame through
    # :func:`polar_motion_at` and in the site's position (~10 m) in
    # :func:`site_position_velocity_cirs`.
    del unix_s
    elong = site.longitude_deg * DEG
    phi = site.latitude_deg * DEG
    astrom = erfa.apio(0.0, 0.0, elong, phi, site.elevation_m, 0.0, 0.0, 0.0, 0.0)
    pv = erfa.pvtob(elong, phi, site.elevation_m, 0.0, 0.0, 0.0, 0.0)
    position = np.asarray(pv["p"], dtype=np.float64) / AU_M
    return SiteGeometry(
        along_rad=float(astrom["along"]),
        xpl_rad=float(astrom["xpl"]),
        ypl_rad=float(astrom["ypl"]),
        sin_lat=float(astrom["sphi"]),
        cos_lat=float(astrom["cphi"]),
        diurab=float(astrom["diurab"]),
        position_au=(float(position[0]), float(position[1]), float(position[2])),
        **_local_eop(site, span_s),
    )


def _local_eop(site: Site, span_s: tuple[float, float] | None) -> dict[str, Any]:
    """Window-local daily EOP: UT1 − TAI and the local polar motion, so that every instant uses
    its own values (results do not depend on which window they were computed in)."""
    if span_s is None:
        return {}
    nodes = day_nodes(span_s[0], span_s[1])
    days = iers.eop_days(float(nodes[0]), float(nodes[-1]))
    if days is not None and np.array_equal(days.unix_s, nodes):
        ut1_tai, xp, yp = days.ut1_minus_tai_s, days.xp_rad, days.yp_rad
    else:
        table = iers.eop_table()
        if nodes[0] < table.unix_s[0] or nodes[-1] > table.unix_s[-1]:
            return {}
        ut1_tai = np.interp(nodes, table.unix_s, table.ut1_minus_tai_s)
        xp, yp = iers.polar_motion_rad(nodes)
    astrom = erfa.apio(
        erfa.sp00(jd_tt(nodes), 0.0),
        0.0,
        site.longitude_deg * DEG,
        site.latitude_deg * DEG,
        site.elevation_m,
        xp,
        yp,
        0.0,
        0.0,
    )
    leap = tai_minus_utc_s(nodes)
    return {
        "eop_tai_minus_utc_s": float(leap[0]) if bool(np.all(leap == leap[0])) else None,
        "eop_unix_s": nodes,
        "eop_ut1_minus_tai_s": np.asarray(ut1_tai),
        "eop_xpl_rad": np.asarray(astrom["xpl"], dtype=np.float64),
        "eop_ypl_rad": np.asarray(astrom["ypl"], dtype=np.float64),
        "eop_xp_rad": np.asarray(xp, dtype=np.float64),
        "eop_yp_rad": np.asarray(yp, dtype=np.float64),
    }


def polar_motion_at(
    geometry: SiteGeometry, t: FloatArray | None
) -> tuple[FloatArray | float, FloatArray | float]:
    """Local polar motion (x, y) in radians at ``t`` (the geometry's constants without ``t``)."""
    nodes = geometry.eop_unix_s
    # The nodes cover the span the geometry was made for (plus a spare day each side); beyond
    # them np.interp holds the end values (polar motion moves by milliarcseconds per day).
    if t is None or nodes is None or geometry.eop_xpl_rad is None or geometry.eop_ypl_rad is None:
        return geometry.xpl_rad, geometry.ypl_rad
    return np.interp(t, nodes, geometry.eop_xpl_rad), np.interp(t, nodes, geometry.eop_ypl_rad)


def local_era_rad(geometry: SiteGeometry, t: FloatArray) -> FloatArray:
    """Local Earth rotation angle ERA + λ (radians) at POSIX seconds ``t``."""
    nodes = geometry.eop_unix_s
    values = geometry.eop_ut1_minus_tai_s
    if nodes is not None and values is not None:
        # The nodes cover the geometry's span with a spare day on each side; within them TAI − UTC
        # is usually one value (no leap second), added as a scalar (the same bits, fewer calls).
        leap = geometry.eop_tai_minus_utc_s
        if leap is None or t.size == 0 or not nodes[0] <= t.min() <= t.max() <= nodes[-1]:
            dut1 = np.interp(t, nodes, values) + tai_minus_utc_s(t)
        else:
            dut1 = np.interp(t, nodes, values) + leap
    else:
        dut1 = iers.ut1_minus_utc_s(t)
    return np.asarray(era_rad(t, dut1) + geometry.along_rad)


def hour_angle_rad(vx: FloatArray, vy: FloatArray, eral: FloatArray) -> FloatArray:
    """The apparent hour angle of :func:`altitude_ha` alone (the same arithmetic, fewer steps)."""
    ce = np.cos(eral)
    se = np.sin(eral)
    x = vx * ce + vy * se
    y = -vx * se + vy * ce
    return np.asarray(-np.arctan2(y, x))


def altitude_ha(
    vx: FloatArray,
    vy: FloatArray,
    vz: FloatArray,
    eral: FloatArray,
    geometry: SiteGeometry,
    t: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Geometric altitude and apparent hour angle (radians) of CIRS direction vectors.

    This is ERFA ``atioq`` without refraction; the hour angle is taken before polar motion and
    diurnal aberration (H = ERA + λ − α_CIRS). With ``t`` the polar motion of each instant is
    used (small-angle form: the angles are below 3e-6 rad).
    """
    ce = np.cos(eral)
    se = np.sin(eral)
    x = vx * ce + vy * se
    y = -vx * se + vy * ce
    z = vz
    xpl, ypl = polar_motion_at(geometry, t)
    sx, cx = xpl, 1.0 - 0.5 * xpl * xpl
    sy, cy = ypl, 1.0 - 0.5 * ypl * ypl
    xhd = cx * x + sx * z
    yhd = sx * sy * x + cy * y - cx * sy * z
    zhd = -sx * cy * x + sy * y + cx * cy * z
    f = 1.0 - geometry.diurab * yhd
    xhdt = f * xhd
    yhdt = f * (yhd + geometry.diurab)
    zhdt = f * zhd
    xaet = geometry.sin_lat * xhdt - geometry.cos_lat * zhdt
    zaet = geometry.cos_lat * xhdt + geometry.sin_lat * zhdt
    altitude = np.arctan2(zaet, np.hypot(xaet, yhdt))
    hour_angle = -np.arctan2(y, x)
    return np.asarray(altitude), np.asarray(hour_angle)


def site_position_velocity_cirs(
    geometry: SiteGeometry, eral: FloatArray, t: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Site geocentric position (au) and velocity (au/day) along CIRS axes, shape (N, 3).

    With ``t`` the IERS polar motion of each instant moves the terrestrial position (first
    order, as ERFA ``pvtob``: x − x_p z, y + y_p z, z + x_p x − y_p y).
    """
    theta = eral - geometry.along_rad
    c = np.cos(theta)
    s = np.sin(theta)
    x0, y0, z0 = geometry.position_au
    xt: FloatArray | float
    yt: FloatArray | float
    zt: FloatArray | float
    nodes = geometry.eop_unix_s
    if t is not None and nodes is not None and geometry.eop_xp_rad is not None:
        assert geometry.eop_yp_rad is not None  # noqa: S101 - set together
        xp = np.interp(t, nodes, geometry.eop_xp_rad)
        yp = np.interp(t, nodes, geometry.eop_yp_rad)
        xt, yt, zt = x0 - xp * z0, y0 + yp * z0, z0 + xp * x0 - yp * y0
    else:
        xt, yt, zt = x0, y0, z0
    x = c * xt - s * yt
    y = s * xt + c * yt
    z = np.broadcast_to(zt, x.shape).astype(np.float64)
    omega = EARTH_ROTATION_RAD_S * DAY_S
    position = np.stack([x, y, z], axis=-1)
    velocity = np.stack([-omega * y, omega * x, np.zeros_like(x)], axis=-1)
    return position, velocity


def aberrate(direction: FloatArray, velocity_au_day: FloatArray) -> FloatArray:
    """Apply stellar aberration (first order, error < 0.002″) to unit vectors (N, 3)."""
    beta = velocity_au_day / C_AU_PER_DAY
    dot = np.sum(direction * beta, axis=-1, keepdims=True)
    moved = direction + beta - direction * dot
    return np.asarray(moved / np.linalg.norm(moved, axis=-1, keepdims=True))


# --------------------------------------------------------------------------------------------
# Geocentric ephemerides (site independent), cached per node grid


def _sun_gcrs_au(tt: FloatArray) -> FloatArray:
    from openocs.visibility import planets

    try:
        return planets.geocentric_position_au("sun", tt)
    except EphemerisError:
        pvh, _ = erfa.epv00(tt, 0.0)
        return np.asarray(-pvh["p"], dtype=np.float64)


def _moon_gcrs_au(tt: FloatArray) -> FloatArray:
    from openocs.visibility import planets

    try:
        return planets.geocentric_position_au("moon", tt)
    except EphemerisError:
        pv = erfa.moon98(tt, 0.0)
        return np.asarray(pv["p"], dtype=np.float64)


class _PerDay:
    """Values cached per UTC day (day number → array), with the days a request lacks computed
    together in one vectorised pass by ``compute(first_day, last_day)``.

    Every value must depend on its day alone (never on which other days were computed with it),
    so that what is cached never changes a result. Least recently used days are dropped beyond
    ``max_days``; thread-safe (web workers share the caches between their threads).
    """

    def __init__(
        self, compute: Callable[[int, int], list[npt.NDArray[Any]]], max_days: int
    ) -> None:
        self._compute = compute
        self._max_days = max_days
        self._days: collections.OrderedDict[int, npt.NDArray[Any]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def rows(self, first_day: int, last_day: int) -> list[npt.NDArray[Any]]:
        days = range(first_day, last_day + 1)
        with self._lock:
            found = [self._days.get(day) for day in days]
            for day, row in zip(days, found, strict=True):
                if row is not None:
                    self._days.move_to_end(day)
        missing = [day for day, row in zip(days, found, strict=True) if row is None]
        if not missing:
            return [row for row in found if row is not None]
        computed = dict(
            zip(
                range(missing[0], missing[-1] + 1),
                self._compute(missing[0], missing[-1]),
                strict=True,
            )
        )
        with self._lock:
            for day in missing:
                self._days[day] = computed[day]
                self._days.move_to_end(day)
            while len(self._days) > self._max_days:
                self._days.popitem(last=False)
        return [computed[day] if row is None else row for day, row in zip(days, found, strict=True)]

    def clear(self) -> None:
        with self._lock:
            self._days.clear()


def _astrom_of_days(first_day: int, last_day: int) -> list[npt.NDArray[Any]]:
    """ERFA ``apci13`` (IAU 2006/2000A) at the 0h-UTC node of each day: the star-independent
    parameters of the stars' apparent places, whose ``bpn`` is the GCRS→CIRS matrix (the same
    bits as ``c2i06a``) and whose ``v`` is the Earth's barycentric velocity (in units of c)."""
    nodes = np.arange(first_day, last_day + 1, dtype=np.float64) * DAY_S
    astrom, _ = erfa.apci13(jd_tt(nodes), 0.0)
    astrom.setflags(write=False)
    return [astrom[i : i + 1] for i in range(len(nodes))]


_ASTROM_DAYS: Final = _PerDay(_astrom_of_days, 65_536)

_ERFA_CR_DAYS: Final = erfa.AULT / erfa.DAYSEC
"""ERFA's ``ERFA_CR`` (light time for 1 au, in days), by which ``apcs`` scaled the velocity."""


@functools.lru_cache(maxsize=64)
def _daily_astrom(first_day: int, last_day: int) -> npt.NDArray[np.void]:
    """``apci13`` records at the 0h nodes of days ``first_day`` to ``last_day`` (cached)."""
    astrom = np.concatenate(_ASTROM_DAYS.rows(first_day, last_day))
    astrom.setflags(write=False)
    return astrom


@functools.lru_cache(maxsize=64)
def _daily_c2i_velocity(first_day: int, last_day: int) -> tuple[FloatArray, FloatArray]:
    """GCRS→CIRS matrices and the Earth's barycentric velocity (au/day) at the 0h nodes."""
    astrom = _daily_astrom(first_day, last_day)
    matrices = np.asarray(astrom["bpn"], dtype=np.float64)
    velocity = np.asarray(astrom["v"] / _ERFA_CR_DAYS, dtype=np.float64)
    matrices.setflags(write=False)
    velocity.setflags(write=False)
    return matrices, velocity


def _at_time_of_day(kind: int, t: FloatArray) -> FloatArray:
    """The daily GCRS→CIRS matrices (``kind`` 0) or Earth velocities (1) at ``t``, each instant
    interpolated between the 0h nodes of its own day with the time of day as the weight: the
    same bits for an instant whatever other instants it is computed with. The nutation terms
    make the matrices good to 0.01″ so; the aberration the velocity drives to < 0.001″."""
    day = np.floor(t / DAY_S)
    first = math.floor(float(np.min(t)) / DAY_S)
    values = _daily_c2i_velocity(first, math.floor(float(np.max(t)) / DAY_S) + 1)[kind]
    index = (day - first).astype(np.intp)
    weight = ((t - day * DAY_S) / DAY_S).reshape(t.shape + (1,) * (values.ndim - 1))
    return np.asarray(values[index] * (1.0 - weight) + values[index + 1] * weight)


def c2i_at(t: FloatArray) -> FloatArray:
    """GCRS→CIRS matrices (IAU 2006/2000A) at arbitrary times (daily nodes interpolated)."""
    return _at_time_of_day(0, t)


def earth_velocity_au_day(t: FloatArray) -> FloatArray:
    """The Earth's barycentric velocity (au/day) at POSIX seconds ``t`` (daily nodes
    interpolated)."""
    return _at_time_of_day(1, t)


def gcrs_to_cirs(vectors: FloatArray, t: FloatArray) -> FloatArray:
    """Rotate (N, 3) GCRS vectors to CIRS at times ``t``."""
    return np.asarray(np.einsum("nij,nj->ni", c2i_at(t), vectors))


class BodyTable(NamedTuple):
    """Geocentric astrometric CIRS positions (au) and the Earth's velocity (au/day) at nodes."""

    nodes_s: FloatArray
    position_au: FloatArray
    earth_velocity_au_day: FloatArray


SUN_STEP_S: Final = 3600.0
MOON_STEP_S: Final = 600.0
BODY_CACHE_DAYS: Final = 4096
"""Days of Sun and Moon nodes kept per body (a day of Moon nodes is 7 kB)."""


class _BodyDays(_PerDay):
    """Geocentric astrometric CIRS positions (au) and the Earth's velocity (au/day, CIRS axes)
    of the Sun or the Moon at uniform nodes, cached per UTC day as (K + 1, 2, 3) rows (a day's
    nodes and the next day's 0h node): a first call computes only the days of its window."""

    def __init__(self, body: str, step_s: float) -> None:
        super().__init__(self._body_days, BODY_CACHE_DAYS)
        self.body = body
        self.step_s = step_s
        self.per_day = round(DAY_S / step_s)

    def _body_days(self, first_day: int, last_day: int) -> list[npt.NDArray[Any]]:
        if first_day < last_day and not self._inside_ephemeris(first_day, last_day):
            # Near the ends of DE421 each day is computed on its own, so that a day falls back
            # to ERFA (or not) whatever it is computed with.
            return [self._body_days(day, day)[0] for day in range(first_day, last_day + 1)]
        count = self.per_day * (last_day - first_day + 1)
        nodes = first_day * DAY_S + self.step_s * np.arange(count + 1, dtype=np.float64)
        tt = jd_tt(nodes)
        gcrs = _sun_gcrs_au(tt) if self.body == "sun" else _moon_gcrs_au(tt)
        c2i = c2i_at(nodes)
        position = np.einsum("nij,nj->ni", c2i, gcrs)
        velocity = np.einsum("nij,nj->ni", c2i, earth_velocity_au_day(nodes))
        table = np.stack([position, velocity], axis=1)
        table.setflags(write=False)
        return [
            table[i * self.per_day : (i + 1) * self.per_day + 1]
            for i in range(last_day - first_day + 1)
        ]

    @staticmethod
    def _inside_ephemeris(first_day: int, last_day: int) -> bool:
        from openocs.visibility import planets

        coverage = planets.ephemeris_coverage()
        first_jd, last_jd = jd_tt(np.array([first_day - 1, last_day + 2]) * DAY_S)
        return coverage.first_jd_tdb <= float(first_jd) and float(last_jd) <= coverage.last_jd_tdb


_BODY_DAYS: Final = {"sun": _BodyDays("sun", SUN_STEP_S), "moon": _BodyDays("moon", MOON_STEP_S)}


@functools.lru_cache(maxsize=8)
def _body_span(body: str, first_day: int, last_day: int) -> BodyTable:
    days = _BODY_DAYS[body]
    rows = days.rows(first_day, last_day)
    values = np.concatenate([row[:-1] for row in rows] + [rows[-1][-1:]])
    values.setflags(write=False)
    nodes = first_day * DAY_S + days.step_s * np.arange(len(values), dtype=np.float64)
    return BodyTable(nodes, values[:, 0], values[:, 1])


def body_table(body: str, start_s: float, end_s: float) -> BodyTable:
    """Sun or Moon table covering [start_s, end_s]: the UTC days from ``start_s`` to ``end_s``
    (a 7-day window from 0h computes 7 days)."""
    first_day = math.floor(start_s / DAY_S)
    return _body_span(body, first_day, max(first_day, math.ceil(end_s / DAY_S) - 1))


class Topocentric(NamedTuple):
    """Apparent topocentric CIRS unit vectors, distances (au) and local angles."""

    direction: FloatArray
    distance_au: FloatArray
    altitude_rad: FloatArray
    hour_angle_rad: FloatArray


def topocentric_from_geocentric(
    geocentric_cirs_au: FloatArray,
    earth_velocity_cirs: FloatArray,
    t: FloatArray,
    geometry: SiteGeometry,
    *,
    diurnal_aberration: bool = True,
) -> Topocentric:
    """Apparent topocentric place of bodies given geocentric astrometric CIRS positions.

    Without ``diurnal_aberration`` the direction is aberrated by the Earth's orbital velocity
    only, like the star places, so that separations from stars carry no differential term.
    """
    eral = local_era_rad(geometry, t)
    site_p, site_v = site_position_velocity_cirs(geometry, eral, t)
    relative = geocentric_cirs_au - site_p
    distance = np.linalg.norm(relative, axis=-1)
    velocity = earth_velocity_cirs + site_v if diurnal_aberration else earth_velocity_cirs
    direction = aberrate(relative / distance[:, None], velocity)
    # The local transform adds diurnal aberration itself; it is already in ``direction``.
    altitude, hour_angle = _altitude_ha_no_diurnal(direction, eral, geometry, t)
    return Topocentric(direction, distance, altitude, hour_angle)


def _altitude_ha_no_diurnal(
    direction: FloatArray, eral: FloatArray, geometry: SiteGeometry, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    plain = geometry._replace(diurab=0.0)
    return altitude_ha(direction[:, 0], direction[:, 1], direction[:, 2], eral, plain, t)


def body_topocentric(
    body: str, t: FloatArray, geometry: SiteGeometry, *, diurnal_aberration: bool = True
) -> Topocentric:
    """Apparent topocentric place of the Sun or the Moon at POSIX seconds ``t``."""
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    table = body_table(body, float(np.min(t)), float(np.max(t)))
    position = interp_rows(table.nodes_s, table.position_au, t)
    velocity = interp_rows(table.nodes_s, table.earth_velocity_au_day, t)
    return topocentric_from_geocentric(
        position, velocity, t, geometry, diurnal_aberration=diurnal_aberration
    )


def moon_semidiameter_rad(distance_au: FloatArray) -> FloatArray:
    """Apparent semi-diameter of the Moon at a topocentric distance."""
    return np.asarray(np.arcsin(MOON_RADIUS_AU / distance_au))


def moon_illuminated_fraction(t: FloatArray, geometry: SiteGeometry) -> FloatArray:
    """Illuminated fraction k = (1 + cos i)/2, i the Sun–Moon–observer angle (spec §4.5)."""
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    sun = body_topocentric("sun", t, geometry)
    moon = body_topocentric("moon", t, geometry)
    sun_vec = sun.direction * sun.distance_au[:, None]
    moon_vec = moon.direction * moon.distance_au[:, None]
    to_sun = sun_vec - moon_vec
    cos_i = -np.sum(to_sun * moon_vec, axis=-1) / (
        np.linalg.norm(to_sun, axis=-1) * moon.distance_au
    )
    return np.asarray((1.0 + cos_i) / 2.0)


# --------------------------------------------------------------------------------------------
# Stars


def _geocentric_astrom(first_day_s: float, last_day_s: float) -> npt.NDArray[np.void]:
    """ERFA ``apci13`` star-independent parameters at the 0h-UTC nodes from ``first_day_s`` to
    ``last_day_s`` (cached per day, shared with the GCRS→CIRS and Earth-velocity nodes)."""
    return _daily_astrom(math.floor(first_day_s / DAY_S), math.floor(last_day_s / DAY_S))


class StarNodes(NamedTuple):
    """Geocentric apparent CIRS unit vectors of N stars at daily nodes: shape (N, K, 3)."""

    nodes_s: FloatArray
    vectors: FloatArray

    def at(self, index: IntArray, t: FloatArray) -> FloatArray:
        """Interpolated unit vectors (M, 3) of stars ``index`` at times ``t``."""
        position = (t - self.nodes_s[0]) / DAY_S
        k = np.minimum(np.maximum(np.floor(position).astype(np.intp), 0), len(self.nodes_s) - 2)
        w = (position - k)[:, None]
        # No renormalisation: over one day a star moves by arcseconds, so the chord shortens
        # the vector by ~1e-12, far below anything the altitude or a separation can feel.
        return np.asarray(self.vectors[index, k] * (1.0 - w) + self.vectors[index, k + 1] * w)

    def ra_rad_at_nodes(self) -> FloatArray:
        """CIRS right ascension at the nodes, (N, K)."""
        return np.asarray(np.arctan2(self.vectors[..., 1], self.vectors[..., 0]))


def star_nodes(
    ra_deg: FloatArray,
    dec_deg: FloatArray,
    pm_ra_cosdec_mas_yr: FloatArray,
    pm_dec_mas_yr: FloatArray,
    parallax_mas: FloatArray,
    epoch_jyear: FloatArray,
    start_s: float,
    end_s: float,
) -> StarNodes:
    """Apparent places of catalogue stars at the daily nodes covering the window."""
    nodes = day_nodes(start_s, end_s)
    astrom = _geocentric_astrom(float(nodes[0]), float(nodes[-1]))
    mas = DEG / 3_600_000.0
    ra = np.asarray(ra_deg, dtype=np.float64) * DEG
    dec = np.asarray(dec_deg, dtype=np.float64) * DEG
    pm_ra = np.asarray(pm_ra_cosdec_mas_yr, dtype=np.float64) * mas / np.maximum(np.cos(dec), 1e-12)
    pm_dec = np.asarray(pm_dec_mas_yr, dtype=np.float64) * mas
    parallax_arcsec = np.asarray(parallax_mas, dtype=np.float64) / 1000.0
    epoch = np.asarray(epoch_jyear, dtype=np.float64)
    moved = np.abs(epoch - 2000.0) > 1e-9
    if np.any(moved & ((pm_ra != 0) | (pm_dec != 0))):
        e1, e2 = erfa.epj2jd(epoch)
        with warnings.catch_warnings():
            # "distance overridden" for zero parallax is the documented, intended behaviour.
            warnings.simplefilter("ignore", erfa.ErfaWarning)
            r2, d2, pr2, pd2, px2, _ = erfa.pmsafe(
                ra, dec, pm_ra, pm_dec, parallax_arcsec, 0.0, e1, e2, 2_451_545.0, 0.0
            )
        ra = np.where(moved, r2, ra)
        dec = np.where(moved, d2, dec)
        pm_ra = np.where(moved, pr2, pm_ra)
        pm_dec = np.where(moved, pd2, pm_dec)
        parallax_arcsec = np.where(moved, px2, parallax_arcsec)
    ri, di = erfa.atciq(
        ra[:, None],
        dec[:, None],
        pm_ra[:, None],
        pm_dec[:, None],
        parallax_arcsec[:, None],
        0.0,
        astrom[None, :],
    )
    cd = np.cos(di)
    vectors = np.stack([cd * np.cos(ri), cd * np.sin(ri), np.sin(di)], axis=-1)
    return StarNodes(nodes_s=nodes, vectors=np.asarray(vectors, dtype=np.float64))


PositionFunction = Callable[[FloatArray], FloatArray]
"""Astrometric geocentric GCRS position (N, 3) au of a body at TT Julian dates."""


def moving_topocentric(
    position_au: PositionFunction,
    t: FloatArray,
    geometry: SiteGeometry,
    *,
    earth_bound: bool = False,
) -> Topocentric:
    """Apparent topocentric place of a body given its astrometric geocentric positions.

    ``earth_bound`` bodies (Earth satellites) move with the Earth: their topocentric direction
    is taken geometrically, without aberration (as astropy's topocentric ITRS route does).
    """
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    gcrs = np.asarray(position_au(jd_tt(t)), dtype=np.float64).reshape(-1, 3)
    return topocentric_from_gcrs(gcrs, t, geometry, earth_bound=earth_bound)


def topocentric_from_gcrs(
    gcrs_au: FloatArray, t: FloatArray, geometry: SiteGeometry, *, earth_bound: bool = False
) -> Topocentric:
    """:func:`moving_topocentric` for astrometric geocentric GCRS positions already in hand."""
    cirs = gcrs_to_cirs(gcrs_au, t)
    if earth_bound:
        eral = local_era_rad(geometry, t)
        site_p, _ = site_position_velocity_cirs(geometry, eral, t)
        relative = cirs - site_p
        distance = np.linalg.norm(relative, axis=-1)
        direction = relative / distance[:, None]
        altitude, hour_angle = _altitude_ha_no_diurnal(direction, eral, geometry, t)
        return Topocentric(direction, distance, altitude, hour_angle)
    velocity = gcrs_to_cirs(earth_velocity_au_day(t), t)
    return topocentric_from_geocentric(cirs, velocity, t, geometry)


class PositionTable(NamedTuple):
    """Astrometric geocentric positions at uniform nodes, interpolated by cubic Hermite
    (Catmull-Rom) splines: for planets, asteroids and comets sampled every 20 minutes the
    interpolation error is far below a milliarcsecond."""

    nodes_s: FloatArray
    positions_au: FloatArray

    @classmethod
    def sample(
        cls, position_au: PositionFunction, start_s: float, end_s: float, step_s: float
    ) -> PositionTable:
        count = math.ceil((end_s - start_s) / step_s)
        nodes = start_s + step_s * np.arange(-1, count + 2, dtype=np.float64)
        positions = np.asarray(position_au(jd_tt(nodes)), dtype=np.float64).reshape(-1, 3)
        return cls(nodes, positions)

    def at(self, t: FloatArray) -> FloatArray:
        step = self.nodes_s[1] - self.nodes_s[0]
        position = (t - self.nodes_s[0]) / step
        k = np.minimum(np.maximum(np.floor(position).astype(np.intp), 1), len(self.nodes_s) - 3)
        u = (position - k)[:, None]
        p = self.positions_au
        m0 = 0.5 * (p[k + 1] - p[k - 1])
        m1 = 0.5 * (p[k + 2] - p[k])
        u2 = u * u
        u3 = u2 * u
        return np.asarray(
            (2 * u3 - 3 * u2 + 1) * p[k]
            + (u3 - 2 * u2 + u) * m0
            + (-2 * u3 + 3 * u2) * p[k + 1]
            + (u3 - u2) * m1
        )


def equation_of_origins_rad(t: FloatArray) -> FloatArray:
    """ERFA ``eo06a``: ERA − GAST (radians), so that α_equinox = α_CIRS − EO."""
    return np.asarray(erfa.eo06a(jd_tt(t), 0.0), dtype=np.float64)
