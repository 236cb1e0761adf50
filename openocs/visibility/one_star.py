"""Observable intervals of one sidereal target in plain floats (issue 17: one target per call).

The array code of :mod:`.observability` has a fixed cost per call (a few hundred numpy operations
on arrays of a dozen elements) that dominates when the portal validates one target at a time. This
module computes the same intervals for one star with Python floats and :mod:`math`, using the
same models (the star's apparent CIRS direction interpolated between daily nodes, ERFA ``atioq``
without refraction for the local frame, the same tabulated Moon) so that every edge agrees with
the array code to well under a millisecond (the tests compare the two):

- The altitude and hour-angle limits are a window of hour angle around each upper culmination,
  ``max(−H₀, lo) ≤ H ≤ min(H₀, hi)`` with ``cos H₀ = (sin h₀ − sin φ sin δ)/(cos φ cos δ)``. Only
  the edges that fall within the site's allowed spans (night, Moon phase) are refined: Newton steps
  on the exact altitude or hour angle, converged to under a microsecond.
- The Moon-distance limit is checked per span with a bounding cap (the Moon stays within a small
  circle during one night): only stars that come near the limit are sampled on the hourly grid of
  the array code and their crossings refined on the exact function.

Anything outside what this handles cheaply (a star grazing its limit at culmination, one that may
reach the zenith blind spot, a geometry without the window's IERS table, a leap second in the
window, proper motion with another epoch) returns ``None``: the caller then uses the array code.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import erfa
import numpy as np

from openocs.visibility import astrometry as astro
from openocs.visibility.intervals import intersect_lists
from openocs.visibility.targets import SiderealTarget
from openocs.visibility.timescales import ERA_RATE_RAD_S, UNIX_J2000_S

Span = tuple[float, float]

DAY_S: Final = 86_400.0
TWO_PI: Final = 2.0 * math.pi
OMEGA: Final = float(ERA_RATE_RAD_S)
SITE_OMEGA_PER_DAY: Final = astro.EARTH_ROTATION_RAD_S * DAY_S
MAS_RAD: Final = math.pi / 180.0 / 3_600_000.0
GRAZING_MARGIN_RAD: Final = 1e-3
"""A star whose altitude at culmination is this close to its limit goes to the array code: the
exact altitude differs from the formula by under 2″ (polar motion, diurnal aberration)."""
ALTITUDE_SLACK_RAD: Final = 3e-5
EDGE_MARGIN_S: Final = 30.0
"""Beyond its predicted uncertainty, how far from a span a rough edge must be to be left rough."""
MAX_EDGE_UNCERTAINTY_S: Final = 600.0
CONVERGED_STEP_S: Final = 1e-3
"""Newton converges quadratically: after a step this small the error is below a nanosecond."""
MAX_NEWTON_STEPS: Final = 8
MIN_COS_DEC: Final = 0.01
"""Within 0.6° of a pole the right ascension drifts fast enough (aberration, precession) to
move an hour-angle edge by more than the margin in a few hours: the array code takes those."""
MOON_CAP_MARGIN_RAD: Final = 0.01
MOON_ROUGH_MARGIN: Final = 5e-6
MOON_TOLERANCE_S: Final = 1e-4


class Frame:
    """The site's local frame (ERFA ``apio`` constants) and the window's daily IERS values as
    floats: the Earth rotation angle, polar motion and the site's motion at one instant."""

    __slots__ = (
        "along",
        "cos_lat",
        "diurab",
        "eop_first_s",
        "eop_last",
        "leap_s",
        "sin_lat",
        "ut1_tai",
        "x0",
        "xp",
        "xpl",
        "y0",
        "yp",
        "ypl",
        "z0",
    )

    def __init__(self, geometry: astro.SiteGeometry) -> None:
        nodes = geometry.eop_unix_s
        assert nodes is not None  # noqa: S101 - checked by from_geometry
        self.along = geometry.along_rad
        self.sin_lat = geometry.sin_lat
        self.cos_lat = geometry.cos_lat
        self.diurab = geometry.diurab
        self.x0, self.y0, self.z0 = geometry.position_au
        self.eop_first_s = float(nodes[0])
        self.eop_last = len(nodes) - 1
        self.leap_s = float(geometry.eop_tai_minus_utc_s or 0.0)
        self.ut1_tai: list[float] = np.asarray(geometry.eop_ut1_minus_tai_s).tolist()
        self.xpl: list[float] = np.asarray(geometry.eop_xpl_rad).tolist()
        self.ypl: list[float] = np.asarray(geometry.eop_ypl_rad).tolist()
        self.xp: list[float] = np.asarray(geometry.eop_xp_rad).tolist()
        self.yp: list[float] = np.asarray(geometry.eop_yp_rad).tolist()

    @classmethod
    def from_geometry(cls, geometry: astro.SiteGeometry) -> Frame | None:
        """None without a window-local IERS table or with a leap second inside it."""
        if (
            geometry.eop_unix_s is None
            or geometry.eop_tai_minus_utc_s is None
            or geometry.eop_ut1_minus_tai_s is None
            or geometry.eop_xpl_rad is None
            or geometry.eop_ypl_rad is None
            or geometry.eop_xp_rad is None
            or geometry.eop_yp_rad is None
            or len(geometry.eop_unix_s) < 2
        ):
            return None
        return cls(geometry)

    def _node(self, t: float) -> tuple[int, float]:
        """Daily node index and weight, held at the ends (as ``np.interp``)."""
        position = (t - self.eop_first_s) / DAY_S
        if position <= 0.0:
            return 0, 0.0
        if position >= self.eop_last:
            return self.eop_last - 1, 1.0
        k = int(position)
        return k, position - k

    def eral(self, t: float) -> float:
        """Local Earth rotation angle ERA + λ (as :func:`astrometry.local_era_rad`)."""
        k, w = self._node(t)
        v = self.ut1_tai
        dut1 = v[k] + w * (v[k + 1] - v[k]) + self.leap_s
        days = (t - UNIX_J2000_S + dut1) / DAY_S
        turns = (days % 1.0 + 0.7790572732640 + 0.00273781191135448 * days) % 1.0
        return TWO_PI * turns + self.along

    def altitude_ha(self, vx: float, vy: float, vz: float, t: float) -> tuple[float, float]:
        """Geometric altitude and apparent hour angle (as :func:`astrometry.altitude_ha`)."""
        eral = self.eral(t)
        ce = math.cos(eral)
        se = math.sin(eral)
        x = vx * ce + vy * se
        y = -vx * se + vy * ce
        z = vz
        k, w = self._node(t)
        xpl = self.xpl[k] + w * (self.xpl[k + 1] - self.xpl[k])
        ypl = self.ypl[k] + w * (self.ypl[k + 1] - self.ypl[k])
        cx = 1.0 - 0.5 * xpl * xpl
        cy = 1.0 - 0.5 * ypl * ypl
        xhd = cx * x + xpl * z
        yhd = xpl * ypl * x + cy * y - cx * ypl * z
        zhd = -xpl * cy * x + ypl * y + cx * cy * z
        f = 1.0 - self.diurab * yhd
        xhdt = f * xhd
        yhdt = f * (yhd + self.diurab)
        zhdt = f * zhd
        xaet = self.sin_lat * xhdt - self.cos_lat * zhdt
        zaet = self.cos_lat * xhdt + self.sin_lat * zhdt
        return math.atan2(zaet, math.hypot(xaet, yhdt)), -math.atan2(y, x)

    def hour_angle(self, vx: float, vy: float, t: float) -> float:
        eral = self.eral(t)
        ce = math.cos(eral)
        se = math.sin(eral)
        return -math.atan2(-vx * se + vy * ce, vx * ce + vy * se)

    def site_motion(
        self, t: float
    ) -> tuple[float, float, float, float, float, float, float, float, float]:
        """Site position (with polar motion) and velocity along CIRS axes, and the velocity
        without polar motion (as :meth:`_SiteContext.moon_and_site_velocity` uses them)."""
        theta = self.eral(t) - self.along
        c = math.cos(theta)
        s = math.sin(theta)
        k, w = self._node(t)
        xp = self.xp[k] + w * (self.xp[k + 1] - self.xp[k])
        yp = self.yp[k] + w * (self.yp[k + 1] - self.yp[k])
        x0, y0, z0 = self.x0, self.y0, self.z0
        xt = x0 - xp * z0
        yt = y0 + yp * z0
        zt = z0 + xp * x0 - yp * y0
        px = c * xt - s * yt
        py = s * xt + c * yt
        plain_x = c * x0 - s * y0
        plain_y = s * x0 + c * y0
        om = SITE_OMEGA_PER_DAY
        return px, py, zt, -om * py, om * px, 0.0, -om * plain_y, om * plain_x, 0.0


