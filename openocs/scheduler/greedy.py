"""A greedy placement: the CP-SAT warm start and a baseline kernel (``greedy``).

Requests are taken in some order and each is put at the earliest start that is free on any
telescope it may use; ``best_greedy`` tries several orders and keeps the most valuable result.
Requests whose incumbent placement (``Problem.incumbent``) is still feasible and free are first
put exactly there. It is fast and valid but not optimal; it proves no bound (its ``bound`` is
the sum of all candidate priorities plus bonuses).

A solve's first order (by priority) is built together with the candidates (``first_greedy``):
each group's candidates are built when the greedy reaches it, so a deadline can end both with a
valid schedule of what was built (``first_pass_stop``, ``cut_schedule``).
"""

from __future__ import annotations

import bisect
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from openocs.scheduler.candidates import CandidateBuilder, Prepared, RequestOptions
from openocs.scheduler.deadline import Deadline
from openocs.scheduler.gc_pause import gc_paused
from openocs.scheduler.intervals import Interval
from openocs.scheduler.model import (
    Assignment,
    GroupOperator,
    Problem,
    RequestGroup,
    Schedule,
    SolveStatus,
    effective_priority,
)

__all__ = [
    "ORDERS",
    "FirstPass",
    "GreedyKernel",
    "best_greedy",
    "cut_schedule",
    "first_greedy",
    "first_pass_stop",
    "greedy_schedule",
    "greedy_score",
]


class _Timeline:
    """Busy intervals of one telescope, sorted by start."""

    __slots__ = ("busy",)

    def __init__(self) -> None:
        self.busy: list[Interval] = []

    def earliest_start(
        self, span: Interval, duration_s: int, before_s: int | None = None
    ) -> int | None:
        """The earliest start in ``span`` where ``duration_s`` is free (None if none is, or
        none is earlier than ``before_s``)."""
        start_s, end_s = span
        if before_s is not None:
            end_s = min(end_s, before_s - 1 + duration_s)
        busy = self.busy
        index = bisect.bisect_right(busy, (start_s, 2**62)) - 1
        cursor = start_s
        if index >= 0 and busy[index][1] > cursor:
            cursor = busy[index][1]
        index += 1
        while cursor + duration_s <= end_s:
            if index >= len(busy) or busy[index][0] >= cursor + duration_s:
                return cursor
            cursor = max(cursor, busy[index][1])
            index += 1
        return None

    def add(self, span: Interval) -> None:
        bisect.insort(self.busy, span)

    def remove(self, span: Interval) -> None:
        self.busy.remove(span)


def _place(options: RequestOptions, timelines: dict[str, _Timeline]) -> tuple[str, int] | None:
    best: tuple[int, str] | None = None
    duration_s = options.request.duration_s
    for key in sorted(options.options):
        timeline = timelines.setdefault(key, _Timeline())
        for span in options.options[key]:
            if best is not None and span[0] >= best[0]:
                break
            start_s = timeline.earliest_start(
                span, duration_s, None if best is None else best[0]
            )  # only a start before the best so far matters
            if start_s is not None and (best is None or start_s < best[0]):
                best = (start_s, key)
                break
    return None if best is None else (best[1], best[0])


def _fits_at(timeline: _Timeline, start_s: int, duration_s: int) -> bool:
    return timeline.earliest_start((start_s, start_s + duration_s), duration_s) == start_s


