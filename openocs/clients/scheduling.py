"""Client of the portal calls a scheduler makes (scheduler-contract.md §2.1, §3).

:class:`PortalSchedulingClient` reads the semester, ``last_changed``, the request feed, proposal
priorities and the observations already on the telescopes, and writes observations (bulk create)
and cancellations, and follows the OpenOCS change events (``/api/changes/``, beyond the
reference). It authenticates with ``Authorization: Token <key>`` of a staff user with
``staff_view`` (§1) and uses the contract's timeouts: 15 s for semesters, 180 s for the request
feed, 120 s for everything else. Lists are read page by page (``next`` links, or ``offset`` until
``count`` when a server gives no link). The feed's request groups are returned as decoded JSON
mappings (their shape is rich and versioned by the portal); the small documents are typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from openocs.clients.errors import ClientRequestError, ResponseFormatError
from openocs.clients.http import HttpClient, QueryValue, UtcDatetime, as_utc, format_datetime

__all__ = [
    "RUN_MAX_COMPETITORS",
    "RUN_MAX_LEFT_OUT",
    "RUN_MAX_MESSAGE",
    "CancelRefusedError",
    "ChangeBatch",
    "ChangeEvent",
    "CreateResult",
    "PortalSchedulingClient",
    "ProposalPriority",
    "ScheduledObservation",
    "SemesterBounds",
    "TelescopeStateInterval",
]

SEMESTER_TIMEOUT_S = 15.0
FEED_TIMEOUT_S = 180.0
WRITE_TIMEOUT_S = 120.0
PAGE_SIZE = 1000
CHANGES_MAX_WAIT_S = 60.0
"""The longest long poll asked of ``/api/changes/`` (well inside the 120 s read timeout; the
portal caps it further with ``OCS_CHANGES_MAX_WAIT_S``)."""
RUN_MAX_LEFT_OUT = 5000
"""The most left-out requests one ``POST /api/scheduler/runs/`` may list (OpenOCS extension);
the portal refuses more with 400, so a reporter lists the first ones and keeps the count."""
RUN_MAX_COMPETITORS = 10
"""The most competing requests named per left-out request."""
RUN_MAX_MESSAGE = 300
"""The longest explanation message (characters)."""
PREEMPTION_REFUSED = "Cannot cancel IN_PROGRESS observations unless preemption_enabled is True"
MAX_BULK_ITEMS = 1000
"""The portal's default ``OCS_MAX_BULK_ITEMS``: the most items one bulk call may carry. Longer
lists are sent in several calls of at most this many items, so a big schedule is never a 400."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class SemesterBounds(_Model):
    id: str
    start: UtcDatetime
    end: UtcDatetime


class ProposalPriority(_Model):
    id: str
    tac_priority: float = 10.0
    active: bool = True


class ObservationConfiguration(_Model):
    id: int | None = None
    state: str = ""
    instrument_type: str = ""


class ObservationRequest(_Model):
    id: int
    state: str = ""
    configurations: list[ObservationConfiguration] = Field(default_factory=list)


class ScheduledObservation(_Model):
    """One element of ``/api/schedule/`` (the fields the scheduler uses)."""

    id: int
    request: ObservationRequest
    site: str
    enclosure: str
    telescope: str
    start: UtcDatetime
    end: UtcDatetime
    state: str
    observation_type: str = "NORMAL"
    priority: int | None = None

    @property
    def telescope_key(self) -> str:
        """``telescope.enclosure.site``."""
        return f"{self.telescope}.{self.enclosure}.{self.site}"


class CreateResult(_Model):
    """The answer of a bulk create: how many were created and the errors by item index."""

    num_created: int
    errors: dict[str, Any] = Field(default_factory=dict)


class ChangeEvent(_Model):
    """One change event of ``/api/changes/`` (``data`` is the kind's payload)."""

    seq: int
    kind: str
    created: datetime | None = None
    proposal: str | None = None
    telescope_class: str = ""
    replan: bool = False
    data: dict[str, Any] = Field(default_factory=dict)


class ChangeBatch(_Model):
    """An answer of ``/api/changes/``: the events after the cursor and the next cursor."""

    last_seq: int
    events: list[ChangeEvent] = Field(default_factory=list)


