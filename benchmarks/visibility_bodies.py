"""Cost of the body-position part of the visibility pipeline (orbits, planets, satellites).

Run: ``.venv/bin/python benchmarks/visibility_bodies.py``

The visibility pipeline evaluates a moving target's position on a coarse grid over the window
(the library samples orbital-element targets every 20 minutes: 504 points per week) and then
refines each edge with a few short calls. This script times, per target-week:

- one 504-point grid call of ``geocentric_position_au`` for each element scheme,
- one 3-point call (a refinement step) and the total of a grid call plus 40 such calls,

and the same for a DE421 planet, the Moon and an SGP4 satellite (20 s steps over a day). Each
figure is the best of 30 batches of process CPU time, so it measures the code, not the machine's
other load.
The budget for the whole visibility pipeline is 20 ms per orbital-element target-week.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from openocs.visibility import orbits, planets, satellites

ORBITS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "orbits"
WEEK_GRID_STEP_DAYS = 1200.0 / 86400.0
REFINEMENT_CALLS = 40
ISS = (
    "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
    "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537",
)


def best_ms(function: Callable[[], object], *, number: int = 10, repeat: int = 30) -> float:
    """Best mean CPU time of ``function`` in milliseconds over ``repeat`` batches.

    CPU time of this process (``time.process_time``), not wall time: the figures must describe
    the code even when the shared 2-core machine is busy with other work.
    """
    function()
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            function()
        timings.append((time.process_time() - start) / number)
    return min(timings) * 1e3


def _jupiter_elements() -> orbits.MajorPlanetElements:
    return orbits.MajorPlanetElements(  # visibility.md §7.3 case A12
        epoch_mjd_tt=55959.0,
        inclination_deg=1.303884172546506,
        long_asc_node_deg=100.5093329813755,
        arg_perihelion_deg=274.0516181838379,
        semi_major_axis_au=5.204023536751508,
        eccentricity=0.04910768996084790,
        mean_anomaly_deg=26.60707699766562,
        daily_motion_deg_per_day=0.08306200006467207,
        name="Jupiter (JPL elements)",
    )


def main() -> None:
    cases: list[tuple[str, orbits.OrbitalElements, float]] = []
    elements: orbits.OrbitalElements
    for file_name in ("00001_Ceres.neocp", "N007rdx.neocp", "Comet_299P.neocp"):
        (elements,) = orbits.read_mpc_file(ORBITS_DIR / file_name)
        epoch = (
            elements.perihelion_epoch_mjd_tt
            if isinstance(elements, orbits.CometElements)
            else elements.epoch_mjd_tt
        )
        cases.append((f"{elements.name} ({type(elements).__name__})", elements, epoch))
    (siding_spring,) = orbits.read_mpc_file(ORBITS_DIR / "Comet_SidingSpring.neocp")
    assert isinstance(siding_spring, orbits.CometElements)
    cases.append(
        (
            "C/2013 A1, e = 1.0004 (universal variables)",
            siding_spring,
            siding_spring.perihelion_epoch_mjd_tt,
        )
    )
    cases.append(("Jupiter (MajorPlanetElements)", _jupiter_elements(), 55959.0))

    print("Visibility — bodies: CPU cost per target-week (20-minute grid, 504 points)")
    print(f"{'target':50s} {'grid ms':>8s} {'3-pt ms':>8s} {'grid+40 refinements ms':>24s}")
    for label, elements, epoch_mjd in cases:
        grid = epoch_mjd + 2_400_000.5 + np.arange(0.0, 7.0, WEEK_GRID_STEP_DAYS)
        short = grid[:3]
        grid_ms = best_ms(functools.partial(orbits.geocentric_position_au, elements, grid))
        short_ms = best_ms(functools.partial(orbits.geocentric_position_au, elements, short))
        total = grid_ms + REFINEMENT_CALLS * short_ms
        print(f"{label:50s} {grid_ms:8.2f} {short_ms:8.3f} {total:24.1f}")

    (ceres,) = orbits.read_mpc_file(ORBITS_DIR / "00001_Ceres.neocp")
    epoch_jd = (
        ceres.epoch_mjd_tt + 2_400_000.5 if not isinstance(ceres, orbits.CometElements) else 0
    )
    week = epoch_jd + 30.0 + np.arange(0.0, 7.0, WEEK_GRID_STEP_DAYS)
    orbits._perturbed_trajectory.cache_clear()
    start = time.process_time()
    orbits.geocentric_position_au(ceres, week, perturbed=True)
    first_ms = (time.process_time() - start) * 1e3
    cached_ms = best_ms(
        functools.partial(orbits.geocentric_position_au, ceres, week, perturbed=True)
    )
    print(f"{'(1) Ceres, perturbed, week 30 days after epoch':50s} {cached_ms:8.2f}", end="")
    print(f"   (first call, integrating 37 days: {first_ms:.0f} ms)")

    grid = 2_457_200.5 + np.arange(0.0, 7.0, WEEK_GRID_STEP_DAYS)
    for body in ("moon", "sun", "jupiter"):
        grid_ms = best_ms(functools.partial(planets.geocentric_position_au, body, grid))
        short_ms = best_ms(functools.partial(planets.geocentric_position_au, body, grid[:3]))
        total = grid_ms + REFINEMENT_CALLS * short_ms
        print(f"{'DE421 ' + body:50s} {grid_ms:8.2f} {short_ms:8.3f} {total:24.1f}")

    target = satellites.TleTarget(*ISS)
    day = target.epoch_jd_utc + np.arange(0.0, 1.0, 20.0 / 86400.0)
    sat_ms = best_ms(lambda: satellites.geocentric_position_au(target, day), number=2, repeat=10)
    lit_ms = best_ms(lambda: satellites.is_sunlit(target, day), number=2, repeat=10)
    print(f"{'ISS, SGP4 + TEME->GCRS, 1 day at 20 s (4320 points)':50s} {sat_ms:8.2f}")
    print(f"{'ISS, is_sunlit, same grid':50s} {lit_ms:8.2f}")


if __name__ == "__main__":
    main()
