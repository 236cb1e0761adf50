"""Independent truth model for the visibility tests (spec §7.1, item 2).

astropy (a test-only dependency) with the library's conventions: geometric altitude (pressure 0),
the bundled IERS tables (``auto_download`` off), the thresholds of spec §3. The Moon comes from
JPL DE421 read directly with ``jplephem`` (not through the library), light-time iterated, and is
turned into an ICRS coordinate so that astropy does parallax and aberration itself. Edges are
found by brute force: a 5-minute grid, then bisection to 1 ms on astropy evaluations.

Nothing here imports the code under test except the :class:`Site` and target dataclasses used to
describe the inputs.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import astropy.units as u
import de421
import numpy as np
from astropy.coordinates import (
    TETE,
    AltAz,
    CartesianRepresentation,
    EarthLocation,
    SkyCoord,
    get_body,
    get_body_barycentric,
)
from astropy.time import Time
from astropy.utils import iers
from erfa import ErfaWarning
from jplephem.ephem import Ephemeris

from openocs.visibility.intervals import Edges
from openocs.visibility.site import Site
from openocs.visibility.targets import SiderealTarget

iers.conf.auto_download = False
iers.conf.auto_max_age = None

AU_KM = 149_597_870.7
C_KM_S = 299_792.458


def location(site: Site) -> EarthLocation:
    return EarthLocation.from_geodetic(
        site.longitude_deg * u.deg, site.latitude_deg * u.deg, site.elevation_m * u.m
    )


def times(unix_s: np.ndarray) -> Time:
    return Time(np.asarray(unix_s, dtype=float), format="unix", scale="utc")


def altaz(site: Site, unix_s: np.ndarray) -> AltAz:
    return AltAz(obstime=times(unix_s), location=location(site), pressure=0 * u.hPa)


def star_coord(targets: list[SiderealTarget], index: np.ndarray, when: Time) -> SkyCoord:
    """Stars ``targets[index]`` at ``when`` (space motion applied by astropy), ICRS."""
    index = np.asarray(index)

    def column(name: str) -> np.ndarray:
        values = [getattr(targets[i], name) for i in index.ravel()]
        return np.array(values, dtype=float).reshape(index.shape)

    parallax_mas = np.maximum(column("parallax_mas"), 1e-3)
    coord = SkyCoord(
        ra=column("ra_deg") * u.deg,
        dec=column("dec_deg") * u.deg,
        pm_ra_cosdec=column("pm_ra_cosdec_mas_yr") * u.mas / u.yr,
        pm_dec=column("pm_dec_mas_yr") * u.mas / u.yr,
        distance=(1000.0 / parallax_mas) * u.pc,
        radial_velocity=np.zeros(index.shape) * u.km / u.s,
        obstime=Time(column("epoch_jyear"), format="jyear", scale="tt"),
        frame="icrs",
    )
    with warnings.catch_warnings():
        # ERFA's "distance overridden" for the tiny parallax floor is expected and harmless.
        warnings.simplefilter("ignore", ErfaWarning)
        return coord.apply_space_motion(new_obstime=when)


def star_altaz(
    site: Site, targets: list[SiderealTarget], index: np.ndarray, unix_s: np.ndarray
) -> SkyCoord:
    frame = altaz(site, unix_s)
    return star_coord(targets, index, frame.obstime).transform_to(frame)


def star_altitude_deg(
    site: Site, targets: list[SiderealTarget], index: np.ndarray, unix_s: np.ndarray
) -> np.ndarray:
    return np.asarray(star_altaz(site, targets, index, unix_s).alt.deg)


def star_hour_angle_deg(
    site: Site, targets: list[SiderealTarget], index: np.ndarray, unix_s: np.ndarray
) -> np.ndarray:
    """Apparent hour angle: LAST − α(TETE), degrees in (−180, 180]."""
    when = times(unix_s)
    last = when.sidereal_time("apparent", longitude=site.longitude_deg * u.deg).deg
    ra = star_coord(targets, index, when).transform_to(TETE(obstime=when)).ra.deg
    return np.asarray((last - ra + 180.0) % 360.0 - 180.0)


@functools.cache
def _ephemeris() -> Ephemeris:
    return Ephemeris(de421)


def _moon_barycentric_km(jd_tdb: np.ndarray) -> np.ndarray:
    eph = _ephemeris()
    emb = eph.position("earthmoon", jd_tdb)
    moon = eph.position("moon", jd_tdb)
    return np.asarray(emb + moon * eph.moon_share)


def _earth_barycentric_km(jd_tdb: np.ndarray) -> np.ndarray:
    eph = _ephemeris()
    return np.asarray(
        eph.position("earthmoon", jd_tdb) - eph.position("moon", jd_tdb) * eph.earth_share
    )


def moon_coord(unix_s: np.ndarray) -> SkyCoord:
    """DE421 Moon at the retarded time (light time to the geocentre), as an ICRS coordinate."""
    shape = np.shape(unix_s)
    when = times(np.ravel(unix_s))
    jd = when.tdb.jd
    earth = _earth_barycentric_km(jd)
    moon = _moon_barycentric_km(jd)
    for _ in range(3):
        tau_days = np.linalg.norm(moon - earth, axis=0) / C_KM_S / 86400.0
        moon = _moon_barycentric_km(jd - tau_days)
    # astropy subtracts its own (ERFA epv00) barycentric Earth, which differs from DE421's by
    # kilometres: hand it the DE421 astrometric geocentric vector on top of that Earth.
    astropy_earth = get_body_barycentric("earth", when).xyz.to_value(u.km)
    moon = moon - earth + astropy_earth
    rep = CartesianRepresentation(moon.reshape((3, *shape)) * u.km)
    return SkyCoord(rep, frame="icrs", obstime=times(unix_s))


def body_coord(series: str, unix_s: np.ndarray) -> SkyCoord:
    """A DE421 body (``jupiter`` …: the system barycentre series) as an ICRS coordinate,
    light-time iterated, placed on astropy's own Earth like :func:`moon_coord`."""
    when = times(unix_s)
    jd = when.tdb.jd
    earth = _earth_barycentric_km(jd)
    body = _ephemeris().position(series, jd)
    for _ in range(3):
        tau_days = np.linalg.norm(body - earth, axis=0) / C_KM_S / 86400.0
        body = _ephemeris().position(series, jd - tau_days)
    astropy_earth = get_body_barycentric("earth", when).xyz.to_value(u.km)
    return SkyCoord(
        CartesianRepresentation((body - earth + astropy_earth) * u.km), frame="icrs", obstime=when
    )


