"""Dark time, observable intervals, curves and events (spec §4–§6).

Every edge is a root of a continuous function of time (altitude minus threshold, a cosine of the
hour angle offset, a separation cosine, the illuminated fraction minus a limit), bracketed on a
grid that is aligned to absolute time (whole days, multiples of the step) and refined by
:func:`~openocs.visibility.roots.find_roots` (Illinois to 0.1 ms, then a secant step), reported to
the millisecond. Sidereal altitude and hour-angle brackets
are the times of upper/lower culmination (the altitude is monotonic between them), so no short
interval is missed. Because the brackets do not depend on the window, results are independent of
the time of day of the window bounds and stable under window extension (spec §1).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from openocs.visibility import astrometry as astro
from openocs.visibility.constraints import (
    REFRACTION_AT_HORIZON_DEG,
    Constraints,
    Twilight,
    airmass_from_altitude,
    target_threshold_deg,
    twilight_altitude_deg,
)
from openocs.visibility.errors import (
    ElementsError,
    EphemerisError,
    TargetError,
    TimeError,
    TleError,
)
from openocs.visibility.intervals import (
    Edges,
    Interval,
    IntervalArrays,
    coalesce,
    edges_from_grid,
    intersect,
    intersect_lists,
    intersect_one,
)
from openocs.visibility.roots import refine_from_guesses
from openocs.visibility.site import Site
from openocs.visibility.targets import (
    STATIC_TARGETS,
    HourAngleTarget,
    MovingTarget,
    SatelliteTarget,
    SiderealTarget,
    Target,
    UnobservableTarget,
)
from openocs.visibility.timescales import ERA_RATE_RAD_S, from_unix_s, to_unix_s

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

DAY_S: Final = 86_400.0
SUN_GRID_S: Final = 600.0
MOON_GRID_S: Final = 600.0
MOON_PHASE_GRID_S: Final = 3600.0
MOON_DISTANCE_GRID_S: Final = 3600.0
DEG: Final = math.pi / 180.0
HALF_TURN_S: Final = math.pi / astro.EARTH_ROTATION_RAD_S
ALTITUDE_SLACK_RAD: Final = 3e-5
"""How far (6″) a predicted altitude may be from the exact one (polar motion, diurnal
aberration, the declination's drift within a day: together under 1.5″)."""
HOUR_ANGLE_SLACK_S: Final = 0.05
"""How far a predicted hour-angle crossing may be from the exact one (under 0.02 s)."""
MOON_DISTANCE_SLACK_S: Final = 20.0
"""How far the cubic through the hourly Moon-distance samples may miss the crossing."""
ROUGH_MOON_DISTANCE_MARGIN: Final = 5e-6
"""Diurnal aberration (0.32″ at most) moves a star–Moon cosine by less than this."""
MIN_PREDICTION_WIDTH_S: Final = 0.05
MAX_PREDICTION_WIDTH_S: Final = 600.0
"""Beyond this (a grazing crossing near culmination) the bracket search is used directly."""


# --------------------------------------------------------------------------------------------
# Windows and site context


@dataclass(frozen=True)
class _Window:
    start_s: float
    end_s: float
    range_start_s: float
    range_end_s: float


def _window(start: dt.datetime, end: dt.datetime) -> _Window:
    t0 = to_unix_s(start)
    t1 = to_unix_s(end)
    if not t1 > t0:
        raise TimeError(f"window end {end} is not after its start {start}", value=(start, end))
    return _Window(t0, t1, math.floor(t0 / DAY_S) * DAY_S, math.ceil(t1 / DAY_S) * DAY_S)


def _uniform_grid(window: _Window, step_s: float) -> FloatArray:
    count = round((window.range_end_s - window.range_start_s) / step_s)
    return np.asarray(window.range_start_s + step_s * np.arange(count + 1))[None, :]


def _edges_from_arrays(arrays: IntervalArrays, window: _Window, *, invert: bool) -> Edges:
    """Edges (one object) of an interval list, or of its complement."""
    starts = arrays.start_s
    ends = arrays.end_s
    initially_inside = bool(starts.size and starts[0] <= window.range_start_s)
    times = np.concatenate([starts, ends])
    delta = np.concatenate([np.ones(starts.size), -np.ones(ends.size)]).astype(np.intp)
    keep = (times > window.range_start_s) & (times < window.range_end_s)
    times, delta = times[keep], delta[keep]
    order = np.argsort(times, kind="stable")
    times, delta = times[order], delta[order]
    if invert:
        delta = -delta
    on = initially_inside != invert
    return Edges(np.array([on]), np.zeros(times.size, dtype=np.intp), times, delta)


class _SiteContext:
    """Site-level quantities for one window: computed once, shared by every target."""

    def __init__(self, site: Site, window: _Window) -> None:
        self.site = site
        self.window = window
        self.geometry = astro.site_geometry(
            site,
            0.5 * (window.range_start_s + window.range_end_s),
            (window.range_start_s, window.range_end_s),
        )
        self._cache: dict[tuple[str, float], Edges] = {}
        self._moon_distance_table: tuple[FloatArray, FloatArray, FloatArray] | None = None
        self._moon_table: astro.BodyTable | None = None

    def body_altitude_rad(self, body: str, t: FloatArray) -> FloatArray:
        return astro.body_topocentric(body, t, self.geometry).altitude_rad

    def dark(self, twilight: str) -> Edges:
        key = ("dark", twilight_altitude_deg(twilight))
        if key not in self._cache:
            threshold = key[1] * DEG

            def func(index: IntArray, t: FloatArray) -> FloatArray:
                return threshold - self.body_altitude_rad("sun", t)

            grid = _uniform_grid(self.window, SUN_GRID_S)
            self._cache[key] = edges_from_grid(
                func, grid, func(np.zeros(1, np.intp), grid[0])[None]
            )
        return self._cache[key]

    def moon_up(self) -> Edges:
        key = ("moon_up", 0.0)
        if key not in self._cache:
            grid = _uniform_grid(self.window, MOON_GRID_S)
            self._cache[key] = edges_from_grid(
                self._moon_up_function,
                grid,
                self._moon_up_function(np.zeros(1, np.intp), grid[0])[None],
            )
        return self._cache[key]

    def _moon_up_function(self, index: IntArray, t: FloatArray) -> FloatArray:
        moon = astro.body_topocentric("moon", t, self.geometry)
        threshold = -REFRACTION_AT_HORIZON_DEG * DEG - astro.moon_semidiameter_rad(moon.distance_au)
        return np.asarray(moon.altitude_rad - threshold)

    def moon_phase_allowed(self, max_phase: float) -> Edges:
        key = ("moon_phase", max_phase)
        if key not in self._cache:

            def bright(index: IntArray, t: FloatArray) -> FloatArray:
                return np.asarray(astro.moon_illuminated_fraction(t, self.geometry) - max_phase)

            grid = _uniform_grid(self.window, MOON_PHASE_GRID_S)
            bright_edges = edges_from_grid(
                bright, grid, bright(np.zeros(1, np.intp), grid[0])[None]
            )
            up_and_bright = intersect(
                [self.moon_up(), bright_edges],
                1,
                self.window.range_start_s,
                self.window.range_end_s,
                self.window.range_start_s,
                self.window.range_end_s,
            )
            self._cache[key] = _edges_from_arrays(up_and_bright, self.window, invert=True)
        return self._cache[key]

    def moon_direction(self, t: FloatArray) -> FloatArray:
        """Apparent topocentric Moon direction (with diurnal aberration)."""
        return astro.body_topocentric("moon", t, self.geometry).direction

    def moon_and_site_velocity(
        self, t: FloatArray, eral: FloatArray | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """The Moon's apparent topocentric direction and the site's velocity (for the stars'
        diurnal aberration) at ``t``: :meth:`moon_direction` and :meth:`diurnal`'s velocity with
        the Earth's rotation angle computed once and no altitude (root finding needs neither)."""
        if self._moon_table is None:
            self._moon_table = astro.body_table(
                "moon", self.window.range_start_s, self.window.range_end_s
            )
        table = self._moon_table
        geocentric = astro.interp_rows(table.nodes_s, table.position_au, t)
        earth_velocity = astro.interp_rows(table.nodes_s, table.earth_velocity_au_day, t)
        if eral is None:
            eral = astro.local_era_rad(self.geometry, t)
        site_p, site_v = astro.site_position_velocity_cirs(self.geometry, eral, t)
        relative = geocentric - site_p
        distance = np.linalg.norm(relative, axis=-1)
        moon = astro.aberrate(relative / distance[:, None], earth_velocity + site_v)
        _, site_velocity = astro.site_position_velocity_cirs(self.geometry, eral)
        return moon, site_velocity

    def moon_distance_table(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The hourly grid of Moon-distance brackets with the Moon's direction and the site's
        velocity on it: the same for every target, so computed once per site and range."""
        if self._moon_distance_table is None:
            grid = _uniform_grid(self.window, MOON_DISTANCE_GRID_S)
            eral = astro.local_era_rad(self.geometry, grid[0])
            _, site_velocity = astro.site_position_velocity_cirs(self.geometry, eral)
            self._moon_distance_table = (grid, self.moon_direction(grid[0]), site_velocity)
        return self._moon_distance_table

    def diurnal(self, directions: FloatArray, t: FloatArray) -> FloatArray:
        """Add diurnal aberration to geocentric apparent star directions (…, len(t), 3), so
        that separations from the Moon carry no differential aberration (up to 0.2″)."""
        eral = astro.local_era_rad(self.geometry, t)
        _, site_velocity = astro.site_position_velocity_cirs(self.geometry, eral)
        return astro.aberrate(directions, site_velocity)

    def site_edges(self, constraints: Constraints) -> list[Edges]:
        edges = [self.dark(constraints.twilight)]
        if constraints.checks_moon_phase:
            assert constraints.max_lunar_phase is not None  # noqa: S101 - narrowed by property
            edges.append(self.moon_phase_allowed(constraints.max_lunar_phase))
        return edges


@functools.lru_cache(maxsize=32)
def _cached_context(site: Site, range_start_s: float, range_end_s: float) -> _SiteContext:
    """Site-level Sun/Moon edges are shared by every call on the same site and day range."""
    return _SiteContext(site, _Window(range_start_s, range_end_s, range_start_s, range_end_s))


def _site_context(site: Site, window: _Window) -> _SiteContext:
    return _cached_context(site, window.range_start_s, window.range_end_s)


# --------------------------------------------------------------------------------------------
# Sidereal targets, vectorised


def _phase_grid(hour_angle0_rad: FloatArray, offset_rad: float, window: _Window) -> FloatArray:
    """Per-object times where H ≡ offset (mod π), plus the range ends: shape (N, M)."""
    span = window.range_end_s - window.range_start_s
    first = np.mod(offset_rad - hour_angle0_rad, math.pi) / astro.EARTH_ROTATION_RAD_S
    count = math.ceil(span / HALF_TURN_S) + 1
    times = window.range_start_s + first[:, None] + HALF_TURN_S * np.arange(count)[None, :]
    times = np.minimum(times, window.range_end_s)
    n = hour_angle0_rad.size
    return np.concatenate(
        [np.full((n, 1), window.range_start_s), times, np.full((n, 1), window.range_end_s)], axis=1
    )


class _SiderealGroup:
    def __init__(self, context: _SiteContext, targets: Sequence[SiderealTarget]) -> None:
        self.context = context
        self.n = len(targets)
        window = context.window

        def column(name: str) -> FloatArray:
            return np.array([getattr(t, name) for t in targets], dtype=np.float64)

        self.stars = astro.star_nodes(
            column("ra_deg"),
            column("dec_deg"),
            column("pm_ra_cosdec_mas_yr"),
            column("pm_dec_mas_yr"),
            column("parallax_mas"),
            column("epoch_jyear"),
            window.range_start_s,
            window.range_end_s,
        )
        t0 = np.full(self.n, window.range_start_s)
        v0 = self.stars.at(np.arange(self.n, dtype=np.intp), t0)
        eral0 = astro.local_era_rad(self.context.geometry, t0)
        self.hour_angle0 = astro.hour_angle_rad(v0[:, 0], v0[:, 1], eral0)

    def altitude_ha(self, index: IntArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        v = self.stars.at(index, t)
        eral = astro.local_era_rad(self.context.geometry, t)
        return astro.altitude_ha(v[:, 0], v[:, 1], v[:, 2], eral, self.context.geometry, t)

    def _sample(self, grid: FloatArray) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
        index = np.repeat(np.arange(self.n, dtype=np.intp), grid.shape[1])
        altitude, hour_angle = self.altitude_ha(index, grid.ravel())
        return index, grid.ravel(), altitude.reshape(grid.shape), hour_angle.reshape(grid.shape)

    def edges(self, constraints: Constraints) -> dict[str, Edges]:
        """Edges of the altitude, zenith blind spot, hour-angle and Moon-distance limits.

        The first three are bracketed on culmination-aligned grids, and their roots are
        predicted from spherical trigonometry (the hour angle where the altitude or the hour
        angle reaches its limit); the Moon-distance roots are bracketed on an hourly grid and
        predicted by a cubic through the samples. Every prediction is confirmed and refined by
        one :func:`refine_from_guesses` for all limits and targets at once: two evaluations of
        the exact functions instead of a dozen per limit. A prediction that does not hold falls
        back to the bracket search.
        """
        site = self.context.site
        window = self.context.window
        geometry = self.context.geometry
        threshold = target_threshold_deg(site.horizon_deg, constraints.max_airmass) * DEG
        limits: list[tuple[str, float, float]] = [("altitude", 1.0, threshold)]
        if site.zenith_blind_spot_deg > 0:
            limits.append(("zenith", -1.0, (90.0 - site.zenith_blind_spot_deg) * DEG))
        lo, hi = site.ha_window_hours
        half = 0.5 * (hi - lo) * 15.0 * DEG
        mid = 0.5 * (hi + lo) * 15.0 * DEG
        checks_ha = half < math.pi - 1e-9
        cos_half = math.cos(half)

        grid = _phase_grid(self.hour_angle0, 0.0, window)
        grids = [grid]
        if checks_ha:
            grids.append(_phase_grid(self.hour_angle0, mid, window))
        samples = grid.size
        rows_n = np.arange(self.n, dtype=np.intp)
        if self.n == 1:
            index = np.zeros(samples * len(grids), dtype=np.intp)
        else:
            index = np.tile(np.repeat(rows_n, grid.shape[1]), len(grids))
        altitude_all, hour_angle_all = self.altitude_ha(
            index, np.concatenate([g.ravel() for g in grids])
        )
        altitude = altitude_all[:samples].reshape(grid.shape)
        hour_angle = hour_angle_all[:samples].reshape(grid.shape)

        kinds: list[tuple[str, FloatArray, FloatArray, FloatArray]] = [
            (name, grid, sign * (altitude - level), hour_angle) for name, sign, level in limits
        ]
        if checks_ha:
            ha_grid = grids[1]
            ha_values = hour_angle_all[samples:].reshape(ha_grid.shape)
            kinds.append(("hour_angle", ha_grid, np.cos(ha_values - mid) - cos_half, ha_values))

        rows, firsts, a_s, b_s, fa_s, fb_s, guesses, widths = [], [], [], [], [], [], [], []
        signs: list[FloatArray] = []
        levels: list[FloatArray] = []
        counts: list[int] = []
        for k, (name, kind_grid, values, hour_angles) in enumerate(kinds):
            on = values >= 0
            row, col = np.nonzero(on[:, 1:] != on[:, :-1])
            row = row.astype(np.intp)
            a, b = kind_grid[row, col], kind_grid[row, col + 1]
            fa, fb = values[row, col], values[row, col + 1]
            if name == "hour_angle":
                guess, width = self._predict_hour_angle(a, hour_angles[row, col], mid, half)
                sign, level = 0.0, 0.0
            else:
                sign, level = limits[k][1], limits[k][2]
                rising = sign * (fb - fa) > 0
                guess, width = self._predict_altitude(
                    row, a, b, hour_angles[row, col], level, rising
                )
            rows.append(row)
            firsts.append(on[:, 0].copy())
            a_s.append(a)
            b_s.append(b)
            fa_s.append(fa)
            fb_s.append(fb)
            guesses.append(guess)
            widths.append(width)
            counts.append(row.size)
            signs.append(np.full(row.size, sign))
            levels.append(np.full(row.size, level))
        star_roots = sum(counts)
        moon: _MoonBrackets | None = None
        if constraints.checks_moon_distance:
            assert constraints.min_lunar_distance_deg is not None  # noqa: S101
            moon = self._moon_distance_brackets(constraints.min_lunar_distance_deg)
            rows.append(moon.row)
            a_s.append(moon.a)
            b_s.append(moon.b)
            # The exact values at the Moon brackets' ends are needed only where a prediction
            # fails (``exact_ends`` below): NaN marks them as not computed.
            fa_s.append(np.full(moon.row.size, np.nan))
            fb_s.append(np.full(moon.row.size, np.nan))
            guesses.append(moon.guess)
            widths.append(np.full(moon.row.size, MOON_DISTANCE_SLACK_S))
            signs.append(np.ones(moon.row.size))
            levels.append(np.zeros(moon.row.size))
        row_all = np.concatenate(rows)
        sign_all = np.concatenate(signs)
        level_all = np.concatenate(levels)
        is_ha = sign_all == 0.0
        moon_roots = row_all.size - star_roots

        def star_values(
            position: IntArray, t: FloatArray, v: FloatArray, eral: FloatArray
        ) -> FloatArray:
            altitude_t, hour_angle_t = astro.altitude_ha(
                v[:, 0], v[:, 1], v[:, 2], eral, geometry, t
            )
            return np.asarray(
                np.where(
                    is_ha[position],
                    np.cos(hour_angle_t - mid) - cos_half,
                    sign_all[position] * (altitude_t - level_all[position]),
                )
            )

        def moon_values(t: FloatArray, v: FloatArray, eral: FloatArray) -> FloatArray:
            assert moon is not None  # noqa: S101 - called for Moon brackets only
            moon_t, velocity = self.context.moon_and_site_velocity(t, eral)
            star = astro.aberrate(v, velocity)
            return np.asarray(moon.cos_limit - np.sum(star * moon_t, axis=-1))

        def limit_values(position: IntArray, t: FloatArray) -> FloatArray:
            v = self.stars.at(row_all[position], t)
            eral = astro.local_era_rad(geometry, t)
            if not moon_roots:
                return star_values(position, t, v, eral)
            if not star_roots:
                return moon_values(t, v, eral)
            # The star function everywhere (cheaper than picking its many lanes out), the Moon
            # function on its few lanes only; element by element, so the values are the same.
            result = star_values(position, t, v, eral)
            mine = np.flatnonzero(position >= star_roots)
            result[mine] = moon_values(t[mine], v[mine], eral[mine])
            return result

        def exact_ends(position: IntArray) -> tuple[FloatArray, FloatArray]:
            assert moon is not None  # noqa: S101 - only Moon brackets lack end values
            mine = position - star_roots
            return moon.on_grid(moon.row[mine], moon.col[mine]), moon.on_grid(
                moon.row[mine], moon.col[mine] + 1
            )

        roots = refine_from_guesses(
            limit_values,
            np.arange(row_all.size, dtype=np.intp),
            np.concatenate(a_s),
            np.concatenate(b_s),
            np.concatenate(fa_s),
            np.concatenate(fb_s),
            np.concatenate(guesses),
            np.concatenate(widths),
            exact_ends=exact_ends if moon is not None else None,
        )
        result: dict[str, Edges] = {}
        first_root = 0
        for k, (name, _, _, _) in enumerate(kinds):
            last_root = first_root + counts[k]
            result[name] = Edges(
                initially_on=firsts[k],
                index=rows[k],
                time_s=roots[first_root:last_root],
                delta=np.where(fb_s[k] >= 0, 1, -1).astype(np.intp),
            )
            first_root = last_root
        if moon is not None:
            result["moon_distance"] = Edges(
                initially_on=moon.initially_on,
                index=moon.row,
                time_s=roots[star_roots:],
                delta=moon.delta,
            )
        return result

    def _predict_altitude(
        self,
        row: IntArray,
        a: FloatArray,
        b: FloatArray,
        hour_angle_a: FloatArray,
        level_rad: float,
        rising: npt.NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """When the altitude reaches ``level_rad`` inside culmination brackets: from
        sin h = sin φ sin δ + cos φ cos δ cos H, with δ at the nearest daily node. Polar motion
        and diurnal aberration (under 1″) are left out, hence the margin of ``ALTITUDE_SLACK``."""
        geometry = self.context.geometry
        nodes = self.stars.nodes_s
        k = np.rint((0.5 * (a + b) - nodes[0]) / DAY_S).astype(np.intp)
        k = np.minimum(np.maximum(k, 0), nodes.size - 1)
        sin_dec = np.minimum(np.maximum(self.stars.vectors[row, k, 2], -1.0), 1.0)
        cos_dec = np.sqrt(1.0 - sin_dec * sin_dec)
        scale = geometry.cos_lat * cos_dec
        with np.errstate(divide="ignore", invalid="ignore"):
            cos_h = (math.sin(level_rad) - geometry.sin_lat * sin_dec) / scale
            target = np.arccos(cos_h)  # NaN where the prediction says "no crossing"
            target = np.where(rising, -target, target)
            rate = ERA_RATE_RAD_S * scale * np.abs(np.sin(target)) / math.cos(level_rad)
            width = np.maximum(ALTITUDE_SLACK_RAD / rate, MIN_PREDICTION_WIDTH_S)
        guess = a + np.mod(target - hour_angle_a, 2.0 * math.pi) / ERA_RATE_RAD_S
        return guess, np.where(width <= MAX_PREDICTION_WIDTH_S, width, np.nan)

    @staticmethod
    def _predict_hour_angle(
        a: FloatArray, hour_angle_a: FloatArray, mid: float, half: float
    ) -> tuple[FloatArray, FloatArray]:
        """When the hour angle next reaches ``mid ± half`` after ``a`` (the star's apparent
        right ascension drifts by well under a second of time per day)."""
        to_low = np.mod(mid - half - hour_angle_a, 2.0 * math.pi)
        to_high = np.mod(mid + half - hour_angle_a, 2.0 * math.pi)
        guess = a + np.minimum(to_low, to_high) / ERA_RATE_RAD_S
        return guess, np.full(a.size, HOUR_ANGLE_SLACK_S)

    def _moon_distance_brackets(self, min_distance_deg: float) -> _MoonBrackets:
        cos_limit = math.cos(min_distance_deg * DEG)
        moon_grid, moon, site_velocity = self.context.moon_distance_table()
        grid = moon_grid[0]
        # The grid's signs from the star places without diurnal aberration (one product per
        # sample; aberration moves the cosine by under 1.6e-6): exact where that is too close.
        nodes = self.stars.nodes_s
        position = (grid - nodes[0]) / DAY_S
        k = np.minimum(np.maximum(np.floor(position).astype(np.intp), 0), nodes.size - 2)
        w = (position - k)[None, :, None]
        vectors = self.stars.vectors
        rough_stars = vectors[:, k] * (1.0 - w) + vectors[:, k + 1] * w
        values = cos_limit - np.einsum("ngk,gk->ng", rough_stars, moon)

        def on_grid(row: IntArray, col: IntArray) -> FloatArray:
            stars = astro.aberrate(self.stars.at(row, grid[col]), site_velocity[col])
            return np.asarray(cos_limit - np.sum(stars * moon[col], axis=-1))

        unsure_row, unsure_col = np.nonzero(np.abs(values) < ROUGH_MOON_DISTANCE_MARGIN)
        if unsure_row.size:
            values[unsure_row, unsure_col] = on_grid(unsure_row.astype(np.intp), unsure_col)
        on = values >= 0
        row, col = np.nonzero(on[:, 1:] != on[:, :-1])
        row = row.astype(np.intp)
        col = col.astype(np.intp)
        if row.size:
            guess = _cubic_crossing(
                np.broadcast_to(moon_grid, (self.n, grid.size)), values, row, col
            )
        else:
            guess = np.zeros(0)
        return _MoonBrackets(
            cos_limit=cos_limit,
            initially_on=on[:, 0].copy(),
            row=row,
            col=col,
            a=grid[col],
            b=grid[col + 1],
            guess=guess,
            delta=np.where(on[row, col + 1], 1, -1).astype(np.intp),
            on_grid=on_grid,
        )


@dataclass(frozen=True)
class _MoonBrackets:
    """Hourly brackets of the Moon-distance roots of a group of stars, with predicted roots."""

    cos_limit: float
    initially_on: npt.NDArray[np.bool_]
    row: IntArray
    col: IntArray
    a: FloatArray
    b: FloatArray
    guess: FloatArray
    delta: IntArray
    on_grid: Callable[[IntArray, IntArray], FloatArray]
    """The exact function at grid samples (row, column)."""


def _cubic_crossing(
    grid: FloatArray, values: FloatArray, row: IntArray, col: IntArray
) -> FloatArray:
    """Zero of the cubic through four neighbouring grid samples inside [col, col + 1] (a uniform
    grid): the Moon-distance function is smooth on the scale of hours, so this predicts its root
    to a few seconds without evaluating it."""
    y0, y1 = values[row, col], values[row, col + 1]
    step = grid[row, col + 1] - grid[row, col]
    if values.shape[1] < 4:  # pragma: no cover - grids span whole days (25 hourly samples)
        return np.asarray(grid[row, col] + np.clip(y0 / (y0 - y1), 0.0, 1.0) * step)
    last = values.shape[1] - 1
    first = np.minimum(np.maximum(col - 1, 0), last - 3)
    nodes = np.minimum(first[:, None] + np.arange(4)[None, :], last)
    x = (nodes - col[:, None]).astype(np.float64)  # the bracket is u in [0, 1]
    vandermonde = x[:, :, None] ** np.arange(4)[None, None, :]
    y = values[row[:, None], nodes]
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.linalg.solve(vandermonde, y[:, :, None])[:, :, 0]
        u = np.minimum(np.maximum(y0 / (y0 - y1), 0.0), 1.0)
        for _ in range(4):  # Newton on the interpolating cubic (no exact evaluations)
            p = ((c[:, 3] * u + c[:, 2]) * u + c[:, 1]) * u + c[:, 0]
            dp = (3.0 * c[:, 3] * u + 2.0 * c[:, 2]) * u + c[:, 1]
            u = np.minimum(np.maximum(u - p / dp, 0.0), 1.0)
    u = np.where(np.isfinite(u), u, 0.5)
    return np.asarray(grid[row, col] + u * step)


# --------------------------------------------------------------------------------------------
# Moving targets, one at a time


def _earth_bound(target: object) -> bool:
    return bool(getattr(target, "earth_bound", False))


class _MovingOne:
    """One moving target. Solar-system bodies are sampled once on the grid and interpolated
    (cubic Hermite) during root finding; Earth satellites are evaluated directly."""

    def __init__(self, context: _SiteContext, target: MovingTarget) -> None:
        self.context = context
        self.target = target
        self.table: astro.PositionTable | None = None
        if not _earth_bound(target):
            window = context.window
            self.table = astro.PositionTable.sample(
                target.geocentric_position_au,
                window.range_start_s,
                window.range_end_s,
                float(target.sample_step_s),
            )

    def topocentric(self, t: FloatArray) -> astro.Topocentric:
        if self.table is None:
            return astro.moving_topocentric(
                self.target.geocentric_position_au,
                t,
                self.context.geometry,
                earth_bound=True,
            )
        return astro.topocentric_from_gcrs(self.table.at(t), t, self.context.geometry)

    def edges(self, constraints: Constraints) -> dict[str, Edges]:
        site = self.context.site
        window = self.context.window
        grid = _uniform_grid(window, float(self.target.sample_step_s))
        sample = self.topocentric(grid[0])
        result: dict[str, Edges] = {}
        threshold = target_threshold_deg(site.horizon_deg, constraints.max_airmass) * DEG

        def up(index: IntArray, t: FloatArray) -> FloatArray:
            return self.topocentric(t).altitude_rad - threshold

        result["altitude"] = edges_from_grid(up, grid, (sample.altitude_rad - threshold)[None])
        if site.zenith_blind_spot_deg > 0:
            ceiling = (90.0 - site.zenith_blind_spot_deg) * DEG

            def below_ceiling(index: IntArray, t: FloatArray) -> FloatArray:
                return ceiling - self.topocentric(t).altitude_rad

            result["zenith"] = edges_from_grid(
                below_ceiling, grid, (ceiling - sample.altitude_rad)[None]
            )
        lo, hi = site.ha_window_hours
        half = 0.5 * (hi - lo) * 15.0 * DEG
        if half < math.pi - 1e-9:
            mid = 0.5 * (hi + lo) * 15.0 * DEG
            cos_half = math.cos(half)

            def inside_ha(index: IntArray, t: FloatArray) -> FloatArray:
                return np.cos(self.topocentric(t).hour_angle_rad - mid) - cos_half

            values = np.cos(sample.hour_angle_rad - mid) - cos_half
            result["hour_angle"] = edges_from_grid(inside_ha, grid, values[None])
        if constraints.checks_moon_distance:
            assert constraints.min_lunar_distance_deg is not None  # noqa: S101
            cos_limit = math.cos(constraints.min_lunar_distance_deg * DEG)

            def far_from_moon(index: IntArray, t: FloatArray) -> FloatArray:
                dot = np.sum(self.topocentric(t).direction * self.context.moon_direction(t), -1)
                return np.asarray(cos_limit - dot)

            dots = np.sum(sample.direction * self.context.moon_direction(grid[0]), axis=-1)
            result["moon_distance"] = edges_from_grid(far_from_moon, grid, (cos_limit - dots)[None])
        return result


# --------------------------------------------------------------------------------------------
# Public functions


def _as_target_list(targets: Target | Sequence[Target]) -> list[Target]:
    if isinstance(targets, Sequence) and not isinstance(targets, str):
        return list(targets)
    return [targets]


def _check_target(target: object) -> None:
    known = (SiderealTarget, HourAngleTarget, SatelliteTarget, UnobservableTarget)
    if not isinstance(target, known) and not isinstance(target, MovingTarget):
        raise TargetError(f"not a visibility target: {target!r}", field="target", value=target)


def observable_intervals_batch(
    site: Site,
    targets: Sequence[Target],
    start: dt.datetime,
    end: dt.datetime,
    constraints: Constraints | None = None,
) -> list[list[Interval]]:
    """Observable intervals of each of N targets at one site (spec §4), one list per target.

    The Sun and the Moon are computed once for the site and window; sidereal targets are
    treated together as arrays. Never-rises gives ``[]``; always-observable gives the window.
    """
    constraints = constraints or Constraints()
    window = _window(start, end)
    for target in targets:
        _check_target(target)
    context = _site_context(site, window)
    site_edges = context.site_edges(constraints)
    results: list[list[Interval]] = [[] for _ in targets]

    def finish(edge_sets: list[Edges], n: int) -> list[list[Interval]]:
        if n == 1:
            return [
                intersect_one(
                    [*edge_sets, *site_edges],
                    window.range_start_s,
                    window.range_end_s,
                    window.start_s,
                    window.end_s,
                )
            ]
        arrays = intersect(
            [*edge_sets, *(e.broadcast(n) for e in site_edges)],
            n,
            window.range_start_s,
            window.range_end_s,
            window.start_s,
            window.end_s,
        )
        return arrays.as_datetimes()

    sidereal = [i for i, t in enumerate(targets) if isinstance(t, SiderealTarget)]
    if sidereal:
        group = _SiderealGroup(context, [targets[i] for i in sidereal])  # type: ignore[misc]
        for i, intervals in zip(
            sidereal, finish(list(group.edges(constraints).values()), len(sidereal)), strict=True
        ):
            results[i] = intervals
    static = [i for i, t in enumerate(targets) if isinstance(t, STATIC_TARGETS)]
    if static:
        dark_only = finish([], 1)[0]
        for i in static:
            results[i] = list(dark_only)
    for i, target in enumerate(targets):
        if isinstance(
            target, SiderealTarget | UnobservableTarget | HourAngleTarget | SatelliteTarget
        ):
            continue
        try:
            edges = list(_MovingOne(context, target).edges(constraints).values())
        except (ElementsError, EphemerisError, TleError):
            # Invalid elements or a time outside the ephemeris: no visibility (spec §2.2).
            results[i] = []
            continue
        results[i] = finish(edges, 1)[0]
    return results


def observable_intervals(
    site: Site,
    targets: Target | Sequence[Target],
    start: dt.datetime,
    end: dt.datetime,
    constraints: Constraints | Sequence[Constraints] | None = None,
) -> list[Interval]:
    """Intervals when every target (with its constraints) is observable: the intersection.

    ``constraints`` is one :class:`Constraints` for all targets or one per target (spec §2.4).
    """
    target_list = _as_target_list(targets)
    if not target_list:
        raise TargetError("no targets given", field="targets", value=targets)
    if constraints is None or isinstance(constraints, Constraints):
        per_target = [constraints or Constraints()] * len(target_list)
    else:
        per_target = list(constraints)
        if len(per_target) != len(target_list):
            raise TargetError(
                "give one Constraints per target", field="constraints", value=constraints
            )
    result: list[Interval] | None = None
    distinct: list[tuple[Target, Constraints]] = []
    for pair in zip(target_list, per_target, strict=True):
        if pair not in distinct:  # equality, not hashing: user moving targets may be unhashable
            distinct.append(pair)
    for target, constraint in distinct:
        intervals = observable_intervals_batch(site, [target], start, end, constraint)[0]
        result = intervals if result is None else intersect_lists(result, intervals)
        if not result:
            return []
    return result or []


def dark_intervals(
    site: Site, start: dt.datetime, end: dt.datetime, twilight: Twilight = "nautical"
) -> list[Interval]:
    """When the Sun's centre is below the twilight threshold (spec §4.6, D29: never raises)."""
    window = _window(start, end)
    context = _site_context(site, window)
    arrays = intersect(
        [context.dark(twilight)],
        1,
        window.range_start_s,
        window.range_end_s,
        window.start_s,
        window.end_s,
    )
    return arrays.as_datetimes()[0]


def _times_array(times: Iterable[dt.datetime] | dt.datetime) -> FloatArray:
    if isinstance(times, dt.datetime):
        return np.array([to_unix_s(times)])
    return np.array([to_unix_s(t) for t in times], dtype=np.float64)


def altitude_at_times(
    site: Site, target: Target, times: Iterable[dt.datetime] | dt.datetime
) -> FloatArray:
    """Geometric topocentric altitude (degrees) of a target at the given times."""
    _check_target(target)
    t = _times_array(times)
    if t.size == 0:
        return np.zeros(0)
    geometry = astro.site_geometry(site, float(np.median(t)), (float(t.min()), float(t.max())))
    if isinstance(target, SiderealTarget):
        stars = astro.star_nodes(
            np.array([target.ra_deg]),
            np.array([target.dec_deg]),
            np.array([target.pm_ra_cosdec_mas_yr]),
            np.array([target.pm_dec_mas_yr]),
            np.array([target.parallax_mas]),
            np.array([target.epoch_jyear]),
            float(t.min()),
            float(t.max()),
        )
        v = stars.at(np.zeros(t.size, dtype=np.intp), t)
        eral = astro.local_era_rad(geometry, t)
        altitude, _ = astro.altitude_ha(v[:, 0], v[:, 1], v[:, 2], eral, geometry, t)
        return np.asarray(np.degrees(altitude))
    if isinstance(target, HourAngleTarget):
        lat = site.latitude_deg * DEG
        dec = target.dec_deg * DEG
        ha = target.hour_angle_hours * 15.0 * DEG
        value = math.degrees(
            math.asin(math.sin(lat) * math.sin(dec) + math.cos(lat) * math.cos(dec) * math.cos(ha))
        )
        return np.full(t.size, value)
    if isinstance(target, SatelliteTarget):
        return np.full(t.size, float(target.altitude_deg))
    if isinstance(target, UnobservableTarget):
        return np.full(t.size, np.nan)
    topocentric = astro.moving_topocentric(
        target.geocentric_position_au, t, geometry, earth_bound=_earth_bound(target)
    )
    return np.asarray(np.degrees(topocentric.altitude_rad))


def airmass_at_times(
    site: Site, target: Target, times: Iterable[dt.datetime] | dt.datetime
) -> FloatArray:
    """Airmass 1/sin(h) of the geometric altitude (99.0 for h ≤ 0.5°) at the given times."""
    return airmass_from_altitude(altitude_at_times(site, target, times))


def moon_illumination(site: Site, times: Iterable[dt.datetime] | dt.datetime) -> FloatArray:
    """Illuminated fraction of the Moon seen from the site (spec §4.5)."""
    t = _times_array(times)
    geometry = astro.site_geometry(site, float(np.median(t)), (float(t.min()), float(t.max())))
    return astro.moon_illuminated_fraction(t, geometry)


def sun_altitude_deg(site: Site, times: Iterable[dt.datetime] | dt.datetime) -> FloatArray:
    """Geometric topocentric altitude of the Sun's centre (degrees)."""
    t = _times_array(times)
    geometry = astro.site_geometry(site, float(np.median(t)), (float(t.min()), float(t.max())))
    return np.asarray(np.degrees(astro.body_topocentric("sun", t, geometry).altitude_rad))


def moon_altitude_deg(site: Site, times: Iterable[dt.datetime] | dt.datetime) -> FloatArray:
    """Geometric topocentric altitude of the Moon's centre (degrees)."""
    t = _times_array(times)
    geometry = astro.site_geometry(site, float(np.median(t)), (float(t.min()), float(t.max())))
    return np.asarray(np.degrees(astro.body_topocentric("moon", t, geometry).altitude_rad))


@dataclass(frozen=True)
class RiseTransitSet:
    """Rise, upper-transit and set times inside a window (each sorted)."""

    rises: list[dt.datetime]
    transits: list[dt.datetime]
    sets: list[dt.datetime]


def rise_transit_set(
    site: Site,
    target: Target | str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    threshold_deg: float | None = None,
) -> RiseTransitSet:
    """Rise/transit/set of a target, or of ``"sun"`` / ``"moon"``, between two times.

    Default thresholds (§3): the Sun −50′, the Moon −34′ minus its topocentric semi-diameter,
    other targets the site's horizon rule (−34′ at horizon 0). ``threshold_deg`` overrides.
    """
    window = _window(start, end)
    context = _site_context(site, window)
    geometry = context.geometry
    step = 600.0
    if isinstance(target, str):
        body = target.lower()
        if body not in ("sun", "moon"):
            raise TargetError("named events are for 'sun' or 'moon'", field="target", value=target)

        def local(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
            topo = astro.body_topocentric(body, t, geometry)
            if threshold_deg is not None:
                h0 = np.full(t.size, threshold_deg * DEG)
            elif body == "sun":
                h0 = np.full(t.size, -50.0 / 60.0 * DEG)
            else:
                h0 = -REFRACTION_AT_HORIZON_DEG * DEG - astro.moon_semidiameter_rad(
                    topo.distance_au
                )
            return topo.altitude_rad, h0, topo.hour_angle_rad

    else:
        _check_target(target)
        if isinstance(target, SiderealTarget):
            group = _SiderealGroup(context, [target])

            def local(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
                altitude, hour_angle = group.altitude_ha(np.zeros(t.size, np.intp), t)
                h0 = (
                    threshold_deg
                    if threshold_deg is not None
                    else target_threshold_deg(site.horizon_deg, None)
                )
                return altitude, np.full(t.size, h0 * DEG), hour_angle

        elif isinstance(target, MovingTarget):
            moving = _MovingOne(context, target)
            step = min(step, float(target.sample_step_s))

            def local(t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
                topo = moving.topocentric(t)
                h0 = (
                    threshold_deg
                    if threshold_deg is not None
                    else target_threshold_deg(site.horizon_deg, None)
                )
                return topo.altitude_rad, np.full(t.size, h0 * DEG), topo.hour_angle_rad

        else:
            raise TargetError(
                "rise/set needs a sidereal or moving target", field="target", value=target
            )

    def above(index: IntArray, t: FloatArray) -> FloatArray:
        altitude, h0, _ = local(t)
        return altitude - h0

    def past_meridian(index: IntArray, t: FloatArray) -> FloatArray:
        return np.sin(local(t)[2])

    if isinstance(target, SiderealTarget):
        # Culmination brackets: the altitude is monotonic between them, so even a star that
        # clears the threshold for a few seconds is found; H = ±6 h brackets the transits.
        hour_angle0 = group.hour_angle0
        grid = _phase_grid(hour_angle0, 0.0, window)
        meridian_grid = _phase_grid(hour_angle0, 0.5 * math.pi, window)
    else:
        grid = _uniform_grid(window, step)
        meridian_grid = grid
    altitude, h0, _ = local(grid[0])
    _, _, hour_angle = local(meridian_grid[0])
    events = edges_from_grid(above, grid, (altitude - h0)[None])
    meridian = edges_from_grid(past_meridian, meridian_grid, np.sin(hour_angle)[None])
    upper = meridian.delta > 0

    def pick(times: FloatArray) -> list[dt.datetime]:
        inside = (times >= window.start_s) & (times < window.end_s)
        return [from_unix_s(round(float(s), 3)) for s in np.sort(times[inside])]

    return RiseTransitSet(
        rises=pick(events.time_s[events.delta > 0]),
        transits=pick(meridian.time_s[upper]),
        sets=pick(events.time_s[events.delta < 0]),
    )


def _local_vector(site: Site, target: Target, when: dt.datetime) -> FloatArray:
    """Unit vector (east, north, up) of a target at one time."""
    altitude_deg = float(altitude_at_times(site, target, [when])[0])
    if isinstance(target, SatelliteTarget):
        azimuth = target.azimuth_deg * DEG
    else:
        azimuth = _azimuth_rad(site, target, when)
    h = altitude_deg * DEG
    return np.array([math.cos(h) * math.sin(azimuth), math.cos(h) * math.cos(azimuth), math.sin(h)])


def _azimuth_rad(site: Site, target: Target, when: dt.datetime) -> float:
    t = np.array([to_unix_s(when)])
    geometry = astro.site_geometry(site, float(t[0]), (float(t[0]), float(t[0])))
    lat = site.latitude_deg * DEG
    if isinstance(target, HourAngleTarget):
        ha = target.hour_angle_hours * 15.0 * DEG
        dec = target.dec_deg * DEG
    elif isinstance(target, SiderealTarget):
        stars = astro.star_nodes(
            np.array([target.ra_deg]),
            np.array([target.dec_deg]),
            np.array([target.pm_ra_cosdec_mas_yr]),
            np.array([target.pm_dec_mas_yr]),
            np.array([target.parallax_mas]),
            np.array([target.epoch_jyear]),
            float(t[0]),
            float(t[0]),
        )
        v = stars.at(np.zeros(1, np.intp), t)[0]
        ha = float(astro.local_era_rad(geometry, t)[0] - math.atan2(v[1], v[0]))
        dec = math.asin(float(v[2]))
    elif isinstance(target, MovingTarget):
        topo = astro.moving_topocentric(
            target.geocentric_position_au, t, geometry, earth_bound=_earth_bound(target)
        )
        ha = float(topo.hour_angle_rad[0])
        dec = math.asin(float(topo.direction[0, 2]))
    else:
        raise TargetError("target has no position", field="target", value=target)
    return math.atan2(
        -math.cos(dec) * math.sin(ha),
        math.sin(dec) * math.cos(lat) - math.cos(dec) * math.cos(ha) * math.sin(lat),
    )


def angular_distance_deg(
    site: Site, target_a: Target, target_b: Target, when: dt.datetime
) -> float:
    """Angle between two targets seen from the site at one time (degrees; slew estimates)."""
    a = _local_vector(site, target_a, when)
    b = _local_vector(site, target_b, when)
    return math.degrees(math.atan2(float(np.linalg.norm(np.cross(a, b))), float(a @ b)))


def largest_interval(intervals: Sequence[Interval], windows: Sequence[Interval]) -> Interval | None:
    """The longest piece of ``intervals`` inside any of ``windows`` (None if nothing)."""
    best: Interval | None = None
    pieces = intersect_lists(coalesce(intervals), coalesce(windows))
    for piece in pieces:
        if best is None or piece[1] - piece[0] > best[1] - best[0]:
            best = piece
    return best


def apparent_ra_dec_deg(
    site: Site, target: Target | str, times: Iterable[dt.datetime] | dt.datetime
) -> tuple[FloatArray, FloatArray]:
    """Apparent right ascension and declination of date (true equator and equinox), degrees.

    Topocentric for ``"sun"``, ``"moon"`` and moving targets (what JPL Horizons calls the
    airless apparent place); geocentric for sidereal targets (the difference is below 1 mas).
    The CIRS right ascension is moved to the equinox by the equation of the origins.
    """
    t = _times_array(times)
    geometry = astro.site_geometry(site, float(np.median(t)), (float(t.min()), float(t.max())))
    if isinstance(target, str):
        body = target.lower()
        if body not in ("sun", "moon"):
            raise TargetError("named places are for 'sun' or 'moon'", field="target", value=target)
        direction = astro.body_topocentric(body, t, geometry).direction
    elif isinstance(target, SiderealTarget):
        stars = astro.star_nodes(
            np.array([target.ra_deg]),
            np.array([target.dec_deg]),
            np.array([target.pm_ra_cosdec_mas_yr]),
            np.array([target.pm_dec_mas_yr]),
            np.array([target.parallax_mas]),
            np.array([target.epoch_jyear]),
            float(t.min()),
            float(t.max()),
        )
        direction = stars.at(np.zeros(t.size, dtype=np.intp), t)
    elif isinstance(target, MovingTarget):
        direction = astro.moving_topocentric(
            target.geocentric_position_au, t, geometry, earth_bound=_earth_bound(target)
        ).direction
    else:
        raise TargetError("target has no celestial position", field="target", value=target)
    ra_cirs = np.arctan2(direction[:, 1], direction[:, 0])
    equation_of_origins = astro.equation_of_origins_rad(t)
    ra = np.mod(np.degrees(ra_cirs - equation_of_origins), 360.0)
    dec = np.degrees(np.arcsin(np.clip(direction[:, 2], -1.0, 1.0)))
    return np.asarray(ra), np.asarray(dec)


@dataclass(frozen=True)
class DayFractions:
    """Meeus (ch. 15) approximate transit m0, rise m1 and set m2 (fractions of a day) and the
    hour angle H0 (degrees) of the threshold crossing; None when the object never crosses."""

    transit: float
    rise: float | None
    set: float | None
    hour_angle_deg: float | None


def approximate_day_fractions(
    *,
    latitude_deg: float,
    longitude_deg: float,
    sidereal_time_0h_deg: float,
    ra_deg: float,
    dec_deg: float,
    threshold_deg: float,
) -> DayFractions:
    """Meeus's first approximation of rise, transit and set (Astronomical Algorithms §15).

    ``longitude_deg`` is east-positive (as everywhere in this library); ``sidereal_time_0h_deg``
    is the apparent sidereal time at Greenwich at 0h UT. Used as a cross-check and for quick
    estimates; the interval functions root-find instead.
    """
    west_longitude = -longitude_deg
    transit = ((ra_deg + west_longitude - sidereal_time_0h_deg) / 360.0) % 1.0
    phi = math.radians(latitude_deg)
    dec = math.radians(dec_deg)
    cos_h0 = (math.sin(math.radians(threshold_deg)) - math.sin(phi) * math.sin(dec)) / (
        math.cos(phi) * math.cos(dec)
    )
    if not -1.0 <= cos_h0 <= 1.0:
        return DayFractions(transit, None, None, None)
    h0 = math.degrees(math.acos(cos_h0))
    return DayFractions(transit, (transit - h0 / 360.0) % 1.0, (transit + h0 / 360.0) % 1.0, h0)