class _Placer:
    """The state of one greedy pass: the telescopes' busy time and the requests placed."""

    __slots__ = ("chosen", "done_groups", "requests", "timelines")

    def __init__(self, requests: Mapping[int, RequestOptions]) -> None:
        self.requests = requests
        self.timelines: dict[str, _Timeline] = {}
        self.chosen: dict[int, Assignment] = {}
        self.done_groups: set[int] = set()

    def keep_incumbents(self, candidates: Iterable[RequestOptions]) -> None:
        """Put every request with a feasible incumbent exactly there while it is free (by
        decreasing priority, ties by id); an AND group only when all its members can be kept."""
        timelines, chosen = self.timelines, self.chosen
        keepers = sorted(
            (o for o in candidates if o.incumbent is not None),
            key=lambda o: (-o.priority, o.request.id),
        )
        for options in keepers:
            group = options.group
            if group.id in self.done_groups or options.request.id in chosen:
                continue
            members = (
                [self.requests[r.id] for r in group.requests]
                if group.operator is GroupOperator.AND
                else [options]
            )
            placed: list[Assignment] = []
            for member in members:
                if member.incumbent is None:
                    break
                key, start_s = member.incumbent
                duration_s = member.request.duration_s
                timeline = timelines.setdefault(key, _Timeline())
                if not _fits_at(timeline, start_s, duration_s):
                    break
                assignment = Assignment(
                    member.request.id, key, start_s, start_s + duration_s, member.priority
                )
                timeline.add((start_s, assignment.end_s))
                placed.append(assignment)
            if len(placed) < len(members):
                for assignment in placed:
                    timelines[assignment.telescope_key].remove(
                        (assignment.start_s, assignment.end_s)
                    )
                continue
            chosen.update((a.request_id, a) for a in placed)
            if group.operator in (GroupOperator.AND, GroupOperator.ONEOF):
                self.done_groups.add(group.id)

    def place(self, options: RequestOptions) -> None:
        """Put ``options`` (its whole group when AND) at the earliest free start, if any."""
        timelines, chosen = self.timelines, self.chosen
        group = options.group
        if group.id in self.done_groups or options.request.id in chosen:
            return
        if group.operator is GroupOperator.AND:
            members = [self.requests[r.id] for r in group.requests]
            placed: list[Assignment] = []
            for member in members:
                spot = _place(member, timelines)
                if spot is None:
                    break
                key, start_s = spot
                assignment = Assignment(
                    member.request.id,
                    key,
                    start_s,
                    start_s + member.request.duration_s,
                    member.priority,
                )
                timelines[key].add((assignment.start_s, assignment.end_s))
                placed.append(assignment)
            if len(placed) == len(members):
                chosen.update((a.request_id, a) for a in placed)
            else:
                for assignment in placed:
                    timelines[assignment.telescope_key].remove(
                        (assignment.start_s, assignment.end_s)
                    )
            self.done_groups.add(group.id)
            return
        spot = _place(options, timelines)
        if spot is None:
            return
        key, start_s = spot
        assignment = Assignment(
            options.request.id, key, start_s, start_s + options.request.duration_s, options.priority
        )
        timelines[key].add((assignment.start_s, assignment.end_s))
        chosen[assignment.request_id] = assignment
        if group.operator is GroupOperator.ONEOF:
            self.done_groups.add(group.id)

    def assignments(self) -> list[Assignment]:
        return sorted(self.chosen.values(), key=lambda a: (a.telescope_key, a.start_s))


def greedy_schedule(
    prepared: Prepared,
    order: list[RequestOptions] | None = None,
    *,
    incumbents_first: bool = True,
) -> list[Assignment]:
    """Greedy assignments for a prepared problem, taking requests in ``order`` (default:
    decreasing priority, ties by id). With ``incumbents_first`` (default) the requests whose
    incumbent is still feasible and free are first put exactly there."""
    placer = _Placer(prepared.requests)
    if incumbents_first:
        placer.keep_incumbents(prepared.candidates())
    candidates = (
        order
        if order is not None
        else sorted(prepared.candidates(), key=lambda o: (-o.priority, o.request.id))
    )
    for options in candidates:
        placer.place(options)
    return placer.assignments()


