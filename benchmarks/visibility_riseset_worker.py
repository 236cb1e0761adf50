"""Run LCO's ``rise_set`` (ocs-rise-set) on the visibility speed workload; print JSON.

Runs under a separate interpreter that has ``ocs-rise-set`` installed (it is GPL and not a
dependency of OpenOCS): ``/work/venvs/riseset/bin/python``. Reads the workload as JSON on stdin
and prints ``{"seconds_per_target": ..., "intervals": [[site, index, [[start, end], ...]], ...]}``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time

from rise_set.angle import Angle
from rise_set.astrometry import make_ra_dec_target
from rise_set.visibility import Visibility


def main() -> None:
    work = json.load(sys.stdin)
    start = dt.datetime.fromisoformat(work["start"]).replace(tzinfo=None)
    end = dt.datetime.fromisoformat(work["end"]).replace(tzinfo=None)
    results = []
    elapsed = 0.0
    count = 0
    for code, site in work["sites"].items():
        rs_site = {
            "latitude": Angle(degrees=site["latitude_deg"]),
            "longitude": Angle(degrees=site["longitude_deg"]),
            "horizon": Angle(degrees=work["horizon_deg"]),
            "ha_limit_neg": work["ha_limit_neg_hours"],
            "ha_limit_pos": work["ha_limit_pos_hours"],
            "zenith_blind_spot": work["zenith_blind_spot_deg"],
        }
        began = time.perf_counter()
        visibility = Visibility(
            rs_site,
            start,
            end,
            horizon=work["horizon_deg"],
            twilight=work["twilight"],
            ha_limit_neg=work["ha_limit_neg_hours"],
            ha_limit_pos=work["ha_limit_pos_hours"],
            zenith_blind_spot=work["zenith_blind_spot_deg"],
        )
        for index, (ra, dec) in enumerate(work["targets"]):
            target = make_ra_dec_target(Angle(degrees=ra), Angle(degrees=dec))
            intervals = visibility.get_observable_intervals(
                target,
                airmass=work["max_airmass"],
                moon_distance=Angle(degrees=work["min_lunar_distance_deg"]),
                moon_phase=work["max_lunar_phase"],
            )
            results.append([code, index, [[s.isoformat(), e.isoformat()] for s, e in intervals]])
            count += 1
        elapsed += time.perf_counter() - began
    json.dump(
        {"seconds_per_target": elapsed / count, "targets": count, "intervals": results}, sys.stdout
    )


if __name__ == "__main__":
    main()