def moon_altaz(site: Site, unix_s: np.ndarray) -> SkyCoord:
    frame = altaz(site, unix_s)
    return moon_coord(unix_s).transform_to(frame)


def sun_altitude_deg(site: Site, unix_s: np.ndarray) -> np.ndarray:
    frame = altaz(site, unix_s)
    return np.asarray(get_body("sun", frame.obstime, location(site)).transform_to(frame).alt.deg)


def moon_up_function_deg(site: Site, unix_s: np.ndarray) -> np.ndarray:
    """Moon altitude minus (−34′ − topocentric semi-diameter)."""
    moon = moon_altaz(site, unix_s)
    sd = np.degrees(np.arcsin(1737.4 / moon.distance.to_value(u.km)))
    return np.asarray(moon.alt.deg + 34.0 / 60.0 + sd)


def moon_illumination(site: Site, unix_s: np.ndarray) -> np.ndarray:
    frame = altaz(site, unix_s)
    moon = moon_coord(unix_s).transform_to(frame).cartesian.xyz.to_value(u.km)
    sun = get_body("sun", frame.obstime, location(site)).transform_to(frame)
    sun_xyz = sun.cartesian.xyz.to_value(u.km)
    to_sun = sun_xyz - moon
    cos_i = -np.sum(to_sun * moon, axis=0) / (
        np.linalg.norm(to_sun, axis=0) * np.linalg.norm(moon, axis=0)
    )
    return np.asarray((1 + cos_i) / 2)


def star_moon_separation_deg(
    site: Site, targets: list[SiderealTarget], index: np.ndarray, unix_s: np.ndarray
) -> np.ndarray:
    frame = altaz(site, unix_s)
    star = star_coord(targets, index, frame.obstime).transform_to(frame)
    moon = moon_coord(unix_s).transform_to(frame)
    return np.asarray(star.separation(moon).deg)


@dataclass(frozen=True)
class Root:
    index: int
    time_s: float
    rising: bool


