"""Client of the downtime database's REST resource ``<downtime>api/`` (downtime-api.md).

Lists follow ``next`` links (the service pages at 1000 rows). Datetimes are sent as ISO-8601 UTC
with a ``Z`` and parsed back as timezone-aware values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from openocs.clients.errors import ResponseFormatError
from openocs.clients.http import (
    DEFAULT_TIMEOUT_S,
    HttpClient,
    QueryValue,
    UtcDatetime,
    format_datetime,
)

API_PATH = "api/"


class Downtime(BaseModel):
    """One downtime record (extra fields such as ``category`` are kept)."""

    model_config = ConfigDict(extra="allow")

    id: int
    start: UtcDatetime
    end: UtcDatetime
    site: str
    enclosure: str
    telescope: str
    instrument_type: str = ""
    reason: str = ""

    @property
    def telescope_key(self) -> str:
        """``telescope.enclosure.site``, the key consumers group downtimes by."""
        return f"{self.telescope}.{self.enclosure}.{self.site}".lower()


def _codes(value: str | Sequence[str] | None) -> QueryValue:
    if value is None or isinstance(value, str):
        return value
    return list(value)


class DowntimeClient:
    """List, create, update and delete downtimes."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.http = HttpClient(base_url, token=token, timeout_s=timeout_s, transport=transport)

    def close(self) -> None:
        self.http.close()

    def _parse(self, raw: Any) -> Downtime:
        try:
            return Downtime.model_validate(raw)
        except ValidationError as error:
            raise ResponseFormatError(
                "unexpected downtime record", url=self.http.base_url + API_PATH, detail=str(error)
            ) from error

    def list(
        self,
        *,
        starts_after: datetime | None = None,
        starts_before: datetime | None = None,
        ends_after: datetime | None = None,
        ends_before: datetime | None = None,
        site: str | Sequence[str] | None = None,
        enclosure: str | Sequence[str] | None = None,
        telescope: str | Sequence[str] | None = None,
        instrument_type: str | Sequence[str] | None = None,
        reason: str | None = None,
        reason_exact: str | None = None,
        order: str | None = None,
        limit: int | None = None,
    ) -> list[Downtime]:
        """Every downtime matching the filters (all pages; ``limit`` sets the page size)."""
        params: dict[str, QueryValue] = {
            "starts_after": format_datetime(starts_after) if starts_after else None,
            "starts_before": format_datetime(starts_before) if starts_before else None,
            "ends_after": format_datetime(ends_after) if ends_after else None,
            "ends_before": format_datetime(ends_before) if ends_before else None,
            "site": _codes(site),
            "enclosure": _codes(enclosure),
            "telescope": _codes(telescope),
            "instrument_type": _codes(instrument_type),
            "reason": reason,
            "reason_exact": reason_exact,
            "order": order,
            "limit": limit,
        }
        return [self._parse(raw) for raw in self.http.get_all(API_PATH, params=params)]

    def get(self, downtime_id: int) -> Downtime:
        """One downtime by id (:class:`~openocs.clients.errors.NotFoundError` if absent)."""
        return self._parse(self.http.get_json(f"{API_PATH}{downtime_id}/"))

    def create(
        self,
        *,
        start: datetime,
        end: datetime,
        site: str,
        enclosure: str,
        telescope: str,
        instrument_type: str = "",
        reason: str = "",
        category: str | None = None,
    ) -> Downtime:
        """Create a downtime; a refused one raises ``ClientRequestError`` with the field errors."""
        body: dict[str, Any] = {
            "start": format_datetime(start),
            "end": format_datetime(end),
            "site": site,
            "enclosure": enclosure,
            "telescope": telescope,
            "instrument_type": instrument_type,
            "reason": reason,
        }
        if category is not None:
            body["category"] = category
        response = self.http.request("POST", API_PATH, json=body)
        return self._parse(self.http.json(response))

    def update(self, downtime_id: int, **changes: Any) -> Downtime:
        """PATCH some fields of a downtime (an OpenOCS extension; datetimes are formatted)."""
        body = {
            name: format_datetime(value) if isinstance(value, datetime) else value
            for name, value in changes.items()
        }
        response = self.http.request("PATCH", f"{API_PATH}{downtime_id}/", json=body)
        return self._parse(self.http.json(response))

    def delete(self, downtime_id: int) -> None:
        """Delete a downtime."""
        self.http.request("DELETE", f"{API_PATH}{downtime_id}/")
