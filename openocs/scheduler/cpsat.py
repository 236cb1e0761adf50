"""The default kernel: OR-Tools CP-SAT with optional intervals and no-overlap per telescope.

Model, for every request ``r`` and every candidate interval ``[a, b)`` of ``r`` on telescope ``t``
(see ``candidates.prepare``):

- a presence literal ``x`` and a start variable ``s ∈ [a, b − d]`` in **integer seconds**, tied
  to an optional fixed-size interval ``[s, s + d)``. Seconds (not slots) keep windows and
  durations exact; CP-SAT's interval propagation and LNS do not pay for wide domains, so a
  coarser grid would only lose placements (up to a grid step per window edge) without speed-up;
- ``NoOverlap`` over the intervals of each telescope;
- ``AtMostOne`` over the literals of each request (and over a whole ONEOF group); the placed
  indicator of every member of an AND group is equal (all or nothing);
- redundant capacity cuts: for every connected segment of candidate time on a telescope,
  ``Σ d·x ≤ segment length`` (tightens the LP bound, hence the reported gap);
- objective: maximise ``Σ (priority + bonus(a))·x`` where ``bonus`` is the earliness tie-breaker
  (``earliness_weight`` at the horizon start, linear to 0 at its end) taken at the candidate
  interval's start ``a``: earlier nights are preferred. Inside the chosen interval every
  observation is then moved as early as its telescope's sequence allows (``left_justify``).
  Keeping start times out of the objective leaves a pure 0-1 objective whose bound CP-SAT closes
  quickly (with the start times in the objective it kept finding one-second improvements). The
  solver's bound stays a valid bound of the reported objective, because the bonus at the real
  start never exceeds the bonus at ``a``;
- stability (``Problem.incumbent``): a request whose incumbent placement is still feasible gets
  one more literal, a fixed interval at exactly that telescope and start, whose objective
  coefficient adds ``Problem.stability_bonus`` (earliness weight + 0.1 % of the priority). Its
  candidate interval is that single start, so ``left_justify`` never moves it. The bounds
  (``bounds``) count that bonus, so the reported bound stays valid;
- the best of several greedy schedules (``greedy.best_greedy``, a seeded GRASP whose number of
  restarts grows with the time limit and shrinks with the problem size), improved by insertion
  with re-sequencing and one ejection (``greedy.repair``), as a solution hint; when
  it is already within the gap limit of the best cheap bound (``bounds``: every request placed,
  or the segment LP), CP-SAT is not run at all, and that bound also caps the objective;
- a time limit, ``num_workers`` (2) and a fixed seed. With ``deterministic=True`` (default) the
  search is interleaved (CP-SAT's deterministic parallel mode) and also bounded by a
  deterministic-time budget equal to the time limit: an unchanged input gives the same schedule
  whenever the search ends on the gap limit or on that budget. The wall-clock limit
  (``wall_factor`` × the limit, default 1) always applies; a search cut by it on a loaded machine
  is valid but may differ from run to run.
- the candidates are built with the first greedy order, in priority order
  (``greedy.first_greedy``); a deadline that comes during that pass returns the requests built
  so far placed, with the trivial bound counting the others as placed (``greedy.cut_schedule``);
- a :class:`~openocs.scheduler.kernels.StopToken` stops the solve early: checked between the
  phases (preparation, warm start, GRASP restarts, bound, model) and interrupting CP-SAT's search
  through ``stop_search``; a stopped solve returns ``FAILED`` with the message ``"stopped"``.
"""

from __future__ import annotations

import bisect
import math
import time
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from openocs.scheduler.bounds import segment_lp_bound, trivial_bound
from openocs.scheduler.candidates import Prepared
from openocs.scheduler.deadline import Deadline
from openocs.scheduler.greedy import best_greedy, cut_schedule, first_greedy, first_pass_stop
from openocs.scheduler.intervals import normalise
from openocs.scheduler.kernels import (
    STOPPED,
    StopToken,
    earliness_bonus,
    invalid_time_limit,
    objective_of,
    relative_gap,
)
from openocs.scheduler.lns import large_neighbourhood_search
from openocs.scheduler.model import Assignment, GroupOperator, Problem, Schedule, SolveStatus

