"""The network's pressure over the coming nights: hours requested against hours available, per
site and per telescope class, night by night (the tools page; ``/api/pressure/`` keeps its own
24-hour, 15-minute view as the spec fixes it).

- **Available**: each telescope's dark time (the Sun below nautical twilight at its site) in
  the night less its scheduled downtime (from the downtime database through its client; a
  downtime of one instrument type counts when that is the instrument chosen, or, with none
  chosen, the only schedulable one of the telescope), summed over the telescopes of the site or
  class that offer a schedulable instrument (the one chosen, if any). When the downtime database
  does not answer, available hours are the dark hours alone and ``downtime_ignored`` is true
  (requested hours then ignore downtime too, so the two stay comparable). A telescope whose
  current state is not AVAILABLE (the telescope states the scheduler reads: weather, enclosure,
  sequencer, stale telemetry) takes no new work now, so it has no available hours from now to
  the end of its first night; later nights count in full, as a state says nothing about them.
  When the states cannot be read, ``states_ignored`` is true and no telescope is left out.
- **Requested**: each PENDING request of a PENDING group with a window in the span spreads its
  duration evenly over the intervals in which it can be observed (the visibility rules of
  ``/api/pressure/``, windows cut to the span), per site; what falls in a site's night counts for
  that site, and for the request's telescope class.

A night is named by the local date of its evening (``2026-12-07`` is the night of the 7th to the
8th at that site). The first night is the one under way or next at each site.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from openocs.clients.errors import ClientError
from openocs.portal.requestgroups.configuration import TelescopeInfo, load_portal_configuration
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.information import dark_intervals_by_site, pending_visibility
from openocs.portal.requestgroups.visibility import (
    current_downtimes,
    merge_intervals,
    subtract,
)
from openocs.portal.telescopestates.errors import ProviderUnavailable
from openocs.portal.telescopestates.services import telescope_states_get
from openocs.portal.telescopestates.states import AVAILABLE
from openocs.web.exceptions import ServiceUnavailable

DEFAULT_NIGHTS = 7
MAX_NIGHTS = 14

Interval = tuple[dt.datetime, dt.datetime]


def _night_of(interval: Interval, longitude_deg: float) -> dt.date:
    """The local date of the evening of the night ``interval`` belongs to."""
    middle = interval[0] + (interval[1] - interval[0]) / 2
    return (middle + dt.timedelta(hours=longitude_deg / 15.0 - 12.0)).date()


def _offers_any(telescope: TelescopeInfo, instrument_type: str | None) -> bool:
    if instrument_type is not None:
        return telescope.offers(instrument_type, include_non_schedulable=False)
    return any(
        telescope.offers(code, include_non_schedulable=False)
        for code in telescope.instrument_states
    )


def _overlap_s(a: Interval, b: Interval) -> float:
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds())


def _downtime_by_telescope(
    telescopes: list[TelescopeInfo],
    start: dt.datetime,
    end: dt.datetime,
    instrument_type: str | None,
) -> dict[str, list[Interval]] | None:
    """Each telescope's downtime in ``[start, end]`` that takes away the time counted as
    available, merged; ``None`` when the downtime database does not answer."""
    try:
        rows = current_downtimes(start)
    except (ServiceUnavailable, ClientError):
        return None
    by_key = {t.key: t for t in telescopes}
    result: dict[str, list[Interval]] = defaultdict(list)
    for row in rows:
        telescope = by_key.get(f"{row.site}.{row.enclosure}.{row.telescope}")
        if telescope is None or row.end <= start or row.start >= end:
            continue
        if row.instrument_type:
            down = row.instrument_type.upper()
            if instrument_type is not None:
                applies = down == instrument_type.upper()
            else:
                offered = {
                    code
                    for code in telescope.instrument_states
                    if telescope.offers(code, include_non_schedulable=False)
                }
                applies = offered <= {down}
            if not applies:
                continue
        result[telescope.key].append((max(row.start, start), min(row.end, end)))
    return {key: merge_intervals(intervals) for key, intervals in result.items()}


def _unavailable_now(telescopes: list[TelescopeInfo], now: dt.datetime) -> set[str] | None:
    """Keys of the telescopes whose current state is not AVAILABLE; ``None`` when the states
    cannot be read."""
    try:
        states = telescope_states_get(
            start=now, end=now, now=now, sites=sorted({t.site for t in telescopes})
        )
    except (ProviderUnavailable, ClientError):
        return None
    return {
        key
        for key, intervals in states.items()
        if intervals and intervals[-1].event_type != AVAILABLE
    }


def pressure_by_night(
    *,
    nights: int = DEFAULT_NIGHTS,
    instrument_type: str | None = None,
    site: str | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """``{"nights": [dates], "sites": {site: {"requested_h": [...], "available_h": [...]}},
    "telescope_classes": {class: {...}}, "instrument_type", "site", "downtime_ignored",
    "unavailable_now", "states_ignored", "time_calculated"}``, one
    value per night in each list. ``nights`` is bounded to 1…:data:`MAX_NIGHTS`."""
    nights = min(max(int(nights), 1), MAX_NIGHTS)
    now = now or timezone.now()
    end = now + dt.timedelta(days=nights)
    configuration = load_portal_configuration()
    telescopes = [
        t
        for t in configuration.telescopes
        if (site is None or t.site == site) and _offers_any(t, instrument_type)
    ]
    # each site's nights in the span, named by their evening's local date
    dark: dict[str, list[tuple[dt.date, Interval]]] = {}
    longitudes = {t.site: t.longitude_deg for t in telescopes}
    for code, intervals in dark_intervals_by_site(telescopes, now, end).items():
        dark[code] = [(_night_of(interval, longitudes[code]), interval) for interval in intervals]
    dates = sorted({date for intervals in dark.values() for date, _ in intervals})[:nights]
    index = {date: i for i, date in enumerate(dates)}

    def zeros() -> dict[str, list[float]]:
        return {"requested_h": [0.0] * len(dates), "available_h": [0.0] * len(dates)}

    sites: dict[str, dict[str, list[float]]] = {code: zeros() for code in dark}
    classes: dict[str, dict[str, list[float]]] = {
        c: zeros() for c in sorted({t.telescope_class for t in telescopes})
    }
    downtime = _downtime_by_telescope(telescopes, now, end, instrument_type)
    unavailable = _unavailable_now(telescopes, now)
    for telescope in telescopes:
        holes = list((downtime or {}).get(telescope.key, []))
        if unavailable and telescope.key in unavailable and dark[telescope.site]:
            holes = merge_intervals([*holes, (now, dark[telescope.site][0][1][1])])
        for date, interval in dark[telescope.site]:
            if date in index:
                hours = sum((e - s).total_seconds() for s, e in subtract([interval], holes)) / 3600
                sites[telescope.site]["available_h"][index[date]] += hours
                classes[telescope.telescope_class]["available_h"][index[date]] += hours

    context = ValidationContext(user=user, _configuration=configuration)
    for request, _types, visible in pending_visibility(
        context, now, end, instrument_type, ignore_downtime=downtime is None
    ):
        by_site = {code: intervals for code, intervals in visible.items() if code in dark}
        visible_s = sum((e - s).total_seconds() for ivs in by_site.values() for s, e in ivs)
        if visible_s <= 0:
            continue
        hours_per_visible_s = request.duration / visible_s / 3600.0
        telescope_class = getattr(request.location, "telescope_class", "") or ""
        for code, intervals in by_site.items():
            for date, night in dark[code]:
                if date not in index:
                    continue
                share = hours_per_visible_s * sum(_overlap_s(night, iv) for iv in intervals)
                sites[code]["requested_h"][index[date]] += share
                if telescope_class in classes:
                    classes[telescope_class]["requested_h"][index[date]] += share

    def rounded(groups: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, list[float]]]:
        return {
            name: {key: [round(v, 3) for v in values] for key, values in series.items()}
            for name, series in groups.items()
        }

    totals: dict[str, float] = defaultdict(float)
    for series in sites.values():
        totals["requested_h"] += sum(series["requested_h"])
        totals["available_h"] += sum(series["available_h"])
    return {
        "nights": [date.isoformat() for date in dates],
        "sites": rounded(sites),
        "telescope_classes": rounded(classes),
        "totals": {key: round(value, 2) for key, value in totals.items()},
        "instrument_type": instrument_type or "all",
        "site": site or "all",
        "downtime_ignored": downtime is None,
        "unavailable_now": sorted(unavailable or ()),
        "states_ignored": unavailable is None,
        "time_calculated": now,
    }
