"""Write the bundled DE421 tables as a NAIF SPK (type 2) file, for astropy to read.

The ``de421`` package ships JPL's Chebyshev coefficients as ``.npy`` arrays, while astropy's
``get_body_barycentric(..., ephemeris=path)`` reads NAIF SPK files through its own code path. This
helper re-packs the same coefficients (no re-fitting: SPK type 2 stores exactly these Chebyshev
records) so that the tests compare our evaluation, frame handling and light-time solution with
astropy's on identical data, offline. Only the file layout is ours; the layout follows NAIF's
"DAF Required Reading" and "SPK Required Reading" (type 2 segments: records of MID, RADIUS and the
X, Y, Z coefficients, then INIT, INTLEN, RSIZE, N).

Segments written (the chain astropy uses): (0→10) Sun, (0→1..9) planet barycentres, (0→3) the
Earth–Moon barycentre, (3→399) Earth and (3→301) Moon relative to it (the npy ``moon`` series
is geocentric, scaled by the Earth/Moon mass ratio), and zero (1→199), (2→299) for Mercury and
Venus, whose system barycentres are the planets.
"""

from __future__ import annotations

import struct
from pathlib import Path

import de421
import numpy as np
from jplephem.daf import DAF, FTPSTR
from jplephem.ephem import Ephemeris

_J2000 = 2_451_545.0
_SECONDS_PER_DAY = 86_400.0

_BARYCENTRIC_SERIES = {
    10: "sun",
    1: "mercury",
    2: "venus",
    3: "earthmoon",
    4: "mars",
    5: "jupiter",
    6: "saturn",
    7: "uranus",
    8: "neptune",
    9: "pluto",
}


def _empty_daf(path: Path) -> DAF:
    record = struct.pack(
        "<8sII60sIII8s603s28s297s",
        b"DAF/SPK ",
        2,
        6,
        b"OpenOCS test copy of DE421".ljust(60),
        4,
        4,
        0,
        b"LTL-IEEE",
        b"\0" * 603,
        FTPSTR,
        b"\0" * 297,
    )
    # Records: 1 file record, 2-3 comments (unused), 4 first summary record (next 0,
    # previous 0, count 0), 5 first name record; arrays start after record 5.
    path.write_bytes(record + b"\0" * 1024 * 3 + b" " * 1024)
    daf = DAF(path.open("r+b"))
    daf.fward = daf.bward = 4
    daf.free = 5 * 128 + 1  # first free double word, after record 5
    daf.write_file_record()
    return daf


def _segment(
    coefficients_km: np.ndarray, first_jd: float, last_jd: float
) -> tuple[float, float, np.ndarray]:
    sets, _axes, _count = coefficients_km.shape
    days_per_set = (last_jd - first_jd) / sets
    starts_s = (first_jd + days_per_set * np.arange(sets) - _J2000) * _SECONDS_PER_DAY
    radius_s = days_per_set * _SECONDS_PER_DAY / 2.0
    records = np.concatenate(
        [
            (starts_s + radius_s)[:, None],
            np.full((sets, 1), radius_s),
            coefficients_km.reshape(sets, -1),
        ],
        axis=1,
    )
    trailer = np.array([starts_s[0], 2.0 * radius_s, float(records.shape[1]), float(sets)])
    start_s = float(starts_s[0])
    end_s = float(starts_s[-1] + 2.0 * radius_s)
    return start_s, end_s, np.concatenate([records.ravel(), trailer])


def _window(
    eph: Ephemeris, series: str, first_jd: float, last_jd: float
) -> tuple[np.ndarray, float, float]:
    coefficients = eph.load(series)
    sets = coefficients.shape[0]
    days_per_set = (eph.jomega - eph.jalpha) / sets
    lo = int((first_jd - eph.jalpha) // days_per_set)
    hi = int(np.ceil((last_jd - eph.jalpha) / days_per_set))
    return (
        coefficients[lo:hi],
        eph.jalpha + lo * days_per_set,
        eph.jalpha + hi * days_per_set,
    )


def write_de421_spk(path: Path, first_jd: float, last_jd: float) -> Path:
    """Write DE421 between two TDB Julian dates as an SPK file at ``path``; return the path."""
    eph = Ephemeris(de421)
    daf = _empty_daf(path)
    try:

        def add(target: int, center: int, coefficients: np.ndarray, lo: float, hi: float) -> None:
            start_s, end_s, array = _segment(coefficients, lo, hi)
            name = f"DE421 {target} wrt {center}".encode()
            daf.add_array(name, (start_s, end_s, target, center, 1, 2), array)

        for target, series in _BARYCENTRIC_SERIES.items():
            coefficients, lo, hi = _window(eph, series, first_jd, last_jd)
            add(target, 0, coefficients, lo, hi)
            if target in (1, 2):
                add(target * 100 + 99, target, np.zeros_like(coefficients), lo, hi)
        moon, lo, hi = _window(eph, "moon", first_jd, last_jd)
        add(399, 3, -moon * float(eph.earth_share), lo, hi)
        add(301, 3, moon * float(eph.moon_share), lo, hi)
    finally:
        daf.file.close()
    return path