__all__ = ["CpSatKernel"]

_MAX_OBJECTIVE = 2**60
_PRIORITY_SCALE = 10_000.0


@dataclass(slots=True)
class _Candidate:
    request_id: int
    telescope_key: str
    low_s: int
    high_s: int
    duration_s: int
    priority: float
    present: cp_model.IntVar
    start: cp_model.IntVar | int
    incumbent: bool = False


class CpSatKernel:
    """CP-SAT kernel (see module docstring)."""

    name = "cpsat"

    def __init__(
        self,
        *,
        num_workers: int = 2,
        relative_gap_limit: float = 0.001,
        deterministic: bool = True,
        capacity_cuts: bool = True,
        interval_cuts: bool = False,
        hint: bool = True,
        max_restarts: int = 200,
        repair_limit: int = 500,
        log_search: bool = False,
        construction_share: float = 0.25,
        full_model_max_candidates: int = 4000,
        full_model_share: float = 0.5,
        lns: bool = True,
        lns_step_limit_s: float = 2.0,
        lns_group_share: float = 0.4,
        lp_iteration_limit: int | None = None,
    ) -> None:
        self.max_restarts = max_restarts
        self.repair_limit = repair_limit
        self.num_workers = num_workers
        self.relative_gap_limit = relative_gap_limit
        self.deterministic = deterministic
        self.capacity_cuts = capacity_cuts
        self.interval_cuts = interval_cuts
        self.hint = hint
        self.log_search = log_search
        self.construction_share = construction_share
        self.full_model_max_candidates = full_model_max_candidates
        self.full_model_share = full_model_share
        self.lns = lns
        self.lns_step_limit_s = lns_step_limit_s
        self.lns_group_share = lns_group_share
        self.lp_iteration_limit = lp_iteration_limit

    def solve(
        self,
        problem: Problem,
        *,
        time_limit_s: float,
        seed: int = 0,
        stop: StopToken | None = None,
        deadline: Deadline | None = None,
    ) -> Schedule:
        """Schedule ``problem``; ``deadline`` (default: ``time_limit_s`` from now) bounds every
        phase, and ``stop`` ends the solve early (``FAILED``, ``"stopped"``)."""
        why = invalid_time_limit(time_limit_s)
        if why is not None:
            return Schedule(self.name, SolveStatus.FAILED, message=why)
        token = stop or StopToken()
        cpu_started = time.process_time(), time.perf_counter()
        clock = (deadline or Deadline(time_limit_s)).with_stop(token)
        started = clock.started
        first = first_greedy(problem, should_stop=first_pass_stop(clock))
        if token.stopped:
            return self._stopped(started)
        if not first.complete:  # the deadline came while candidates were built
            return cut_schedule(self.name, problem, first, started)
        prepared = first.prepared
        if not prepared.candidates():
            return Schedule(
                self.name,
                SolveStatus.OPTIMAL,
                build_time_s=time.perf_counter() - started,
                message="no request has a candidate interval",
            )
        stats: dict[str, float] = {"lp_bound_complete": 0.0}
        num_candidates = prepared.num_candidate_intervals()

        def construction_over() -> bool:
            return clock.expired() or clock.before(self.construction_share) <= 0

        trivial = trivial_bound(prepared)
        hint = best_greedy(
            prepared,
            repair_limit=self.repair_limit,
            should_stop=construction_over,
            first=first.assignments,
        )
        _, hint_objective = objective_of(problem, hint)
        upper = trivial
        stats["greedy_objective"] = hint_objective
        if token.stopped:
            return self._stopped(started)
        if hint_objective < upper * (1.0 - self.relative_gap_limit) and _lp_fits(
            clock, cpu_started, num_candidates
        ):
            lp = segment_lp_bound(
                prepared,
                time_limit_s=max(clock.remaining_s(), 0.01),
                iteration_limit=self.lp_iteration_limit,
                should_stop=clock.expired,
            )
            stats["lp_bound_complete"] = float(lp is not None)
            if lp is not None:
                upper = min(upper, lp)
        if hint_objective < upper * (1.0 - self.relative_gap_limit) and not construction_over():
            # GRASP restarts: about a tenth of the time limit at ~5 µs per candidate interval
            # (a count, so that the result stays deterministic when the deadline does not cut it)
            restarts = min(self.max_restarts, int(time_limit_s * 20_000 / max(num_candidates, 1)))
            grasp = best_greedy(
                prepared,
                restarts=restarts,
                seed=seed,
                repair_limit=self.repair_limit,
                should_stop=construction_over,
            )
            _, grasp_objective = objective_of(problem, grasp)
            if grasp_objective > hint_objective:
                hint, hint_objective = grasp, grasp_objective
        stats["construction_objective"] = hint_objective
        stats["construction_s"] = clock.elapsed_s()
        built = time.perf_counter()
        if hint_objective >= upper * (1.0 - self.relative_gap_limit):
            return self._schedule(
                problem,
                SolveStatus.OPTIMAL,
                hint,
                upper,
                started,
                built,
                time.perf_counter(),
                num_candidates,
                "warm start within the gap limit of the segment LP / trivial bound; "
                "CP-SAT not needed",
                stats,
            )
        if token.stopped:
            return self._stopped(started)
        best, bound, status, message = hint, upper, SolveStatus.FEASIBLE, "greedy warm start"
        if num_candidates <= self.full_model_max_candidates and not clock.expired():
            share = 1.0 if not self.lns else self.full_model_share
            outcome = self._solve_full(
                prepared, hint, upper, clock.remaining_s() * share, seed, token, stats
            )
            if token.stopped:
                return self._stopped(started)
            if isinstance(outcome, str):
                return Schedule(
                    self.name,
                    SolveStatus.FAILED,
                    build_time_s=built - started,
                    solve_time_s=time.perf_counter() - built,
                    num_candidates=num_candidates,
                    message=outcome,
                )
            found, cp_bound, cp_status, message = outcome
            bound = min(bound, cp_bound)
            if objective_of(problem, found)[1] >= hint_objective:
                best = found
            if cp_status is SolveStatus.OPTIMAL:
                return self._schedule(
                    problem, cp_status, best, bound, started, built, time.perf_counter(),
                    num_candidates, message, stats,
                )  # fmt: skip
        if self.lns and not clock.expired():
            target = bound * (1.0 - self.relative_gap_limit)

            def sub_solver(
                sub: Prepared, sub_hint: list[Assignment], limit_s: float, sub_seed: int
            ) -> tuple[list[Assignment], bool]:
                return self._solve_sub(sub, sub_hint, limit_s, sub_seed, token)

            best, lns_stats = large_neighbourhood_search(
                prepared,
                best,
                sub_solver,
                deadline=clock,
                seed=seed,
                step_limit_s=self.lns_step_limit_s,
                target=target,
                group_share=self.lns_group_share,
            )
            stats.update(
                lns_steps=float(lns_stats.steps),
                lns_improvements=float(lns_stats.improvements),
                lns_gain=lns_stats.gain,
                lns_group_steps=float(lns_stats.group_steps),
                lns_group_improvements=float(lns_stats.group_improvements),
            )
            message = (
                f"{message}; large-neighbourhood search: {lns_stats.steps} steps, "
                f"{lns_stats.improvements} improvements"
            )
            if token.stopped:
                return self._stopped(started)
        _, best_objective = objective_of(problem, best)
        if best_objective >= bound * (1.0 - self.relative_gap_limit):
            status = SolveStatus.OPTIMAL
        return self._schedule(
            problem, status, best, bound, started, built, time.perf_counter(), num_candidates,
            message, stats,
        )  # fmt: skip

    def _solver(self, time_limit_s: float, seed: int, *, workers: int) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.num_workers = workers
        parameters.random_seed = seed
        parameters.relative_gap_limit = self.relative_gap_limit
        parameters.log_search_progress = self.log_search
        parameters.max_time_in_seconds = max(time_limit_s, 0.01)
        if self.deterministic:
            parameters.interleave_search = workers > 1
            parameters.max_deterministic_time = max(time_limit_s, 0.01)
        return solver

    def _solve_full(
        self,
        prepared: Prepared,
        hint: list[Assignment],
        upper: float,
        time_limit_s: float,
        seed: int,
        token: StopToken,
        stats: dict[str, float],
    ) -> tuple[list[Assignment], float, SolveStatus, str] | str:
        """The whole problem in one CP-SAT model: ``(assignments, bound, status, message)``,
        the warm start when CP-SAT found nothing in time, or the message of a failure."""
        started = time.perf_counter()
        model, candidates, scale = self._build(prepared, hint, upper)
        remaining_s = time_limit_s - (time.perf_counter() - started)
        solver = self._solver(remaining_s, seed, workers=self.num_workers)
        with token.on_stop(solver.stop_search):
            status = solver.solve(model)
        stats["deterministic_time"] = solver.deterministic_time
        stats["branches"] = float(solver.num_branches)
        if status == cp_model.UNKNOWN and hint:
            # the limit ended the search before CP-SAT produced a solution (e.g. presolve of a
            # huge model on a loaded machine): the verified warm start is a valid incumbent
            return (
                hint,
                upper,
                SolveStatus.FEASIBLE,
                "CP-SAT found no solution within the limit; the greedy warm start is kept",
            )
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return f"CP-SAT returned {solver.status_name(status)}"
        found = self._read(solver, candidates)
        bound = min(solver.best_objective_bound / scale, upper)
        status_out = SolveStatus.OPTIMAL if status == cp_model.OPTIMAL else SolveStatus.FEASIBLE
        return found, bound, status_out, f"CP-SAT {solver.status_name(status)}"

    def _solve_sub(
        self,
        sub: Prepared,
        hint: list[Assignment],
        time_limit_s: float,
        seed: int,
        token: StopToken,
    ) -> tuple[list[Assignment], bool]:
        """One large-neighbourhood step: the sub-problem solved exactly (if time allows)."""
        model, candidates, _ = self._build(sub, hint, trivial_bound(sub))
        solver = self._solver(time_limit_s, seed, workers=1)
        with token.on_stop(solver.stop_search):
            status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return hint, False
        return self._read(solver, candidates), status == cp_model.OPTIMAL

    @staticmethod
    def _read(solver: cp_model.CpSolver, candidates: list[_Candidate]) -> list[Assignment]:
        placed: list[tuple[Assignment, int]] = []
        for candidate in candidates:
            if solver.boolean_value(candidate.present):
                start_s = (
                    candidate.start
                    if isinstance(candidate.start, int)
                    else int(solver.value(candidate.start))
                )
                assignment = Assignment(
                    candidate.request_id,
                    candidate.telescope_key,
                    start_s,
                    start_s + candidate.duration_s,
                    candidate.priority,
                )
                placed.append((assignment, candidate.low_s))
        return left_justify(placed)

    def _stopped(self, started: float) -> Schedule:
        return Schedule(
            self.name,
            SolveStatus.FAILED,
            build_time_s=time.perf_counter() - started,
            message=STOPPED,
        )

    def _schedule(
        self,
        problem: Problem,
        status: SolveStatus,
        assignments: list[Assignment],
        bound: float,
        started: float,
        built: float,
        solved: float,
        num_candidates: int,
        message: str,
        stats: dict[str, float] | None = None,
    ) -> Schedule:
        assignments = sorted(assignments, key=lambda a: (a.telescope_key, a.start_s))
        value, objective = objective_of(problem, assignments)
        bound = max(bound, objective)
        return Schedule(
            kernel=self.name,
            status=status,
            assignments=tuple(assignments),
            value=value,
            objective=objective,
            bound=bound,
            gap=relative_gap(objective, bound),
            build_time_s=built - started,
            solve_time_s=solved - built,
            num_candidates=num_candidates,
            message=message,
            stats=stats or {},
        )

    def _build(
        self, prepared: Prepared, hint: list[Assignment], upper_bound: float
    ) -> tuple[cp_model.CpModel, list[_Candidate], float]:
        problem = prepared.problem
        model = cp_model.CpModel()
        requests = prepared.candidates()
        total_priority = (
            sum(o.priority + problem.stability_bonus(o.priority) for o in requests) + 1.0
        )
        scale = min(_PRIORITY_SCALE, _MAX_OBJECTIVE / (4 * total_priority))

        candidates: list[_Candidate] = []
        by_request: dict[int, list[_Candidate]] = {}
        by_telescope: dict[str, list[tuple[_Candidate, cp_model.IntervalVar]]] = {}
        objective_terms: list[cp_model.LinearExprT] = []
        for options in requests:
            request = options.request
            duration_s = request.duration_s
            mine = by_request.setdefault(request.id, [])
            for key in sorted(options.options):
                for low_s, end_s in options.options[key]:
                    high_s = end_s - duration_s
                    present = model.new_bool_var(f"x_{request.id}_{key}_{low_s}")
                    start: cp_model.IntVar | int
                    if high_s == low_s:
                        start = low_s
                        interval = model.new_optional_fixed_size_interval_var(
                            low_s, duration_s, present, f"i_{request.id}_{key}_{low_s}"
                        )
                    else:
                        start = model.new_int_var(low_s, high_s, f"s_{request.id}_{key}_{low_s}")
                        interval = model.new_optional_fixed_size_interval_var(
                            start, duration_s, present, f"i_{request.id}_{key}_{low_s}"
                        )
                    candidate = _Candidate(
                        request.id,
                        key,
                        low_s,
                        high_s,
                        duration_s,
                        options.priority,
                        present,
                        start,
                    )
                    candidates.append(candidate)
                    mine.append(candidate)
                    by_telescope.setdefault(key, []).append((candidate, interval))
                    bonus = earliness_bonus(problem, low_s)
                    objective_terms.append(round((options.priority + bonus) * scale) * present)
            if options.incumbent is not None:
                # keeping the incumbent: a fixed interval of its own, with the stability bonus
                key, start_s = options.incumbent
                present = model.new_bool_var(f"k_{request.id}_{key}_{start_s}")
                interval = model.new_optional_fixed_size_interval_var(
                    start_s, duration_s, present, f"ik_{request.id}_{key}_{start_s}"
                )
                candidate = _Candidate(
                    request.id,
                    key,
                    start_s,
                    start_s,
                    duration_s,
                    options.priority,
                    present,
                    start_s,
                    incumbent=True,
                )
                candidates.append(candidate)
                mine.append(candidate)
                by_telescope.setdefault(key, []).append((candidate, interval))
                bonus = earliness_bonus(problem, start_s) + problem.stability_bonus(
                    options.priority
                )
                objective_terms.append(round((options.priority + bonus) * scale) * present)

        placed: dict[int, cp_model.LinearExprT] = {}
        for request_id, mine in by_request.items():
            literals = [c.present for c in mine]
            model.add_at_most_one(literals)
            placed[request_id] = sum(literals)
        for group in problem.groups:
            members = [r.id for r in group.requests if r.id in placed]
            if group.operator is GroupOperator.AND and len(members) > 1:
                for other in members[1:]:
                    model.add(placed[members[0]] == placed[other])
            elif group.operator is GroupOperator.ONEOF and len(members) > 1:
                model.add_at_most_one([c.present for rid in members for c in by_request[rid]])

        for key in sorted(by_telescope):
            entries = by_telescope[key]
            model.add_no_overlap([interval for _, interval in entries])
            if self.capacity_cuts:
                _add_capacity_cuts(model, [c for c, _ in entries], interval_cuts=self.interval_cuts)

        objective = sum(objective_terms)
        model.add(objective <= math.ceil(upper_bound * scale) + len(objective_terms))
        model.maximize(objective)
        if self.hint:
            chosen = {(a.request_id, a.telescope_key): a for a in hint}
            kept = {(o.request.id, *o.incumbent) for o in requests if o.incumbent is not None}
            for candidate in candidates:
                assignment = chosen.get((candidate.request_id, candidate.telescope_key))
                at_incumbent = (
                    assignment is not None
                    and (assignment.request_id, assignment.telescope_key, assignment.start_s)
                    in kept
                )
                # an assignment at its incumbent is hinted on the incumbent's own literal only
                hit = (
                    assignment is not None
                    and candidate.low_s <= assignment.start_s <= candidate.high_s
                    and candidate.incumbent == at_incumbent
                )
                model.add_hint(candidate.present, hit)
                if not isinstance(candidate.start, int):
                    model.add_hint(
                        candidate.start,
                        assignment.start_s if hit and assignment else candidate.low_s,
                    )
        return model, candidates, scale


