"""Candidate intervals per (request, telescope), and the pruning done before any solver runs.

For each request the candidate intervals on a telescope are

    windows ∩ [start_s, end_s) ∩ visibility − applicable downtime − fixed (running) time

keeping only intervals at least as long as the request's duration. Every stage that empties the
set is recorded, so that ``explain`` can say *why* a request could not be placed (contract §6.9).
Impossible combinations (ineligible telescopes, too-short intervals, all-or-nothing groups with
an impossible member) never reach a kernel.

``night_intervals`` and ``request_visibility`` compute the telescopes' dark time and the requests'
visibility with ``openocs.visibility`` (imported only when they are called), for a data source to
fill ``Telescope.night`` and ``Request.visibility``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from openocs.scheduler.gc_pause import gc_paused
from openocs.scheduler.intervals import Interval, intersect, normalise, subtract
from openocs.scheduler.model import (
    GroupOperator,
    Problem,
    Request,
    RequestGroup,
    Telescope,
    effective_priority,
)

if TYPE_CHECKING:
    import openocs.visibility as vis

__all__ = [
    "Prepared",
    "RequestOptions",
    "Stage",
    "eligible_telescopes",
    "night_intervals",
    "prepare",
    "request_visibility",
]


class Stage(StrEnum):
    """How far a request got through candidate building (the first stage that emptied it)."""

    NOT_PENDING = "NOT_PENDING"
    RUNNING = "RUNNING"
    NO_WINDOW = "NO_WINDOW"
    NO_TELESCOPE = "NO_TELESCOPE"
    NOT_VISIBLE = "NOT_VISIBLE"
    BLOCKED_BY_DOWNTIME = "BLOCKED_BY_DOWNTIME"
    BLOCKED_BY_RUNNING = "BLOCKED_BY_RUNNING"
    GROUP_IMPOSSIBLE = "GROUP_IMPOSSIBLE"
    CANDIDATE = "CANDIDATE"


@dataclass(slots=True)
class RequestOptions:
    """The placements a kernel may choose from for one request."""

    request: Request
    group: RequestGroup
    priority: float
    stage: Stage
    eligible: tuple[str, ...] = ()
    options: dict[str, list[Interval]] = field(default_factory=dict)
    """Telescope key → intervals in which the whole observation fits (each ≥ duration)."""
    incumbent: tuple[str, int] | None = None
    """(telescope key, start) of the request's incumbent when it is still feasible: inside one
    of ``options`` with the request's duration (it may still overlap another incumbent)."""

    @property
    def schedulable(self) -> bool:
        return self.stage is Stage.CANDIDATE


@dataclass(slots=True)
class Prepared:
    """The pruned problem handed to a kernel.

    A ``Prepared`` built by ``CandidateBuilder`` under a deadline may be incomplete
    (``complete`` false): ``requests`` then holds only the groups built before time ran out,
    and ``unbuilt_bound`` bounds what the others could add to the objective."""

    problem: Problem
    requests: dict[int, RequestOptions]
    complete: bool = True
    unbuilt_bound: float = 0.0
    """An upper bound on the objective the requests missing from ``requests`` could add: each
    at its priority plus the largest earliness and stability bonuses (0 when complete)."""

    def candidates(self) -> list[RequestOptions]:
        return [o for o in self.requests.values() if o.schedulable]

    def num_candidate_intervals(self) -> int:
        return sum(len(v) for o in self.candidates() for v in o.options.values())


def eligible_telescopes(
    request: Request, group: RequestGroup, telescopes: Sequence[Telescope]
) -> list[Telescope]:
    """Telescopes matching the location, online, and hosting every configuration's instrument
    type (SCHEDULABLE; non-DISABLED for staff groups with a fully specified location, §6.2)."""
    staff_path = group.is_staff and request.location.fully_specified
    result: list[Telescope] = []
    for telescope in telescopes:
        if not telescope.online or not request.location.matches(telescope):
            continue
        usable = telescope.instrument_types
        if staff_path:
            usable = usable | telescope.staff_instrument_types
        if all(t in usable for t in request.instrument_types):
            result.append(telescope)
    return result


def _long_enough(intervals: Sequence[Interval], duration_s: int) -> list[Interval]:
    return [(a, b) for a, b in intervals if b - a >= duration_s]


def prepare(problem: Problem) -> Prepared:
    """Build the candidate intervals of every request of ``problem`` (with the cyclic garbage
    collector paused: ``gc_pause``)."""
    with gc_paused():
        builder = CandidateBuilder(problem)
        for group in problem.groups:
            builder.build_group(group)
        return builder.prepared()