def _aberrate(
    dx: float, dy: float, dz: float, vx: float, vy: float, vz: float
) -> tuple[float, float, float]:
    c = astro.C_AU_PER_DAY
    bx, by, bz = vx / c, vy / c, vz / c
    dot = dx * bx + dy * by + dz * bz
    mx = dx + bx - dx * dot
    my = dy + by - dy * dot
    mz = dz + bz - dz * dot
    norm = math.sqrt(mx * mx + my * my + mz * mz)
    return mx / norm, my / norm, mz / norm


@dataclass(frozen=True, slots=True)
class MoonKit:
    """The site's Moon for the window: the 10-minute geocentric table (for the exact distance
    function) and the hourly topocentric directions of the array code's Moon-distance grid."""

    table_first_s: float
    table_step_s: float
    position_au: list[tuple[float, float, float]]
    earth_velocity: list[tuple[float, float, float]]
    grid_first_s: float
    grid_step_s: float
    directions: list[tuple[float, float, float]]

    @classmethod
    def from_arrays(
        cls, table: astro.BodyTable, grid_s: np.ndarray, directions: np.ndarray
    ) -> MoonKit:
        return cls(
            float(table.nodes_s[0]),
            float(table.nodes_s[1] - table.nodes_s[0]),
            [tuple(row) for row in table.position_au.tolist()],
            [tuple(row) for row in table.earth_velocity_au_day.tolist()],
            float(grid_s[0]),
            float(grid_s[1] - grid_s[0]),
            [tuple(row) for row in np.asarray(directions).tolist()],
        )

    def caps(self, spans: Sequence[Span]) -> list[tuple[float, float, float, float]]:
        """For each span a circle (unit centre x, y, z and radius) holding the Moon throughout."""
        result = []
        last = len(self.directions) - 1
        for start, end in spans:
            i0 = max(math.floor((start - self.grid_first_s) / self.grid_step_s), 0)
            i1 = min(math.ceil((end - self.grid_first_s) / self.grid_step_s), last)
            points = self.directions[i0 : i1 + 1]
            cx = sum(p[0] for p in points)
            cy = sum(p[1] for p in points)
            cz = sum(p[2] for p in points)
            norm = math.sqrt(cx * cx + cy * cy + cz * cz)
            if norm < 1e-6:  # the Moon all round the sky (a span of weeks)
                result.append((1.0, 0.0, 0.0, math.pi))
                continue
            cx, cy, cz = cx / norm, cy / norm, cz / norm
            lowest = min(cx * p[0] + cy * p[1] + cz * p[2] for p in points)
            radius = math.acos(max(-1.0, min(1.0, lowest))) + MOON_CAP_MARGIN_RAD
            result.append((cx, cy, cz, radius))
        return result


