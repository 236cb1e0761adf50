"""Edge accuracy of ``openocs.visibility`` against a brute-force astropy/ERFA truth.

Issue 3: every interval edge within 1 s of an independent astropy reference (p99 ≤ 1 s, max ≤ 2 s)
over ≥ 500 random targets and the 6 LCO sites. For each site: ``--targets`` seeded random sidereal
targets (a third with proper motion and parallax, a fifth near the zenith declination, two placed
to cross the 30° Moon-distance limit), over ``--days`` from a per-site start date, with a
per-site threshold configuration (horizon 0 with the −34′ rule, airmass 1.6, horizon 30°/60°/85°,
asymmetric hour-angle limits, zenith blind spot). Edge kinds: target altitude (horizon/airmass),
hour angle, zenith blind spot, Moon distance, twilight (sunrise, civil, nautical,
astronomical) and Moon rise/set. The truth is the test suite's
``openocs/visibility/tests/astropy_truth.py`` (5-minute grid, then root refinement to 1 ms on
astropy evaluations; DE421 Moon). Prints p50/p99/max per kind.

Usage: ``python benchmarks/visibility_accuracy.py [--targets 84] [--days 1.0]`` (the defaults
give 6 × 84 = 504 targets; about 10–20 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import numpy as np

from openocs.visibility.targets import SiderealTarget
from openocs.visibility.tests import astropy_truth as truth
from openocs.visibility.timescales import to_unix_s

CONFIGS = {
    "lsc": (
        dt.datetime(2024, 3, 10, 7, 13, tzinfo=dt.UTC),
        {
            "horizon_deg": 15.0,
            "max_airmass": 1.6,
            "ha_limits_hours": (-4.533, 4.467),
            "zenith_blind_spot_deg": 10.0,
        },
    ),
    "cpt": (
        dt.datetime(2021, 9, 14, 0, 0, tzinfo=dt.UTC),
        {
            "horizon_deg": 0.0,
            "max_airmass": None,
            "ha_limits_hours": (-4.6, 4.6),
            "zenith_blind_spot_deg": 5.0,
        },
    ),
    "coj": (
        dt.datetime(2015, 12, 20, 3, 0, tzinfo=dt.UTC),
        {
            "horizon_deg": 60.0,
            "max_airmass": 1.3,
            "ha_limits_hours": (-3.0, 2.0),
            "zenith_blind_spot_deg": 2.0,
        },
    ),
    "elp": (
        dt.datetime(2018, 5, 3, 18, 30, tzinfo=dt.UTC),
        {
            "horizon_deg": 30.0,
            "max_airmass": 2.0,
            "ha_limits_hours": (-4.9, 4.9),
            "zenith_blind_spot_deg": 8.0,
        },
    ),
    "ogg": (
        dt.datetime(2019, 7, 2, 16, 0, tzinfo=dt.UTC),
        {
            "horizon_deg": 0.0,
            "max_airmass": 3.0,
            "ha_limits_hours": (-12.0, 5.5),
            "zenith_blind_spot_deg": 4.0,
        },
    ),
    "tfn": (
        dt.datetime(2023, 1, 25, 12, 0, tzinfo=dt.UTC),
        {
            "horizon_deg": 85.0,
            "max_airmass": None,
            "ha_limits_hours": (-6.0, 0.0),
            "zenith_blind_spot_deg": 1.0,
        },
    ),
}


def near_the_moon(start_s: float) -> list[SiderealTarget]:
    moon = truth.moon_coord(np.array([start_s])).gcrs
    ra, dec = float(moon.ra.deg[0]), float(moon.dec.deg[0])
    return [SiderealTarget((ra - 22.0) % 360.0, dec), SiderealTarget((ra + 38.0) % 360.0, dec)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=84, help="targets per site")
    parser.add_argument("--days", type=float, default=1.0)
    args = parser.parse_args()
    collected: dict[str, list[np.ndarray]] = {}
    problems: dict[str, list[int]] = {}
    began = time.perf_counter()
    total_targets = 0
    for seed, (code, (start, config)) in enumerate(CONFIGS.items()):
        site = truth.LCO_SITES[code]
        start_s = to_unix_s(start)
        targets = truth.random_targets(
            args.targets - 2, seed=1000 + seed, site_latitude_deg=site.latitude_deg
        )
        targets += near_the_moon(start_s)
        total_targets += len(targets)
        results = truth.edge_errors(
            site,
            targets,
            start_s,
            start_s + args.days * 86_400.0,
            min_lunar_distance_deg=30.0,
            max_lunar_phase=0.5,
            **config,  # type: ignore[arg-type]
        )
        line = []
        for kind, (diffs, missing, extra) in results.items():
            collected.setdefault(kind, []).append(diffs)
            problems.setdefault(kind, [0, 0])
            problems[kind][0] += missing
            problems[kind][1] += extra
            worst = f"{diffs.max():.3f}" if diffs.size else "-"
            line.append(f"{kind} n={diffs.size} max={worst}s")
        print(f"{code} {start:%Y-%m-%d} {config}: " + "; ".join(line), flush=True)
    print(
        f"\n{total_targets} targets at {len(CONFIGS)} sites, {args.days} day(s) each, "
        f"{time.perf_counter() - began:.0f} s"
    )
    print(
        f"{'edge kind':<16}{'edges':>7}{'p50 s':>10}{'p99 s':>10}{'max s':>10}"
        f"{'missed':>8}{'extra':>7}"
    )
    for kind, parts in collected.items():
        diffs = np.concatenate(parts)
        if diffs.size == 0:
            print(f"{kind:<16}{0:>7}")
            continue
        p50, p99 = np.percentile(diffs, [50, 99])
        print(
            f"{kind:<16}{diffs.size:>7}{p50:>10.4f}{p99:>10.4f}{diffs.max():>10.4f}"
            f"{problems[kind][0]:>8}{problems[kind][1]:>7}"
        )


if __name__ == "__main__":
    main()