@dataclass(frozen=True, slots=True)
class FirstPass:
    """The first greedy pass of a solve (``first_greedy``)."""

    prepared: Prepared
    """Every request's candidates, or, when the pass was cut, those built in time
    (``Prepared.complete`` false)."""
    assignments: list[Assignment]
    """The greedy schedule by priority (``ORDERS["priority"]``, incumbents first) of what was
    built: valid whether or not the pass was cut."""
    built_requests: int
    total_requests: int

    @property
    def complete(self) -> bool:
        return self.prepared.complete


def first_greedy(problem: Problem, *, should_stop: Callable[[], bool] | None = None) -> FirstPass:
    """Build the candidates and place them greedily by priority in one pass, in the order the
    greedy takes them, so that a deadline can end both with a valid schedule.

    Requests are taken by decreasing effective priority (ties by id); a request's whole group is
    built when the first of its members comes (after the groups holding incumbents, whose
    incumbents are kept first, as ``greedy_schedule`` does). ``should_stop`` is asked before
    each group is built: when it answers true the pass ends with the requests built so far
    placed, and an incomplete ``Prepared`` whose ``unbuilt_bound`` counts the others at their
    priority. Uncut, the result equals ``prepare`` followed by ``greedy_schedule`` (the cyclic
    garbage collector is paused meanwhile, as in ``prepare``)."""
    with gc_paused():
        builder = CandidateBuilder(problem)
        ignore_ipp = problem.ignore_ipp
        priorities: dict[int, float] = {}
        group_of: dict[int, RequestGroup] = {}
        for group in problem.groups:
            for request in group.requests:
                priorities[request.id] = effective_priority(request, group, ignore_ipp=ignore_ipp)
                group_of[request.id] = group
        order = sorted(priorities, key=lambda rid: (-priorities[rid], rid))
        built = builder.built
        built_groups = builder.built_groups
        placer = _Placer(built)
        cut = False
        incumbents = problem.incumbents()
        if incumbents:
            for request_id in order:
                if request_id not in incumbents or group_of[request_id].id in built_groups:
                    continue
                if should_stop is not None and should_stop():
                    cut = True
                    break
                builder.build_group(group_of[request_id], priorities)
            placer.keep_incumbents(o for o in built.values() if o.schedulable)
        if not cut:
            for request_id in order:
                group = group_of[request_id]
                if group.id not in built_groups:
                    if should_stop is not None and should_stop():
                        break
                    builder.build_group(group, priorities)
                options = built[request_id]
                if options.schedulable:
                    placer.place(options)
        return FirstPass(
            builder.prepared(priorities), placer.assignments(), len(built), len(priorities)
        )


def _latest_end(options: RequestOptions) -> int:
    return max(end_s for spans in options.options.values() for _, end_s in spans)


def _slack(options: RequestOptions) -> float:
    duration_s = options.request.duration_s
    room_s = sum(b - a - duration_s + 1 for spans in options.options.values() for a, b in spans)
    return room_s / duration_s


ORDERS = {
    "priority": lambda o: (-o.priority, o.request.id),
    "deadline": lambda o: (_latest_end(o), -o.priority, o.request.id),
    "slack": lambda o: (_slack(o), -o.priority, o.request.id),
    "density": lambda o: (-o.priority / o.request.duration_s, o.request.id),
}
"""Request orders tried by ``best_greedy``: by priority, by latest possible end (earliest
deadline first), by least slack, and by priority per second of telescope time."""


