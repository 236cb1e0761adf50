"""Nightly availability: the fraction of each night's dark time a telescope was AVAILABLE
(portal-api.md §17.4). Django-free: the caller passes the telescope's place and its states.

A night is labelled by the local (mean solar) date of its evening: dark time is cut at local
noon, and each piece carries the date of (its start + longitude/15 h − 12 h). Dark time is when
the Sun's centre is below nautical twilight (−12°), from :func:`openocs.visibility.dark_intervals`.
Nights without dark time (polar summer) have no entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from openocs import visibility
from openocs.portal.telescopestates.states import AVAILABLE, StateInterval

Interval = tuple[datetime, datetime]
NightFraction = tuple[str, float]


def _local_shift(longitude_deg: float) -> timedelta:
    return timedelta(hours=longitude_deg / 15.0)


def night_of(instant: datetime, longitude_deg: float) -> date:
    """The local date of the evening of the night ``instant`` belongs to."""
    return (instant + _local_shift(longitude_deg) - timedelta(hours=12)).date()


def dark_time_by_night(
    site: visibility.Site, start: datetime, end: datetime
) -> dict[date, list[Interval]]:
    """Dark intervals in [``start``, ``end``] grouped by night (cut at local noon)."""
    shift = _local_shift(site.longitude_deg)
    nights: dict[date, list[Interval]] = defaultdict(list)
    for dark_start, dark_end in visibility.dark_intervals(site, start, end, "nautical"):
        cursor = dark_start
        while cursor < dark_end:
            night = night_of(cursor, site.longitude_deg)
            next_noon = datetime.combine(night + timedelta(days=1), time(12), cursor.tzinfo)
            cut = min(dark_end, next_noon - shift)
            nights[night].append((cursor, cut))
            cursor = cut
    return dict(nights)


def _overlap_s(intervals: Iterable[Interval], others: Sequence[Interval]) -> float:
    total = 0.0
    for start, end in intervals:
        for other_start, other_end in others:
            low, high = max(start, other_start), min(end, other_end)
            if high > low:
                total += (high - low).total_seconds()
    return total


def availability_by_night(
    dark_by_night: Mapping[date, Sequence[Interval]], states: Sequence[StateInterval]
) -> list[NightFraction]:
    """``[("YYYY-MM-DD", fraction), …]`` in date order: AVAILABLE seconds over dark seconds."""
    available = [(s.start, s.end) for s in states if s.event_type == AVAILABLE]
    result: list[NightFraction] = []
    for night in sorted(dark_by_night):
        dark = dark_by_night[night]
        dark_s = sum((end - start).total_seconds() for start, end in dark)
        if dark_s <= 0:
            continue
        result.append((night.isoformat(), min(1.0, _overlap_s(dark, available) / dark_s)))
    return result


def combine_by_key(
    fractions: Mapping[str, Sequence[NightFraction]], group_of: Mapping[str, str]
) -> dict[str, list[NightFraction]]:
    """Average, night by night, the telescopes of each group (``group_of``: telescope key →
    group key such as ``coj.1m0``, deviation D41)."""
    collected: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for key, nights in fractions.items():
        for night, fraction in nights:
            collected[group_of[key]][night].append(fraction)
    return {
        group: [(night, sum(values) / len(values)) for night, values in sorted(by_night.items())]
        for group, by_night in collected.items()
    }
