"""A seeded generator of realistic synthetic scheduling problems on the LCO-like network.

No public benchmark exists for this problem, so the frozen instances in ``benchmarks/instances/``
come from here. The network (sites, telescopes, classes, horizons, hour-angle limits, instrument
types) is ``data/network.json``, derived from ``shared/data/lco-network.json``.

**Approximate astronomy, on purpose.** So that the generator does not depend on
``openocs.visibility``, night and target visibility use a simple model on a 300-second grid: the
low-precision solar coordinates of the Astronomical Almanac (≈0.01°), GMST from the IAU 1982
polynomial, no refraction, no Moon, no precession (targets in the coordinates of the date). Dark
time is Sun below −12° (nautical); a target is visible when the site is dark, the target is above
``max(horizon, altitude at the request's max airmass)`` and inside the telescope's hour-angle
limits. Interval edges are snapped to the grid. The numbers are realistic enough to exercise the
kernels; they are not an ephemeris.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from openocs.scheduler.intervals import Interval
from openocs.scheduler.model import (
    Downtime,
    GroupOperator,
    Location,
    ObservationType,
    Problem,
    Request,
    RequestGroup,
    Telescope,
)

__all__ = [
    "PRESETS",
    "GeneratorSpec",
    "demand_ratio",
    "generate",
    "generate_preset",
    "load_network",
]

GRID_S = 300
DEFAULT_EPOCH = datetime(2030, 3, 1, tzinfo=UTC)

_LARGE_NETWORK = (
    # every 1-metre and 2-metre telescope, plus one 0.4-metre per site: 20 telescopes, 6 sites
    "2m0a.clma.coj", "1m0a.doma.coj", "1m0a.domb.coj", "0m4a.clma.coj",
    "1m0a.doma.cpt", "1m0a.domb.cpt", "1m0a.domc.cpt", "0m4a.aqwa.cpt",
    "1m0a.doma.tfn", "1m0a.domb.tfn", "0m4a.aqwa.tfn",
    "1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.domc.lsc", "0m4a.aqwa.lsc",
    "1m0a.doma.elp", "1m0a.domb.elp", "0m4a.aqwa.elp",
    "2m0a.clma.ogg", "0m4b.clma.ogg",
)  # fmt: skip


_MEDIUM_NETWORK = (
    "1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.domc.lsc",
    "1m0a.doma.cpt", "1m0a.domb.cpt", "1m0a.domc.cpt",
)  # fmt: skip
_ONE_METRE_NETWORK = (
    "1m0a.doma.coj", "1m0a.domb.coj", "1m0a.doma.cpt", "1m0a.domb.cpt", "1m0a.domc.cpt",
    "1m0a.doma.tfn", "1m0a.domb.tfn", "1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.domc.lsc",
)  # fmt: skip
_C200 = (900, 14_400)
_C1K = (1800, 28_800)
_C3K = (600, 10_800)
_C10K = (300, 2400)
_CAND = (1200, 12_600)


@dataclass(frozen=True, slots=True)
class GeneratorSpec:
    """What to generate."""

    num_requests: int
    telescope_keys: tuple[str, ...]
    days: float
    seed: int = 0
    epoch: datetime = DEFAULT_EPOCH
    many_fraction: float = 0.1
    time_critical_fraction: float = 0.02
    downtime_per_telescope: float = 0.25
    duration_range_s: tuple[int, int] = (300, 7200)
    """Durations are drawn log-uniform in this range (sets the oversubscription)."""
    and_fraction: float = 0.0
    """Share of groups that are all-or-nothing (AND, 2–4 members, windows of 1–8 h)."""
    oneof_fraction: float = 0.0
    """Share of groups that are one-of (ONEOF, 2–4 alternatives, windows of 1–8 h)."""


PRESETS: dict[str, GeneratorSpec] = {
    "small": GeneratorSpec(
        50, ("1m0a.doma.lsc", "1m0a.domb.lsc", "1m0a.domc.lsc", "1m0a.doma.cpt"), 1.0, seed=1
    ),
    "medium": GeneratorSpec(
        200,
        (
            "1m0a.doma.lsc",
            "1m0a.domb.lsc",
            "1m0a.domc.lsc",
            "1m0a.doma.cpt",
            "1m0a.domb.cpt",
            "1m0a.domc.cpt",
        ),
        2.0,
        seed=2,
    ),
    "large": GeneratorSpec(1000, _LARGE_NETWORK, 7.0, seed=3),
    # the same network and request count over a 2-day horizon: a contended 1000-request case
    "large2d": GeneratorSpec(1000, _LARGE_NETWORK, 2.0, seed=5),
    "xlarge": GeneratorSpec(10_000, _LARGE_NETWORK, 7.0, seed=4),
    # contended instances: requested time 1.7–2.5× the dark time (``demand_ratio``)
    "contended200": GeneratorSpec(200, _MEDIUM_NETWORK, 2.0, seed=11, duration_range_s=_C200),
    "contended1k": GeneratorSpec(1000, _LARGE_NETWORK, 7.0, seed=12, duration_range_s=_C1K),
    "contended3k": GeneratorSpec(3000, _LARGE_NETWORK, 7.0, seed=13, duration_range_s=_C3K),
    "contended10k": GeneratorSpec(10_000, _LARGE_NETWORK, 7.0, seed=14, duration_range_s=_C10K),
    # many all-or-nothing and one-of groups with tight windows
    "andoneof400": GeneratorSpec(
        400,
        _ONE_METRE_NETWORK,
        3.0,
        seed=15,
        duration_range_s=_CAND,
        and_fraction=0.25,
        oneof_fraction=0.25,
    ),
}


def load_network() -> list[dict[str, Any]]:
    """The telescopes of the bundled LCO-like network description."""
    text = resources.files("openocs.scheduler").joinpath("data/network.json").read_text("utf-8")
    telescopes: list[dict[str, Any]] = json.loads(text)["telescopes"]
    return telescopes


def _julian_date(epoch: datetime, offsets_s: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    unix_s = epoch.timestamp() + offsets_s
    return unix_s / 86400.0 + 2440587.5


def _sun_radec(jd: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    n = jd - 2451545.0
    mean_longitude = np.radians((280.460 + 0.9856474 * n) % 360)
    anomaly = np.radians((357.528 + 0.9856003 * n) % 360)
    ecliptic_longitude = (
        mean_longitude
        + np.radians(1.915) * np.sin(anomaly)
        + np.radians(0.020) * np.sin(2 * anomaly)
    )
    obliquity = np.radians(23.439 - 0.0000004 * n)
    ra = np.arctan2(np.cos(obliquity) * np.sin(ecliptic_longitude), np.cos(ecliptic_longitude))
    dec = np.arcsin(np.sin(obliquity) * np.sin(ecliptic_longitude))
    return ra, dec


def _local_sidereal_rad(jd: npt.NDArray[np.float64], long_deg: float) -> npt.NDArray[np.float64]:
    gmst_hours = (18.697374558 + 24.06570982441908 * (jd - 2451545.0)) % 24
    return np.radians((gmst_hours * 15 + long_deg) % 360)


def _altitude_rad(
    lat_deg: float, dec: npt.NDArray[np.float64], hour_angle: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    lat = math.radians(lat_deg)
    sin_altitude = np.sin(lat) * np.sin(dec) + math.cos(lat) * np.cos(dec) * np.cos(hour_angle)
    altitude: npt.NDArray[np.float64] = np.arcsin(sin_altitude)
    return altitude


def _mask_to_intervals(
    mask: npt.NDArray[np.bool_], times_s: npt.NDArray[np.int64]
) -> list[Interval]:
    """Runs of true samples → [first true, last true + grid) intervals."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [
        (int(times_s[a]), int(times_s[b - 1]) + GRID_S)
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def _target_visibility(
    chosen: list[dict[str, Any]],
    telescope_class: str,
    ra: float,
    dec: float,
    max_airmass: float,
    dark: dict[str, npt.NDArray[np.bool_]],
    lst: dict[str, npt.NDArray[np.float64]],
    times_s: npt.NDArray[np.int64],
) -> tuple[dict[str, tuple[Interval, ...]], npt.NDArray[np.bool_]]:
    visibility: dict[str, tuple[Interval, ...]] = {}
    visible_any = np.zeros(len(times_s), dtype=bool)
    for item in chosen:
        if item["telescope_class"] != telescope_class:
            continue
        hour_angle = (lst[item["key"]] - ra + math.pi) % (2 * math.pi) - math.pi
        altitude = _altitude_rad(item["lat_deg"], np.full_like(hour_angle, dec), hour_angle)
        floor = max(math.radians(item["horizon_deg"]), math.asin(1.0 / max_airmass))
        ha_hours = np.degrees(hour_angle) / 15.0
        mask = (
            dark[item["key"]]
            & (altitude > floor)
            & (ha_hours >= item["ha_limit_neg_hours"])
            & (ha_hours <= item["ha_limit_pos_hours"])
        )
        spans = _mask_to_intervals(mask, times_s)
        if spans:
            visibility[item["key"]] = tuple(spans)
            visible_any |= mask
    return visibility, visible_any