def best_greedy(
    prepared: Prepared,
    *,
    restarts: int = 0,
    seed: int = 0,
    repair_limit: int = 0,
    should_stop: Callable[[], bool] | None = None,
    first: list[Assignment] | None = None,
) -> list[Assignment]:
    """The most valuable of the greedy schedules built with each of ``ORDERS``, then of
    ``restarts`` randomised orders (a GRASP: deadline order with random jitter of up to a few
    hours, or priority order with multiplicative noise). The random orders come from a generator
    seeded with ``seed``, so the result is deterministic. With ``repair_limit`` the three best
    schedules are improved by ``repair`` before the best is chosen. ``should_stop`` is asked
    before every order but the first and inside the repair; when it answers true, the search ends
    with the best schedule so far (the first order always completes, so there is one).

    With incumbents (``Problem.incumbent``), every greedy first keeps the feasible incumbents
    (``greedy_schedule``), the ``ORDERS`` are also tried from scratch, "most valuable" means the
    highest ``greedy_score`` (value + stability bonuses), the best schedule that kept the
    incumbents is repaired too, and each repaired schedule competes unrepaired as well (repair
    may move kept observations).

    ``first`` is the schedule of the first order when the caller has it already
    (``first_greedy``'s, uncut): it is not built again."""
    candidates = prepared.candidates()
    keys = list(ORDERS.values())
    orders: dict[int, list[RequestOptions]] = {}  # sorted when first needed (a deadline may
    # leave time for the first order only)
    with_incumbents = any(o.incumbent is not None for o in candidates)
    fixed_attempts: list[tuple[int, bool]] = [(index, True) for index in range(len(keys))]
    if with_incumbents:  # the same orders from scratch, in case a rewrite is worth more
        fixed_attempts += [(index, False) for index in range(len(keys))]
    rng = random.Random(seed)  # noqa: S311 - search diversification, not security
    latest: dict[int, int] = {}
    results: list[tuple[float, int, int, list[Assignment]]] = []
    for attempt in range(len(fixed_attempts) + restarts):
        if attempt >= 1 and should_stop is not None and should_stop():
            break
        keep = True
        if not latest and attempt >= len(fixed_attempts):
            latest = {o.request.id: _latest_end(o) for o in candidates}
        if attempt == 0 and first is not None:
            results.append((greedy_score(prepared, first), attempt, 0, first))
            continue
        if attempt < len(fixed_attempts):
            index, keep = fixed_attempts[attempt]
            if index not in orders:
                orders[index] = sorted(candidates, key=keys[index])
            order = orders[index]
        elif (attempt - len(fixed_attempts) + len(keys)) % 2:
            jitter_s = rng.choice((1800.0, 3600.0, 7200.0, 14400.0))
            noise = {rid: rng.random() * jitter_s for rid in latest}
            order = sorted(candidates, key=lambda o: latest[o.request.id] + noise[o.request.id])
        else:
            factors = {rid: rng.lognormvariate(0.0, 0.5) for rid in latest}
            order = sorted(candidates, key=lambda o: -o.priority * factors[o.request.id])
        assignments = greedy_schedule(prepared, order, incumbents_first=keep)
        results.append((greedy_score(prepared, assignments), attempt, 0, assignments))
    results.sort(key=lambda r: (-r[0], r[1], r[2]))
    if repair_limit:
        to_repair = results[:3]
        if with_incumbents:  # the best schedule that kept the incumbents is always repaired
            kept = [r for r in results if r[1] < len(keys) or r[1] >= len(fixed_attempts)]
            if kept and kept[0] not in to_repair:
                to_repair.append(kept[0])
        repaired = []
        for _, attempt, _, assignments in to_repair:
            better = repair(prepared, assignments, limit=repair_limit, should_stop=should_stop)
            repaired.append((greedy_score(prepared, better), attempt, 0, better))
            if with_incumbents:  # repairing moves observations: the unrepaired one competes
                repaired.append((greedy_score(prepared, assignments), attempt, 1, assignments))
        results = sorted(repaired, key=lambda r: (-r[0], r[1], r[2]))
    return results[0][3] if results else []


def greedy_score(prepared: Prepared, assignments: list[Assignment]) -> float:
    """What ``best_greedy`` maximises: the value, plus the stability bonus of every assignment
    kept at its incumbent (without incumbents, the value alone)."""
    score = sum(a.priority for a in assignments)
    problem = prepared.problem
    for assignment in assignments:
        incumbent = prepared.requests[assignment.request_id].incumbent
        if incumbent == (assignment.telescope_key, assignment.start_s):
            score += problem.stability_bonus(assignment.priority)
    return score