class CandidateBuilder:
    """Builds the candidates of ``problem`` one group at a time, in any order (``prepare``
    builds them all; a deadline-aware caller builds them in the order it needs them, see
    ``greedy.first_greedy``, and may stop early). Every group is built whole, so the members
    of an AND group are always there together."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self._horizon: list[Interval] = [(problem.start_s, problem.end_s)]
        self._downtime_by_telescope: dict[str, list[tuple[str, Interval]]] = defaultdict(list)
        for downtime in problem.downtimes:
            self._downtime_by_telescope[downtime.telescope_key].append(
                (downtime.instrument_type, (downtime.start_s, downtime.end_s))
            )
        fixed_by_telescope: dict[str, list[Interval]] = defaultdict(list)
        self._running_requests: set[int] = set()
        for fixed in problem.fixed:
            fixed_by_telescope[fixed.telescope_key].append((fixed.start_s, fixed.end_s))
            if fixed.request_id is not None and fixed.can_complete:
                self._running_requests.add(fixed.request_id)
        self._fixed_masks = {key: normalise(v) for key, v in fixed_by_telescope.items()}
        self._downtime_cache: dict[tuple[str, tuple[str, ...]], list[Interval]] = {}
        # requests asking for the same location and instruments share their eligible telescopes
        self._eligible_cache: dict[tuple[object, ...], list[Telescope]] = {}
        self._incumbents = problem.incumbents()
        self._in_horizon: dict[int, list[Interval]] = {}
        self._open: dict[tuple[int, int], list[Interval]] = {}
        self.built: dict[int, RequestOptions] = {}
        self.built_groups: set[int] = set()

    def _applicable_downtime(self, key: str, instrument_types: tuple[str, ...]) -> list[Interval]:
        cache_key = (key, instrument_types)
        cached = self._downtime_cache.get(cache_key)
        if cached is None:
            cached = normalise(
                span
                for instrument_type, span in self._downtime_by_telescope.get(key, ())
                if instrument_type == "all" or instrument_type in instrument_types
            )
            self._downtime_cache[cache_key] = cached
        return cached

    def build_group(
        self, group: RequestGroup, priorities: Mapping[int, float] | None = None
    ) -> None:
        """Build the options of every request of ``group`` (``priorities``: their effective
        priorities when the caller has them already)."""
        self.built_groups.add(group.id)
        members = []
        for request in group.requests:
            priority = (
                priorities[request.id]
                if priorities is not None
                else effective_priority(request, group, ignore_ipp=self.problem.ignore_ipp)
            )
            options = self._build_request(request, group, priority)
            self.built[request.id] = options
            members.append(options)
        if group.operator is GroupOperator.AND and not all(o.schedulable for o in members):
            for options in members:
                if options.schedulable:
                    options.stage = Stage.GROUP_IMPOSSIBLE
                    options.options = {}
        for options in members:
            incumbent = self._incumbents.get(options.request.id)
            if incumbent is None or not options.schedulable:
                continue
            if incumbent.end_s - incumbent.start_s != options.request.duration_s:
                continue
            spans = options.options.get(incumbent.telescope_key, [])
            if any(
                low_s <= incumbent.start_s and incumbent.end_s <= high_s for low_s, high_s in spans
            ):
                options.incumbent = (incumbent.telescope_key, incumbent.start_s)

    def _build_request(
        self, request: Request, group: RequestGroup, priority: float
    ) -> RequestOptions:
        options = RequestOptions(request, group, priority, Stage.CANDIDATE)
        duration_s = request.duration_s
        if request.state != "PENDING":
            options.stage = Stage.NOT_PENDING
            return options
        if request.id in self._running_requests:
            options.stage = Stage.RUNNING
            return options
        in_horizon = self._in_horizon.get(id(request.windows))
        if in_horizon is None:
            in_horizon = intersect(normalise(request.windows), self._horizon)
            self._in_horizon[id(request.windows)] = in_horizon
        windows = _long_enough(in_horizon, duration_s)
        if not windows:
            options.stage = Stage.NO_WINDOW
            return options
        eligible_key = (
            request.location,
            request.instrument_types,
            group.is_staff and request.location.fully_specified,
        )
        telescopes = self._eligible_cache.get(eligible_key)
        if telescopes is None:
            telescopes = eligible_telescopes(request, group, self.problem.telescopes)
            self._eligible_cache[eligible_key] = telescopes
        options.eligible = tuple(t.key for t in telescopes)
        if not telescopes:
            options.stage = Stage.NO_TELESCOPE
            return options
        stage = Stage.NOT_VISIBLE
        visibility = request.visibility
        for telescope in telescopes:
            seen = telescope.night if visibility is None else visibility.get(telescope.key, ())
            # files repeat windows and visibility (read once, shared: ``serialization``), so
            # their intersection is cached by identity (the problem keeps them alive)
            cache_key = (id(request.windows), id(seen))
            open_s = self._open.get(cache_key)
            if open_s is None:
                open_s = intersect(in_horizon, normalise(seen))
                self._open[cache_key] = open_s
            spans = _long_enough(open_s, duration_s)
            if not spans:
                continue
            blocked = self._applicable_downtime(telescope.key, request.instrument_types)
            spans = _long_enough(subtract(spans, blocked), duration_s)
            if not spans:
                stage = max(stage, Stage.BLOCKED_BY_DOWNTIME, key=_STAGE_ORDER.index)
                continue
            spans = _long_enough(
                subtract(spans, self._fixed_masks.get(telescope.key, [])), duration_s
            )
            if not spans:
                stage = max(stage, Stage.BLOCKED_BY_RUNNING, key=_STAGE_ORDER.index)
                continue
            options.options[telescope.key] = spans
        if not options.options:
            options.stage = stage
        return options

    def prepared(self, priorities: Mapping[int, float] | None = None) -> Prepared:
        """What is built so far, in the problem's order of requests. When some group is not
        built yet, the result is incomplete and bounds the rest with ``priorities`` (every
        request's effective priority, required then)."""
        problem = self.problem
        built = self.built
        if len(self.built_groups) == len(problem.groups):
            ordered = {r.id: built[r.id] for g in problem.groups for r in g.requests}
            return Prepared(problem, ordered)
        if priorities is None:
            raise ValueError("an incomplete Prepared needs every request's priority")
        ordered = {r.id: built[r.id] for g in problem.groups for r in g.requests if r.id in built}
        rest = 0.0
        for group in problem.groups:
            if group.id in self.built_groups:
                continue
            for request in group.requests:
                priority = priorities[request.id]
                rest += priority + problem.earliness_weight
                if request.id in self._incumbents:
                    rest += problem.stability_bonus(priority)
        return Prepared(problem, ordered, complete=False, unbuilt_bound=rest)


_STAGE_ORDER = [
    Stage.NOT_VISIBLE,
    Stage.BLOCKED_BY_DOWNTIME,
    Stage.BLOCKED_BY_RUNNING,
]


# -- visibility from openocs.visibility ---------------------------------------------------------


def _to_offsets(
    intervals: Sequence[tuple[datetime, datetime]], epoch: datetime
) -> tuple[Interval, ...]:
    """Datetime intervals → integer seconds from ``epoch``, rounded inwards (never widened)."""
    result = []
    for start, end in intervals:
        start_s = math.ceil((start - epoch).total_seconds())
        end_s = math.floor((end - epoch).total_seconds())
        if end_s > start_s:
            result.append((start_s, end_s))
    return tuple(result)


def night_intervals(
    site: vis.Site, *, epoch: datetime, start: datetime, end: datetime
) -> tuple[Interval, ...]:
    """Dark time (Sun below nautical twilight, contract §6.6) as seconds from ``epoch``."""
    from openocs.visibility import dark_intervals

    return _to_offsets(dark_intervals(site, start, end, "nautical"), epoch)


def request_visibility(
    sites: Mapping[str, vis.Site],
    targets: Mapping[int, Sequence[tuple[vis.Target, vis.Constraints]]],
    *,
    epoch: datetime,
    start: datetime,
    end: datetime,
) -> dict[int, dict[str, tuple[Interval, ...]]]:
    """Visibility of each request on each telescope, for ``Request.visibility``.

    ``sites`` maps a telescope key to its ``openocs.visibility.Site`` (position, horizon,
    hour-angle limits, zenith blind spot); ``targets`` maps a request id to the (target,
    constraints) of each of its configurations. A request is visible when **every** target is
    (intersection, contract §6.6). Requests with a single target are computed together per
    (telescope, constraints) with ``observable_intervals_batch`` (the Sun and Moon once per site),
    and once for the telescopes that share a sky (``Site.same_sky_as``: same limits, metres apart).
    """
    from openocs.visibility import observable_intervals, observable_intervals_batch

    result: dict[int, dict[str, tuple[Interval, ...]]] = {rid: {} for rid in targets}
    skies: list[tuple[vis.Site, str]] = []  # (site, key of the telescope computed for it)
    for key, site in sites.items():
        twin = next((done for known, done in skies if site.same_sky_as(known)), None)
        if twin is not None:
            for per_telescope in result.values():
                if twin in per_telescope:
                    per_telescope[key] = per_telescope[twin]
            continue
        skies.append((site, key))
        batches: dict[vis.Constraints, list[tuple[int, vis.Target]]] = defaultdict(list)
        for request_id, pairs in targets.items():
            unique = list(dict.fromkeys(pairs))
            if len(unique) == 1:
                batches[unique[0][1]].append((request_id, unique[0][0]))
            elif unique:
                intervals = observable_intervals(
                    site, [t for t, _ in unique], start, end, [c for _, c in unique]
                )
                offsets = _to_offsets(intervals, epoch)
                if offsets:
                    result[request_id][key] = offsets
        for constraints, members in batches.items():
            computed = observable_intervals_batch(
                site, [t for _, t in members], start, end, constraints
            )
            for (request_id, _), intervals in zip(members, computed, strict=True):
                offsets = _to_offsets(intervals, epoch)
                if offsets:
                    result[request_id][key] = offsets
    return result