@dataclass(frozen=True, slots=True)
class Nights:
    """What the site allows (dark, Moon phase) as raw spans, with Moon caps when needed."""

    spans: list[Span]
    caps: list[tuple[float, float, float, float]] | None
    starts: list[float] = field(init=False)
    ends: list[float] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", [s for s, _ in self.spans])
        object.__setattr__(self, "ends", [e for _, e in self.spans])


class Star:
    """The star's geocentric apparent CIRS unit vector at daily nodes (as
    :func:`astrometry.star_nodes`), interpolated linearly."""

    __slots__ = ("first_s", "last", "vectors")

    def __init__(self, first_s: float, vectors: list[tuple[float, float, float]]) -> None:
        self.first_s = first_s
        self.vectors = vectors
        self.last = len(vectors) - 2

    @classmethod
    def of(cls, target: SiderealTarget, range_start_s: float, range_end_s: float) -> Star:
        nodes = astro.day_nodes(range_start_s, range_end_s)
        first, last = float(nodes[0]), float(nodes[-1])
        moved = abs(target.epoch_jyear - 2000.0) > 1e-9
        if moved and (target.pm_ra_cosdec_mas_yr != 0 or target.pm_dec_mas_yr != 0):
            general = astro.star_nodes(
                np.array([target.ra_deg]),
                np.array([target.dec_deg]),
                np.array([target.pm_ra_cosdec_mas_yr]),
                np.array([target.pm_dec_mas_yr]),
                np.array([target.parallax_mas]),
                np.array([target.epoch_jyear]),
                range_start_s,
                range_end_s,
            )
            return cls(first, [tuple(row) for row in general.vectors[0].tolist()])
        astrom = astro._geocentric_astrom(first, last)
        dec = target.dec_deg * astro.DEG
        ri, di = erfa.ufunc.atciq(
            target.ra_deg * astro.DEG,
            dec,
            target.pm_ra_cosdec_mas_yr * MAS_RAD / max(math.cos(dec), 1e-12),
            target.pm_dec_mas_yr * MAS_RAD,
            target.parallax_mas / 1000.0,
            0.0,
            astrom,
        )
        vectors = []
        for r, d in zip(ri.tolist(), di.tolist(), strict=True):
            cd = math.cos(d)
            vectors.append((cd * math.cos(r), cd * math.sin(r), math.sin(d)))
        return cls(first, vectors)

    def at(self, t: float) -> tuple[float, float, float]:
        position = (t - self.first_s) / DAY_S
        k = math.floor(position)
        if k < 0:
            k = 0
        elif k > self.last:
            k = self.last
        w = position - k
        a = self.vectors[k]
        b = self.vectors[k + 1]
        u = 1.0 - w
        return a[0] * u + b[0] * w, a[1] * u + b[1] * w, a[2] * u + b[2] * w