def _span_of(options: RequestOptions, key: str, start_s: int) -> tuple[int, int]:
    for low_s, high_s in options.options[key]:
        if low_s <= start_s < high_s:
            return low_s, high_s
    raise ValueError(f"request {options.request.id} has no span on {key} containing {start_s}")


def _sequence(
    jobs: list[tuple[int, int, int, int]], busy: list[tuple[int, int]]
) -> dict[int, int] | None:
    """Earliest-deadline-first list scheduling of ``jobs`` (id, release, deadline, duration)
    around the ``busy`` intervals; start per job id, or None when some job misses its deadline."""
    timeline = _Timeline()
    timeline.busy = sorted(busy)
    starts: dict[int, int] = {}
    for job_id, release_s, deadline_s, duration_s in sorted(jobs, key=lambda j: (j[2], j[1])):
        start_s = timeline.earliest_start((release_s, deadline_s), duration_s)
        if start_s is None:
            return None
        timeline.add((start_s, start_s + duration_s))
        starts[job_id] = start_s
    return starts


class _Repairer:
    """Insertion by re-sequencing, with one ejection (see ``repair``)."""

    def __init__(self, prepared: Prepared, assignments: list[Assignment]) -> None:
        self.prepared = prepared
        self.placed = {a.request_id: a for a in assignments}
        self.by_telescope: dict[str, dict[int, Assignment]] = {}
        for assignment in assignments:
            self.by_telescope.setdefault(assignment.telescope_key, {})[assignment.request_id] = (
                assignment
            )

    def _arrangement(
        self, request_id: int, key: str, span: tuple[int, int], without: int | None = None
    ) -> dict[int, int] | None:
        low_s, high_s = span
        movable: list[tuple[int, int, int, int]] = []
        busy: list[tuple[int, int]] = []
        for rid, other in self.by_telescope.get(key, {}).items():
            if rid == without:
                continue
            other_span = _span_of(self.prepared.requests[rid], key, other.start_s)
            if other_span[0] < high_s and low_s < other_span[1]:
                movable.append((rid, other_span[0], other_span[1], other.end_s - other.start_s))
            else:
                busy.append((other.start_s, other.end_s))
        movable.append(
            (request_id, low_s, high_s, self.prepared.requests[request_id].request.duration_s)
        )
        return _sequence(movable, busy)

    def _commit(self, key: str, starts: dict[int, int]) -> None:
        on_telescope = self.by_telescope.setdefault(key, {})
        for rid, start_s in starts.items():
            source = self.prepared.requests[rid]
            new = Assignment(
                rid, key, start_s, start_s + source.request.duration_s, source.priority
            )
            old = self.placed.get(rid)
            if old is not None and old.telescope_key != key:
                del self.by_telescope[old.telescope_key][rid]
            on_telescope[rid] = new
            self.placed[rid] = new

    def _remove(self, rid: int) -> Assignment:
        old = self.placed.pop(rid)
        del self.by_telescope[old.telescope_key][rid]
        return old

    def insert(self, request_id: int, *, skip_key: str | None = None) -> bool:
        options = self.prepared.requests[request_id]
        for key in sorted(options.options):
            if key == skip_key:
                continue
            for span in options.options[key]:
                starts = self._arrangement(request_id, key, span)
                if starts is not None:
                    self._commit(key, starts)
                    return True
        return False

    def insert_with_ejection(self, request_id: int) -> bool:
        """Make room by moving one observation to another telescope (or time)."""
        options = self.prepared.requests[request_id]
        for key in sorted(options.options):
            for low_s, high_s in options.options[key]:
                blockers = sorted(
                    (
                        a
                        for a in self.by_telescope.get(key, {}).values()
                        if a.start_s < high_s and low_s < a.end_s
                    ),
                    key=lambda a: (a.priority, a.request_id),
                )
                for blocker in blockers[:4]:
                    starts = self._arrangement(
                        request_id, key, (low_s, high_s), without=blocker.request_id
                    )
                    if starts is None:
                        continue
                    saved = dict(self.by_telescope[key])
                    removed = self._remove(blocker.request_id)
                    self._commit(key, starts)
                    if self.insert(blocker.request_id):
                        return True
                    # roll back: the blocker could not be placed anywhere else
                    del self.placed[request_id]
                    for rid in starts:
                        if rid != request_id:
                            self.placed[rid] = saved[rid]
                    self.by_telescope[key] = saved
                    self.placed[removed.request_id] = removed
        return False

    def _snapshot(self) -> tuple[dict[int, Assignment], dict[str, dict[int, Assignment]]]:
        return dict(self.placed), {key: dict(on) for key, on in self.by_telescope.items()}

    def _restore(
        self, snapshot: tuple[dict[int, Assignment], dict[str, dict[int, Assignment]]]
    ) -> None:
        self.placed, self.by_telescope = snapshot

    def insert_group(self, request_ids: list[int]) -> bool:
        """Insert every member of a left-out AND group (re-sequencing, one ejection each), or,
        when one of them does not fit, none: the schedule is rolled back."""
        snapshot = self._snapshot()
        for rid in sorted(
            request_ids, key=lambda r: (_room_s(self.prepared.requests[r]), r)
        ):  # the least flexible member first
            if not (self.insert(rid) or self.insert_with_ejection(rid)):
                self._restore(snapshot)
                return False
        return True

    def swap_one_of(self, placed_id: int, alternatives: list[int]) -> bool:
        """Replace the placed member of a ONEOF group by a more valuable one (the first of
        ``alternatives`` that fits once the placed one is taken out); rolled back when none
        does."""
        snapshot = self._snapshot()
        self._remove(placed_id)
        for rid in alternatives:
            if self.insert(rid) or self.insert_with_ejection(rid):
                return True
        self._restore(snapshot)
        return False

    def insert_by_displacement(self, request_id: int) -> bool:
        """Take the place of one lower-priority observation, moving nothing else; the displaced
        request is then inserted elsewhere if it still fits, else left out."""
        options = self.prepared.requests[request_id]
        duration_s = options.request.duration_s
        for key in sorted(options.options):
            on_telescope = self.by_telescope.get(key, {})
            for low_s, high_s in options.options[key]:
                blockers = sorted(
                    (
                        a
                        for a in on_telescope.values()
                        if a.start_s < high_s
                        and low_s < a.end_s
                        and a.priority < options.priority
                        and self.prepared.requests[a.request_id].group.operator
                        in (GroupOperator.SINGLE, GroupOperator.MANY)
                    ),
                    key=lambda a: (a.priority, a.request_id),
                )
                for blocker in blockers:
                    timeline = _Timeline()
                    timeline.busy = sorted(
                        (a.start_s, a.end_s)
                        for rid, a in on_telescope.items()
                        if rid != blocker.request_id
                    )
                    start_s = timeline.earliest_start((low_s, high_s), duration_s)
                    if start_s is None:
                        continue
                    self._remove(blocker.request_id)
                    self._commit(key, {request_id: start_s})
                    self.insert(blocker.request_id)
                    return True
        return False


