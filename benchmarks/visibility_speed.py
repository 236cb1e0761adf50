"""Speed of ``openocs.visibility`` on the issue-3 workload, and LCO's ``rise_set`` beside it.

Workload (issue 3, spec §9): 1,000 seeded random sidereal targets × 7 days × the six LCO sites;
horizon 15°, airmass ≤ 1.6, Moon distance ≥ 30°, Moon phase ≤ 0.8, nautical twilight,
HA −4.6/+4.6 h, zenith blind spot 5°. Prints wall times for: the whole workload (one batch call
per site, datetimes built), one target at one site over 7 days, and the same workload through
LCO's ``ocs-rise-set`` 0.6.x run in its own virtualenv (``RISESET_PYTHON``, default
``/work/venvs/riseset/bin/python``) on a sample of targets per site (it takes ~0.1 s per target
with a zenith blind spot, so the full 6,000 target-weeks would take minutes); the ratio uses the
per-target time. Usage: ``python benchmarks/visibility_speed.py [--riseset-sample 25]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path
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
WORK: dict[str, float | str] = {
    "horizon_deg": 15.0,
    "ha_limit_neg_hours": -4.6,
    "ha_limit_pos_hours": 4.6,
    "zenith_blind_spot_deg": 5.0,
    "max_airmass": 1.6,
    "min_lunar_distance_deg": 30.0,
    "max_lunar_phase": 0.8,
    "twilight": "nautical",
}
CERES = {
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
CONSTRAINTS = Constraints(
    max_airmass=1.6, min_lunar_distance_deg=30.0, max_lunar_phase=0.8, twilight="nautical"
)


def sites(offset_m: float = 0.0) -> dict[str, Site]:
    """The six sites; ``offset_m`` changes the elevation imperceptibly so that no site-level
    cache from an earlier call can be reused (the benchmark measures cold site work)."""
    return {
        code: Site(
            lat,
            lon,
            elevation + 1e-6 * offset_m,
            horizon_deg=15.0,
            ha_limit_neg_hours=-4.6,
            ha_limit_pos_hours=4.6,
            zenith_blind_spot_deg=5.0,
        )
        for code, (lat, lon, elevation) in SITES.items()
    }


def targets(n: int, seed: int = 20240304) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    return [(float(r), float(d)) for r, d in zip(ra, dec, strict=True)]


def run_ours(
    coords: list[tuple[float, float]],
) -> tuple[float, float, dict[str, list[list[tuple[dt.datetime, dt.datetime]]]]]:
    """(wall s, CPU s, intervals per site). A fresh Site per call: nothing cached by site."""
    objects = [SiderealTarget(ra, dec) for ra, dec in coords]
    began = time.perf_counter()
    cpu = time.process_time()
    result = {
        code: observable_intervals_batch(site, objects, START, END, CONSTRAINTS)
        for code, site in sites(offset_m=len(coords) + time.perf_counter() % 1).items()
    }
    return time.perf_counter() - began, time.process_time() - cpu, result


def run_riseset(coords: list[tuple[float, float]], python: str) -> dict[str, Any]:
    worker = Path(__file__).with_name("visibility_riseset_worker.py")
    work = {
        **WORK,
        "start": START.isoformat(),
        "end": END.isoformat(),
        "sites": {
            code: {"latitude_deg": lat, "longitude_deg": lon}
            for code, (lat, lon, _) in SITES.items()
        },
        "targets": coords,
    }
    done = subprocess.run(
        [python, str(worker)], input=json.dumps(work), capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def total_hours(intervals: list[tuple[dt.datetime, dt.datetime]]) -> float:
    return float(sum((e - s).total_seconds() for s, e in intervals)) / 3600.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--riseset-sample", type=int, default=25)
    parser.add_argument(
        "--riseset-python",
        default=os.environ.get("RISESET_PYTHON", "/work/venvs/riseset/bin/python"),
    )
    args = parser.parse_args()
    coords = targets(args.targets)
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"workload: {args.targets} sidereal targets x 7 days x {len(SITES)} sites, {WORK}")

    cold, _, _ = run_ours(coords[:2])
    print(
        f"first call in the process (reads the IERS table and DE421; 2 targets x 6 sites): "
        f"{cold:.3f} s"
    )
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu, ours = run_ours(coords)
        walls.append(wall)
        cpus.append(cpu)
    wall = min(walls)
    n_intervals = sum(len(v) for per_site in ours.values() for v in per_site)
    print(
        f"ours: {args.targets} targets x 6 sites x 7 days: best wall {wall:.3f} s, "
        f"best CPU {min(cpus):.3f} s (walls {', '.join(f'{w:.3f}' for w in walls)} s), "
        f"{n_intervals} intervals"
    )

    lsc = sites()["lsc"]
    singles, cpu_singles = [], []
    for k in range(30):
        one = SiderealTarget(*coords[k])
        began, cpu = time.perf_counter(), time.process_time()
        observable_intervals(lsc, one, START, END, CONSTRAINTS)
        singles.append(time.perf_counter() - began)
        cpu_singles.append(time.process_time() - cpu)
    print(
        f"ours: one target, one site, 7 days (site's Sun/Moon edges cached from earlier calls):"
        f" median wall {1000 * statistics.median(singles):.2f} ms, "
        f"median CPU {1000 * statistics.median(cpu_singles):.2f} ms"
    )
    fresh, cpu_fresh = [], []
    for k in range(5):
        site = sites(offset_m=1000 + k)["lsc"]
        began, cpu = time.perf_counter(), time.process_time()
        observable_intervals(site, SiderealTarget(*coords[k]), START, END, CONSTRAINTS)
        fresh.append(time.perf_counter() - began)
        cpu_fresh.append(time.process_time() - cpu)
    print(
        f"ours: one target, one new site, 7 days (site's Sun and Moon computed in the call): "
        f"median wall {1000 * statistics.median(fresh):.1f} ms, "
        f"median CPU {1000 * statistics.median(cpu_fresh):.1f} ms"
    )

    semester_site = sites(offset_m=5000)["cpt"]
    began, cpu = time.perf_counter(), time.process_time()
    nights = dark_intervals(semester_site, START, START + dt.timedelta(days=180), "nautical")
    print(
        f"ours: dark intervals of one site over a semester (180 days, {len(nights)} nights): "
        f"wall {1000 * (time.perf_counter() - began):.1f} ms, "
        f"CPU {1000 * (time.process_time() - cpu):.1f} ms (new site: nothing cached)"
    )
    ceres = target_from_portal(CERES)
    element_walls, element_cpus = [], []
    for k in range(5):
        site = sites(offset_m=6000 + k)["elp"]
        observable_intervals(site, SiderealTarget(0.0, 0.0), START, END, CONSTRAINTS)
        began, cpu = time.perf_counter(), time.process_time()
        observable_intervals(site, ceres, START, END, CONSTRAINTS)
        element_walls.append(time.perf_counter() - began)
        element_cpus.append(time.process_time() - cpu)
    print(
        f"ours: one orbital-element target (Ceres) x 7 days at one site (site's Sun/Moon "
        f"cached): median wall {1000 * statistics.median(element_walls):.1f} ms, "
        f"median CPU {1000 * statistics.median(element_cpus):.1f} ms"
    )

    python = args.riseset_python
    if not Path(python).exists():
        print(f"rise_set: not measured ({python} does not exist)")
        return
    sample = coords[: args.riseset_sample]
    began = time.perf_counter()
    theirs = run_riseset(sample, python)
    riseset_wall = time.perf_counter() - began
    per_target = float(theirs["seconds_per_target"])
    ours_per_target = wall / (args.targets * len(SITES))
    print(
        f"rise_set (ocs-rise-set, {theirs['targets']} target-weeks = {args.riseset_sample} "
        f"targets x 6 sites, {riseset_wall:.1f} s wall incl. start-up): "
        f"{1000 * per_target:.1f} ms per target-week"
    )
    print(
        f"extrapolated rise_set time for the full workload: "
        f"{per_target * args.targets * len(SITES):.1f} s"
    )
    print(
        f"ours per target-week: {1000 * ours_per_target:.3f} ms "
        f"-> ratio {per_target / ours_per_target:.0f}x"
    )
    differences = []
    for code, index, pairs in theirs["intervals"]:
        theirs_hours = (
            sum(
                (dt.datetime.fromisoformat(e) - dt.datetime.fromisoformat(s)).total_seconds()
                for s, e in pairs
            )
            / 3600.0
        )
        differences.append(abs(theirs_hours - total_hours(ours[code][index])) * 60.0)
    print(
        f"observable time per target-week, |ours - rise_set|: median "
        f"{statistics.median(differences):.1f} min, max {max(differences):.1f} min "
        "(rise_set's 30-min Moon chunks and airmass-limit edge errors; spec D27/D30)"
    )


if __name__ == "__main__":
    main()
