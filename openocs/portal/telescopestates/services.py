"""Telescope states and availability (portal-api.md §17.3, §17.4) and the site agents' reports.

Telescopes come from configdb through the configdb client (never its models); states from the
configured provider (:mod:`openocs.portal.telescopestates.providers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from openocs import visibility
from openocs.clients.configdb import TelescopeLocation
from openocs.portal.requestgroups.digest import telescope_class
from openocs.portal.telescopestates import availability
from openocs.portal.telescopestates.models import TelescopeStateSample
from openocs.portal.telescopestates.providers import get_provider
from openocs.portal.telescopestates.states import StateInterval, merge_and_clip
from openocs.web.clients import configdb_client


def telescope_locations(
    *, sites: Sequence[str] = (), telescopes: Sequence[str] = ()
) -> list[TelescopeLocation]:
    """The network's telescopes in document order, filtered by site codes and by telescope codes
    or keys (exact, case-insensitive; empty filters keep everything). Raises the configdb
    client's :class:`~openocs.clients.errors.ClientError` when configdb cannot answer."""
    wanted_sites = {s.strip().lower() for s in sites if s.strip()}
    wanted_telescopes = {t.strip().lower() for t in telescopes if t.strip()}
    return [
        location
        for location in configdb_client().network().telescopes
        if (not wanted_sites or location.site.code.lower() in wanted_sites)
        and (
            not wanted_telescopes
            or location.telescope.code.lower() in wanted_telescopes
            or location.key.lower() in wanted_telescopes
        )
    ]


def known_telescope_keys() -> set[str]:
    """Every ``site.enclosure.telescope`` of the network."""
    return set(configdb_client().telescope_keys())


def _states(
    locations: Sequence[TelescopeLocation], *, start: datetime, end: datetime, now: datetime
) -> dict[str, list[StateInterval]]:
    keys = [location.key for location in locations]
    raw = get_provider().states(telescopes=keys, start=start, end=end, now=now)
    return {key: merge_and_clip(raw[key], start=start, end=end) for key in keys if key in raw}


def telescope_states_get(
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    sites: Sequence[str] = (),
    telescopes: Sequence[str] = (),
) -> dict[str, list[StateInterval]]:
    """``GET /api/telescope_states/``: merged, clipped intervals by telescope key. Raises
    :class:`~openocs.portal.telescopestates.errors.ProviderUnavailable` or the configdb client's
    errors when a source cannot answer."""
    locations = telescope_locations(sites=sites, telescopes=telescopes)
    return _states(locations, start=start, end=end, now=now)


def _site_of(location: TelescopeLocation) -> visibility.Site:
    return visibility.Site(
        latitude_deg=location.telescope.lat,
        longitude_deg=location.telescope.long,
        elevation_m=location.site.elevation,
    )


def telescope_availability_get(
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    sites: Sequence[str] = (),
    telescopes: Sequence[str] = (),
    combine: bool = False,
) -> dict[str, list[tuple[str, float]]]:
    """``GET /api/telescope_availability/``: per telescope (or, with ``combine``, per
    ``<site>.<class>``, D41) the fraction of each night's dark time it was AVAILABLE."""
    locations = telescope_locations(sites=sites, telescopes=telescopes)
    states = _states(locations, start=start, end=end, now=now)
    fractions: dict[str, list[tuple[str, float]]] = {}
    for location in locations:
        if location.key not in states:
            continue
        dark = availability.dark_time_by_night(_site_of(location), start, end)
        fractions[location.key] = availability.availability_by_night(dark, states[location.key])
    if not combine:
        return fractions
    group_of = {
        location.key: f"{location.site.code}.{telescope_class(location.telescope.aperture)}"
        for location in locations
    }
    return availability.combine_by_key(fractions, group_of)


@dataclass(frozen=True)
class SampleReport:
    """One state a site agent reports for ``telescope`` (``site.enclosure.telescope``)."""

    telescope: str
    event_type: str
    event_reason: str
    start: datetime
    end: datetime | None = None


@transaction.atomic
def telescope_states_record(*, reports: Sequence[SampleReport]) -> list[TelescopeStateSample]:
    """Store the reports of a site agent, all or none (``POST /api/telescope_states/``)."""
    samples = [
        TelescopeStateSample(
            telescope=report.telescope,
            site=report.telescope.split(".", 1)[0],
            event_type=report.event_type,
            event_reason=report.event_reason,
            start=report.start,
            end=report.end,
        )
        for report in reports
    ]
    return TelescopeStateSample.objects.bulk_create(samples)
