"""Telescope state intervals and the rules every provider's answer goes through (Django-free).

A provider returns, per telescope key ``site.enclosure.telescope``, intervals in time order;
:func:`merge_and_clip` merges consecutive intervals of the same type and reason and clips them
to the asked range (portal-api.md §17.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

AVAILABLE = "AVAILABLE"
SITE_AGENT_UNRESPONSIVE = "SITE_AGENT_UNRESPONSIVE"
EVENT_TYPES: tuple[str, ...] = (
    AVAILABLE,
    SITE_AGENT_UNRESPONSIVE,
    "NOT_OK_TO_OPEN",
    "SEQUENCER_DISABLED",
    "ENCLOSURE_INTERLOCK",
    "ENCLOSURE_DISABLED",
    "NOT_AVAILABLE",
)
AVAILABLE_REASON = "Available"
NO_TELEMETRY_REASON = "Site Agent: No state reported"


@dataclass(frozen=True)
class StateInterval:
    """One telescope in one state from ``start`` to ``end`` (aware UTC, ``start <= end``)."""

    telescope: str
    event_type: str
    event_reason: str
    start: datetime
    end: datetime


def merge_and_clip(
    intervals: Iterable[StateInterval], *, start: datetime, end: datetime
) -> list[StateInterval]:
    """Clip to [``start``, ``end``] and merge touching or overlapping neighbours of the same type
    and reason. An empty range (``start == end``) keeps the state at that instant, so every
    telescope with a state still answers one interval."""
    result: list[StateInterval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if start == end:
            instant = start
            at_instant = interval.start <= instant < interval.end or (
                interval.start == interval.end == instant
            )
            if not at_instant:
                continue
        elif interval.end <= start or interval.start >= end:
            continue
        clipped = replace(interval, start=max(interval.start, start), end=min(interval.end, end))
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.event_type == clipped.event_type
            and previous.event_reason == clipped.event_reason
            and clipped.start <= previous.end
        ):
            result[-1] = replace(previous, end=max(previous.end, clipped.end))
        elif start == end and previous is not None:
            continue  # one state per instant
        else:
            result.append(clipped)
    return result


@dataclass(frozen=True)
class Sample:
    """A state reported by a site agent: from ``start`` until ``end``, or, without ``end``,
    until the telescope's next sample."""

    event_type: str
    event_reason: str
    start: datetime
    end: datetime | None = None


def intervals_from_samples(
    telescope: str,
    samples: Sequence[Sample],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    stale_after: timedelta,
) -> list[StateInterval]:
    """The timeline of one telescope over [``start``, ``end``] from its samples in time order
    (the first one may begin before ``start``).

    A sample holds until its ``end`` if it has one, else until the next sample, but for at most
    ``stale_after`` — except that a sample younger than ``stale_after`` at ``now`` is the current
    state and holds until the next sample or the range end. Wherever no sample holds, the
    telescope is SITE_AGENT_UNRESPONSIVE; so a telescope whose latest sample is older than
    ``stale_after`` is SITE_AGENT_UNRESPONSIVE from ``stale_after`` after that sample on.
    """
    if end == start:  # the state at one instant: look at the microsecond that starts there
        end = start + timedelta(microseconds=1)
    intervals: list[StateInterval] = []

    def gap(gap_start: datetime, gap_end: datetime) -> None:
        intervals.append(
            StateInterval(
                telescope, SITE_AGENT_UNRESPONSIVE, NO_TELEMETRY_REASON, gap_start, gap_end
            )
        )

    cursor = start
    for index, sample in enumerate(samples):
        if sample.end is not None:
            holds_until = sample.end
        elif sample.start + stale_after <= now:
            holds_until = sample.start + stale_after
        else:
            holds_until = max(end, sample.start)
        if index + 1 < len(samples):
            holds_until = min(holds_until, samples[index + 1].start)
        if sample.start > cursor:
            gap(cursor, sample.start)
        if holds_until > sample.start:
            intervals.append(
                StateInterval(
                    telescope, sample.event_type, sample.event_reason, sample.start, holds_until
                )
            )
        cursor = max(cursor, holds_until, sample.start)
    if cursor < end:
        gap(cursor, end)
    return intervals
