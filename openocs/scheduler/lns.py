"""Large-neighbourhood search: free a part of the schedule, re-solve it exactly, keep gains.

A *neighbourhood* is a set of telescopes and a time window ``[t0, t1)``. Every observation lying
entirely inside it is freed; everything else stays where it is and blocks its time. The
sub-problem holds the freed requests and the unplaced ones, each restricted to its candidate
time inside the window on those telescopes, minus the time the fixed observations take; CP-SAT
(the ``cpsat`` kernel's own model, ``CpSatKernel.build``) solves it from the freed placement as a
hint, and the result replaces the freed part only when the whole schedule's objective grows.

Group semantics hold by construction:

- an AND group is in a sub-problem whole or not at all: when any member is placed outside the
  neighbourhood, its members inside stay fixed; an unplaced AND group enters only when every
  member has candidate time inside; the model keeps its members all-or-nothing;
- a ONEOF group with a member placed outside the neighbourhood sends no other member in; an
  unplaced (or freed) ONEOF group enters with all its members, at most one of which is placed.

Neighbourhoods are drawn (seeded) around a left-out request or a placed observation: the
telescopes of one site that can serve it, or a few telescopes of its class, over a window whose
length adapts — longer after a sub-problem solved to optimality, shorter after one cut by its
time limit. The search never returns a worse schedule than its start, and stops at the deadline.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from openocs.scheduler.candidates import Prepared, RequestOptions
from openocs.scheduler.deadline import Deadline
from openocs.scheduler.intervals import Interval, normalise, subtract
from openocs.scheduler.kernels import objective_of
from openocs.scheduler.model import Assignment, GroupOperator, RequestGroup

__all__ = ["LnsStats", "Neighbourhood", "large_neighbourhood_search", "solve_neighbourhood"]

_HOUR_S = 3600


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """The telescopes and the half-open time window ``[start_s, end_s)`` that are re-solved,
    or, with ``spans``, a window of its own per telescope (a group move, ``around``)."""

    telescopes: frozenset[str]
    start_s: int
    end_s: int
    spans: tuple[tuple[str, tuple[Interval, ...]], ...] = ()
    """``(telescope key, normalised windows)`` per telescope; empty: ``[start_s, end_s)`` on
    every telescope of ``telescopes``."""

    @classmethod
    def around(cls, windows: Mapping[str, Iterable[Interval]]) -> Neighbourhood:
        """A neighbourhood of several windows per telescope (empty ones are dropped)."""
        spans = tuple(
            (key, tuple(merged)) for key in sorted(windows) if (merged := normalise(windows[key]))
        )
        if not spans:
            return cls(frozenset(), 0, 0)
        return cls(
            frozenset(key for key, _ in spans),
            min(w[0][0] for _, w in spans),
            max(w[-1][1] for _, w in spans),
            spans,
        )

    def windows(self) -> dict[str, list[Interval]]:
        """Telescope key → the normalised windows re-solved on it."""
        if self.spans:
            return {key: list(w) for key, w in self.spans}
        if self.end_s <= self.start_s:
            return {}
        return {key: [(self.start_s, self.end_s)] for key in self.telescopes}


@dataclass(slots=True)
class LnsStats:
    """What the search did (reported in ``Schedule.stats``)."""

    steps: int = 0
    improvements: int = 0
    optimal_steps: int = 0
    gain: float = 0.0
    group_steps: int = 0
    """Steps that were group moves (``_Sampler.draw_group``)."""
    group_improvements: int = 0


def _inside(assignment: Assignment, windows: Mapping[str, list[Interval]]) -> bool:
    return any(
        low_s <= assignment.start_s and assignment.end_s <= high_s
        for low_s, high_s in windows.get(assignment.telescope_key, ())
    )


def sub_problem(
    prepared: Prepared, assignments: Sequence[Assignment], hood: Neighbourhood
) -> tuple[Prepared, list[Assignment], list[Assignment]]:
    """``(sub-problem, fixed assignments, freed assignments)`` for ``hood`` (module docstring)."""
    placed = {a.request_id: a for a in assignments}
    windows = hood.windows()
    freed = {a.request_id for a in assignments if _inside(a, windows)}
    groups = {o.group.id: o.group for o in prepared.requests.values()}
    for group in groups.values():
        members = [r.id for r in group.requests]
        if group.operator is GroupOperator.AND and any(
            rid in placed and rid not in freed for rid in members
        ):
            freed.difference_update(members)  # partly outside: the whole group stays fixed
    fixed = [a for a in assignments if a.request_id not in freed]
    busy: dict[str, list[Interval]] = {key: [] for key in windows}
    for assignment in fixed:
        if assignment.telescope_key in busy:
            busy[assignment.telescope_key].append((assignment.start_s, assignment.end_s))
    free_time = {key: subtract(windows[key], normalise(b)) for key, b in busy.items()}
    blocked_groups = {
        prepared.requests[a.request_id].group.id
        for a in fixed
        if prepared.requests[a.request_id].group.operator is GroupOperator.ONEOF
    }

    def restricted(options: RequestOptions) -> dict[str, list[Interval]]:
        duration_s = options.request.duration_s
        result: dict[str, list[Interval]] = {}
        for key, spans in options.options.items():
            if key not in free_time:
                continue
            inside = [(a, b) for a, b in _intersect(spans, free_time[key]) if b - a >= duration_s]
            if inside:
                result[key] = inside
        return result

    chosen: dict[int, RequestOptions] = {}
    for group in groups.values():
        if group.id in blocked_groups:
            continue
        member_options = [prepared.requests[r.id] for r in group.requests]
        entering: list[RequestOptions] = []
        for options in member_options:
            rid = options.request.id
            if not options.schedulable or (rid in placed and rid not in freed):
                continue
            spans = restricted(options)
            if spans:
                incumbent = options.incumbent
                if incumbent is not None and not any(
                    a <= incumbent[1] and incumbent[1] + options.request.duration_s <= b
                    for a, b in spans.get(incumbent[0], ())
                ):
                    incumbent = None
                entering.append(replace(options, options=spans, incumbent=incumbent))
        if group.operator is GroupOperator.AND and len(entering) < len(member_options):
            continue  # all or nothing: every member must be able to enter
        for options in entering:
            chosen[options.request.id] = options
    # the sub-problem holds only the requests that enter it (a kernel reads its candidates)
    freed_assignments = [a for a in assignments if a.request_id in freed]
    return Prepared(prepared.problem, chosen), fixed, freed_assignments


def _intersect(first: Sequence[Interval], second: Sequence[Interval]) -> list[Interval]:
    result: list[Interval] = []
    for a, b in first:
        index = max(bisect.bisect_right(second, (a, 2**62)) - 1, 0)
        while index < len(second) and second[index][0] < b:
            low, high = max(a, second[index][0]), min(b, second[index][1])
            if high > low:
                result.append((low, high))
            index += 1
    return result


SubSolver = Callable[[Prepared, list[Assignment], float, int], tuple[list[Assignment], bool]]
"""``(sub-problem, hint, time limit s, seed) -> (assignments, proven optimal)``."""


def solve_neighbourhood(
    prepared: Prepared,
    assignments: Sequence[Assignment],
    hood: Neighbourhood,
    sub_solver: SubSolver,
    *,
    time_limit_s: float,
    seed: int = 0,
) -> tuple[list[Assignment], bool, int]:
    """Re-solve ``hood``: ``(the better schedule or the given one, sub-problem proven optimal,
    number of requests in the sub-problem)``. Never returns a schedule worth less."""
    sub, fixed, freed = sub_problem(prepared, assignments, hood)
    size = len(sub.candidates())
    if not size:
        return list(assignments), True, 0
    found, optimal = sub_solver(sub, freed, time_limit_s, seed)
    candidate = fixed + found
    problem = prepared.problem
    if objective_of(problem, candidate)[1] > objective_of(problem, assignments)[1] + 1e-9:
        return sorted(candidate, key=lambda a: (a.telescope_key, a.start_s)), optimal, size
    return list(assignments), optimal, size


class _Sampler:
    """Seeded neighbourhood draws with an adaptive window length."""

    def __init__(self, prepared: Prepared, seed: int) -> None:
        self.prepared = prepared
        self.rng = random.Random(seed)  # noqa: S311 - search diversification, not security
        problem = prepared.problem
        self.sites: dict[str, list[str]] = {}
        self.classes: dict[str, list[str]] = {}
        for telescope in problem.telescopes:
            self.sites.setdefault(telescope.site, []).append(telescope.key)
            self.classes.setdefault(telescope.telescope_class, []).append(telescope.key)
        self.by_key = {t.key: t for t in problem.telescopes}
        self.window_s = 6.0 * _HOUR_S
        self.width = 3
        # compound groups a group move may re-solve: AND groups whose members can all be placed,
        # ONEOF groups with at least two members that can be placed
        self.compound: list[tuple[RequestGroup, list[RequestOptions]]] = []
        seen: set[int] = set()
        for options in prepared.candidates():
            group = options.group
            if group.id in seen or group.operator not in (GroupOperator.AND, GroupOperator.ONEOF):
                continue
            seen.add(group.id)
            members = [prepared.requests[r.id] for r in group.requests]
            members = [m for m in members if m.schedulable]
            whole = len(members) == len(group.requests)
            if whole if group.operator is GroupOperator.AND else len(members) > 1:
                self.compound.append((group, members))
        self.exhausted: set[int] = set()
        """Groups whose move was solved to optimality without a gain since the last gain."""

    def draw(self, assignments: Sequence[Assignment]) -> Neighbourhood:
        rng = self.rng
        placed = {a.request_id for a in assignments}
        candidates = self.prepared.candidates()
        left_out = [o for o in candidates if o.request.id not in placed]
        if left_out and (rng.random() < 0.7 or not assignments):
            # around a left-out request, weighted towards high priority
            sample = rng.sample(left_out, min(len(left_out), 8))
            options = max(sample, key=lambda o: o.priority)
            key = rng.choice(sorted(options.options))
            low_s, high_s = rng.choice(options.options[key])
            centre_s = rng.randint(low_s, max(low_s, high_s - options.request.duration_s))
        elif assignments:
            anchor = rng.choice(list(assignments))
            key, centre_s = anchor.telescope_key, anchor.start_s
        else:
            key = rng.choice(sorted(self.by_key))
            problem = self.prepared.problem
            centre_s = rng.randint(problem.start_s, problem.end_s - 1)
        telescope = self.by_key[key]
        if rng.random() < 0.5:
            keys = list(self.sites[telescope.site])
        else:
            same = [k for k in self.classes[telescope.telescope_class] if k != key]
            keys = [key, *rng.sample(same, min(len(same), self.width - 1))]
        half_s = int(self.window_s * rng.uniform(0.35, 0.65))
        start_s = centre_s - half_s
        return Neighbourhood(frozenset(keys), start_s, start_s + int(self.window_s))

    def draw_group(self, assignments: Sequence[Assignment]) -> tuple[Neighbourhood, int] | None:
        """A group move: ``(the candidate time of every member of one AND or ONEOF group, padded
        on a few of its telescopes, the group's id)``, or None when no group is worth a move.

        The groups worth one: an AND group left out (all or nothing: its members' time is freed
        together, so the sub-problem may place them all by moving or dropping what is there), a
        ONEOF group left out, or placed with a member worth less than another (the placed member
        is freed with the others, so the sub-problem may swap which member is placed); now and
        then a placed AND group (its members may move together). Weighted towards the largest
        possible gain; a group already re-solved to optimality without gain waits for the next
        gain of the search."""
        rng = self.rng
        where = {a.request_id: a for a in assignments}
        worth: list[tuple[float, RequestGroup, list[RequestOptions]]] = []
        placed_and: list[tuple[RequestGroup, list[RequestOptions]]] = []
        for group, members in self.compound:
            if group.id in self.exhausted:
                continue
            chosen = [m for m in members if m.request.id in where]
            if group.operator is GroupOperator.AND:
                if chosen:
                    placed_and.append((group, members))
                else:
                    worth.append((sum(m.priority for m in members), group, members))
            else:
                best = max(m.priority for m in members)
                current = sum(m.priority for m in chosen)
                if best > current * (1.0 + 1e-6):
                    worth.append((best - current, group, members))
        if placed_and and (not worth or rng.random() < 0.2):
            group, members = rng.choice(placed_and)
        elif worth:
            _, group, members = max(rng.sample(worth, min(len(worth), 4)), key=lambda w: w[0])
        else:
            return None
        windows: dict[str, list[Interval]] = {}
        for member in members:
            keys = sorted(member.options)
            if len(keys) > self.width + 1:
                keys = rng.sample(keys, self.width + 1)
            now = where.get(member.request.id)
            if now is not None and now.telescope_key not in keys:
                keys.append(now.telescope_key)
            pad_s = int(_HOUR_S * rng.uniform(0.25, 1.5))
            for key in keys:
                windows.setdefault(key, []).extend(
                    (low_s - pad_s, high_s + pad_s) for low_s, high_s in member.options[key]
                )
        return Neighbourhood.around(windows), group.id

    def adapt(self, optimal: bool, size: int) -> None:
        if optimal and size < 120:
            self.window_s = min(self.window_s * 1.15, 96 * _HOUR_S)
            self.width = min(self.width + 1, 8)
        elif not optimal:
            self.window_s = max(self.window_s / 1.3, 1 * _HOUR_S)
            self.width = max(self.width - 1, 1)


def large_neighbourhood_search(
    prepared: Prepared,
    assignments: Sequence[Assignment],
    sub_solver: SubSolver,
    *,
    deadline: Deadline,
    seed: int = 0,
    step_limit_s: float = 2.0,
    max_steps: int | None = None,
    target: float | None = None,
    group_share: float = 0.4,
) -> tuple[list[Assignment], LnsStats]:
    """Improve ``assignments`` until ``deadline`` (or ``max_steps``, or an objective of at least
    ``target``), each step solving one neighbourhood for at most ``step_limit_s``; about
    ``group_share`` of the steps are group moves (``_Sampler.draw_group``) while some AND or
    ONEOF group is worth one. Returns the best schedule found (never worse than
    ``assignments``) and what the search did."""
    sampler = _Sampler(prepared, seed)
    current = list(assignments)
    stats = LnsStats()
    problem = prepared.problem
    start_objective = best = objective_of(problem, current)[1]
    while not deadline.expired() and (max_steps is None or stats.steps < max_steps):
        if target is not None and best >= target:
            break
        remaining_s = deadline.remaining_s()
        if remaining_s < 0.05:
            break
        move = sampler.draw_group(current) if sampler.rng.random() < group_share else None
        hood, group_id = move if move is not None else (sampler.draw(current), None)
        current, optimal, size = solve_neighbourhood(
            prepared,
            current,
            hood,
            sub_solver,
            time_limit_s=min(step_limit_s, remaining_s),
            seed=seed + stats.steps,
        )
        stats.steps += 1
        stats.optimal_steps += optimal
        stats.group_steps += group_id is not None
        sampler.adapt(optimal, size)
        objective = objective_of(problem, current)[1]
        if objective > best + 1e-9:
            stats.improvements += 1
            stats.group_improvements += group_id is not None
            best = objective
            sampler.exhausted.clear()
        elif group_id is not None and optimal:
            sampler.exhausted.add(group_id)
    stats.gain = best - start_objective
    return current, stats