def brute_force_roots(
    func: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n: int,
    start_s: float,
    end_s: float,
    step_s: float = 300.0,
    tolerance_s: float = 1e-3,
    grid_values: np.ndarray | None = None,
) -> list[Root]:
    """Roots of func(index, t) for n objects: a grid every ``step_s`` (evaluated as an (n, G)
    broadcast, or given), then Illinois regula falsi with bisection fallback, to 1 ms."""
    grid = np.arange(start_s, end_s + step_s / 2, step_s)
    if grid_values is None:
        grid_values = func(np.arange(n)[:, None], grid[None, :])
    values = np.broadcast_to(grid_values, (n, grid.size))
    row, col = np.nonzero((values[:, 1:] >= 0) != (values[:, :-1] >= 0))
    a = grid[col].astype(float)
    b = grid[col + 1].astype(float)
    fa = values[row, col].astype(float)
    fb = values[row, col + 1].astype(float)
    rising = fb >= 0
    iteration = 0
    while np.any(b - a > tolerance_s):
        iteration += 1
        c = b - fb * (b - a) / (fb - fa)
        bad = ~np.isfinite(c) | (c <= a) | (c >= b) | (iteration % 4 == 0)
        c = np.where(bad, 0.5 * (a + b), c)
        c = np.clip(c, a + 1e-4, b - 1e-4)
        fc = func(row, c)
        left = (fc >= 0) == (fa >= 0)
        fb = np.where(left, fb * 0.5, fc)
        b = np.where(left, b, c)
        fa = np.where(left, fc, fa * 0.5)
        a = np.where(left, c, a)
        done = b - a <= tolerance_s
        if iteration > 60 or np.all(done):
            break
    return [
        Root(int(r), float(0.5 * (x + y)), bool(p))
        for r, x, y, p in zip(row, a, b, rising, strict=True)
    ]


def match(
    ours: list[Root], truth: list[Root], window_s: float = 120.0
) -> tuple[np.ndarray, int, int]:
    """|ours − truth| for every truth root matched to our nearest root of the same object and
    direction; also the numbers of unmatched truth roots and unmatched roots of ours."""
    by_key: dict[tuple[int, bool], list[float]] = {}
    for root in ours:
        by_key.setdefault((root.index, root.rising), []).append(root.time_s)
    used: set[tuple[int, bool, int]] = set()
    diffs: list[float] = []
    missing = 0
    for root in truth:
        candidates = np.array(by_key.get((root.index, root.rising), []))
        if candidates.size == 0:
            missing += 1
            continue
        k = int(np.argmin(np.abs(candidates - root.time_s)))
        diff = abs(float(candidates[k]) - root.time_s)
        if diff > window_s:
            missing += 1
            continue
        used.add((root.index, root.rising, k))
        diffs.append(diff)
    extra = len(ours) - len(used)
    return np.array(diffs), missing, extra


def roots_from_edges(
    index: np.ndarray, time_s: np.ndarray, delta: np.ndarray, start_s: float, end_s: float
) -> list[Root]:
    """Library edges (inside [start_s, end_s]) as :class:`Root` objects."""
    return [
        Root(int(i), float(t), bool(d > 0))
        for i, t, d in zip(index, time_s, delta, strict=True)
        if start_s <= t <= end_s
    ]


# ------------------------------------------------------------------------------------------------
# One comparison run: the library's edges against the brute-force truth, per edge kind.

LCO_SITES: dict[str, Site] = {
    "lsc": Site(-30.1673472222, -70.8046722222, 2198.0),
    "cpt": Site(-32.38059, 20.8101083333, 1460.0),
    "coj": Site(-31.273, 149.070593, 1116.0),
    "elp": Site(30.6801, -104.015194444, 2070.0),
    "ogg": Site(20.7069444444, -156.258055556, 3065.0),
    "tfn": Site(28.300308, -16.511703, 2330.0),
}


def random_targets(n: int, seed: int, *, site_latitude_deg: float = 0.0) -> list[SiderealTarget]:
    """Seeded random sidereal targets (uniform on the sky, some with proper motion and parallax;
    a fifth placed near the site's zenith declination so the zenith blind spot is crossed)."""
    rng = np.random.default_rng(seed)
    targets = []
    for k in range(n):
        ra = float(rng.uniform(0, 360))
        dec = float(np.degrees(np.arcsin(rng.uniform(-1, 1))))
        if k % 5 == 4:
            dec = float(np.clip(site_latitude_deg + rng.uniform(-8, 8), -89, 89))
        moving = k % 3 == 0
        targets.append(
            SiderealTarget(
                ra_deg=ra,
                dec_deg=dec,
                pm_ra_cosdec_mas_yr=float(rng.normal(0, 300)) if moving else 0.0,
                pm_dec_mas_yr=float(rng.normal(0, 300)) if moving else 0.0,
                parallax_mas=float(rng.uniform(0, 200)) if moving else 0.0,
                epoch_jyear=2000.0,
            )
        )
    return targets


def _below_sun(site: Site, h0: float, index: np.ndarray, t: np.ndarray) -> np.ndarray:
    return h0 - sun_altitude_deg(site, t)