_LP_CPU_S_PER_CANDIDATE = 60e-6
"""CPU seconds the segment LP (building and first solve) takes per candidate interval, about
(measured: 36 µs on 1,000 contended requests, 22 µs on 3,000), with a margin."""


def _lp_fits(clock: Deadline, cpu_started: tuple[float, float], num_candidates: int) -> bool:
    """Whether the segment LP's first solve is expected to end before the deadline: its CPU
    estimate, scaled by the share of a core this solve has had so far (a loaded machine gives it
    less), fits in the time left. When it does not, the trivial bound stands (reported by
    ``stats["lp_bound_complete"] = 0``) rather than the limit being overrun."""
    if clock.expired():
        return False
    cpu_s, wall_s = time.process_time() - cpu_started[0], time.perf_counter() - cpu_started[1]
    cpu_share = cpu_s / wall_s if wall_s > 0.05 else 1.0
    cpu_share = min(max(cpu_share, 0.02), 1.0)
    return _LP_CPU_S_PER_CANDIDATE * num_candidates / cpu_share < clock.remaining_s()


def left_justify(placed: list[tuple[Assignment, int]]) -> list[Assignment]:
    """Move every observation as early as its telescope's order allows.

    ``placed`` pairs each assignment with the earliest start of its candidate interval. Keeping
    the order on each telescope, each observation starts at ``max(earliest start, end of the
    previous one)``: never later than before, so windows, visibility, downtime and no-overlap
    still hold, and every observation starts as early as the chosen sequence permits.
    """
    result: list[Assignment] = []
    by_telescope: dict[str, list[tuple[Assignment, int]]] = {}
    for assignment, low_s in placed:
        by_telescope.setdefault(assignment.telescope_key, []).append((assignment, low_s))
    for key in sorted(by_telescope):
        cursor = -(2**62)
        for assignment, low_s in sorted(by_telescope[key], key=lambda p: p[0].start_s):
            start_s = max(low_s, cursor)
            duration_s = assignment.end_s - assignment.start_s
            result.append(replace(assignment, start_s=start_s, end_s=start_s + duration_s))
            cursor = start_s + duration_s
    return result


