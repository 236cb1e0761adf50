"""Reads of change events (the long poll of ``GET /api/changes/``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from openocs.exiting import pause, stopping
from openocs.portal.notifications.models import ChangeEvent

# A hole in the sequence younger than this may be a transaction that has not committed yet
# (PostgreSQL hands out ids before commit); the poll stops before it until it settles.
GAP_SETTLE = timedelta(seconds=2)
POLL_INTERVAL_S = 0.5


def latest_seq() -> int:
    return int(ChangeEvent.objects.aggregate(top=Max("id"))["top"] or 0)


def events_after(*, after: int, limit: int, replan_only: bool = False) -> list[ChangeEvent]:
    """Committed events with ``seq > after`` in order, stopping before a young gap."""
    rows = list(ChangeEvent.objects.filter(id__gt=after).order_by("id")[: limit * 2 + 10])
    young = timezone.now() - GAP_SETTLE
    chosen: list[ChangeEvent] = []
    # A hole right after the cursor only matters when the cursor is a real event: a fresh or
    # expired cursor (0, or an event already cleaned up) starts at the first event there is.
    expected: int | None = (
        after + 1 if after > 0 and ChangeEvent.objects.filter(id=after).exists() else None
    )
    for row in rows:
        if expected is not None and row.id != expected and row.created > young:
            break
        expected = row.id + 1
        if replan_only and not row.replan:
            continue
        chosen.append(row)
        if len(chosen) >= limit:
            break
    return chosen


def events_wait(
    *,
    after: int,
    timeout_s: float,
    limit: int,
    replan_only: bool = False,
    sleep: Callable[[float], None] = pause,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[ChangeEvent], int]:
    """Wait up to ``timeout_s`` for events after ``after``; returns them and the next cursor.
    A web worker told to stop (:data:`openocs.exiting.stopping`) answers at once with what it
    has, so a long poll does not hold its shutdown.

    The cursor passes over events skipped by ``replan_only``, so a filtered poll never sees the
    same skipped events again.
    """
    deadline = clock() + timeout_s
    while True:
        scanned = events_after(after=after, limit=limit, replan_only=False)
        chosen = [e for e in scanned if e.replan] if replan_only else scanned
        cursor = scanned[-1].id if scanned else after
        if chosen or clock() >= deadline or stopping.is_set():
            return chosen, cursor
        after = cursor
        sleep(min(POLL_INTERVAL_S, max(deadline - clock(), 0.0)))


HISTORY_KINDS = ("requestgroup.submitted", "requestgroup.state_changed", "request.state_changed")


def requestgroup_history(*, group_id: int, limit: int = 200) -> list[ChangeEvent]:
    """The recorded state changes of one request group and its requests, oldest first (as long
    as the events are kept)."""
    return list(
        ChangeEvent.objects.filter(
            kind__in=HISTORY_KINDS, payload__request_group_id=group_id
        ).order_by("id")[:limit]
    )
