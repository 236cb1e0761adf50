"""``python -m openocs.visibility``: versions and the date coverage of the bundled data."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import sys

from openocs.visibility import iers, planets
from openocs.visibility.timescales import leap_second_expiry

PACKAGES = ("openocs", "numpy", "pyerfa", "astropy-iers-data", "jplephem", "de421", "sgp4")
MJD_ORIGIN = dt.date(1858, 11, 17)


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _mjd_date(mjd: float) -> str:
    return (MJD_ORIGIN + dt.timedelta(days=mjd)).isoformat()


def main() -> int:
    print(f"openocs.visibility on Python {sys.version.split()[0]}")
    for name in PACKAGES:
        print(f"  {name:<18} {_version(name)}")
    table = iers.eop_table()
    print(
        "IERS finals2000A.all (astropy-iers-data): UT1-UTC and polar motion "
        f"{_mjd_date(table.first_mjd)} .. {_mjd_date(table.last_mjd)} "
        f"(MJD {table.first_mjd:.0f}..{table.last_mjd:.0f}; predictions included; "
        "UT1 = UTC outside)"
    )
    print(f"Leap_Second.dat (astropy-iers-data): expires {leap_second_expiry()}")
    coverage = planets.ephemeris_coverage()
    print(
        f"Ephemeris: {coverage.name}: {coverage.first:%Y-%m-%d} .. {coverage.last:%Y-%m-%d} "
        "(ERFA epv00/moon98 outside)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