def _room_s(options: RequestOptions) -> int:
    """Seconds of candidate time in which ``options`` may start (its flexibility)."""
    duration_s = options.request.duration_s
    return sum(b - a - duration_s for spans in options.options.values() for a, b in spans)


def repair(
    prepared: Prepared,
    assignments: list[Assignment],
    *,
    limit: int = 500,
    should_stop: Callable[[], bool] | None = None,
) -> list[Assignment]:
    """Insert left-out requests by re-sequencing a telescope's neighbouring observations.

    For each left-out request (by decreasing priority, at most ``limit``), on each telescope and
    candidate interval it may use, the observations whose own candidate intervals overlap it are
    re-sequenced together with it, earliest deadline first, around the other observations of
    that telescope; the first arrangement where everything still fits is kept. Failing that, one
    observation in the way is moved to another telescope or time (one ejection), and failing
    that, the request takes the place of one lower-priority observation (which is inserted
    elsewhere if it fits, else left out). Every
    observation stays inside one of its own candidate intervals, so the schedule remains valid.

    Compound groups have moves of their own, taken in the same order of value: a left-out AND
    group is inserted whole (each member by re-sequencing or one ejection) or not at all; a
    left-out ONEOF group gets its most valuable member that fits; a placed ONEOF group whose
    placed member is worth less than another member swaps it for the most valuable one that fits
    in its place or elsewhere. Members of AND and ONEOF groups may also be re-sequenced or moved
    to another telescope like any observation (that keeps the set of placed requests, hence the
    groups' meaning) but are never displaced by another request. ``should_stop`` is asked
    before each move; every move keeps the schedule valid, so stopping early is safe.
    """
    if should_stop is not None and should_stop():
        return assignments
    simple = (GroupOperator.SINGLE, GroupOperator.MANY)
    repairer = _Repairer(prepared, assignments)
    # (value at stake, kind, request ids): kind 0 a simple request, 1 an AND group, 2 a ONEOF
    # group (ids: its members by decreasing priority)
    moves: list[tuple[float, int, list[int]]] = []
    seen: set[int] = set()
    for options in prepared.candidates():
        group = options.group
        if group.operator in simple:
            if options.request.id not in repairer.placed:
                moves.append((options.priority, 0, [options.request.id]))
            continue
        if group.id in seen:
            continue
        seen.add(group.id)
        members = [prepared.requests[r.id] for r in group.requests]
        if group.operator is GroupOperator.AND:
            if all(m.schedulable for m in members) and not any(
                m.request.id in repairer.placed for m in members
            ):
                moves.append((sum(m.priority for m in members), 1, [m.request.id for m in members]))
        elif group.operator is GroupOperator.ONEOF:
            ranked = sorted(
                (m for m in members if m.schedulable), key=lambda m: (-m.priority, m.request.id)
            )
            placed = [m for m in ranked if m.request.id in repairer.placed]
            current = placed[0].priority if placed else 0.0
            better = [m.request.id for m in ranked if m.priority > current]
            if better:
                moves.append((ranked[0].priority - current, 2, better))
    moves = sorted(moves, key=lambda m: (-m[0], m[1], m[2][0]))[:limit]
    for _, kind, request_ids in moves:
        if should_stop is not None and should_stop():
            break
        if kind == 1:
            repairer.insert_group(request_ids)
            continue
        if kind == 2:
            group = prepared.requests[request_ids[0]].group
            chosen = [r.id for r in group.requests if r.id in repairer.placed]
            if chosen:
                repairer.swap_one_of(chosen[0], request_ids)
            else:
                any(repairer.insert(r) or repairer.insert_with_ejection(r) for r in request_ids)
            continue
        request_id = request_ids[0]
        if request_id in repairer.placed:
            continue
        if not repairer.insert(request_id) and not repairer.insert_with_ejection(request_id):
            repairer.insert_by_displacement(request_id)
    return sorted(repairer.placed.values(), key=lambda a: (a.telescope_key, a.start_s))


