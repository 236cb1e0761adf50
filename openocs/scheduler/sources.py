"""``HttpDataSource``: the daemon's :class:`~openocs.scheduler.daemon.SchedulerDataSource` over
HTTP, through ``openocs.clients`` (scheduler-contract.md §2, §3).

- **configdb** ``sites/`` → :class:`~openocs.scheduler.model.Telescope` keyed
  ``telescope.enclosure.site``: class from the aperture (``1m0``), SCHEDULABLE instrument types,
  non-DISABLED ones for staff, ``online`` when site, enclosure and telescope are all active, dark
  time from ``openocs.visibility`` (nautical twilight, §6.6).
- **downtime** ``api/?ends_after&starts_before`` (every page, D39) → ``Downtime`` (an empty
  instrument type means ``all``).
- **portal** feed → ``RequestGroup``/``Request`` (windows rounded inwards to whole seconds,
  location, instrument type per configuration, TAC priority from ``/api/proposals/``) with the
  visibility of every request on every telescope of its class (§6.6, intersected over its
  targets); ``/api/schedule/`` → ``CurrentObservation``.
- **change events** (optional, ``wait_for_change``): long polls of ``/api/changes/?replan=true``
  with the cursor kept here; a notice says whether an event names a RAPID_RESPONSE group. A
  portal without the route (403, 404, 405, or an answer that is not a change list) makes it
  raise :class:`~openocs.scheduler.errors.ChangeEventsUnsupported` (from then on without asking),
  and the daemon logs it once and polls ``last_changed`` instead.
- **run reports** (``report_run``): each cycle, when, how long, counts, value and gap, and why
  each request was left out, to ``POST /api/scheduler/runs/`` (an OpenOCS extension; a portal
  that refuses it or is down is logged, never raised: reporting never stops scheduling).
- **writes**: one ``POST /api/observations/`` per telescope with the §3.1 elements (one
  configuration status per configuration per repeat, instrument SCHEDULABLE-first, guide camera
  rules); cancellation by id (§3.2).

Every client failure becomes :class:`~openocs.scheduler.errors.DataSourceUnavailable`, so the
daemon waits and retries instead of writing a half schedule.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from openocs.clients.configdb import ConfigDBClient, Instrument, TelescopeLocation
from openocs.clients.downtime import DowntimeClient
from openocs.clients.errors import (
    ClientError,
    ClientRequestError,
    NotFoundError,
    ResponseFormatError,
)
from openocs.clients.scheduling import ChangeBatch, PortalSchedulingClient, ScheduledObservation
from openocs.scheduler.candidates import night_intervals, request_visibility
from openocs.scheduler.daemon import ChangeNotice
from openocs.scheduler.errors import ChangeEventsUnsupported, DataSourceUnavailable
from openocs.scheduler.intervals import Interval
from openocs.scheduler.model import (
    Assignment,
    Downtime,
    GroupOperator,
    Location,
    ObservationType,
    Request,
    RequestGroup,
    Telescope,
)
from openocs.scheduler.passes import CurrentObservation, ObservationState
from openocs.scheduler.runs import RunRecord

if TYPE_CHECKING:
    import openocs.visibility as vis

__all__ = [
    "HttpDataSource",
    "TelescopeInfo",
    "change_notice",
    "observation_elements",
    "telescope_class",
    "telescopes_from_network",
]

logger = logging.getLogger(__name__)

JSON = Mapping[str, Any]
SCHEDULABLE = "SCHEDULABLE"
DISABLED = "DISABLED"
ROUTE_ABSENT = frozenset({403, 404, 405})
"""How a compatible portal answers a route it does not offer (``/api/changes/``,
``/api/telescope_states/``): the optional input is then not asked for again."""
CHANGES_MIN_INTERVAL_S = 0.5
"""Within one wait, the shortest time between two change polls (the portal looks every 0.5 s)."""


def telescope_class(aperture_m: float) -> str:
    """``floor(a)`` + ``m`` + ``round(10 × fraction)``: 1.0 → ``1m0``, 0.4 → ``0m4``."""
    whole = math.floor(aperture_m)
    return f"{whole}m{round(10 * (aperture_m - whole))}"


@dataclass(frozen=True, slots=True)
class TelescopeInfo:
    """What the source keeps per telescope besides the model's ``Telescope``."""

    location: TelescopeLocation
    telescope_class: str
    instruments: tuple[Instrument, ...]

    @property
    def key(self) -> str:
        return self.location.reversed_key

    @property
    def online(self) -> bool:
        return bool(
            self.location.site.active
            and self.location.enclosure.active
            and self.location.telescope.active
        )

    def site(self) -> vis.Site:
        from openocs.visibility import Site

        telescope, site = self.location.telescope, self.location.site
        return Site(
            latitude_deg=telescope.lat,
            longitude_deg=telescope.long,
            elevation_m=site.elevation,
            horizon_deg=telescope.horizon,
            ha_limit_neg_hours=telescope.ha_limit_neg,
            ha_limit_pos_hours=telescope.ha_limit_pos,
            zenith_blind_spot_deg=telescope.zenith_blind_spot,
        )


