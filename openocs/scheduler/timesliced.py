"""The reference's time-sliced integer programme, solved with HiGHS (kept for comparison).

Formulation (facts from scheduler-contract §6.7 and §8 and the public description of LCO's
adaptive scheduler; written from scratch):

- time is cut into ``slice_s`` (300 s) slices aligned to the problem start;
- one binary ``y`` per (request, telescope, candidate start), where the candidate starts of a
  candidate interval ``[a, b)`` are ``a`` itself and every slice boundary ``s`` with
  ``a < s ≤ b − d``;
- an observation starting at ``s`` occupies every slice that ``[s, s + d)`` touches, so its
  length is rounded up to whole slices (the written observation keeps its exact duration);
- per telescope and slice, at most one occupying ``y``; per request, at most one ``y``;
  ONEOF groups at most one ``y`` in the whole group; AND groups equal placement indicators;
- maximise ``Σ (priority + earliness bonus)·y``; a request's incumbent start (``Problem.incumbent``)
  is one more candidate start, whose column also earns ``Problem.stability_bonus``.

The model grows as requests × telescopes × visible slices, which is why it is only a baseline.
``max_columns`` refuses models that would not fit in memory (contract §8) with a FAILED schedule.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict

import highspy
import numpy as np

from openocs.scheduler.candidates import prepare
from openocs.scheduler.kernels import (
    earliness_bonus,
    invalid_time_limit,
    objective_of,
    relative_gap,
)
from openocs.scheduler.model import Assignment, GroupOperator, Problem, Schedule, SolveStatus

__all__ = ["TimeSlicedKernel"]


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance. HiGHS prints its banner on the process's standard output the
    first time an instance is created, which would corrupt ``plan --json``: the banner is sent to
    /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs: highspy.Highs = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs


class TimeSlicedKernel:
    """Time-sliced binary programme on HiGHS (see module docstring)."""

    name = "timesliced"

    def __init__(
        self,
        *,
        slice_s: int = 300,
        mip_rel_gap: float = 0.001,
        max_columns: int = 3_000_000,
        threads: int = 2,
    ) -> None:
        self.slice_s = slice_s
        self.mip_rel_gap = mip_rel_gap
        self.max_columns = max_columns
        self.threads = threads

    def solve(self, problem: Problem, *, time_limit_s: float, seed: int = 0) -> Schedule:
        why = invalid_time_limit(time_limit_s)
        if why is not None:
            return Schedule(self.name, SolveStatus.FAILED, message=why)
        started = time.perf_counter()
        prepared = prepare(problem)
        base_s, slice_s = problem.start_s, self.slice_s

        columns: list[tuple[int, str, int, int, float]] = []  # request, telescope, start, d, p
        rows: list[list[int]] = []
        request_rows: dict[int, list[int]] = {}
        slice_cols: dict[tuple[str, int], list[int]] = defaultdict(list)
        kept_columns: dict[int, float] = {}  # column at a request's incumbent → stability bonus
        for options in prepared.candidates():
            request = options.request
            duration_s = request.duration_s
            mine: list[int] = []
            for key in sorted(options.options):
                for low_s, end_s in options.options[key]:
                    high_s = end_s - duration_s
                    first = (low_s - base_s) // slice_s + 1
                    starts = [low_s] + [
                        base_s + k * slice_s
                        for k in range(first, (high_s - base_s) // slice_s + 1)
                        if base_s + k * slice_s > low_s
                    ]
                    if (
                        options.incumbent is not None
                        and options.incumbent[0] == key
                        and low_s <= options.incumbent[1] <= high_s
                        and options.incumbent[1] not in starts
                    ):
                        starts.append(options.incumbent[1])
                    for start_s in starts:
                        column = len(columns)
                        if column >= self.max_columns:
                            return Schedule(
                                self.name,
                                SolveStatus.FAILED,
                                build_time_s=time.perf_counter() - started,
                                message=f"model exceeds max_columns={self.max_columns}",
                            )
                        columns.append((request.id, key, start_s, duration_s, options.priority))
                        if options.incumbent == (key, start_s):
                            kept_columns[column] = problem.stability_bonus(options.priority)
                        mine.append(column)
                        first_slice = (start_s - base_s) // slice_s
                        last_slice = (start_s + duration_s - 1 - base_s) // slice_s
                        for k in range(first_slice, last_slice + 1):
                            slice_cols[(key, k)].append(column)
            request_rows[request.id] = mine
        if not columns:
            return Schedule(
                self.name,
                SolveStatus.OPTIMAL,
                build_time_s=time.perf_counter() - started,
                message="no request has a candidate interval",
            )

        equalities: list[tuple[list[int], list[int]]] = []
        for group in problem.groups:
            members = [r.id for r in group.requests if r.id in request_rows]
            if group.operator is GroupOperator.ONEOF and len(members) > 1:
                rows.append([c for rid in members for c in request_rows[rid]])
                for rid in members:
                    request_rows.pop(rid)
            elif group.operator is GroupOperator.AND and len(members) > 1:
                equalities.extend(
                    (request_rows[members[0]], request_rows[other]) for other in members[1:]
                )
        rows.extend(cols for cols in request_rows.values() if len(cols) > 1)
        rows.extend(cols for cols in slice_cols.values() if len(cols) > 1)

        highs = new_highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("time_limit", float(time_limit_s))
        highs.setOptionValue("mip_rel_gap", self.mip_rel_gap)
        highs.setOptionValue("random_seed", int(seed))
        highs.setOptionValue("threads", self.threads)
        num_cols = len(columns)
        costs = np.array(
            [
                p + earliness_bonus(problem, s) + kept_columns.get(column, 0.0)
                for column, (_, _, s, _, p) in enumerate(columns)
            ],
            dtype=np.float64,
        )
        highs.addCols(
            num_cols,
            costs,
            np.zeros(num_cols),
            np.ones(num_cols),
            0,
            np.array([], dtype=np.int32),
            np.array([], dtype=np.int32),
            np.array([]),
        )
        lower = [-highs.inf] * len(rows) + [0.0] * len(equalities)
        upper = [1.0] * len(rows) + [0.0] * len(equalities)
        starts_list: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        for cols in rows:
            starts_list.append(len(indices))
            indices.extend(cols)
            values.extend([1.0] * len(cols))
        for left, right in equalities:
            starts_list.append(len(indices))
            indices.extend(left)
            values.extend([1.0] * len(left))
            indices.extend(right)
            values.extend([-1.0] * len(right))
        highs.addRows(
            len(lower),
            np.array(lower),
            np.array(upper),
            len(indices),
            np.array(starts_list, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values),
        )
        highs.changeColsIntegrality(
            num_cols,
            np.arange(num_cols, dtype=np.int32),
            np.array([highspy.HighsVarType.kInteger] * num_cols),
        )
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        built = time.perf_counter()
        highs.run()
        solved = time.perf_counter()
        model_status = highs.getModelStatus()
        info = highs.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not has_solution:
            return Schedule(
                self.name,
                SolveStatus.FAILED,
                build_time_s=built - started,
                solve_time_s=solved - built,
                num_candidates=num_cols,
                message=f"HiGHS: {highs.modelStatusToString(model_status)}",
            )
        solution = np.asarray(highs.getSolution().col_value)
        assignments = sorted(
            (
                Assignment(rid, key, start_s, start_s + duration_s, priority)
                for (rid, key, start_s, duration_s, priority), v in zip(
                    columns, solution, strict=True
                )
                if v > 0.5
            ),
            key=lambda a: (a.telescope_key, a.start_s),
        )
        value, objective = objective_of(problem, assignments)
        bound = max(float(info.mip_dual_bound), objective)
        optimal = model_status == highspy.HighsModelStatus.kOptimal
        return Schedule(
            kernel=self.name,
            status=SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE,
            assignments=tuple(assignments),
            value=value,
            objective=objective,
            bound=bound,
            gap=relative_gap(objective, bound),
            build_time_s=built - started,
            solve_time_s=solved - built,
            num_candidates=num_cols,
            message=f"HiGHS: {highs.modelStatusToString(model_status)}",
            stats={"rows": float(len(lower)), "columns": float(num_cols)},
        )