def generate(spec: GeneratorSpec) -> Problem:
    """A seeded synthetic problem (see the module docstring for the approximations)."""
    rng = np.random.default_rng(spec.seed)
    network = {t["key"]: t for t in load_network()}
    unknown = [k for k in spec.telescope_keys if k not in network]
    if unknown:
        raise ValueError(f"unknown telescope keys: {unknown}")
    chosen = [network[k] for k in spec.telescope_keys]
    end_s = round(spec.days * 86400)
    times_s = np.arange(0, end_s, GRID_S, dtype=np.int64)
    jd = _julian_date(spec.epoch, times_s.astype(np.float64))
    sun_ra, sun_dec = _sun_radec(jd)

    dark: dict[str, npt.NDArray[np.bool_]] = {}
    lst: dict[str, npt.NDArray[np.float64]] = {}
    telescopes: list[Telescope] = []
    for item in chosen:
        local_sidereal = _local_sidereal_rad(jd, item["long_deg"])
        lst[item["key"]] = local_sidereal
        sun_alt = _altitude_rad(item["lat_deg"], sun_dec, local_sidereal - sun_ra)
        dark[item["key"]] = sun_alt < math.radians(-12.0)
        telescopes.append(
            Telescope(
                key=item["key"],
                telescope_class=item["telescope_class"],
                instrument_types=frozenset(item["instrument_types"]),
                staff_instrument_types=frozenset(item["staff_instrument_types"]),
                online=item["online"],
                night=tuple(_mask_to_intervals(dark[item["key"]], times_s)),
            )
        )

    # instrument types weighted by how many chosen telescopes offer them
    offers: list[tuple[str, str]] = [
        (t.telescope_class, itype) for t in telescopes for itype in sorted(t.instrument_types)
    ]

    groups: list[RequestGroup] = []
    request_id = 1
    group_id = 1
    while request_id <= spec.num_requests:
        telescope_class, instrument_type = offers[int(rng.integers(len(offers)))]
        observation_type = (
            ObservationType.TIME_CRITICAL
            if rng.random() < spec.time_critical_fraction
            else ObservationType.NORMAL
        )
        compound: GroupOperator | None = None
        if observation_type is ObservationType.NORMAL and (
            spec.and_fraction or spec.oneof_fraction
        ):
            draw = rng.random()
            if draw < spec.and_fraction:
                compound = GroupOperator.AND
            elif draw < spec.and_fraction + spec.oneof_fraction:
                compound = GroupOperator.ONEOF
        is_many = (
            compound is None
            and observation_type is ObservationType.NORMAL
            and rng.random() < spec.many_fraction
        )
        count = min(
            int(rng.integers(2, 5)) if is_many or compound else 1,
            spec.num_requests - request_id + 1,
        )
        max_airmass = float(rng.choice([1.6, 1.6, 1.6, 2.0, 2.0, 3.0]))
        low_s, high_s = spec.duration_range_s
        duration_s = int(round(math.exp(rng.uniform(math.log(low_s), math.log(high_s))) / 10) * 10)
        site = None
        if rng.random() < 0.05:
            sites = sorted({t.site for t in telescopes if t.telescope_class == telescope_class})
            site = sites[int(rng.integers(len(sites)))]
        # astronomers ask for targets they can see: redraw (a few times) targets never visible
        for _attempt in range(8):
            ra = math.radians(float(rng.uniform(0, 360)))
            dec = math.asin(float(rng.uniform(-0.95, 0.8)))
            visibility, visible_any = _target_visibility(
                chosen, telescope_class, ra, dec, max_airmass, dark, lst, times_s
            )
            if visible_any.any():
                break
        visible_times = times_s[visible_any]
        requests = []
        for index in range(count):
            if observation_type is ObservationType.TIME_CRITICAL:
                length_s = int(rng.uniform(2, 6) * 3600)
            elif compound is not None:  # tight windows
                length_s = int(rng.uniform(1, 8) * 3600)
            else:
                kind = rng.random()
                if kind < 0.25:
                    length_s = int(rng.uniform(1, 6) * 3600)
                elif kind < 0.7:
                    length_s = int(rng.uniform(12, 48) * 3600)
                else:
                    length_s = end_s
            length_s = min(max(length_s, duration_s), end_s)
            if is_many:  # a cadence-like series: consecutive windows spread over the horizon
                slot_s = end_s // count
                length_s = min(length_s, slot_s)
                start_s = index * slot_s + int(rng.integers(0, max(slot_s - length_s, 0) + 1))
            elif len(visible_times) and rng.random() < 0.8:
                # most windows are chosen around a time when the target can be seen
                anchor_s = int(visible_times[int(rng.integers(len(visible_times)))])
                start_s = anchor_s - int(rng.integers(0, length_s + 1))
                start_s = min(max(start_s, 0), end_s - length_s)
            else:
                start_s = int(rng.integers(0, end_s - length_s + 1))
            requests.append(
                Request(
                    id=request_id,
                    duration_s=duration_s,
                    windows=((start_s, start_s + length_s),),
                    location=Location(telescope_class=telescope_class, site=site),
                    instrument_types=(instrument_type,),
                    visibility=visibility,
                )
            )
            request_id += 1
        groups.append(
            RequestGroup(
                id=group_id,
                operator=(
                    GroupOperator.SINGLE
                    if len(requests) == 1
                    else compound
                    if compound is not None
                    else GroupOperator.MANY
                ),
                requests=tuple(requests),
                tac_priority=float(rng.choice([10, 15, 20, 30, 40])),
                ipp_value=1.0 if rng.random() < 0.7 else round(float(rng.uniform(0.5, 2.0)), 2),
                observation_type=observation_type,
                proposal=f"SYN{int(rng.integers(1, 40)):03d}",
                name=f"group {group_id}",
            )
        )
        group_id += 1

    downtimes: list[Downtime] = []
    for telescope in telescopes:
        if rng.random() < spec.downtime_per_telescope:
            start_s = int(rng.integers(0, max(end_s - 3600, 1))) // GRID_S * GRID_S
            length_s = int(rng.integers(3, 9)) * 3600
            instrument_type = "all"
            if rng.random() < 0.3:
                instrument_type = sorted(telescope.instrument_types)[0]
            downtimes.append(
                Downtime(
                    telescope.key,
                    start_s,
                    min(start_s + length_s, end_s),
                    instrument_type,
                    "synthetic maintenance",
                )
            )
    return Problem(
        epoch=spec.epoch,
        start_s=0,
        end_s=end_s,
        telescopes=tuple(telescopes),
        groups=tuple(groups),
        downtimes=tuple(downtimes),
    )


def demand_ratio(problem: Problem) -> float:
    """Requested telescope time over dark time: the sum of the requests' durations divided by
    the sum of the telescopes' nights inside the horizon (above 1: oversubscribed)."""
    requested_s = sum(r.duration_s for g in problem.groups for r in g.requests)
    dark_s = sum(
        max(0, min(b, problem.end_s) - max(a, problem.start_s))
        for t in problem.telescopes
        for a, b in t.night
    )
    return requested_s / max(dark_s, 1)


def generate_preset(name: str, *, seed: int | None = None) -> Problem:
    """One of ``PRESETS`` (small, medium, large, large2d, xlarge), optionally with another
    seed."""
    spec = PRESETS[name]
    if seed is not None:
        spec = GeneratorSpec(**{**_as_dict(spec), "seed": seed})
    return generate(spec)


def _as_dict(spec: GeneratorSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in spec.__slots__}