class TelescopeStateInterval(_Model):
    """One interval of ``/api/telescope_states/`` (portal-api.md §17.3): the telescope
    ``site.enclosure.telescope`` was in ``event_type`` from ``start`` to ``end``."""

    telescope: str
    event_type: str
    event_reason: str = ""
    start: UtcDatetime
    end: UtcDatetime

    @property
    def available(self) -> bool:
        return self.event_type == "AVAILABLE"


class CancelRefusedError(ClientRequestError):
    """A range cancel was refused because an observation started meanwhile (§3.2): keep that
    telescope's schedule this cycle and replan at once."""


class PortalSchedulingClient:
    """The scheduler's side of the portal API at ``base_url`` (ending in ``/``)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None,
        transport: httpx.BaseTransport | None = None,
        semester_timeout_s: float = SEMESTER_TIMEOUT_S,
        feed_timeout_s: float = FEED_TIMEOUT_S,
        timeout_s: float = WRITE_TIMEOUT_S,
        max_bulk_items: int = MAX_BULK_ITEMS,
    ) -> None:
        if max_bulk_items < 1:
            raise ValueError(f"max_bulk_items must be at least 1, not {max_bulk_items}")
        self.base_url = base_url
        self.max_bulk_items = max_bulk_items
        self._semester_http = HttpClient(
            base_url, token=token, timeout_s=semester_timeout_s, transport=transport
        )
        self._feed_http = HttpClient(
            base_url, token=token, timeout_s=feed_timeout_s, transport=transport
        )
        self.http = HttpClient(base_url, token=token, timeout_s=timeout_s, transport=transport)

    def close(self) -> None:
        for http in (self._semester_http, self._feed_http, self.http):
            http.close()

    def __enter__(self) -> PortalSchedulingClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _format_error(self, path: str, error: ValidationError | str) -> ResponseFormatError:
        return ResponseFormatError(
            f"unexpected answer from {path}", url=self.base_url + path, detail=str(error)
        )

    # -- reads ---------------------------------------------------------------------------------
    def semester_containing(self, moment: datetime) -> SemesterBounds | None:
        """``GET api/semesters/?semester_contains=``: the semester containing ``moment``."""
        path = "api/semesters/"
        data = self._semester_http.get_json(
            path, params={"semester_contains": format_datetime(moment)}
        )
        results = data.get("results") if isinstance(data, dict) else data
        if not isinstance(results, list):
            raise self._format_error(path, f"expected a list, got {type(data).__name__}")
        if not results:
            return None
        try:
            return SemesterBounds.model_validate(results[0])
        except ValidationError as error:
            raise self._format_error(path, error) from error

    def last_changed(self, *, telescope_classes: Sequence[str] = ()) -> datetime:
        """``GET api/last_changed/``: when the feed last could have changed."""
        path = "api/last_changed/"
        data = self.http.get_json(path, params={"telescope_class": list(telescope_classes)})
        try:
            raw = data["last_change_time"]
            return as_utc(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
        except (KeyError, TypeError, ValueError) as error:
            raise self._format_error(path, str(error)) from error

    def changes(
        self,
        *,
        after: int | None = None,
        timeout_s: float = 0.0,
        replan_only: bool = True,
        limit: int = 500,
    ) -> ChangeBatch:
        """``GET api/changes/`` (OpenOCS, staff only): the change events after ``after``, waiting
        up to ``timeout_s`` (at most :data:`CHANGES_MAX_WAIT_S`) for the first one; without
        ``after``, the current cursor at once. A portal without the route answers 404."""
        path = "api/changes/"
        params: dict[str, QueryValue] = {"replan": "true" if replan_only else "false"}
        if after is not None:
            params["after"] = after
            params["timeout"] = round(min(max(timeout_s, 0.0), CHANGES_MAX_WAIT_S), 3)
            params["limit"] = limit
        try:
            return ChangeBatch.model_validate(self.http.get_json(path, params=params))
        except ValidationError as error:
            raise self._format_error(path, error) from error

    def schedulable_requests(
        self, *, start: datetime, end: datetime, telescope_classes: Sequence[str] = ()
    ) -> list[Mapping[str, Any]]:
        """``GET api/requestgroups/schedulable_requests/``: the request feed (unpaginated)."""
        path = "api/requestgroups/schedulable_requests/"
        data = self._feed_http.get_json(
            path,
            params={
                "start": format_datetime(start),
                "end": format_datetime(end),
                "telescope_class": list(telescope_classes),
            },
        )
        if not isinstance(data, list) or not all(isinstance(g, dict) for g in data):
            raise self._format_error(path, f"expected a list of groups, got {type(data).__name__}")
        return list(data)

    def telescope_states(
        self,
        *,
        start: datetime,
        end: datetime,
        sites: Sequence[str] = (),
        telescopes: Sequence[str] = (),
    ) -> dict[str, list[TelescopeStateInterval]]:
        """``GET api/telescope_states/``: the states of each telescope (key
        ``site.enclosure.telescope``) over [``start``, ``end``], consecutive equal states merged
        (scheduler-contract.md §2.4). A portal whose state source is down answers 502, raised as
        the retryable :class:`~openocs.clients.errors.ServiceUnavailableError`."""
        path = "api/telescope_states/"
        data = self.http.get_json(
            path,
            params={
                "start": format_datetime(start),
                "end": format_datetime(end),
                "site": list(sites),
                "telescope": list(telescopes),
            },
        )
        if not isinstance(data, dict):
            raise self._format_error(path, f"expected an object, got {type(data).__name__}")
        try:
            return {
                str(key): [TelescopeStateInterval.model_validate(row) for row in rows]
                for key, rows in data.items()
            }
        except (TypeError, ValidationError) as error:
            raise self._format_error(path, str(error)) from error

    def _all_pages(self, path: str, params: Mapping[str, QueryValue]) -> list[Any]:
        """Every result of a paginated list: ``next`` links, else ``offset`` until ``count``."""
        query = {**params, "limit": PAGE_SIZE, "offset": 0}
        results: list[Any] = []
        seen_next: set[str] = set()
        page: Any = self.http.get_json(path, params=query)
        while True:
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise self._format_error(path, "expected a paginated list")
            rows: list[Any] = page["results"]
            results.extend(rows)
            next_url = page.get("next")
            count = page.get("count")
            if next_url:
                if next_url in seen_next:
                    raise self._format_error(path, "pagination loops")
                seen_next.add(str(next_url))
                page = self.http.get_json(str(next_url))
            elif isinstance(count, int) and rows and len(results) < count:
                query["offset"] = len(results)
                page = self.http.get_json(path, params=query)
            else:
                return results

    def proposal_priorities(self) -> dict[str, float]:
        """``GET api/proposals/?active=True``: TAC priority by proposal id."""
        path = "api/proposals/"
        rows = self._all_pages(path, {"active": "True"})
        try:
            proposals = [ProposalPriority.model_validate(row) for row in rows]
        except ValidationError as error:
            raise self._format_error(path, error) from error
        return {p.id: p.tac_priority for p in proposals}

    def proposal_priority(self, proposal_id: str) -> float:
        """``GET api/proposals/{id}/``: one proposal's TAC priority."""
        path = f"api/proposals/{proposal_id}/"
        try:
            return ProposalPriority.model_validate(self.http.get_json(path)).tac_priority
        except ValidationError as error:
            raise self._format_error(path, error) from error

    def schedule(
        self,
        *,
        start_after: datetime,
        start_before: datetime,
        end_after: datetime,
        states: Sequence[str] = ("PENDING", "IN_PROGRESS", "COMPLETED"),
        observation_types: Sequence[str] = ("NORMAL", "RAPID_RESPONSE", "TIME_CRITICAL"),
        site: str | None = None,
        enclosure: str | None = None,
        telescope: str | None = None,
    ) -> list[ScheduledObservation]:
        """``GET api/schedule/``: the observations on the telescopes, all pages."""
        path = "api/schedule/"
        rows = self._all_pages(
            path,
            {
                "site": site,
                "enclosure": enclosure,
                "telescope": telescope,
                "start_after": format_datetime(start_after),
                "start_before": format_datetime(start_before),
                "end_after": format_datetime(end_after),
                "observation_type": list(observation_types),
                "state": list(states),
            },
        )
        try:
            return [ScheduledObservation.model_validate(row) for row in rows]
        except ValidationError as error:
            raise self._format_error(path, error) from error

    # -- writes --------------------------------------------------------------------------------
    def report_run(self, run: Mapping[str, Any]) -> int:
        """``POST api/scheduler/runs/`` (OpenOCS extension, staff): record one scheduling run
        with the requests it left out and why; returns the run's id. Sizes are bounded
        (:data:`RUN_MAX_LEFT_OUT`, :data:`RUN_MAX_COMPETITORS`, :data:`RUN_MAX_MESSAGE`): a
        larger body is refused with 400 (:class:`~openocs.clients.errors.ClientRequestError`)."""
        path = "api/scheduler/runs/"
        data = self.http.json(self.http.request("POST", path, json=dict(run)))
        if not isinstance(data, dict) or not isinstance(data.get("id"), int):
            raise self._format_error(path, f"expected the recorded run, got {data!r}"[:300])
        return int(data["id"])

    def _chunks(self, items: Sequence[Any]) -> list[Sequence[Any]]:
        """``items`` in slices of at most ``max_bulk_items`` (an empty list is one empty call, as
        before chunking)."""
        size = self.max_bulk_items
        return [items[start : start + size] for start in range(0, len(items), size)] or [items]

    def create_observations(self, observations: Sequence[Mapping[str, Any]]) -> CreateResult:
        """``POST api/observations/`` with a list (§3.1); per-item errors are in the result.

        A list longer than ``max_bulk_items`` (the portal's ``OCS_MAX_BULK_ITEMS``) goes in
        several calls; the result adds their counts and keys every error by its index in
        ``observations``. Each call is atomic on its own, so a failed call after a successful
        one leaves the earlier chunks created (the caller replans from the portal's schedule).
        """
        path = "api/observations/"
        num_created = 0
        errors: dict[str, Any] = {}
        for number, chunk in enumerate(self._chunks(list(observations))):
            offset = number * self.max_bulk_items
            response = self.http.request("POST", path, json=list(chunk))
            try:
                result = CreateResult.model_validate(self.http.json(response))
            except ValidationError as error:
                raise self._format_error(path, error) from error
            num_created += result.num_created
            for index, item_error in result.errors.items():
                key = str(int(index) + offset) if index.isdigit() else index
                errors[key] = item_error
        return CreateResult(num_created=num_created, errors=errors)

    def _cancel(self, body: Mapping[str, Any]) -> int:
        path = "api/observations/cancel/"
        try:
            response = self.http.request("POST", path, json=dict(body))
        except ClientRequestError as error:
            if isinstance(error.body, dict) and error.body.get("error") == PREEMPTION_REFUSED:
                raise CancelRefusedError(
                    str(error), url=error.url, status_code=error.status_code, body=error.body
                ) from error
            raise
        data = self.http.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("canceled"), int):
            raise self._format_error(path, f"expected {{'canceled': n}}, got {data!r}")
        return int(data["canceled"])

    def cancel_ids(self, ids: Sequence[int], *, preemption_enabled: bool) -> int:
        """Cancel (or abort, with preemption) observations by id (§3.2). The ids are exact, so
        every scheduled type is included: the portal's ``include_rr`` defaults to false, and
        without it a moved rapid-response observation would stay beside its replacement.
        More than ``max_bulk_items`` ids go in several calls."""
        return sum(
            self._cancel(
                {
                    "ids": list(chunk),
                    "include_normal": True,
                    "include_rr": True,
                    "preemption_enabled": preemption_enabled,
                }
            )
            for chunk in self._chunks(list(ids))
        )

    def cancel_range(
        self,
        *,
        start: datetime,
        end: datetime,
        site: str,
        enclosure: str,
        telescope: str,
        include_normal: bool = True,
        include_rr: bool = False,
        preemption_enabled: bool = False,
    ) -> int:
        """Cancel a telescope's observations in [start, end] (§3.2)."""
        return self._cancel(
            {
                "start": format_datetime(start),
                "end": format_datetime(end),
                "site": site,
                "enclosure": enclosure,
                "telescope": telescope,
                "include_normal": include_normal,
                "include_rr": include_rr,
                "preemption_enabled": preemption_enabled,
            }
        )