@dataclass(frozen=True, slots=True)
class Limits:
    """The star's limits in radians: altitude threshold, allowed hour angles, Moon distance."""

    threshold_rad: float
    ha_low_rad: float
    ha_high_rad: float
    checks_ha: bool
    zenith_ceiling_rad: float | None
    min_moon_distance_rad: float | None


def _wrap(angle: float) -> float:
    """Angle in [−π, π)."""
    return (angle + math.pi) % TWO_PI - math.pi


class _NotHere(Exception):
    """The star needs the array code (grazing, slow convergence)."""


def _solve_altitude(frame: Frame, star: Star, level: float, t: float, transit: float) -> float:
    """Newton on the exact altitude: the time near ``t`` where it equals ``level`` (on the
    same side of the culmination at ``transit`` as ``t``, else the array code decides)."""
    rising = t < transit
    for _ in range(MAX_NEWTON_STEPS):
        vx, vy, vz = star.at(t)
        altitude, hour_angle = frame.altitude_ha(vx, vy, vz, t)
        cos_dec = math.sqrt(max(1.0 - vz * vz, 0.0))
        rate = -OMEGA * frame.cos_lat * cos_dec * math.sin(hour_angle) / math.cos(altitude)
        if rate == 0.0:
            raise _NotHere
        step = (altitude - level) / rate
        t -= step
        if abs(step) < CONVERGED_STEP_S:
            if (t < transit) != rising:
                raise _NotHere
            return t
    raise _NotHere


def _solve_hour_angle(frame: Frame, star: Star, level: float, t: float) -> float:
    """Newton on the exact hour angle: the time near ``t`` where it equals ``level``."""
    for _ in range(MAX_NEWTON_STEPS):
        vx, vy, _ = star.at(t)
        step = _wrap(frame.hour_angle(vx, vy, t) - level) / OMEGA
        t -= step
        if abs(step) < CONVERGED_STEP_S:
            return t
    raise _NotHere