FIRST_PASS_FINISH_SHARE = 0.25
"""What finishing a cut first pass costs, as a share of the time the pass ran: the collector's
first walk over what the pass allocated while it was paused, freeing the pass's caches, the
trivial bound and the objective of what was built (measured on contended10k: 0.10 s after 0.58 s
of building and placing). Proportional to the pass's own wall time, so it grows with the load
as the pass slows down."""


def first_pass_stop(deadline: Deadline) -> Callable[[], bool]:
    """The ``should_stop`` of ``first_greedy`` under ``deadline``: true once the deadline has
    expired or the time left would not cover finishing the pass (``FIRST_PASS_FINISH_SHARE``
    of the time it has run so far)."""
    started_s = deadline.elapsed_s()

    def should_stop() -> bool:
        ran_s = deadline.elapsed_s() - started_s
        return deadline.expired() or deadline.remaining_s() < FIRST_PASS_FINISH_SHARE * ran_s

    return should_stop


def cut_schedule(kernel: str, problem: Problem, first: FirstPass, started: float) -> Schedule:
    """The schedule of a solve whose deadline came during its first pass (``first_greedy`` cut,
    ``started``: the deadline's start, a ``time.perf_counter`` reading): the requests built in
    time placed greedily (``FEASIBLE``), with the trivial bound counting every other request as
    placed, so the gap stays an honest one; ``FAILED`` when nothing could be placed (a pass
    must then change nothing)."""
    from openocs.scheduler.bounds import trivial_bound
    from openocs.scheduler.kernels import objective_of, relative_gap

    prepared = first.prepared
    built = f"{first.built_requests} of {first.total_requests} requests built"
    stats = {
        "candidates_complete": 0.0,
        "built_requests": float(first.built_requests),
        "lp_bound_complete": 0.0,
    }
    elapsed_s = time.perf_counter() - started
    if not first.assignments:
        return Schedule(
            kernel,
            SolveStatus.FAILED,
            build_time_s=elapsed_s,
            num_candidates=prepared.num_candidate_intervals(),
            message=f"the time limit ran out before any request was placed ({built})",
            stats=stats,
        )
    value, objective = objective_of(problem, first.assignments)
    bound = max(trivial_bound(prepared), objective)
    return Schedule(
        kernel=kernel,
        status=SolveStatus.FEASIBLE,
        assignments=tuple(first.assignments),
        value=value,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_time_s=elapsed_s,
        num_candidates=prepared.num_candidate_intervals(),
        message=f"the time limit ran out while building the candidates ({built}, by decreasing "
        "priority, and placed greedily); the bound counts every request not built as placed",
        stats=stats,
    )


