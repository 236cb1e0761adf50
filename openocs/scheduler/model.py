"""The typed scheduling model: requests, groups, telescopes, downtime, and the resulting schedule.

All times inside a problem are integer seconds from ``Problem.epoch`` (a timezone-aware UTC
datetime); every interval is half-open ``[start_s, end_s)``. Integer seconds keep window edges
and durations exact (the written observation has ``end = start + duration``, contract §3.1).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from openocs.scheduler.errors import InvalidProblemError
from openocs.scheduler.intervals import Interval

__all__ = [
    "MAX_EFFECTIVE_PRIORITY",
    "Assignment",
    "Downtime",
    "FixedObservation",
    "GroupOperator",
    "Incumbent",
    "Location",
    "ObservationType",
    "Problem",
    "Request",
    "RequestGroup",
    "Schedule",
    "SolveStatus",
    "Telescope",
    "effective_priority",
    "tie_break_factor",
]

MAX_EFFECTIVE_PRIORITY = 320_000.0
"""Cap on the weighted priority before the tie-break factor (contract §6.4)."""


class ObservationType(StrEnum):
    NORMAL = "NORMAL"
    RAPID_RESPONSE = "RAPID_RESPONSE"
    TIME_CRITICAL = "TIME_CRITICAL"


class GroupOperator(StrEnum):
    """How the requests of a group combine (contract §6.3).

    ``SINGLE`` and ``MANY`` are what the portal produces (MANY children are independent);
    ``AND`` (all-or-nothing) and ``ONEOF`` (at most one child) are the legacy compound operators
    that the kernels also support.
    """

    SINGLE = "SINGLE"
    MANY = "MANY"
    AND = "AND"
    ONEOF = "ONEOF"


class SolveStatus(StrEnum):
    OPTIMAL = "OPTIMAL"
    """The schedule is proven optimal (within the kernel's relative gap limit)."""
    FEASIBLE = "FEASIBLE"
    """A valid schedule; the time limit ended the search before optimality was proven."""
    FAILED = "FAILED"
    """No usable schedule (solver error, infeasible model, time out without a solution): a pass
    must not cancel or create anything on this result (D26)."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a request may run: a telescope class and optionally a site/enclosure/telescope."""

    telescope_class: str
    site: str | None = None
    enclosure: str | None = None
    telescope: str | None = None

    @property
    def fully_specified(self) -> bool:
        return None not in (self.site, self.enclosure, self.telescope)

    def matches(self, telescope: Telescope) -> bool:
        return (
            telescope.telescope_class == self.telescope_class
            and self.site in (None, telescope.site)
            and self.enclosure in (None, telescope.enclosure)
            and self.telescope in (None, telescope.code)
        )


@dataclass(frozen=True, slots=True)
class Request:
    """One schedulable request.

    ``duration_s`` already includes every overhead (contract §4). ``instrument_types`` lists the
    instrument type of each configuration. ``visibility`` maps a telescope key to the intervals in
    which every target of the request is observable from that telescope (dark, above the horizon,
    inside the hour-angle limits, Moon constraints...). When ``visibility`` is ``None`` the request
    is taken to be observable during the whole dark time (``Telescope.night``) of every telescope;
    when it is a mapping, a telescope missing from it means "never visible there".
    """

    id: int
    duration_s: int
    windows: tuple[Interval, ...]
    location: Location
    instrument_types: tuple[str, ...]
    state: str = "PENDING"
    acceptability_threshold: float = 90.0
    visibility: Mapping[str, tuple[Interval, ...]] | None = None


@dataclass(frozen=True, slots=True)
class RequestGroup:
    """A request group with the priority inputs its requests share."""

    id: int
    operator: GroupOperator
    requests: tuple[Request, ...]
    tac_priority: float = 10.0
    ipp_value: float = 1.0
    observation_type: ObservationType = ObservationType.NORMAL
    proposal: str = ""
    is_staff: bool = False
    name: str = ""


@dataclass(frozen=True, slots=True)
class Telescope:
    """A telescope keyed ``telescope.enclosure.site`` (contract §2.2)."""

    key: str
    telescope_class: str
    instrument_types: frozenset[str]
    """Instrument types with a SCHEDULABLE instrument on this telescope."""
    staff_instrument_types: frozenset[str] = frozenset()
    """Instrument types with a non-DISABLED instrument (usable by staff with a full location)."""
    online: bool = True
    night: tuple[Interval, ...] = ()
    """Dark time (Sun below the twilight altitude) over the problem horizon."""

    @property
    def code(self) -> str:
        return self.key.split(".")[0]

    @property
    def enclosure(self) -> str:
        return self.key.split(".")[1]

    @property
    def site(self) -> str:
        return self.key.split(".")[2]


@dataclass(frozen=True, slots=True)
class Downtime:
    """A telescope downtime; ``instrument_type`` is ``"all"`` or one instrument type."""

    telescope_key: str
    start_s: int
    end_s: int
    instrument_type: str = "all"
    reason: str = ""

    def applies_to(self, request: Request) -> bool:
        """D24: instrument-specific downtime applies when ANY configuration uses that type."""
        return self.instrument_type == "all" or self.instrument_type in request.instrument_types


@dataclass(frozen=True, slots=True)
class FixedObservation:
    """Telescope time that is already taken (a running observation, or RR time in the normal
    pass). Its request is not placed again when ``can_complete`` is true."""

    telescope_key: str
    start_s: int
    end_s: int
    request_id: int | None = None
    observation_id: int | None = None
    observation_type: ObservationType = ObservationType.NORMAL
    can_complete: bool = True


@dataclass(frozen=True, slots=True)
class Incumbent:
    """Where a request is placed now (a future PENDING observation the pass may replace).

    A kernel prefers to keep it: a request placed exactly here (same telescope, same start, same
    end) earns the stability bonus ``Problem.stability_bonus``. An incumbent that is no longer
    feasible (outside the request's candidate intervals, e.g. before ``Problem.start_s``) is
    ignored."""

    request_id: int
    telescope_key: str
    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything a kernel needs for one pass. Nothing is placed outside ``[start_s, end_s)``."""

    epoch: datetime
    start_s: int
    end_s: int
    telescopes: tuple[Telescope, ...]
    groups: tuple[RequestGroup, ...]
    downtimes: tuple[Downtime, ...] = ()
    fixed: tuple[FixedObservation, ...] = ()
    ignore_ipp: bool = False
    earliness_weight: float = 0.1
    """Largest earliness bonus (priority units) for a start at ``start_s``; falls linearly to 0
    at ``end_s``. A tie breaker only: it must stay far below any difference of priorities."""
    incumbent: tuple[Incumbent, ...] = ()
    """The current placements of future observations the pass may replace (at most one per
    request; see ``stability_bonus``)."""
    stability_weight: float = 0.001
    """Relative part of the stability bonus (see ``stability_bonus``)."""

    def __post_init__(self) -> None:
        if self.epoch.utcoffset() is None:
            raise ValueError("Problem.epoch must be timezone-aware")
        _check_problem(self)

    def to_datetime(self, offset_s: int) -> datetime:
        return self.epoch + timedelta(seconds=offset_s)

    def telescope(self, key: str) -> Telescope:
        for telescope in self.telescopes:
            if telescope.key == key:
                return telescope
        raise KeyError(key)

    def requests(self) -> dict[int, tuple[Request, RequestGroup]]:
        """Every request by id, with its group."""
        return {r.id: (r, g) for g in self.groups for r in g.requests}

    def moved(self, seconds: int) -> Problem:
        """The same problem ``seconds`` later: the epoch moves by ``seconds`` and every time
        (windows, visibility, nights, downtime, fixed time, incumbents) is re-expressed relative
        to it, while ``start_s``/``end_s`` stay, so the planning horizon moves with the epoch."""

        def shift(spans: tuple[Interval, ...]) -> tuple[Interval, ...]:
            return tuple((a - seconds, b - seconds) for a, b in spans)

        groups = tuple(
            replace(
                group,
                requests=tuple(
                    replace(
                        request,
                        windows=shift(request.windows),
                        visibility=None
                        if request.visibility is None
                        else {k: shift(v) for k, v in request.visibility.items()},
                    )
                    for request in group.requests
                ),
            )
            for group in self.groups
        )
        return replace(
            self,
            epoch=self.epoch + timedelta(seconds=seconds),
            telescopes=tuple(replace(t, night=shift(t.night)) for t in self.telescopes),
            groups=groups,
            downtimes=tuple(
                replace(d, start_s=d.start_s - seconds, end_s=d.end_s - seconds)
                for d in self.downtimes
            ),
            fixed=tuple(
                replace(f, start_s=f.start_s - seconds, end_s=f.end_s - seconds) for f in self.fixed
            ),
            incumbent=tuple(
                replace(i, start_s=i.start_s - seconds, end_s=i.end_s - seconds)
                for i in self.incumbent
            ),
        )

    def incumbents(self) -> dict[int, Incumbent]:
        """The incumbent placement of each request that has one (the first one listed)."""
        result: dict[int, Incumbent] = {}
        for incumbent in self.incumbent:
            result.setdefault(incumbent.request_id, incumbent)
        return result

    def stability_bonus(self, priority: float) -> float:
        """The bonus for keeping a request of effective priority ``priority`` exactly at its
        incumbent: ``earliness_weight + stability_weight × priority``.

        The absolute part is at least any earliness gain (the earliness bonus lies in
        ``[0, earliness_weight]``), so no observation is moved just to start earlier. The
        relative part (0.1 % of the priority by default, the size of the CP-SAT relative gap
        limit) bounds what stability may cost: a schedule maximising the objective has a value
        of at least ``(V* − earliness_weight × (placed + kept)) / (1 + stability_weight)``, where
        ``V*`` is the best value (the earliness tie-breaker alone allows
        ``V* − earliness_weight × placed``). Stability therefore only breaks ties and near-ties:
        an incumbent is given up as soon as its time is worth more than that to other requests
        (a new request of higher priority displaces it).
        """
        return self.earliness_weight + self.stability_weight * priority


def _check_problem(problem: Problem) -> None:
    """Refuse what would make a kernel wrong or its bound false (``InvalidProblemError`` naming
    the field by its position, as in the problem file): a negative or non-finite TAC priority,
    IPP or weight, a non-positive duration, a repeated telescope key, group id or request id, and
    downtime, fixed time or visibility keyed to a telescope the problem does not have (they
    would otherwise be silently ignored)."""
    for name in ("earliness_weight", "stability_weight"):
        weight = getattr(problem, name)
        if not (math.isfinite(weight) and weight >= 0):
            raise InvalidProblemError(name, f"must be a finite number ≥ 0, not {weight!r}")
    keys: set[str] = set()
    for index, telescope in enumerate(problem.telescopes):
        if telescope.key in keys:
            raise InvalidProblemError(
                f"telescopes[{index}].key", f"telescope {telescope.key!r} is listed twice"
            )
        keys.add(telescope.key)
    group_ids: set[int] = set()
    request_ids: set[int] = set()
    for gi, group in enumerate(problem.groups):
        if group.id in group_ids:
            raise InvalidProblemError(f"groups[{gi}].id", f"duplicate group id {group.id}")
        group_ids.add(group.id)
        for name in ("tac_priority", "ipp_value"):
            number = getattr(group, name)
            if not (math.isfinite(number) and number >= 0):
                raise InvalidProblemError(
                    f"groups[{gi}].{name}", f"must be a finite number ≥ 0, not {number!r}"
                )
        for ri, request in enumerate(group.requests):  # field names formatted on errors only
            if request.id in request_ids:
                raise InvalidProblemError(
                    f"groups[{gi}].requests[{ri}].id", f"duplicate request id {request.id}"
                )
            request_ids.add(request.id)
            if request.duration_s <= 0:
                raise InvalidProblemError(
                    f"groups[{gi}].requests[{ri}].duration_s", "must be positive"
                )
            if request.visibility is None or keys.issuperset(request.visibility):
                continue
            for key in request.visibility:
                if key not in keys:
                    raise InvalidProblemError(
                        f"groups[{gi}].requests[{ri}].visibility.{key}",
                        "no telescope of the problem has this key",
                    )
    placed = [("downtimes", d.telescope_key) for d in problem.downtimes]
    placed += [("fixed", f.telescope_key) for f in problem.fixed]
    counters = {"downtimes": 0, "fixed": 0}
    for name, key in placed:
        if key not in keys:
            raise InvalidProblemError(
                f"{name}[{counters[name]}].telescope_key",
                f"no telescope of the problem has the key {key!r}",
            )
        counters[name] += 1


def tie_break_factor(request_id: int) -> float:
    """A deterministic factor in [0.995, 1.005) derived from the request id (contract §6.4)."""
    digest = hashlib.sha256(str(request_id).encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return 0.995 + 0.01 * fraction


def effective_priority(request: Request, group: RequestGroup, *, ignore_ipp: bool = False) -> float:
    """The reference weighting of contract §6.4.

    NORMAL: ``P × IPP × duration_min``; TIME_CRITICAL: ``P × 100 × 60`` (a 60-minute request at
    100× priority, IPP and duration ignored); RAPID_RESPONSE: ``P``. Capped at 320 000, then
    multiplied by the per-request tie-break factor.
    """
    tac_priority = group.tac_priority
    if group.observation_type is ObservationType.TIME_CRITICAL:
        value = tac_priority * 100.0 * 60.0
    elif group.observation_type is ObservationType.RAPID_RESPONSE:
        value = tac_priority
    else:
        ipp = 1.0 if ignore_ipp else group.ipp_value
        value = tac_priority * ipp * request.duration_s / 60.0
    return min(value, MAX_EFFECTIVE_PRIORITY) * tie_break_factor(request.id)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One placed observation: ``end_s = start_s + duration_s`` exactly."""

    request_id: int
    telescope_key: str
    start_s: int
    end_s: int
    priority: float


@dataclass(frozen=True, slots=True)
class Schedule:
    """A kernel's answer for one problem.

    ``value`` is the sum of the effective priorities of the placed requests. ``objective`` adds
    the earliness tie-breaker and is what the solver maximised; ``bound`` is the best upper bound
    on ``objective`` the solver proved and ``gap = (bound − objective) / max(|bound|, 1e-9)``.
    """

    kernel: str
    status: SolveStatus
    assignments: tuple[Assignment, ...] = ()
    value: float = 0.0
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0
    build_time_s: float = 0.0
    solve_time_s: float = 0.0
    num_candidates: int = 0
    message: str = ""
    stats: Mapping[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is not SolveStatus.FAILED

    def by_request(self) -> dict[int, Assignment]:
        return {a.request_id: a for a in self.assignments}