def _add_capacity_cuts(
    model: cp_model.CpModel, candidates: list[_Candidate], *, interval_cuts: bool
) -> None:
    """Σ duration·x ≤ length for every connected segment of candidate time on one telescope
    (and, with ``interval_cuts``, for every distinct candidate interval)."""
    segments = normalise((c.low_s, c.high_s + c.duration_s) for c in candidates)
    starts = [s for s, _ in segments]
    members: list[list[_Candidate]] = [[] for _ in segments]
    for candidate in candidates:
        members[bisect.bisect_right(starts, candidate.low_s) - 1].append(candidate)
    for (start_s, end_s), inside in zip(segments, members, strict=True):
        if sum(c.duration_s for c in inside) > end_s - start_s and len(inside) > 1:
            model.add(sum(c.duration_s * c.present for c in inside) <= end_s - start_s)
        if not interval_cuts:
            continue
        # energetic cuts: for every distinct candidate interval [a, b), the candidates lying
        # entirely inside it cannot occupy more than b − a
        seen: set[tuple[int, int]] = set()
        for outer in inside:
            span = (outer.low_s, outer.high_s + outer.duration_s)
            if span in seen or span == (start_s, end_s):
                continue
            seen.add(span)
            within = [
                c for c in inside if span[0] <= c.low_s and c.high_s + c.duration_s <= span[1]
            ]
            if len(within) > 1 and sum(c.duration_s for c in within) > span[1] - span[0]:
                model.add(sum(c.duration_s * c.present for c in within) <= span[1] - span[0])
