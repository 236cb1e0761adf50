"""Visibility of a request at submission (``portal-api.md`` §6) and its rule (§4.4 item 4).

Candidate telescopes host **every** instrument type of the request (D10); for each window and
telescope the observable intervals of each distinct (target, constraints) pair are intersected,
downtime applying to any of the request's instrument types is subtracted (read through the
downtime client, never its models), and the result is merged per site.

Telescopes of one site sit a few metres apart and configdb gives each its own coordinates; the
sky of telescopes that :meth:`openocs.visibility.Site.same_sky_as` each other is computed once
(edges move by under a quarter of a second, far below the minute scale of any duration rule), so
a 1-metre network computes six skies instead of nine.

Results are cached for :data:`VISIBILITY_CACHE_S` seconds (the contract allows five minutes per
payload hash) so that the usual validate-then-submit of one document computes its sky once. The
key holds everything the result depends on — windows, location, instrument types, targets and
constraints, and the downtime intervals that apply — and the cache lives on the configdb
document it was computed against, so a new document or a changed downtime never reads a stale
entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from rest_framework import serializers

from openocs import visibility
from openocs.clients.errors import ClientError
from openocs.portal.requestgroups import duration as durations
from openocs.portal.requestgroups.configuration import TelescopeInfo
from openocs.portal.requestgroups.context import ValidationContext
from openocs.visibility.intervals import intersect_lists
from openocs.web.exceptions import ServiceUnavailable

Interval = tuple[dt.datetime, dt.datetime]

VISIBILITY_CACHE_S = 300.0
VISIBILITY_CACHE_SIZE = 512
WARM_UP_SPAN = dt.timedelta(days=7)
SPAN_GAP = dt.timedelta(days=3)
"""Windows closer than this are computed in one visibility call (see :func:`_spans`)."""

DOWNTIME_DOWN_MESSAGE = (
    "The downtime database cannot be reached, so the visibility of this request cannot be "
    "checked. Please wait a few minutes and try again."
)
NOT_VISIBLE_MESSAGE = (
    "According to the constraints of the request, the target will not be visible within the "
    "time window. Check that the target is in the nighttime sky. Consider modifying the time "
    "window or loosening the airmass or lunar separation constraints. If the target is non "
    "sidereal, double check that the provided elements are correct."
)


def merge_intervals(intervals: Sequence[Interval]) -> list[Interval]:
    """``intervals`` sorted, with overlapping or touching ones joined (empty ones dropped)."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def subtract(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    """``intervals`` minus ``holes`` (both sorted and coalesced)."""
    result: list[Interval] = []
    for start, end in intervals:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def _site_of(telescope: TelescopeInfo) -> visibility.Site:
    return visibility.Site(
        latitude_deg=telescope.latitude_deg,
        longitude_deg=telescope.longitude_deg,
        elevation_m=telescope.elevation_m,
        horizon_deg=telescope.horizon_deg,
        ha_limit_neg_hours=telescope.ha_limit_neg_hours,
        ha_limit_pos_hours=telescope.ha_limit_pos_hours,
        zenith_blind_spot_deg=telescope.zenith_blind_spot_deg,
    )


def _targets_and_constraints(
    request: Mapping[str, Any],
) -> tuple[list[visibility.Target], list[visibility.Constraints]]:
    targets: list[visibility.Target] = []
    constraints: list[visibility.Constraints] = []
    for configuration in request["configurations"]:
        limits = configuration.get("constraints") or {}
        try:
            target = visibility.target_from_portal(configuration["target"])
        except visibility.VisibilityError:
            target = visibility.UnobservableTarget(reason="target cannot be evaluated")
        targets.append(target)
        constraints.append(
            visibility.Constraints(
                max_airmass=float(limits.get("max_airmass", 1.6)),
                min_lunar_distance_deg=float(limits.get("min_lunar_distance", 30.0)),
                max_lunar_phase=float(limits.get("max_lunar_phase", 1.0)),
            )
        )
    return targets, constraints


_downtime_cache: dict[str, Any] = {}
_downtime_lock = threading.Lock()
_visibility_lock = threading.Lock()


def _current_downtimes(now: dt.datetime) -> list[Any]:
    """Every downtime that has not ended, cached for ``DOWNTIME_CACHE_S`` seconds (default 60;
    the contract allows consumers up to 15 minutes)."""
    from django.conf import settings

    from openocs.web.clients import downtime_client

    ttl_s = float(getattr(settings, "DOWNTIME_CACHE_S", 60.0))
    with _downtime_lock:
        cached = _downtime_cache.get("rows")
        fetched_at = _downtime_cache.get("at", 0.0)
        if cached is not None and time.monotonic() - fetched_at < ttl_s:
            return list(cached)
    try:
        rows = downtime_client().list(ends_after=now - dt.timedelta(days=1))
    except ClientError as error:
        raise ServiceUnavailable(DOWNTIME_DOWN_MESSAGE) from error
    with _downtime_lock:
        _downtime_cache["rows"] = rows
        _downtime_cache["at"] = time.monotonic()
    return list(rows)


def current_downtimes(now: dt.datetime) -> list[Any]:
    """The downtimes that have not ended (cached as validation reads them)."""
    return _current_downtimes(now)


def clear_downtime_cache() -> None:
    """Forget the cached downtime list (tests, or when downtime is known to have changed)."""
    with _downtime_lock:
        _downtime_cache.clear()


def _downtime_by_telescope(
    telescopes: Sequence[TelescopeInfo], start: dt.datetime, end: dt.datetime, types: set[str]
) -> dict[str, list[Interval]]:
    if end < dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=1):
        from openocs.web.clients import downtime_client

        try:
            downtimes = downtime_client().list(ends_after=start, starts_before=end)
        except ClientError as error:
            raise ServiceUnavailable(DOWNTIME_DOWN_MESSAGE) from error
    else:
        downtimes = [
            d
            for d in _current_downtimes(dt.datetime.now(tz=dt.UTC))
            if d.end > start and d.start < end
        ]
    keys = {t.key for t in telescopes}
    result: dict[str, list[Interval]] = {}
    for downtime in downtimes:
        key = f"{downtime.site}.{downtime.enclosure}.{downtime.telescope}"
        if key not in keys:
            continue
        if downtime.instrument_type and downtime.instrument_type.upper() not in types:
            continue
        result.setdefault(key, []).append((downtime.start, downtime.end))
    return {key: merge_intervals(value) for key, value in result.items()}


def visible_intervals_by_site(
    request: Mapping[str, Any],
    ocs: ValidationContext,
    *,
    staff_location: bool,
    ignore_downtime: bool = False,
) -> dict[str, list[Interval]]:
    """Observable intervals of the request, merged per site (§6 steps 1–4). ``ignore_downtime``
    skips step 3 (the tools page, when the downtime database does not answer, says so)."""
    windows = [(w["start"], w["end"]) for w in request.get("windows", [])]
    if not windows:
        return {}
    types = {c["instrument_type"].upper() for c in request["configurations"]}
    telescopes = ocs.configuration.candidate_telescopes(
        location=request.get("location") or {},
        instrument_types=types,
        include_non_schedulable=staff_location,
    )
    if not telescopes:
        return {}
    span_start = min(w[0] for w in windows)
    span_end = max(w[1] for w in windows)
    downtime = (
        {} if ignore_downtime else _downtime_by_telescope(telescopes, span_start, span_end, types)
    )
    key = _cache_key(request, windows, telescopes, downtime)
    cache = ocs.configuration.visibility_cache
    with _visibility_lock:
        hit = cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < VISIBILITY_CACHE_S:
            cache.move_to_end(key)
            return {code: list(intervals) for code, intervals in hit[1].items()}
    result = _compute_by_site(request, windows, telescopes, downtime)
    with _visibility_lock:
        cache[key] = (time.monotonic(), result)
        while len(cache) > VISIBILITY_CACHE_SIZE:
            cache.popitem(last=False)
    return {code: list(intervals) for code, intervals in result.items()}


def _cache_key(
    request: Mapping[str, Any],
    windows: Sequence[Interval],
    telescopes: Sequence[TelescopeInfo],
    downtime: Mapping[str, Sequence[Interval]],
) -> str:
    document = {
        "windows": windows,
        "telescopes": [t.key for t in telescopes],
        "downtime": sorted(downtime.items()),
        "configurations": [
            [c["target"], c.get("constraints") or {}] for c in request["configurations"]
        ],
    }
    encoded = json.dumps(document, sort_keys=True, default=str).encode()
    return hashlib.blake2b(encoded, digest_size=20).hexdigest()


def _compute_by_site(
    request: Mapping[str, Any],
    windows: Sequence[Interval],
    telescopes: Sequence[TelescopeInfo],
    downtime: Mapping[str, Sequence[Interval]],
) -> dict[str, list[Interval]]:
    targets, constraints = _targets_and_constraints(request)
    merged_windows = merge_intervals(windows)
    spans = _spans(merged_windows)
    by_site: dict[str, list[Interval]] = {}
    computed: list[tuple[visibility.Site, list[Interval]]] = []  # one per distinct sky
    for telescope in telescopes:
        site = _site_of(telescope)
        sky = next((found for known, found in computed if site.same_sky_as(known)), None)
        if sky is None:
            # Once per span of nearby windows, then cut to the windows: the cost follows the
            # time the windows cover, not their number (intervals do not depend on the window
            # they were computed in: the library's bounds only clip).
            observable = merge_intervals(
                [
                    interval
                    for start, end in spans
                    for interval in visibility.observable_intervals(
                        site, targets, start, end, constraints
                    )
                ]
            )
            sky = intersect_lists(observable, merged_windows)
            computed.append((site, sky))
        intervals = subtract(sky, downtime.get(telescope.key, []))
        by_site.setdefault(telescope.site, []).extend(intervals)
    return {code: merge_intervals(intervals) for code, intervals in by_site.items()}


def _spans(windows: Sequence[Interval]) -> list[Interval]:
    """Sorted, merged windows joined into spans where the gap between them is at most
    :data:`SPAN_GAP`: computing the gap costs less than another call's fixed work."""
    spans: list[Interval] = []
    for start, end in windows:
        if spans and start - spans[-1][1] <= SPAN_GAP:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def warm_up(telescopes: Sequence[TelescopeInfo], now: dt.datetime) -> int:
    """Compute each distinct sky's tables for the week from ``now`` (the usual window of a new
    request) with one target under the usual constraints; return the number of skies."""
    target = visibility.SiderealTarget(ra_deg=0.0, dec_deg=0.0)
    constraints = visibility.Constraints(max_airmass=1.6, min_lunar_distance_deg=30.0)
    skies: list[visibility.Site] = []
    for telescope in telescopes:
        site = _site_of(telescope)
        if any(site.same_sky_as(known) for known in skies):
            continue
        skies.append(site)
        visibility.observable_intervals(site, target, now, now + WARM_UP_SPAN, constraints)
    return len(skies)


