"""Speed of ``openocs.visibility`` beside LCO's ``rise_set`` (``ocs-rise-set`` 0.6.6), one process.

Two workloads, both seeded random sidereal targets × 7 days (2024-03-04 → 03-11) × the six LCO
sites (horizon 15°, hour angle −4.6/+4.6 h, nautical twilight):

- **A (issue 17)**: 200 targets, airmass ≤ 1.6, Moon distance ≥ 30°; no zenith blind spot, no
  Moon-phase limit. Measured three ways: one target per call with the site's night already known
  (the portal's validation), one batch call per site with a new site (nothing cached), and the
  reference on the same target-weeks (``Visibility`` per site made once, its night computed
  before the clock starts for the per-call figure; made inside the clock for the batch figure).
- **B (issue 3, heavier)**: 1,000 targets, zenith blind spot 5° and Moon phase ≤ 0.8 as well, one
  batch call per site; the reference (about 0.1 s per target-week there) on a sample.

Every figure is process CPU time (``time.process_time``; what the work costs on an idle core)
with wall time beside it, the median of ``--repeat`` runs. The reference runs in this process when
``rise_set`` can be imported: ``pip install ocs-rise-set==0.6.6`` into the same environment (it is
GPL and not a dependency of OpenOCS; it needs ``gfortran`` only where pyslalib has no wheel).

Usage: ``python benchmarks/visibility_speed.py [--repeat 3] [--heavy-sample 10]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from openocs.visibility import (
    Constraints,
    SiderealTarget,
    Site,
    dark_intervals,
    observable_intervals,
    observable_intervals_batch,
    target_from_portal,
)

SITES = {
    "lsc": (-30.1673472222, -70.8046722222, 2198.0),
    "cpt": (-32.38059, 20.8101083333, 1460.0),
    "coj": (-31.273, 149.070593, 1116.0),
    "elp": (30.6801, -104.015194444, 2070.0),
    "ogg": (20.7069444444, -156.258055556, 3065.0),
    "tfn": (28.300308, -16.511703, 2330.0),
}
START = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
END = START + dt.timedelta(days=7)
HORIZON_DEG = 15.0
HA_LIMIT_HOURS = 4.6


class Workload:
    def __init__(
        self,
        name: str,
        n_targets: int,
        *,
        zenith_blind_spot_deg: float,
        max_lunar_phase: float | None,
    ) -> None:
        self.name = name
        self.coords = targets(n_targets)
        self.zenith_blind_spot_deg = zenith_blind_spot_deg
        self.max_lunar_phase = max_lunar_phase
        self.constraints = Constraints(
            max_airmass=1.6,
            min_lunar_distance_deg=30.0,
            max_lunar_phase=max_lunar_phase,
            twilight="nautical",
        )

    def describe(self) -> str:
        phase = "none" if self.max_lunar_phase is None else f"≤ {self.max_lunar_phase}"
        return (
            f"workload {self.name}: {len(self.coords)} targets x {len(SITES)} sites x 7 days, "
            f"horizon {HORIZON_DEG}°, HA ±{HA_LIMIT_HOURS} h, airmass ≤ 1.6, Moon distance "
            f"≥ 30°, nautical twilight, zenith blind spot {self.zenith_blind_spot_deg}°, "
            f"Moon phase {phase}"
        )

    def sites(self, offset_m: float = 0.0) -> dict[str, Site]:
        """The six sites; ``offset_m`` changes the elevation imperceptibly so that no site-level
        cache from an earlier call can be reused (to measure cold site work)."""
        return {
            code: Site(
                lat,
                lon,
                elevation + 1e-6 * offset_m,
                horizon_deg=HORIZON_DEG,
                ha_limit_neg_hours=-HA_LIMIT_HOURS,
                ha_limit_pos_hours=HA_LIMIT_HOURS,
                zenith_blind_spot_deg=self.zenith_blind_spot_deg,
            )
            for code, (lat, lon, elevation) in SITES.items()
        }


def targets(n: int, seed: int = 20240304) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    return [(float(r), float(d)) for r, d in zip(ra, dec, strict=True)]


def clocked(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(CPU s, wall s, result) of one call."""
    began_cpu, began = time.process_time(), time.perf_counter()
    result = work()
    return time.process_time() - began_cpu, time.perf_counter() - began, result