class _HourAngles:
    """The star's hour angle at its daily nodes, unwrapped, and linear between them: the Earth
    rotation angle is linear between the daily IERS nodes, the right ascension nearly so, so
    this places an hour angle in time to a few milliseconds without evaluating anything."""

    __slots__ = ("first_s", "last", "values")

    def __init__(self, frame: Frame, star: Star) -> None:
        values: list[float] = []
        for k, (vx, vy, _) in enumerate(star.vectors):
            h = frame.eral(star.first_s + k * DAY_S) - math.atan2(vy, vx)
            if values:
                # A day adds a little more than a turn (the sidereal day is shorter).
                h = values[-1] + TWO_PI + (h - values[-1]) % TWO_PI
            else:
                h %= TWO_PI
            values.append(h)
        self.first_s = star.first_s
        self.values = values
        self.last = len(values) - 2

    def at(self, t: float) -> float:
        position = (t - self.first_s) / DAY_S
        k = min(max(math.floor(position), 0), self.last)
        a = self.values[k]
        return a + (position - k) * (self.values[k + 1] - a)

    def time_at(self, hour_angle: float) -> float:
        """When the (unwrapped) hour angle is ``hour_angle``."""
        k = bisect.bisect_right(self.values, hour_angle) - 1
        if k < 0:
            k = 0
        elif k > self.last:
            k = self.last
        a = self.values[k]
        return self.first_s + DAY_S * (k + (hour_angle - a) / (self.values[k + 1] - a))


def _meets_spans(start: float, end: float, margin: float, spans: Nights) -> bool:
    """Whether [start, end] widened by ``margin`` overlaps a span's interior."""
    k = bisect.bisect_right(spans.ends, start - margin)
    return k < len(spans.starts) and spans.starts[k] - margin < end


def _windows(
    frame: Frame,
    star: Star,
    limits: Limits,
    range_start_s: float,
    range_end_s: float,
    nights: Nights,
) -> list[Span]:
    """Where the altitude and hour-angle limits hold (edges exact where they meet a span)."""
    half_period = math.pi / OMEGA
    hours = _HourAngles(frame, star)
    turn = math.floor(hours.at(range_start_s) / TWO_PI)
    sin_lat, cos_lat = frame.sin_lat, frame.cos_lat
    h0 = limits.threshold_rad
    sin_h0 = math.sin(h0)
    ceiling = limits.zenith_ceiling_rad
    result: list[Span] = []
    # The exact altitude edge minus its prediction at the previous culmination (polar motion,
    # diurnal aberration: the same within milliseconds from one day to the next).
    carry = [0.0, 0.0]
    always = 0
    count = 0
    while True:
        base = TWO_PI * turn
        transit = hours.time_at(base)
        if transit - half_period >= range_end_s:
            break
        turn += 1
        count += 1
        _, _, sin_dec = star.at(transit)
        cos_dec = math.sqrt(max(1.0 - sin_dec * sin_dec, 0.0))
        if cos_dec < MIN_COS_DEC:
            raise _NotHere
        scale = cos_lat * cos_dec
        highest = math.asin(min(1.0, sin_lat * sin_dec + scale))
        lowest = math.asin(max(-1.0, sin_lat * sin_dec - scale))
        if ceiling is not None and highest > ceiling - GRAZING_MARGIN_RAD:
            raise _NotHere
        if abs(highest - h0) <= GRAZING_MARGIN_RAD or abs(lowest - h0) <= GRAZING_MARGIN_RAD:
            raise _NotHere
        if highest < h0:
            continue
        if lowest > h0:
            if not limits.checks_ha:
                always += 1
                continue
            reach = math.pi
            slack = math.inf
        else:
            reach = math.acos((sin_h0 - sin_lat * sin_dec) / scale)
            slack = ALTITUDE_SLACK_RAD * math.cos(h0) / (OMEGA * scale * math.sin(reach))
            if slack > MAX_EDGE_UNCERTAINTY_S:
                raise _NotHere
        edges = []
        for side, sign in enumerate((-1.0, 1.0)):
            by_altitude = sign * reach
            by_ha = limits.ha_low_rad if sign < 0 else limits.ha_high_rad
            # Both limits are solved where the prediction cannot tell which one binds.
            close = (
                limits.checks_ha
                and lowest <= h0
                and abs(by_altitude - by_ha) / OMEGA < slack + EDGE_MARGIN_S
            )
            altitude_binds = not (limits.checks_ha and sign * (by_altitude - by_ha) >= 0)
            if altitude_binds:
                rough = hours.time_at(base + by_altitude) + carry[side]
            else:
                rough = hours.time_at(base + by_ha)
            margin = EDGE_MARGIN_S + (slack if (altitude_binds or close) else 0.0)
            edges.append((rough, margin, altitude_binds, close, by_altitude, by_ha))
        start, end = edges[0][0], edges[1][0]
        if end <= start or not _meets_spans(start, end, max(edges[0][1], edges[1][1]), nights):
            continue
        refined = []
        for side, (rough, margin, altitude_binds, close, by_altitude, by_ha) in enumerate(edges):
            if not _meets_spans(rough, rough, margin, nights):
                refined.append(rough)
                continue
            if altitude_binds or close:
                predicted = hours.time_at(base + by_altitude)
                altitude_edge = _solve_altitude(frame, star, h0, predicted + carry[side], transit)
                carry[side] = altitude_edge - predicted
            if close:
                ha_edge = _solve_hour_angle(frame, star, by_ha, hours.time_at(base + by_ha))
                refined.append(
                    max(altitude_edge, ha_edge) if side == 0 else min(altitude_edge, ha_edge)
                )
            elif altitude_binds:
                refined.append(altitude_edge)
            else:
                refined.append(_solve_hour_angle(frame, star, by_ha, rough))
        if refined[0] < refined[1]:
            result.append((refined[0], refined[1]))
    if always:
        if always != count:
            raise _NotHere
        return [(-math.inf, math.inf)]
    return result


