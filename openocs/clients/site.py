"""Client of the portal calls a site makes (portal-api.md §13, §14, §16.2, §17.3).

A site's software (its telescope control system, or ``ocs site simulate``) authenticates with the
API token of a staff account with ``staff_view`` and:

- polls ``GET api/last_scheduled/?site=`` and, when it moves, downloads its telescopes' schedule
  with ``GET api/observations/`` (the pyobs-core query: ``site``, ``end_after``,
  ``start_before``, ``state=PENDING&state=IN_PROGRESS``);
- reports each configuration's progress with ``PATCH api/configurationstatus/{id}/``
  (``ATTEMPTED`` at its start, then ``COMPLETED``/``FAILED``/``NOT_ATTEMPTED`` with a summary);
- re-reads an observation (``GET api/observations/{id}/``) to notice a cancellation;
- reports its telescopes' states with ``POST api/telescope_states/`` (OpenOCS ``database``
  provider).

A site follows ``last_scheduled`` rather than the long poll of change events (``GET
api/changes/``, the scheduling client's
:meth:`~openocs.clients.scheduling.PortalSchedulingClient.changes`): the events report
submissions and state changes, not the placing of new observations, which moves only
``last_scheduled``. Every write is idempotent, so a caller may retry it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openocs.clients.errors import ResponseFormatError
from openocs.clients.http import (
    DEFAULT_TIMEOUT_S,
    HttpClient,
    QueryValue,
    UtcDatetime,
    as_utc,
    format_datetime,
)

__all__ = [
    "ACTIVE_OBSERVATION_STATES",
    "ConfigurationSummary",
    "PortalSiteClient",
    "SiteConfiguration",
    "SiteObservation",
    "SiteRequest",
    "TelescopeStateReport",
]

ACTIVE_OBSERVATION_STATES = ("PENDING", "IN_PROGRESS")
TERMINAL_STATUS_STATES = frozenset({"COMPLETED", "FAILED", "NOT_ATTEMPTED", "BAD_DATA"})
PAGE_SIZE = 1000


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class SiteConfiguration(_Model):
    """One configuration of an observation, expanded per repeat, with its status."""

    id: int | None = None
    configuration_status: int
    state: str = "PENDING"
    type: str = "EXPOSE"
    instrument_type: str = ""
    instrument_name: str = ""
    guide_camera_name: str = ""
    priority: int = 1
    target: dict[str, Any] = Field(default_factory=dict)
    instrument_configs: list[dict[str, Any]] = Field(default_factory=list)
    constraints: dict[str, Any] = Field(default_factory=dict)
    repeat_duration: float | None = None
    """Seconds; set for a REPEAT type (``REPEAT_EXPOSE``, ``REPEAT_SPECTRUM``, …): repeat the
    instrument configs' exposures for this long."""
    summary: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_repeat(self) -> bool:
        """A REPEAT type with a repeat duration: its exposures repeat for ``repeat_duration``
        seconds (a type containing ``REPEAT``, as the portal's duration rule, §5.2)."""
        return "REPEAT" in self.type.upper() and self.repeat_duration is not None

    @property
    def is_terminal(self) -> bool:
        """Whether the site already reported this status's outcome."""
        return self.state in TERMINAL_STATUS_STATES


class SiteRequest(_Model):
    id: int
    state: str = ""
    acceptability_threshold: float = 90.0
    configurations: list[SiteConfiguration] = Field(default_factory=list)


class SiteObservation(_Model):
    """One observation of ``/api/observations/`` as a site reads it (full shape, §13.1)."""

    id: int
    site: str
    enclosure: str
    telescope: str
    start: UtcDatetime
    end: UtcDatetime
    state: str
    priority: int = 10
    proposal: str = ""
    submitter: str = ""
    name: str = ""
    observation_type: str = "NORMAL"
    request_group_id: int | None = None
    request: SiteRequest

    @property
    def telescope_key(self) -> str:
        """``site.enclosure.telescope``."""
        return f"{self.site}.{self.enclosure}.{self.telescope}"

    @property
    def is_active(self) -> bool:
        """PENDING or IN_PROGRESS: the site should (still) execute it."""
        return self.state in ACTIVE_OBSERVATION_STATES


