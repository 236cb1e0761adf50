"""Importing the library and its first call load only what they use (issue 17's cold start).

Each probe runs in a fresh interpreter started with ``-S`` (no ``site``: an editable install's
finder imports :mod:`pathlib` and more at start-up, which an installed wheel does not) and
reports the modules that ``import openocs.visibility`` and then a first call added to those
numpy and ERFA load themselves.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
from pathlib import Path

import openocs
from openocs.visibility import timescales

PROBE = """
import datetime as dt, json, sys
import numpy, erfa
before = set(sys.modules)
import openocs.visibility as v
imported = set(sys.modules)
site = v.Site(-30.1673472222, -70.8046722222, 2198.0, horizon_deg=15.0)
start = dt.datetime(2024, 3, 4, tzinfo=dt.UTC)
v.observable_intervals(site, v.SiderealTarget(10.0, -20.0), start,
                       start + dt.timedelta(days=7),
                       v.Constraints(max_airmass=1.6, min_lunar_distance_deg=30.0))
print(json.dumps([sorted(imported - before), sorted(set(sys.modules) - imported)]))
"""

NEVER = {
    "astropy",
    "scipy",
    "zipfile",
    "importlib.resources",
    "importlib.metadata",
    "pathlib",
    "json",
    "decimal",
    "sgp4",
}
"""Never loaded by the import or a sidereal first call (pathlib: ~4 ms of CPU in a wheel)."""

NOT_AT_IMPORT = {
    "jplephem",
    "de421",
    "astropy_iers_data",
    "mmap",
    "openocs.visibility.planets",
    "openocs.visibility.orbits",
    "openocs.visibility.satellites",
}
"""Loaded on first use: the ephemeris is read by the first call, not by the import."""


def _probe() -> tuple[set[str], set[str]]:
    source_root = str(Path(openocs.__file__).resolve().parent.parent)
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([source_root, *site.getsitepackages()]),
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=environment,
    )
    at_import, at_first_call = json.loads(done.stdout.strip().splitlines()[-1])
    return set(at_import), set(at_first_call)


def _top_and_full(names: set[str]) -> set[str]:
    return names | {name.split(".")[0] for name in names}


def test_import_and_first_call_leave_heavy_modules_alone() -> None:
    at_import, at_first_call = _probe()
    assert "openocs.visibility.observability" in at_import
    assert not _top_and_full(at_import) & (NEVER | NOT_AT_IMPORT)
    assert not _top_and_full(at_first_call) & NEVER
    # The first call does read the ephemeris it needs, lazily.
    assert {"jplephem", "openocs.visibility.planets"} <= at_first_call
    assert not {"openocs.visibility.orbits", "openocs.visibility.satellites"} & at_first_call


def test_iers_files_are_found_where_the_package_says_they_are() -> None:
    import astropy_iers_data

    assert os.path.samefile(
        timescales.iers_data_file("finals2000A.all"), astropy_iers_data.IERS_A_FILE
    )
    assert os.path.samefile(
        timescales.iers_data_file("Leap_Second.dat"), astropy_iers_data.IERS_LEAP_SECOND_FILE
    )
