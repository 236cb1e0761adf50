"""Downtime records for tests, stored directly (the API tests exercise validation)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from openocs.downtime.models import Downtime


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_downtime(**fields: Any) -> Downtime:
    values: dict[str, Any] = {
        "start": utc(2030, 1, 1),
        "end": utc(2030, 1, 1, 2),
        "site": "coj",
        "enclosure": "doma",
        "telescope": "1m0a",
        "instrument_type": "",
        "reason": "Maintenance",
    }
    values.update(fields)
    return Downtime.objects.create(**values)