class ConfigurationSummary(_Model):
    """What a site reports when a configuration ends (§14): actual times, outcome, exposure
    time completed (seconds) and free-form events."""

    start: UtcDatetime
    end: UtcDatetime
    state: str
    reason: str = ""
    time_completed: float = 0.0
    events: dict[str, Any] = Field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "start": format_datetime(self.start),
            "end": format_datetime(self.end),
            "state": self.state,
            "reason": self.reason[:200],
            "time_completed": round(self.time_completed, 3),
            "events": self.events,
        }


class TelescopeStateReport(_Model):
    """One telescope-state sample a site posts (``docs/portal-telescope-states.md``)."""

    telescope: str
    event_type: str
    event_reason: str
    start: UtcDatetime
    end: UtcDatetime | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "telescope": self.telescope,
            "event_type": self.event_type,
            "event_reason": self.event_reason,
            "start": format_datetime(self.start),
        }
        if self.end is not None:
            body["end"] = format_datetime(self.end)
        return body


class PortalSiteClient:
    """The site's side of the portal API at ``base_url`` (ending in ``/``)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self.base_url = base_url
        self.http = HttpClient(base_url, token=token, timeout_s=timeout_s, transport=transport)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PortalSiteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _format_error(self, path: str, error: ValidationError | str) -> ResponseFormatError:
        return ResponseFormatError(
            f"unexpected answer from {path}", url=self.base_url + path, detail=str(error)
        )

    def last_scheduled(self, *, site: str | None = None) -> datetime:
        """``GET api/last_scheduled/``: when observations were last created for ``site``."""
        path = "api/last_scheduled/"
        data = self.http.get_json(path, params={"site": site})
        try:
            raw = data["last_schedule_time"]
            return as_utc(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
        except (KeyError, TypeError, ValueError) as error:
            raise self._format_error(path, str(error)) from error

    def observations(
        self,
        *,
        site: str,
        end_after: datetime,
        start_before: datetime,
        telescopes: Sequence[str] = (),
        states: Sequence[str] = ACTIVE_OBSERVATION_STATES,
    ) -> list[SiteObservation]:
        """``GET api/observations/``: the site's observations in a time range, all pages,
        ordered by start."""
        path = "api/observations/"
        params: dict[str, QueryValue] = {
            "site": site,
            "telescope": list(telescopes),
            "end_after": format_datetime(end_after),
            "start_before": format_datetime(start_before),
            "state": list(states),
            "ordering": "start",
            "limit": PAGE_SIZE,
        }
        try:
            return [
                SiteObservation.model_validate(row)
                for row in self.http.get_all(path, params=params)
            ]
        except ValidationError as error:
            raise self._format_error(path, error) from error

    def observation(self, observation_id: int) -> SiteObservation:
        """``GET api/observations/{id}/``: one observation (its current state)."""
        path = f"api/observations/{observation_id}/"
        try:
            return SiteObservation.model_validate(self.http.get_json(path))
        except ValidationError as error:
            raise self._format_error(path, error) from error

    def update_configuration_status(
        self,
        status_id: int,
        *,
        state: str | None = None,
        summary: ConfigurationSummary | None = None,
    ) -> dict[str, Any]:
        """``PATCH api/configurationstatus/{id}/`` with a state and/or a summary (§14).

        Idempotent: the portal ignores a state change of a terminal status and replaces the
        summary, so a PATCH whose answer was lost may be sent again.
        """
        path = f"api/configurationstatus/{status_id}/"
        body: dict[str, Any] = {}
        if state is not None:
            body["state"] = state
        if summary is not None:
            body["summary"] = summary.as_json()
        answer = self.http.json(self.http.request("PATCH", path, json=body))
        if not isinstance(answer, dict) or "state" not in answer:
            raise self._format_error(path, f"expected a configuration status, got {answer!r}")
        return answer

    def report_telescope_states(self, reports: Sequence[TelescopeStateReport]) -> int:
        """``POST api/telescope_states/`` (all or none); returns how many samples were stored."""
        path = "api/telescope_states/"
        answer = self.http.json(
            self.http.request("POST", path, json=[report.as_json() for report in reports])
        )
        if not isinstance(answer, list):
            raise self._format_error(path, f"expected a list, got {type(answer).__name__}")
        return len(answer)