def median_runs(work: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    runs = [clocked(work) for _ in range(repeat)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[-1][2],
    )


# --------------------------------------------------------------------------------------------
# Ours


def ours_batch(workload: Workload, repeat: int) -> tuple[float, float, dict[str, Any]]:
    objects = [SiderealTarget(ra, dec) for ra, dec in workload.coords]
    counter = iter(range(1, 1_000_000))

    def run() -> dict[str, Any]:
        fresh = workload.sites(offset_m=next(counter))
        return {
            code: observable_intervals_batch(site, objects, START, END, workload.constraints)
            for code, site in fresh.items()
        }

    return median_runs(run, repeat)


def ours_per_call(workload: Workload, repeat: int) -> tuple[float, float]:
    """One target per call, the site's night and Moon already computed (one call first)."""
    sites = workload.sites(offset_m=-1.0)
    objects = [SiderealTarget(ra, dec) for ra, dec in workload.coords]
    for site in sites.values():
        observable_intervals(site, objects[0], START, END, workload.constraints)

    def run() -> None:
        for site in sites.values():
            for target in objects:
                observable_intervals(site, target, START, END, workload.constraints)

    cpu, wall, _ = median_runs(run, repeat)
    return cpu, wall


# --------------------------------------------------------------------------------------------
# The reference, in this process


def load_reference() -> dict[str, Any] | None:
    try:
        return {
            "Angle": importlib.import_module("rise_set.angle").Angle,
            "make_ra_dec_target": importlib.import_module("rise_set.astrometry").make_ra_dec_target,
            "Visibility": importlib.import_module("rise_set.visibility").Visibility,
        }
    except ModuleNotFoundError:
        return None


def reference_visibilities(rs: dict[str, Any], workload: Workload) -> dict[str, Any]:
    angle = rs["Angle"]
    result = {}
    for code, (lat, lon, _) in SITES.items():
        site = {
            "latitude": angle(degrees=lat),
            "longitude": angle(degrees=lon),
            "horizon": angle(degrees=HORIZON_DEG),
            "ha_limit_neg": -HA_LIMIT_HOURS,
            "ha_limit_pos": HA_LIMIT_HOURS,
            "zenith_blind_spot": workload.zenith_blind_spot_deg,
        }
        result[code] = rs["Visibility"](
            site,
            START.replace(tzinfo=None),
            END.replace(tzinfo=None),
            horizon=HORIZON_DEG,
            twilight="nautical",
            ha_limit_neg=-HA_LIMIT_HOURS,
            ha_limit_pos=HA_LIMIT_HOURS,
            zenith_blind_spot=workload.zenith_blind_spot_deg,
        )
    return result


def reference_targets(
    rs: dict[str, Any], workload: Workload, count: int
) -> dict[str, list[list[tuple[dt.datetime, dt.datetime]]]]:
    """Intervals of the first ``count`` targets at every site (fresh Visibility objects)."""
    visibilities = reference_visibilities(rs, workload)
    angle = rs["Angle"]
    extra: dict[str, Any] = {"airmass": 1.6, "moon_distance": angle(degrees=30.0)}
    if workload.max_lunar_phase is not None:
        extra["moon_phase"] = workload.max_lunar_phase
    result: dict[str, list[list[tuple[dt.datetime, dt.datetime]]]] = {}
    for code, visibility in visibilities.items():
        result[code] = [
            visibility.get_observable_intervals(
                rs["make_ra_dec_target"](angle(degrees=ra), angle(degrees=dec)), **extra
            )
            for ra, dec in workload.coords[:count]
        ]
    return result


def reference_per_call(rs: dict[str, Any], workload: Workload, repeat: int) -> tuple[float, float]:
    """The reference per target with each site's night computed before the clock starts."""
    visibilities = reference_visibilities(rs, workload)
    for visibility in visibilities.values():
        visibility.get_dark_intervals()
    angle = rs["Angle"]
    moon = angle(degrees=30.0)

    def run() -> None:
        for visibility in visibilities.values():
            for ra, dec in workload.coords:
                target = rs["make_ra_dec_target"](angle(degrees=ra), angle(degrees=dec))
                visibility.get_observable_intervals(target, airmass=1.6, moon_distance=moon)

    cpu, wall, _ = median_runs(run, repeat)
    return cpu, wall


def hours(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    return sum((e - s).total_seconds() for s, e in intervals) / 3600.0


def agreement(
    ours: dict[str, list[list[tuple[dt.datetime, dt.datetime]]]],
    theirs: dict[str, list[list[tuple[dt.datetime, dt.datetime]]]],
) -> str:
    differences = [
        abs(hours(ours[code][i]) - hours(pairs)) * 60.0
        for code, per_site in theirs.items()
        for i, pairs in enumerate(per_site)
    ]
    return (
        f"observable time per target-week |ours - rise_set|: median "
        f"{statistics.median(differences):.1f} min, max {max(differences):.1f} min "
        "(rise_set's 30-min Moon chunks and airmass-edge errors; spec D27/D30)"
    )


def per_tw(seconds: float, count: int) -> str:
    return f"{1000 * seconds / count:.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--heavy-sample", type=int, default=10, help="reference targets in B")
    args = parser.parse_args()
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; medians of {args.repeat} runs, "
        "CPU (wall)"
    )
    rs = load_reference()
    if rs is None:
        print("rise_set: not installed (pip install ocs-rise-set==0.6.6): no ratios")

    light = Workload("A", 200, zenith_blind_spot_deg=0.0, max_lunar_phase=None)
    n = len(light.coords) * len(SITES)
    print(light.describe())
    cpu, wall = ours_per_call(light, args.repeat)
    print(f"  ours, one target per call (site's night known): {per_tw(cpu, n)} ({per_tw(wall, n)})")
    ours_call_cpu = cpu
    cpu, wall, ours_a = ours_batch(light, args.repeat)
    print(f"  ours, one batch call per new site: {per_tw(cpu, n)} ({per_tw(wall, n)})")
    ours_batch_cpu = cpu
    if rs is not None:
        cpu, wall = reference_per_call(rs, light, args.repeat)
        print(
            f"  rise_set, one target per call (site's night known): {per_tw(cpu, n)} "
            f"({per_tw(wall, n)})"
        )
        print(
            f"  ratio per call {cpu / ours_call_cpu:.1f}x (target >= 10x); "
            f"batch {cpu / ours_batch_cpu:.1f}x (target >= 30x)"
        )
        cpu, wall, theirs = median_runs(lambda: reference_targets(rs, light, 200), args.repeat)
        print(
            f"  rise_set with a new Visibility per site (its night inside the clock): "
            f"{per_tw(cpu, n)} ({per_tw(wall, n)}) -> batch ratio {cpu / ours_batch_cpu:.1f}x"
        )
        print("  " + agreement(ours_a, theirs))

    heavy = Workload("B", 1000, zenith_blind_spot_deg=5.0, max_lunar_phase=0.8)
    n = len(heavy.coords) * len(SITES)
    print(heavy.describe())
    cpu, wall, ours_b = ours_batch(heavy, args.repeat)
    print(f"  ours, one batch call per new site: {per_tw(cpu, n)} ({per_tw(wall, n)})")
    if rs is not None:
        sample = min(args.heavy_sample, len(heavy.coords))
        m = sample * len(SITES)
        their_cpu, their_wall, theirs = clocked(lambda: reference_targets(rs, heavy, sample))
        print(
            f"  rise_set on the first {sample} targets x 6 sites: {per_tw(their_cpu, m)} "
            f"({per_tw(their_wall, m)}) -> ratio {their_cpu / m / (cpu / n):.0f}x"
        )
        print("  " + agreement(ours_b, theirs))

    print("other figures (ours):")
    semester_site = heavy.sites(offset_m=5000)["cpt"]
    cpu, wall, nights = clocked(
        lambda: dark_intervals(semester_site, START, START + dt.timedelta(days=180), "nautical")
    )
    print(
        f"  dark intervals of a new site over 180 days ({len(nights)} nights): "
        f"{1000 * cpu:.1f} ms ({1000 * wall:.1f} ms)"
    )
    ceres = target_from_portal(
        {
            "type": "ORBITAL_ELEMENTS",
            "scheme": "MPC_MINOR_PLANET",
            "epochofel": 60400.0,
            "orbinc": 10.58788,
            "longascnode": 80.24963,
            "argofperih": 73.29977,
            "meandist": 2.7656148,
            "eccentricity": 0.0795555,
            "meananom": 190.0,
        }
    )
    site = heavy.sites(offset_m=6000)["elp"]
    observable_intervals(site, SiderealTarget(0.0, 0.0), START, END, heavy.constraints)
    cpu, wall, _ = median_runs(
        lambda: observable_intervals(site, ceres, START, END, heavy.constraints), 5
    )
    print(
        f"  one orbital-element target (Ceres) x 7 days, site known: {1000 * cpu:.1f} ms "
        f"({1000 * wall:.1f} ms)"
    )


if __name__ == "__main__":
    main()