def _moon_value(frame: Frame, star: Star, kit: MoonKit, cos_limit: float, t: float) -> float:
    """cos(limit) − cos(star–Moon distance), the exact function of the array code."""
    position = (t - kit.table_first_s) / kit.table_step_s
    k = min(max(math.floor(position), 0), len(kit.position_au) - 2)
    w = position - k
    u = 1.0 - w
    p0, p1 = kit.position_au[k], kit.position_au[k + 1]
    e0, e1 = kit.earth_velocity[k], kit.earth_velocity[k + 1]
    px, py, pz, svx, svy, svz, plain_vx, plain_vy, plain_vz = frame.site_motion(t)
    rx = p0[0] * u + p1[0] * w - px
    ry = p0[1] * u + p1[1] * w - py
    rz = p0[2] * u + p1[2] * w - pz
    distance = math.sqrt(rx * rx + ry * ry + rz * rz)
    mx, my, mz = _aberrate(
        rx / distance,
        ry / distance,
        rz / distance,
        e0[0] * u + e1[0] * w + svx,
        e0[1] * u + e1[1] * w + svy,
        e0[2] * u + e1[2] * w + svz,
    )
    sx, sy, sz = star.at(t)
    sx, sy, sz = _aberrate(sx, sy, sz, plain_vx, plain_vy, plain_vz)
    return cos_limit - (sx * mx + sy * my + sz * mz)


def _moon_root(
    frame: Frame,
    star: Star,
    kit: MoonKit,
    cos_limit: float,
    a: float,
    b: float,
    fa: float,
    fb: float,
) -> float:
    """Illinois regula falsi to ``MOON_TOLERANCE_S`` then a secant step on the end values
    (as :func:`roots.find_roots`)."""
    side = 0
    ga, gb = fa, fb
    for iteration in range(1, 81):
        if b - a <= MOON_TOLERANCE_S:
            break
        width = b - a
        c = b - gb * width / (gb - ga) if gb != ga else a + 0.5 * width
        if iteration % 8 == 0 or not a < c < b:
            c = a + 0.5 * width
        margin = min(0.25 * width, 0.5 * MOON_TOLERANCE_S)
        c = min(max(c, a + margin), b - margin)
        fc = _moon_value(frame, star, kit, cos_limit, c)
        if (fc >= 0) == (fa >= 0):
            a, fa, ga = c, fc, fc
            if side == 1:
                gb *= 0.5
            side = 1
        else:
            b, fb, gb = c, fc, fc
            if side == -1:
                ga *= 0.5
            side = -1
    if fb == fa:
        return 0.5 * (a + b)
    return min(max(a - fa * (b - a) / (fb - fa), a), b)


