"""Parsing of README §4.5 date-times for the downtime API and command line.

Kept free of models and settings so ``ocs downtime create --start …`` can parse its options
before Django is set up (importing the filters there failed with a configuration error).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from django.utils.dateparse import parse_date, parse_datetime

# A "+" in a query string arrives as a space: "2030-01-01T00:00:00 00:00".
_LOST_PLUS = re.compile(r"^(.+\d:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def parse_utc_datetime(text: str) -> datetime | None:
    """Parse a README §4.5 date-time (or date) as an aware UTC datetime; None if unparseable."""
    text = text.strip()
    candidates = [text]
    lost_plus = _LOST_PLUS.match(text)
    if lost_plus:
        candidates.append(f"{lost_plus.group(1)}+{lost_plus.group(2)}")
    for candidate in candidates:
        try:
            parsed = parse_datetime(candidate)
            if parsed is None:
                day = parse_date(candidate)
                parsed = datetime.combine(day, time.min) if day else None
        except ValueError:  # well formed but impossible (month 13)
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            try:
                return parsed.astimezone(UTC)
            except OverflowError:  # the offset carries it out of years 1-9999 in UTC
                return None
    return None