def largest_interval_s(
    by_site: Mapping[str, Sequence[Interval]], *, after: dt.datetime | None = None
) -> float:
    """Length of the longest single interval over all sites (only its part after ``after``)."""
    best = 0.0
    for intervals in by_site.values():
        for start, end in intervals:
            if after is not None:
                start = max(start, after)
            best = max(best, (end - start).total_seconds())
    return best


def request_visibility_rules(attrs: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """§4.4 item 4: the request must be visible for longer than its duration."""
    location = attrs.get("location") or {}
    staff_location = ocs.is_staff and all(
        location.get(k) for k in ("telescope_class", "site", "enclosure", "telescope")
    )
    by_site = visible_intervals_by_site(attrs, ocs, staff_location=staff_location)
    largest_s = largest_interval_s(by_site, after=ocs.now)
    duration_s = float(attrs["duration"])
    fill = [c for c in attrs["configurations"] if c.get("fill_window")]
    if fill and largest_s > 0:
        configuration = fill[0]
        configuration["repeat_duration"] = (
            largest_s - duration_s + float(configuration.get("repeat_duration") or 0.0) - 1
        )
        attrs["duration"] = durations.request_duration_s(attrs, ocs.configuration.overheads)
        duration_s = float(attrs["duration"])
    if largest_s <= 0:
        raise serializers.ValidationError(NOT_VISIBLE_MESSAGE)
    if largest_s <= duration_s:
        raise serializers.ValidationError(
            "According to the constraints of the request, the target will only be visible for a "
            f"maximum of {largest_s / 3600:.2f} hours within the time window. This is less than "
            f"the duration of your request {duration_s / 3600:.2f} hours. Consider expanding the "
            "time window or loosening the airmass or lunar separation constraints."
        )
    attrs["largest_interval"] = largest_interval_s(by_site)
    return attrs
