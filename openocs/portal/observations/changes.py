"""``last_changed`` and ``last_scheduled`` timestamps (``portal-api.md`` §16).

Stored in the database so every web worker and the scheduler see the same values.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from openocs.portal.observations.models import ChangeTimestamp

_FLOOR = timedelta(days=7)


def _set(keys: list[str], now: datetime) -> None:
    """Upsert the timestamps in one statement (INSERT … ON CONFLICT DO UPDATE)."""
    ChangeTimestamp.objects.bulk_create(
        [ChangeTimestamp(key=key, time=now) for key in keys],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["time"],
    )


def mark_changed(*, telescope_class: str | None) -> None:
    """Something the scheduler must react to happened for this telescope class."""
    keys = ["changed:all"] + ([f"changed:{telescope_class}"] if telescope_class else [])
    _set(keys, timezone.now())


def mark_scheduled(*, site: str) -> None:
    """Observations were created for this site: its software should download its schedule."""
    _set([f"scheduled:{site}", "scheduled:all"], timezone.now())


def _latest(keys: list[str]) -> datetime:
    floor = timezone.now() - _FLOOR
    times = ChangeTimestamp.objects.filter(key__in=keys).values_list("time", flat=True)
    return max([floor, *times])


def last_changed(*, telescope_classes: list[str]) -> datetime:
    keys = [f"changed:{c}" for c in telescope_classes] or ["changed:all"]
    return _latest(keys)


def last_scheduled(*, site: str | None) -> datetime:
    return _latest([f"scheduled:{site}" if site else "scheduled:all"])