class GreedyKernel:
    """The greedy placement as a kernel (baseline; no optimality claim)."""

    name = "greedy"

    def solve(
        self,
        problem: Problem,
        *,
        time_limit_s: float,
        seed: int = 0,
        deadline: Deadline | None = None,
    ) -> Schedule:
        """The greedy schedule; candidate building with the first order, the other orders and
        the repair stop at the ``deadline`` (default: ``time_limit_s`` from now)."""
        from openocs.scheduler.bounds import trivial_bound
        from openocs.scheduler.kernels import invalid_time_limit, objective_of, relative_gap

        del seed  # deterministic by construction
        why = invalid_time_limit(time_limit_s)
        if why is not None:
            return Schedule(self.name, SolveStatus.FAILED, message=why)
        clock = deadline or Deadline(time_limit_s)
        started = clock.started
        first = first_greedy(problem, should_stop=first_pass_stop(clock))
        if not first.complete:
            return cut_schedule(self.name, problem, first, started)
        prepared = first.prepared
        built = time.perf_counter()
        assignments = best_greedy(
            prepared, repair_limit=500, should_stop=clock.expired, first=first.assignments
        )
        value, objective = objective_of(problem, assignments)
        bound = max(trivial_bound(prepared), objective)
        return Schedule(
            kernel=self.name,
            status=SolveStatus.FEASIBLE,
            assignments=tuple(assignments),
            value=value,
            objective=objective,
            bound=bound,
            gap=relative_gap(objective, bound),
            build_time_s=built - started,
            solve_time_s=time.perf_counter() - built,
            num_candidates=prepared.num_candidate_intervals(),
        )