def telescopes_from_network(
    locations: Sequence[TelescopeLocation], *, telescope_classes: Sequence[str] = ()
) -> list[TelescopeInfo]:
    """The network's telescopes (optionally only those of ``telescope_classes``), sorted by key."""
    result = []
    for location in locations:
        cls = telescope_class(location.telescope.aperture)
        if telescope_classes and cls not in telescope_classes:
            continue
        instruments = tuple(sorted(location.telescope.instrument_set, key=lambda i: i.code))
        result.append(TelescopeInfo(location, cls, instruments))
    return sorted(result, key=lambda t: t.key)


def model_telescope(info: TelescopeInfo, night: tuple[Interval, ...]) -> Telescope:
    schedulable = {i.instrument_type.code for i in info.instruments if i.state == SCHEDULABLE}
    usable = {i.instrument_type.code for i in info.instruments if i.state != DISABLED}
    return Telescope(
        key=info.key,
        telescope_class=info.telescope_class,
        instrument_types=frozenset(schedulable),
        staff_instrument_types=frozenset(usable - schedulable),
        online=info.online,
        night=night,
    )


def _parse_time(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _inward(start: datetime, end: datetime, epoch: datetime) -> Interval | None:
    start_s = math.ceil((start - epoch).total_seconds())
    end_s = math.floor((end - epoch).total_seconds())
    return (start_s, end_s) if end_s > start_s else None


def _location(raw: JSON) -> Location:
    def optional(name: str) -> str | None:
        value = raw.get(name)
        return str(value) if value else None

    return Location(
        telescope_class=str(raw.get("telescope_class") or ""),
        site=optional("site"),
        enclosure=optional("enclosure"),
        telescope=optional("telescope"),
    )


def request_from_feed(raw: JSON, *, epoch: datetime, until: datetime | None = None) -> Request:
    """One feed request → ``Request`` (visibility filled in later); windows are cut at
    ``until`` (the semester end, §6.1)."""
    windows = []
    for window in raw.get("windows") or ():
        window_end = _parse_time(window["end"])
        if until is not None:
            window_end = min(window_end, until)
        interval = _inward(_parse_time(window["start"]), window_end, epoch)
        if interval is not None:
            windows.append(interval)
    return Request(
        id=int(raw["id"]),
        duration_s=math.ceil(float(raw["duration"])),
        windows=tuple(windows),
        location=_location(raw.get("location") or {}),
        instrument_types=tuple(str(c["instrument_type"]) for c in raw.get("configurations") or ()),
        state=str(raw.get("state") or "PENDING"),
        acceptability_threshold=float(raw.get("acceptability_threshold") or 90.0),
    )


def group_from_feed(
    raw: JSON, *, epoch: datetime, tac_priority: float, until: datetime | None = None
) -> RequestGroup | None:
    """One feed group → ``RequestGroup``; ``None`` (logged) when its operator or type is not
    one the contract allows (§2.1.1)."""
    try:
        operator = GroupOperator(str(raw.get("operator") or "").upper())
        observation_type = ObservationType(str(raw.get("observation_type") or ""))
    except ValueError:
        logger.warning(
            "request group %s skipped: operator %r / observation type %r not schedulable",
            raw.get("id"),
            raw.get("operator"),
            raw.get("observation_type"),
        )
        return None
    ipp = raw.get("ipp_value")
    return RequestGroup(
        id=int(raw["id"]),
        operator=operator,
        requests=tuple(
            request_from_feed(r, epoch=epoch, until=until) for r in raw.get("requests") or ()
        ),
        tac_priority=tac_priority,
        ipp_value=1.0 if ipp is None else float(ipp),
        observation_type=observation_type,
        proposal=str(raw.get("proposal") or ""),
        is_staff=bool(raw.get("is_staff")),
        name=str(raw.get("name") or ""),
    )


def targets_of(raw_request: JSON) -> list[tuple[vis.Target, vis.Constraints]]:
    """(target, constraints) of each configuration; a target that cannot be evaluated becomes
    unobservable (the request is then not schedulable, the pass does not fail, §6.6)."""
    from openocs import visibility

    pairs = []
    for configuration in raw_request.get("configurations") or ():
        limits = configuration.get("constraints") or {}
        try:
            target: vis.Target = visibility.target_from_portal(configuration.get("target") or {})
        except visibility.VisibilityError as error:
            target = visibility.UnobservableTarget(reason=str(error))
        try:
            constraints = visibility.Constraints(
                max_airmass=float(limits.get("max_airmass") or 1.6),
                min_lunar_distance_deg=float(limits.get("min_lunar_distance", 30.0) or 0.0),
                max_lunar_phase=float(limits.get("max_lunar_phase", 1.0) or 0.0),
            )
        except visibility.VisibilityError as error:
            target = visibility.UnobservableTarget(reason=str(error))
            constraints = visibility.Constraints()
        pairs.append((target, constraints))
    return pairs


def resolve_instrument(
    info: TelescopeInfo, instrument_type: str, *, staff_full_location: bool
) -> Instrument | None:
    """A SCHEDULABLE instrument of that type on the telescope; else, for a staff request with a
    fully specified location, any non-DISABLED one (§3.1). Codes sorted for determinism."""
    of_type = [i for i in info.instruments if i.instrument_type.code == instrument_type]
    for instrument in of_type:
        if instrument.state == SCHEDULABLE:
            return instrument
    if staff_full_location:
        for instrument in of_type:
            if instrument.state != DISABLED:
                return instrument
    return None


def guide_camera_name(instrument: Instrument, configuration: JSON) -> str | None:
    """The guide camera (§3.1): none when guiding is OFF; the instrument itself when
    ``extra_params.self_guide`` and its type allows self-guiding; else its autoguider."""
    guiding = configuration.get("guiding_config") or {}
    if str(guiding.get("mode") or "OFF").upper() == "OFF":
        return None
    extra = configuration.get("extra_params") or {}
    if extra.get("self_guide") and instrument.instrument_type.allow_self_guiding:
        return instrument.code
    if instrument.autoguider_camera is not None and instrument.autoguider_camera.code:
        return instrument.autoguider_camera.code
    return instrument.code


def observation_elements(
    assignment: Assignment,
    raw_request: JSON,
    *,
    is_staff: bool,
    info: TelescopeInfo,
    epoch: datetime,
) -> dict[str, Any] | None:
    """The §3.1 element for one placement, or ``None`` (logged) when an instrument cannot be
    resolved on that telescope."""
    location = _location(raw_request.get("location") or {})
    staff_full = is_staff and location.fully_specified
    statuses_once: list[dict[str, Any]] = []
    for configuration in raw_request.get("configurations") or ():
        instrument = resolve_instrument(
            info, str(configuration["instrument_type"]), staff_full_location=staff_full
        )
        if instrument is None:
            logger.warning(
                "request %s not written: no usable %s on %s",
                assignment.request_id,
                configuration["instrument_type"],
                info.key,
            )
            return None
        status: dict[str, Any] = {
            "configuration": configuration["id"],
            "instrument_name": instrument.code,
        }
        guide = guide_camera_name(instrument, configuration)
        if guide is not None:
            status["guide_camera_name"] = guide
        statuses_once.append(status)
    repeats = max(int(raw_request.get("configuration_repeats") or 1), 1)
    start = epoch + timedelta(seconds=assignment.start_s)
    return {
        "request": assignment.request_id,
        "site": info.location.site.code,
        "enclosure": info.location.enclosure.code,
        "telescope": info.location.telescope.code,
        "start": start.isoformat().replace("+00:00", "Z"),
        "end": (start + timedelta(seconds=float(raw_request["duration"])))
        .isoformat()
        .replace("+00:00", "Z"),
        "priority": max(1, round(assignment.priority)),
        "configuration_statuses": [dict(s) for _ in range(repeats) for s in statuses_once],
    }


def current_from_schedule(
    observation: ScheduledObservation, *, epoch: datetime
) -> CurrentObservation | None:
    """One ``/api/schedule/`` element → ``CurrentObservation`` (outer rounding: the telescope
    time it holds is never shrunk)."""
    try:
        state = ObservationState(observation.state)
        observation_type = ObservationType(observation.observation_type)
    except ValueError:
        return None
    failed = any(c.state == "FAILED" for c in observation.request.configurations)
    return CurrentObservation(
        id=observation.id,
        request_id=observation.request.id,
        telescope_key=observation.telescope_key,
        start_s=math.floor((observation.start - epoch).total_seconds()),
        end_s=math.ceil((observation.end - epoch).total_seconds()),
        observation_type=observation_type,
        state=state,
        can_complete=not failed,
    )


def change_notice(
    batch: ChangeBatch, *, telescope_classes: Sequence[str] = ()
) -> ChangeNotice | None:
    """The notice for a batch of change events, or ``None`` when none concerns the scheduled
    telescope classes (an event naming no class, or several, always does)."""
    relevant = [
        event
        for event in batch.events
        if not telescope_classes
        or not event.telescope_class
        or event.telescope_class in telescope_classes
    ]
    if not relevant:
        return None
    return ChangeNotice(
        last_seq=batch.last_seq,
        kinds=tuple(sorted({event.kind for event in relevant})),
        rapid_response=any(
            str(event.data.get("observation_type") or "") == ObservationType.RAPID_RESPONSE
            for event in relevant
        ),
        events=len(relevant),
    )


@contextmanager
def _unavailable(source: str) -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        raise DataSourceUnavailable(source, str(error), retryable=error.retryable) from error


class HttpDataSource:
    """The scheduler's inputs and outputs over HTTP (see the module docstring).

    ``telescope_classes`` restricts the network (``TELESCOPE_CLASSES``); ``compute_visibility``
    may be switched off to schedule on dark time only (tests, quick looks); ``change_events``
    off makes :meth:`wait_for_change` report them unsupported (``last_changed`` polling only).
    """

    def __init__(
        self,
        *,
        portal: PortalSchedulingClient,
        configdb: ConfigDBClient,
        downtime: DowntimeClient,
        telescope_classes: Sequence[str] = (),
        compute_visibility: bool = True,
        change_events: bool = True,
        availability: bool = True,
    ) -> None:
        self.portal = portal
        self.configdb = configdb
        self.downtime = downtime
        self.telescope_classes = tuple(telescope_classes)
        self.compute_visibility = compute_visibility
        self._infos: dict[str, TelescopeInfo] = {}
        self._requests: dict[int, tuple[JSON, bool]] = {}
        self._rapid_response: set[int] = set()
        self._no_events_reason: str | None = None if change_events else "switched off"
        self._change_cursor: int | None = None
        self._no_states_reason: str | None = None if availability else "switched off"
        self._unavailable_set: frozenset[str] = frozenset()

    # -- change events -------------------------------------------------------------------------
    def wait_for_change(self, timeout_s: float) -> ChangeNotice | None:
        """Wait up to ``timeout_s`` for change events that move ``last_changed`` (a long poll of
        ``/api/changes/``); a notice when some arrived, else ``None``. The first call takes the
        current cursor before it waits (earlier events are not reported). Raises
        ``ChangeEventsUnsupported`` when the portal has no change events and
        ``DataSourceUnavailable`` when it cannot be reached."""
        if self._no_events_reason is not None:
            raise ChangeEventsUnsupported("portal", self._no_events_reason)
        deadline = time.monotonic() + timeout_s
        while True:
            asked = time.monotonic()
            notice = self._poll_changes(max(deadline - asked, 0.0))
            remaining_s = deadline - time.monotonic()
            if notice is not None or remaining_s <= 0:
                return notice
            # an empty answer before the deadline (a portal capping the wait lower, events of
            # other classes): ask again, but never more often than the portal looks itself
            time.sleep(
                min(max(CHANGES_MIN_INTERVAL_S - (time.monotonic() - asked), 0.0), remaining_s)
            )

    def _poll_changes(self, timeout_s: float) -> ChangeNotice | None:
        try:
            if self._change_cursor is None:
                self._change_cursor = self.portal.changes().last_seq
            batch = self.portal.changes(after=self._change_cursor, timeout_s=timeout_s)
        except ClientRequestError as error:
            if error.status_code in ROUTE_ABSENT:
                self._no_change_events(f"HTTP {error.status_code}")
            raise DataSourceUnavailable("portal", str(error), retryable=False) from error
        except ResponseFormatError as error:
            self._no_change_events(f"with something else than change events ({error.detail[:200]})")
        except ClientError as error:
            raise DataSourceUnavailable("portal", str(error), retryable=error.retryable) from error
        self._change_cursor = batch.last_seq
        return change_notice(batch, telescope_classes=self.telescope_classes)

    def _no_change_events(self, why: str) -> NoReturn:
        self._no_events_reason = f"api/changes/ answered {why}"  # for good: no more asking
        raise ChangeEventsUnsupported("portal", self._no_events_reason)

    # -- telescopes and downtime changing ---------------------------------------------------
    def infrastructure_fingerprint(self) -> str:
        """A digest of the telescopes of this scheduler's classes as configdb describes them
        (states, instruments, limits; revalidated with the document's ETag, so cheap), of the
        downtime not yet ended on them and of the set of unavailable telescopes (contract §5.1
        item 2: only the set matters, not reasons or timestamps). Raises
        ``DataSourceUnavailable`` on an outage."""
        infos = self._telescope_infos()
        keys = {info.key for info in infos}
        with _unavailable("downtime"):
            records = self.downtime.list(ends_after=datetime.now(UTC))
        downtime = sorted(
            (r.telescope_key, r.start.isoformat(), r.end.isoformat(), r.instrument_type or "")
            for r in records
            if r.telescope_key in keys
        )
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr([(info.key, info.online, info) for info in infos]).encode())
        digest.update(repr(downtime).encode())
        digest.update(repr(sorted(self.unavailable_telescopes())).encode())
        return digest.hexdigest()

    # -- reads ---------------------------------------------------------------------------------
    def last_changed(self) -> datetime:
        with _unavailable("portal"):
            return self.portal.last_changed(telescope_classes=self.telescope_classes)

    def _telescope_infos(self) -> list[TelescopeInfo]:
        with _unavailable("configdb"):
            network = self.configdb.network()
        infos = telescopes_from_network(
            network.telescopes, telescope_classes=self.telescope_classes
        )
        self._infos = {info.key: info for info in infos}
        return infos

    def unavailable_telescopes(self) -> frozenset[str]:
        """Keys (``telescope.enclosure.site``) of the telescopes whose current state in the
        portal's ``/api/telescope_states/`` is not ``AVAILABLE`` (scheduler-contract §2.4:
        weather, enclosure, sequencer, stale telemetry): they take no new observations.

        Optional input: a portal without the route (403/404/405) is never asked again and every
        online telescope counts as available; a state source that is down keeps the last good
        set (logged), so telemetry trouble never stops the schedule."""
        if self._no_states_reason is not None:
            return frozenset()
        if not self._infos:
            self._telescope_infos()
        now = datetime.now(UTC)
        try:
            states = self.portal.telescope_states(
                start=now,
                end=now,
                sites=sorted({i.location.site.code for i in self._infos.values()}),
            )
        except ClientRequestError as error:
            if error.status_code in ROUTE_ABSENT:
                self._no_states_reason = f"api/telescope_states/ answered HTTP {error.status_code}"
                logger.info(
                    "no telescope states (%s): availability not used", self._no_states_reason
                )
                return frozenset()
            logger.warning("telescope states refused (%s); last good set in use", error)
            return self._unavailable_set
        except ClientError as error:
            logger.warning("telescope states unavailable (%s); last good set in use", error)
            return self._unavailable_set
        unavailable = set()
        for key, intervals in states.items():
            if intervals and not intervals[-1].available:
                site, enclosure, telescope = [*key.split("."), "", "", ""][:3]
                if f"{telescope}.{enclosure}.{site}" in self._infos:  # only the ones we plan
                    unavailable.add(f"{telescope}.{enclosure}.{site}")
        self._unavailable_set = frozenset(unavailable)
        return self._unavailable_set

    def telescopes(self, *, epoch: datetime, end: datetime) -> Sequence[Telescope]:
        infos = self._telescope_infos()
        unavailable = self.unavailable_telescopes()
        result = []
        for info in infos:
            night = night_intervals(info.site(), epoch=epoch, start=epoch, end=end)
            telescope = model_telescope(info, night)
            if info.key in unavailable:
                telescope = replace(telescope, online=False)
            result.append(telescope)
        return result

    def downtimes(self, *, epoch: datetime, end: datetime) -> Sequence[Downtime]:
        with _unavailable("downtime"):
            records = self.downtime.list(ends_after=epoch, starts_before=end)
        return [
            Downtime(
                telescope_key=record.telescope_key,
                start_s=math.floor((record.start - epoch).total_seconds()),
                end_s=math.ceil((record.end - epoch).total_seconds()),
                instrument_type=record.instrument_type or "all",
                reason=record.reason,
            )
            for record in records
        ]

    def _priorities(self, proposals: set[str]) -> dict[str, float]:
        priorities = self.portal.proposal_priorities()
        for proposal in sorted(proposals - set(priorities)):
            try:
                priorities[proposal] = self.portal.proposal_priority(proposal)
            except NotFoundError:
                logger.warning("proposal %s not found; its requests are skipped", proposal)
        return priorities

    def schedulable_groups(self, *, epoch: datetime, end: datetime) -> Sequence[RequestGroup]:
        with _unavailable("portal"):
            semester = self.portal.semester_containing(epoch)
            if semester is None:
                logger.warning("no semester contains %s: nothing to schedule", epoch)
                return []
            feed = self.portal.schedulable_requests(
                start=semester.start,
                end=min(end, semester.end),
                telescope_classes=self.telescope_classes,
            )
            priorities = self._priorities({str(g.get("proposal") or "") for g in feed})
        groups: list[RequestGroup] = []
        raw_requests: dict[int, JSON] = {}
        self._requests = {}
        self._rapid_response = set()
        for raw_group in feed:
            proposal = str(raw_group.get("proposal") or "")
            if proposal not in priorities:
                continue
            group = group_from_feed(
                raw_group, epoch=epoch, tac_priority=priorities[proposal], until=semester.end
            )
            if group is None:
                continue
            groups.append(group)
            for raw_request in raw_group.get("requests") or ():
                raw_requests[int(raw_request["id"])] = raw_request
                self._requests[int(raw_request["id"])] = (raw_request, group.is_staff)
                if group.observation_type is ObservationType.RAPID_RESPONSE:
                    self._rapid_response.add(int(raw_request["id"]))
        if not self.compute_visibility:
            return groups
        if not self._infos:
            self._telescope_infos()
        return self._with_visibility(groups, raw_requests, epoch=epoch, end=end)

    def _with_visibility(
        self,
        groups: list[RequestGroup],
        raw_requests: Mapping[int, JSON],
        *,
        epoch: datetime,
        end: datetime,
    ) -> list[RequestGroup]:
        by_class: dict[str, dict[int, list[tuple[vis.Target, vis.Constraints]]]] = defaultdict(dict)
        for group in groups:
            for request in group.requests:
                if request.state == "PENDING" and request.windows:
                    by_class[request.location.telescope_class][request.id] = targets_of(
                        raw_requests[request.id]
                    )
        visibility: dict[int, dict[str, tuple[Interval, ...]]] = {}
        for cls, targets in sorted(by_class.items()):
            sites = {
                key: info.site()
                for key, info in sorted(self._infos.items())
                if info.telescope_class == cls
            }
            visibility.update(request_visibility(sites, targets, epoch=epoch, start=epoch, end=end))
        result = []
        for group in groups:
            requests = tuple(
                _replace_visibility(r, visibility.get(r.id, {})) for r in group.requests
            )
            result.append(_replace_requests(group, requests))
        return result

    def current_observations(
        self, *, epoch: datetime, end: datetime
    ) -> Sequence[CurrentObservation]:
        with _unavailable("portal"):
            observations = self.portal.schedule(
                start_after=epoch - timedelta(days=1), start_before=end, end_after=epoch
            )
        result = []
        for observation in observations:
            current = current_from_schedule(observation, epoch=epoch)
            if current is not None:
                result.append(current)
        return result

    # -- writes --------------------------------------------------------------------------------
    def create_observations(self, assignments: Sequence[Assignment], *, epoch: datetime) -> int:
        """One ``POST`` per telescope; rapid-response observations in one call (§3.1)."""
        by_telescope: dict[str, list[dict[str, Any]]] = defaultdict(list)
        all_rapid_response = all(a.request_id in self._rapid_response for a in assignments)
        for assignment in assignments:
            info = self._infos.get(assignment.telescope_key)
            raw = self._requests.get(assignment.request_id)
            if info is None or raw is None:
                logger.warning(
                    "request %s on %s not written: unknown request or telescope",
                    assignment.request_id,
                    assignment.telescope_key,
                )
                continue
            element = observation_elements(
                assignment, raw[0], is_staff=raw[1], info=info, epoch=epoch
            )
            if element is not None:
                batch = "rapid response" if all_rapid_response else assignment.telescope_key
                by_telescope[batch].append(element)
        created = 0
        for key in sorted(by_telescope):
            elements = sorted(
                by_telescope[key], key=lambda e: (str(e["start"]), str(e["telescope"]))
            )
            with _unavailable("portal"):
                result = self.portal.create_observations(elements)
            created += result.num_created
            for index, error in sorted(result.errors.items()):
                if error:
                    request_id = elements[int(index)]["request"] if index.isdigit() else "?"
                    logger.warning("request %s not scheduled on %s: %s", request_id, key, error)
        return created

    def report_run(self, record: RunRecord) -> None:
        """``POST /api/scheduler/runs/``; a refusal or an outage is logged, never raised."""
        try:
            run_id = self.portal.report_run(
                record.document(telescope_classes=self.telescope_classes)
            )
        except ClientError as error:
            logger.warning("the scheduler run was not reported to the portal: %s", error)
            return
        logger.info(
            "run %s reported: %d placed, %d left out",
            run_id,
            record.requests_placed,
            len(record.left_out),
        )

    def cancel_observations(
        self, observation_ids: Sequence[int], *, preemption: bool, reason: str = ""
    ) -> int:
        if not observation_ids:
            return 0
        if reason:
            logger.info("cancelling %s: %s", list(observation_ids), reason)
        with _unavailable("portal"):
            return self.portal.cancel_ids(observation_ids, preemption_enabled=preemption)


def _replace_visibility(
    request: Request, visibility: Mapping[str, tuple[Interval, ...]]
) -> Request:
    from dataclasses import replace

    return replace(request, visibility=dict(visibility))


def _replace_requests(group: RequestGroup, requests: tuple[Request, ...]) -> RequestGroup:
    from dataclasses import replace

    return replace(group, requests=requests)