def _moon_pieces(
    frame: Frame,
    star: Star,
    kit: MoonKit,
    cos_limit: float,
    start: float,
    end: float,
) -> list[Span]:
    """Where the star is far enough from the Moon within one span: signs on the hourly grid
    (rough star places, exact values where too close to call), crossings refined."""
    last = len(kit.directions) - 1
    i0 = max(math.floor((start - kit.grid_first_s) / kit.grid_step_s), 0)
    i1 = min(math.ceil((end - kit.grid_first_s) / kit.grid_step_s), last)
    times = [kit.grid_first_s + kit.grid_step_s * i for i in range(i0, i1 + 1)]
    values = []
    for t, (mx, my, mz) in zip(times, kit.directions[i0 : i1 + 1], strict=True):
        sx, sy, sz = star.at(t)
        value = cos_limit - (sx * mx + sy * my + sz * mz)
        if abs(value) < MOON_ROUGH_MARGIN:
            value = _moon_value(frame, star, kit, cos_limit, t)
        values.append(value)
    on = values[0] >= 0
    pieces: list[Span] = []
    piece_start = times[0] if on else None
    for j in range(len(times) - 1):
        now_on = values[j + 1] >= 0
        if now_on == on:
            continue
        a, b = times[j], times[j + 1]
        if b <= start or a >= end:
            crossing = a  # outside the span: where exactly does not matter
        else:
            crossing = _moon_root(
                frame,
                star,
                kit,
                cos_limit,
                a,
                b,
                _moon_value(frame, star, kit, cos_limit, a),
                _moon_value(frame, star, kit, cos_limit, b),
            )
        if now_on:
            piece_start = crossing
        elif piece_start is not None:
            pieces.append((piece_start, crossing))
            piece_start = None
        on = now_on
    if on and piece_start is not None:
        pieces.append((piece_start, math.inf))
    if pieces and pieces[0][0] == times[0]:
        pieces[0] = (-math.inf, pieces[0][1])
    return pieces


def star_spans(
    frame: Frame,
    star: Star,
    limits: Limits,
    nights: Nights,
    moon: MoonKit | None,
    range_start_s: float,
    range_end_s: float,
) -> list[Span] | None:
    """Raw (unrounded) spans when the star is observable, or None for the array code."""
    if not nights.spans:
        return []
    try:
        windows = _windows(frame, star, limits, range_start_s, range_end_s, nights)
    except _NotHere:
        return None
    allowed = intersect_lists(windows, nights.spans)
    if limits.min_moon_distance_rad is None or not allowed:
        return allowed
    assert moon is not None and nights.caps is not None  # noqa: S101 - built together
    cos_limit = math.cos(limits.min_moon_distance_rad)
    far: list[Span] = []
    for (start, end), (cx, cy, cz, radius) in zip(nights.spans, nights.caps, strict=True):
        if not any(s < end and start < e for s, e in allowed):
            continue
        sx, sy, sz = star.at(0.5 * (start + end))
        distance = math.acos(max(-1.0, min(1.0, sx * cx + sy * cy + sz * cz)))
        if distance - radius > limits.min_moon_distance_rad + MOON_CAP_MARGIN_RAD:
            far.append((start, end))
        elif distance + radius < limits.min_moon_distance_rad - MOON_CAP_MARGIN_RAD:
            continue
        else:
            far += intersect_lists(
                _moon_pieces(frame, star, moon, cos_limit, start, end), [(start, end)]
            )
    return intersect_lists(allowed, far)


def rounded(spans: Sequence[Span], clip_start_s: float, clip_end_s: float) -> list[Span]:
    """Millisecond rounding, clipping and coalescing (as :func:`intervals.intersect_one`)."""
    result: list[Span] = []
    last_end = -math.inf
    for start, end in spans:
        start = max(round(start * 1000.0) / 1000.0, clip_start_s)
        end = min(round(end * 1000.0) / 1000.0, clip_end_s)
        if not start < end:
            continue
        if result and not start > last_end:
            last_end = max(last_end, end)
            result[-1] = (result[-1][0], last_end)
        else:
            last_end = end
            result.append((start, end))
    return result


@functools.lru_cache(maxsize=1024)
def star_of(target: SiderealTarget, range_start_s: float, range_end_s: float) -> Star:
    """:meth:`Star.of`, kept for the other sites of the same request (site independent)."""
    return Star.of(target, range_start_s, range_end_s)
