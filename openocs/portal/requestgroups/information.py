"""Information endpoints built on pending requests: contention (§17.5) and pressure (§17.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone

from openocs import visibility
from openocs.portal.requestgroups.configuration import TelescopeInfo, load_portal_configuration
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.duration import configuration_duration_s
from openocs.portal.requestgroups.models import Request, State
from openocs.portal.requestgroups.serializers import render_configuration, render_request
from openocs.portal.requestgroups.visibility import visible_intervals_by_site

ALL = "All Proposals"
BIN = dt.timedelta(minutes=15)
BINS = 96


def pending_requests(start: dt.datetime, end: dt.datetime) -> Any:
    """PENDING requests of PENDING groups with a window in ``[start, end]``, prefetched."""
    return (
        Request.objects.filter(
            state=State.PENDING,
            request_group__state=State.PENDING,
            windows__start__lt=end,
            windows__end__gt=start,
        )
        .distinct()
        .select_related("request_group", "location")
        .prefetch_related(
            "windows",
            "configurations__target",
            "configurations__constraints",
            "configurations__instrument_configs",
            "configurations__acquisition_config",
            "configurations__guiding_config",
        )
    )


def dark_intervals_by_site(
    telescopes: Sequence[TelescopeInfo], start: dt.datetime, end: dt.datetime
) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """The dark intervals (nautical twilight) in ``[start, end]`` at each site of
    ``telescopes``, in site order."""
    result = {}
    for code in sorted({t.site for t in telescopes}):
        first = next(t for t in telescopes if t.site == code)
        observer = visibility.Site(
            latitude_deg=first.latitude_deg,
            longitude_deg=first.longitude_deg,
            elevation_m=first.elevation_m,
        )
        result[code] = list(visibility.dark_intervals(observer, start, end))
    return result


def pending_visibility(
    context: ValidationContext,
    start: dt.datetime,
    end: dt.datetime,
    instrument_type: str | None,
    *,
    ignore_downtime: bool = False,
) -> Iterator[tuple[Request, set[str], dict[str, list[tuple[dt.datetime, dt.datetime]]]]]:
    """``(request, its instrument types, its visible intervals per site)`` for each pending
    request with a window in ``[start, end]`` (windows cut to it) that uses ``instrument_type``
    (any, when None); ``ignore_downtime`` leaves downtime out of the visibility."""
    for request in pending_requests(start, end):
        types = {c.instrument_type.upper() for c in request.configurations.all()}
        if instrument_type is not None and instrument_type.upper() not in types:
            continue
        data = render_request(request, list_shape=True)
        data["windows"] = [
            {"start": max(w.start, start), "end": min(w.end, end)}
            for w in request.windows.all()
            if w.end > start and w.start < end
        ]
        yield (
            request,
            types,
            visible_intervals_by_site(
                data, context, staff_location=False, ignore_downtime=ignore_downtime
            ),
        )


def contention(*, instrument_type: str, staff: bool) -> dict[str, Any]:
    """Seconds of pending work per RA hour for one instrument type in the next 24 hours."""
    now = timezone.now()
    overheads = load_portal_configuration().overheads.get(instrument_type.upper())
    bins: list[dict[str, float]] = [{} for _ in range(24)]
    for request in pending_requests(now, now + dt.timedelta(hours=24)):
        proposal = request.request_group.proposal_id if staff else ALL
        for configuration in request.configurations.all():
            if configuration.instrument_type.upper() != instrument_type.upper():
                continue
            target = configuration.target
            if target.type != "ICRS" or target.ra is None or overheads is None:
                continue
            seconds = configuration_duration_s(
                render_configuration(configuration, list_shape=True), overheads
            )
            hour = int(target.ra // 15) % 24
            bins[hour][proposal] = bins[hour].get(proposal, 0.0) + seconds
    return {
        "ra_hours": list(range(24)),
        "instrument_type": instrument_type,
        "time_calculated": now,
        "contention_data": bins,
    }


def pressure(
    *,
    instrument_type: str | None,
    site: str | None,
    staff: bool,
    user: Any,
    ignore_downtime: bool = False,
) -> dict[str, Any]:
    """How much pending work competes for each 15-minute bin of the next 24 hours
    (``ignore_downtime``: visibility without downtime, for a page that says so)."""
    now = timezone.now()
    end = now + BIN * BINS
    configuration = load_portal_configuration()
    telescopes = [
        t
        for t in configuration.telescopes
        if (site is None or t.site == site)
        and (instrument_type is None or t.offers(instrument_type, include_non_schedulable=False))
    ]
    site_nights = [
        {"name": code, "start": night_start, "stop": night_end}
        for code, nights in dark_intervals_by_site(telescopes, now, end).items()
        for night_start, night_end in nights
    ]
    bins: list[dict[str, float]] = [{} for _ in range(BINS)]
    context = ValidationContext(user=user, _configuration=configuration)
    for request, types, by_site in pending_visibility(
        context, now, end, instrument_type, ignore_downtime=ignore_downtime
    ):
        if site is not None:
            by_site = {site: by_site.get(site, [])}
        visible_s = sum(
            (e - s).total_seconds() for intervals in by_site.values() for s, e in intervals
        )
        if visible_s <= 0:
            continue
        proposal = request.request_group.proposal_id if staff else ALL
        share = request.duration / visible_s
        for index in range(BINS):
            bin_start = now + BIN * index
            bin_end = bin_start + BIN
            able = sum(
                1
                for code, intervals in by_site.items()
                for s, e in intervals
                if s < bin_end and e > bin_start
                for t in telescopes
                if t.site == code and all(t.offers(x, include_non_schedulable=False) for x in types)
            )
            if able:
                overlap = sum(
                    (min(e, bin_end) - max(s, bin_start)).total_seconds()
                    for intervals in by_site.values()
                    for s, e in intervals
                    if s < bin_end and e > bin_start
                )
                bins[index][proposal] = bins[index].get(proposal, 0.0) + share * overlap / able
    return {
        "site_nights": site_nights,
        "time_bins": [now + BIN * i for i in range(BINS)],
        "instrument_type": instrument_type or "all",
        "site": site or "all",
        "time_calculated": now,
        "pressure_data": bins,
    }
