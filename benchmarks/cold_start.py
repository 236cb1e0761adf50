"""Cold-start costs: importing the visibility library, its first call, and ``ocs … --help``.

Each figure is measured in a fresh interpreter (a subprocess), ``--repeat`` times; the median is
printed with the CPU time (user + system of the child, what the work costs on an idle core)
beside the wall time. Targets (issue 17): import of ``openocs.visibility`` ≤ 0.15 s CPU, first
call ≤ 20 ms, ``ocs --help`` and every subcommand's ``--help`` ≤ 0.3 s. With ``--reference`` the
same is measured for LCO's ``rise_set`` (``pip install ocs-rise-set==0.6.6``; not a dependency).

Every figure depends on whether Python finds compiled bytecode (``.pyc``) for numpy, ERFA and
ours: without it each fresh process compiles their sources again (0.2-0.3 s of CPU for the
import). The first line says which it is: ``make install`` and the image compile the bytecode at
install time (``uv pip install --compile-bytecode``); a shell with ``PYTHONDONTWRITEBYTECODE=1``
and a virtual environment installed without it has none.

Two more variants of the library lines: ``as installed`` runs the interpreter without ``site``
(``-S``, the virtual environment's packages on ``PYTHONPATH``): an editable install's finder
imports ``pathlib``, ``urllib`` and more at start-up, before the timed import, which an installed
wheel or the image does not; and ``OPENBLAS_NUM_THREADS=1`` is the environment ``ocs`` and the
image give their processes (numpy's OpenBLAS helper threads otherwise spin ~0.1 s at import).

Usage: ``python benchmarks/cold_start.py [--repeat 5] [--reference] [--source OTHER_TREE]``
(``--source`` measures the ``openocs`` of another checkout, e.g. ``main``'s, with this venv;
compile its bytecode first: ``python -m compileall -q OTHER_TREE/openocs``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import resource
import site
import statistics
import subprocess
import sys
import time
from pathlib import Path

IMPORT_AND_FIRST_CALL = """
import json, time
began_cpu, began = time.process_time(), time.perf_counter()
import openocs.visibility as v
import_cpu, import_wall = time.process_time() - began_cpu, time.perf_counter() - began
import datetime as dt
site = v.Site(-30.1673472222, -70.8046722222, 2198.0, horizon_deg=15.0,
              ha_limit_neg_hours=-4.6, ha_limit_pos_hours=4.6)
start = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
constraints = v.Constraints(max_airmass=1.6, min_lunar_distance_deg=30.0)
began_cpu, began = time.process_time(), time.perf_counter()
v.observable_intervals(site, v.SiderealTarget(10.0, -20.0), start,
                       start + dt.timedelta(days=7), constraints)
first_cpu, first_wall = time.process_time() - began_cpu, time.perf_counter() - began
print(json.dumps([import_cpu, import_wall, first_cpu, first_wall]))
"""

REFERENCE = """
import json, time
began_cpu, began = time.process_time(), time.perf_counter()
from rise_set.visibility import Visibility
from rise_set.angle import Angle
from rise_set.astrometry import make_ra_dec_target
import_cpu, import_wall = time.process_time() - began_cpu, time.perf_counter() - began
import datetime as dt
site = {"latitude": Angle(degrees=-30.1673472222), "longitude": Angle(degrees=-70.8046722222),
        "horizon": Angle(degrees=15.0), "ha_limit_neg": -4.6, "ha_limit_pos": 4.6,
        "zenith_blind_spot": 0.0}
start = dt.datetime(2024, 3, 4)
began_cpu, began = time.process_time(), time.perf_counter()
visibility = Visibility(site, start, start + dt.timedelta(days=7), horizon=15.0,
                        twilight="nautical", ha_limit_neg=-4.6, ha_limit_pos=4.6)
visibility.get_observable_intervals(
    make_ra_dec_target(Angle(degrees=10.0), Angle(degrees=-20.0)),
    airmass=1.6, moon_distance=Angle(degrees=30.0))