def edge_errors(
    site: Site,
    targets: list[SiderealTarget],
    start_s: float,
    end_s: float,
    *,
    horizon_deg: float,
    max_airmass: float | None,
    ha_limits_hours: tuple[float, float],
    zenith_blind_spot_deg: float,
    min_lunar_distance_deg: float,
    max_lunar_phase: float,
    twilights: tuple[str, ...] = ("sunrise", "civil", "nautical", "astronomical"),
    step_s: float = 300.0,
) -> dict[str, tuple[np.ndarray, int, int]]:
    """Per edge kind: (|library − truth| seconds, truth edges missed, library edges extra)."""
    import dataclasses
    import datetime as dt

    from openocs.visibility import observability as obs
    from openocs.visibility.constraints import Constraints, target_threshold_deg
    from openocs.visibility.timescales import from_unix_s

    configured = dataclasses.replace(
        site,
        horizon_deg=horizon_deg,
        ha_limit_neg_hours=ha_limits_hours[0],
        ha_limit_pos_hours=ha_limits_hours[1],
        zenith_blind_spot_deg=zenith_blind_spot_deg,
    )
    constraints = Constraints(
        max_airmass=max_airmass,
        min_lunar_distance_deg=min_lunar_distance_deg,
        max_lunar_phase=max_lunar_phase,
    )
    window = obs._window(from_unix_s(start_s), from_unix_s(end_s))
    context = obs._SiteContext(configured, window)
    group = obs._SiderealGroup(context, targets)
    ours = group.edges(constraints)
    lo_s, hi_s = start_s + step_s, end_s - step_s
    n = len(targets)

    def library(edges: Edges) -> list[Root]:
        return roots_from_edges(edges.index, edges.time_s, edges.delta, lo_s, hi_s)

    def truth(
        func: Callable[[np.ndarray, np.ndarray], np.ndarray],
        count: int,
        grid_values: np.ndarray | None = None,
    ) -> list[Root]:
        roots = brute_force_roots(func, count, start_s, end_s, step_s, grid_values=grid_values)
        return [r for r in roots if lo_s <= r.time_s <= hi_s]

    grid = np.arange(start_s, end_s + step_s / 2, step_s)
    altitude_grid = star_altitude_deg(site, targets, np.arange(n)[:, None], grid[None, :])
    sun_grid = sun_altitude_deg(site, grid)

    results: dict[str, tuple[np.ndarray, int, int]] = {}
    threshold = target_threshold_deg(horizon_deg, max_airmass)
    results["altitude"] = match(
        library(ours["altitude"]),
        truth(
            lambda i, t: star_altitude_deg(site, targets, i, t) - threshold,
            n,
            altitude_grid - threshold,
        ),
    )
    if "zenith" in ours:
        ceiling = 90.0 - zenith_blind_spot_deg
        results["zenith"] = match(
            library(ours["zenith"]),
            truth(
                lambda i, t: ceiling - star_altitude_deg(site, targets, i, t),
                n,
                ceiling - altitude_grid,
            ),
        )
    if "hour_angle" in ours:
        lo, hi = configured.ha_window_hours
        mid, half = 7.5 * (hi + lo), 7.5 * (hi - lo)
        results["hour_angle"] = match(
            library(ours["hour_angle"]),
            truth(
                lambda i, t: (
                    np.cos(np.radians(star_hour_angle_deg(site, targets, i, t) - mid))
                    - np.cos(np.radians(half))
                ),
                n,
            ),
        )
    if "moon_distance" in ours:
        cos_limit = np.cos(np.radians(min_lunar_distance_deg))
        results["moon_distance"] = match(
            library(ours["moon_distance"]),
            truth(
                lambda i, t: (
                    cos_limit - np.cos(np.radians(star_moon_separation_deg(site, targets, i, t)))
                ),
                n,
            ),
        )
    twilight_diffs: list[np.ndarray] = []
    missing = extra = 0
    for twilight in twilights:
        h0 = {"sunrise": -50 / 60, "civil": -6.0, "nautical": -12.0, "astronomical": -18.0}[
            twilight
        ]
        d, m, e = match(
            library(context.dark(twilight)),
            truth(functools.partial(_below_sun, site, h0), 1, h0 - sun_grid[None, :]),
        )
        twilight_diffs.append(d)
        missing += m
        extra += e
    results["twilight"] = (np.concatenate(twilight_diffs), missing, extra)
    results["moon_rise_set"] = match(
        library(context.moon_up()), truth(lambda i, t: moon_up_function_deg(site, t), 1)
    )
    del dt
    return results
