"""The network's pressure over the coming nights: hours requested against hours available, per
site and per telescope class, night by night (the tools page; ``/api/pressure/`` keeps its own
24-hour, 15-minute view as the spec fixes it).

- **Available**: each telescope's dark time (the Sun below nautical twilight at its site) in
  the night, summed over the telescopes of the site or class that offer a schedulable instrument
  (the one chosen, if any).
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

from openocs.portal.requestgroups.configuration import TelescopeInfo, load_portal_configuration
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.information import dark_intervals_by_site, pending_visibility

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


def pressure_by_night(
    *,
    nights: int = DEFAULT_NIGHTS,
    instrument_type: str | None = None,
    site: str | None = None,
    user: Any = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """``{"nights": [dates], "sites": {site: {"requested_h": [...], "available_h": [...]}},
    "telescope_classes": {class: {...}}, "instrument_type", "site", "time_calculated"}``, one
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
    for telescope in telescopes:
        for date, interval in dark[telescope.site]:
            if date in index:
                hours = (interval[1] - interval[0]).total_seconds() / 3600.0
                sites[telescope.site]["available_h"][index[date]] += hours
                classes[telescope.telescope_class]["available_h"][index[date]] += hours

    context = ValidationContext(user=user, _configuration=configuration)
    for request, _types, visible in pending_visibility(context, now, end, instrument_type):
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
        "time_calculated": now,
    }
