"""The iCalendar (RFC 5545) rendering of downtimes, for ``api/calendar.ics``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import icalendar

from openocs.downtime.models import Downtime


def _summary(downtime: Downtime) -> str:
    place = f"{downtime.site}.{downtime.enclosure}.{downtime.telescope}"
    what = f" {downtime.instrument_type}" if downtime.instrument_type else ""
    reason = f": {downtime.reason}" if downtime.reason else ""
    return f"Downtime {place}{what}{reason}"


def downtimes_to_ical(downtimes: Iterable[Downtime], *, host: str) -> bytes:
    """A VCALENDAR with one VEVENT per downtime (UID ``downtime-<id>@<host>``)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//OpenOCS//Downtime database//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "OpenOCS downtime")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for downtime in downtimes:
        event = icalendar.Event()
        event.add("uid", f"downtime-{downtime.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", downtime.start.astimezone(UTC))
        event.add("dtend", downtime.end.astimezone(UTC))
        event.add("last-modified", downtime.modified.astimezone(UTC))
        event.add("summary", _summary(downtime))
        event.add("location", f"{downtime.site}.{downtime.enclosure}.{downtime.telescope}")
        if downtime.reason:
            event.add("description", downtime.reason)
        if downtime.category is not None:
            event.add("categories", [downtime.category.name])
        calendar.add_component(event)
    return bytes(calendar.to_ical())