first_cpu, first_wall = time.process_time() - began_cpu, time.perf_counter() - began
print(json.dumps([import_cpu, import_wall, first_cpu, first_wall]))
"""

HELP_COMMANDS = [
    [],
    ["migrate"],
    ["loaddemo"],
    ["createtoken"],
    ["up"],
    ["configdb"],
    ["downtime"],
    ["scheduler"],
    ["ingest"],
    ["accounting"],
    ["archive"],
]


def child_run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(CPU s of the child, wall s, stdout) of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    # From the measured tree's root: ``python -c`` puts the working directory first on the path.
    done = subprocess.run(
        argv, capture_output=True, text=True, check=True, env=env, cwd=SOURCE["root"]
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


VARIANTS = ("", "as installed", "OPENBLAS_NUM_THREADS=1")


SOURCE = {"root": str(Path(__file__).resolve().parent.parent), "given": ""}
"""The tree whose ``openocs`` is measured (``--source``; default: this checkout)."""


def variant_run(code: str, variant: str) -> tuple[float, float, str]:
    """One fresh interpreter running ``code`` as the variant says (see the module's docstring)."""
    env = dict(os.environ)
    argv = [sys.executable, "-c", code]
    if SOURCE["given"]:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [SOURCE["given"], env.get("PYTHONPATH")]))
    if variant == "as installed":
        env["PYTHONPATH"] = os.pathsep.join([SOURCE["root"], *site.getsitepackages()])
        argv = [sys.executable, "-S", "-c", code]
    elif variant:
        name, _, value = variant.partition("=")
        env[name] = value
    return child_run(argv, env)


def measure_library(code: str, repeat: int, label: str, variant: str = "") -> None:
    rows = [json.loads(variant_run(code, variant)[2]) for _ in range(repeat)]
    import_cpu, import_wall, first_cpu, first_wall = (
        statistics.median(row[k] for row in rows) for k in range(4)
    )
    if variant:
        label = f"{label} [{variant}]"
    print(
        f"{label}: import CPU {import_cpu:.3f} s (wall {import_wall:.3f} s); first call "
        f"(one target, one site, 7 days) CPU {1000 * first_cpu:.1f} ms "
        f"(wall {1000 * first_wall:.1f} ms)"
    )


def bytecode_state() -> str:
    """Whether numpy's and our sources have compiled bytecode beside them."""

    def cached(module: str) -> bool:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            return False
        return Path(importlib.util.cache_from_source(spec.origin)).exists()

    state = ", ".join(
        f"{name} {'yes' if cached(name) else 'no'}"
        for name in ("numpy", "erfa", "openocs.visibility.observability")
    )
    return (
        f"bytecode caches: {state}; PYTHONDONTWRITEBYTECODE="
        f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reference", action="store_true", help="measure rise_set too")
    parser.add_argument(
        "--source",
        default="",
        help="measure the openocs of another tree (a checkout of main, say) instead of this one",
    )
    args = parser.parse_args()
    if args.source:
        SOURCE["root"] = SOURCE["given"] = str(Path(args.source).resolve())
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {os.getloadavg()[0]:.2f}; medians of {args.repeat} fresh processes"
    )
    print(bytecode_state())
    for variant in VARIANTS:
        measure_library(IMPORT_AND_FIRST_CALL, args.repeat, "openocs.visibility", variant)
        if args.reference:
            measure_library(REFERENCE, args.repeat, "rise_set 0.6.6 (reference)", variant)
    ocs = str(Path(sys.executable).with_name("ocs"))
    for command in HELP_COMMANDS:
        env = dict(os.environ)
        if SOURCE["given"]:
            env["PYTHONPATH"] = SOURCE["given"]
        runs = [child_run([ocs, *command, "--help"], env)[:2] for _ in range(args.repeat)]
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        name = " ".join(["ocs", *command, "--help"])
        print(f"{name:<28} CPU {cpu:.3f} s  wall {wall:.3f} s  (target ≤ 0.3 s)")


if __name__ == "__main__":
    main()
