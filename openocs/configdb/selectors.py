"""Reads of the configuration database: querysets that build each document in a constant
number of queries, and the availability history (spec configdb §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from openocs.configdb import models as m


def optical_element_group_queryset() -> QuerySet[m.OpticalElementGroup]:
    return (
        m.OpticalElementGroup.objects.order_by("id")
        .select_related("default")
        .prefetch_related(Prefetch("optical_elements", m.OpticalElement.objects.order_by("id")))
    )


def camera_queryset() -> QuerySet[m.Camera]:
    return (
        m.Camera.objects.order_by("id")
        .select_related("camera_type")
        .prefetch_related(Prefetch("optical_element_groups", optical_element_group_queryset()))
    )


def generic_mode_group_queryset() -> QuerySet[m.GenericModeGroup]:
    return (
        m.GenericModeGroup.objects.order_by("id")
        .select_related("default")
        .prefetch_related(Prefetch("modes", m.GenericMode.objects.order_by("id")))
    )


def instrument_type_queryset() -> QuerySet[m.InstrumentType]:
    return m.InstrumentType.objects.order_by("id").prefetch_related(
        Prefetch("mode_types", generic_mode_group_queryset()),
        Prefetch(
            "configuration_type_properties",
            m.ConfigurationTypeProperties.objects.order_by("id").select_related(
                "configuration_type"
            ),
        ),
    )


def instrument_queryset() -> QuerySet[m.Instrument]:
    return (
        m.Instrument.objects.order_by("id")
        .select_related(
            "telescope__enclosure__site", "autoguider_camera__camera_type", "instrument_type"
        )
        .prefetch_related(
            Prefetch("science_cameras", camera_queryset()),
            Prefetch("autoguider_camera__optical_element_groups", optical_element_group_queryset()),
            Prefetch("instrument_type__mode_types", generic_mode_group_queryset()),
            Prefetch(
                "instrument_type__configuration_type_properties",
                m.ConfigurationTypeProperties.objects.order_by("id").select_related(
                    "configuration_type"
                ),
            ),
        )
    )


def telescope_queryset() -> QuerySet[m.Telescope]:
    return (
        m.Telescope.objects.order_by("id")
        .select_related("enclosure__site")
        .prefetch_related(Prefetch("instrument_set", instrument_queryset()))
    )


def enclosure_queryset() -> QuerySet[m.Enclosure]:
    return (
        m.Enclosure.objects.order_by("id")
        .select_related("site")
        .prefetch_related(Prefetch("telescope_set", telescope_queryset()))
    )


def site_queryset() -> QuerySet[m.Site]:
    """Sites by code with the whole nested network prefetched (``GET sites/``)."""
    return m.Site.objects.order_by("code").prefetch_related(
        Prefetch("enclosure_set", enclosure_queryset())
    )


# --- Availability history ---------------------------------------------------------------------

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class _Change:
    at: dt.datetime
    old: object
    value: object
    created: bool


def _timeline(model: str, object_id: str, field: str) -> list[_Change]:
    """The successive values of ``field`` of one object, from the change history."""
    records = m.ChangeRecord.objects.filter(model=model, object_id=object_id).order_by(
        "timestamp", "id"
    )
    changes: list[_Change] = []
    for record in records:
        if field in record.changes:
            old, new = record.changes[field]
            changes.append(_Change(record.timestamp, old, new, record.action == "create"))
    return changes


def _periods(
    changes: list[_Change], wanted: object, current: object, since: dt.datetime, until: dt.datetime
) -> list[Interval]:
    """Periods in which the value equalled ``wanted``; the last one is open until ``until``.

    D32: with no recorded change, the current value is reported from ``since`` to ``until``.
    """
    if not changes:
        return [(since, until)] if current == wanted else []
    periods: list[Interval] = []
    start: dt.datetime | None = None
    first = changes[0]
    if not first.created and first.old == wanted and since < first.at:
        start = since  # the value before the first recorded change, since an unknown time
    for change in changes:
        if change.value == wanted and start is None:
            start = change.at
        elif change.value != wanted and start is not None:
            periods.append((start, change.at))
            start = None
    if start is not None:
        periods.append((start, max(until, start)))
    return periods


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                out.append((start, end))
    return _union(out)


def _select(
    intervals: list[Interval], start: dt.datetime | None, end: dt.datetime | None
) -> list[Interval]:
    """Intervals overlapping [start, end], whole (not clipped), latest first."""
    kept = [
        (s, e) for s, e in intervals if (start is None or e >= start) and (end is None or s <= end)
    ]
    return sorted(kept, reverse=True)


def instrument_availability(
    *, instrument: m.Instrument, start: dt.datetime | None, end: dt.datetime | None
) -> list[Interval]:
    """Periods in which ``instrument`` was SCHEDULABLE, overlapping [start, end], latest first."""
    until = end or timezone.now()
    since = start or instrument.modified
    periods = _periods(
        _timeline("instrument", str(instrument.pk), "state"),
        "SCHEDULABLE",
        instrument.state,
        min(since, until),
        until,
    )
    return _select(periods, start, end)


def telescope_availability(
    *, telescope: m.Telescope, start: dt.datetime | None, end: dt.datetime | None
) -> list[Interval]:
    """Union of the telescope's instruments' SCHEDULABLE periods ∩ the telescope's active
    periods, overlapping [start, end], latest first."""
    until = end or timezone.now()
    since = start or telescope.modified
    schedulable: list[Interval] = []
    for instrument in telescope.instrument_set.all():
        instrument_since = start or instrument.modified
        schedulable += _periods(
            _timeline("instrument", str(instrument.pk), "state"),
            "SCHEDULABLE",
            instrument.state,
            min(instrument_since, until),
            until,
        )
    active = _periods(
        _timeline("telescope", str(telescope.pk), "active"),
        True,
        telescope.active,
        min(since, until),
        until,
    )
    return _select(_intersect(_union(schedulable), _union(active)), start, end)
