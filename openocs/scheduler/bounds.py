"""Cheap, valid upper bounds on the objective of a prepared problem.

- ``trivial_bound``: every candidate request placed, each with its best earliness bonus.

Both bounds count, for a request with a feasible incumbent, the larger of that best bonus and
the bonus of keeping the incumbent (earliness at its start + ``Problem.stability_bonus``), so
they stay valid bounds of the objective with stability.

- ``segment_lp_bound``: a linear programme solved by HiGHS. On each telescope, candidate time
  falls into connected *segments* (roughly: nights). One variable ``y ∈ [0, 1]`` per (request,
  telescope, segment) where the request has a candidate interval; per request ``Σ y ≤ 1`` (per
  group for ONEOF); per (telescope, segment) ``Σ duration·y ≤ segment length``; maximise
  ``Σ (priority + best bonus in that segment)·y``. Every valid schedule is a feasible point
  (non-overlapping observations inside one segment fit in its length), so the LP optimum bounds
  every schedule. Energetic cuts add, for every window spanned by one column's candidate time
  on a telescope, ``Σ duration·y ≤ window length`` over the columns lying inside it. On
  oversubscribed networks this is far tighter than the trivial bound. The members of an AND
  group are placed to the same extent (``Σ y`` equal), since all or none of them run.
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict

import highspy
import numpy as np

from openocs.scheduler.candidates import Prepared, RequestOptions
from openocs.scheduler.intervals import Interval, normalise
from openocs.scheduler.kernels import earliness_bonus
from openocs.scheduler.model import GroupOperator

__all__ = ["incumbent_bonus", "segment_lp_bound", "trivial_bound"]

logger = logging.getLogger(__name__)

_SAFETY = 1e-7
"""Relative margin added to the LP optimum to absorb solver tolerances."""


def incumbent_bonus(prepared: Prepared, options: RequestOptions) -> float | None:
    """Earliness + stability bonus of ``options`` kept at its feasible incumbent, or None."""
    if options.incumbent is None:
        return None
    problem = prepared.problem
    return earliness_bonus(problem, options.incumbent[1]) + problem.stability_bonus(
        options.priority
    )


def trivial_bound(prepared: Prepared) -> float:
    problem = prepared.problem
    total = 0.0
    for options in prepared.candidates():
        best = max(earliness_bonus(problem, spans[0][0]) for spans in options.options.values())
        kept = incumbent_bonus(prepared, options)
        total += options.priority + (best if kept is None else max(best, kept))
    return total


def segment_lp_bound(
    prepared: Prepared,
    *,
    time_limit_s: float = 30.0,
    max_cut_entries: int = 200_000,
    iteration_limit: int | None = None,
) -> float | None:
    """The segment LP bound (module docstring), or None when HiGHS does not reach optimality.

    The work is bounded by a count, not a clock, so that the bound of an input does not depend
    on the machine's load: at most ``iteration_limit`` simplex iterations (default
    ``50 × (rows + columns)``, far above what these LPs need: about ``0.5 × rows``).
    ``time_limit_s`` is only a safety net (the caller's deadline): when either ends the solve
    first, there is no LP bound (None) and the caller keeps the trivial one. (HiGHS keeps one
    thread pool per process, so the thread count is left alone.)"""
    from openocs.scheduler.timesliced import new_highs

    problem = prepared.problem
    candidates = prepared.candidates()
    if not candidates:
        return 0.0
    spans_by_telescope: dict[str, list[Interval]] = defaultdict(list)
    for options in candidates:
        for key, spans in options.options.items():
            spans_by_telescope[key].extend(spans)
    segments = {key: normalise(spans) for key, spans in spans_by_telescope.items()}
    segment_starts = {key: [s for s, _ in segs] for key, segs in segments.items()}

    costs: list[float] = []
    request_rows: dict[int, list[int]] = {}
    capacity_cols: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    hulls: dict[tuple[str, int], list[tuple[int, int, int, int]]] = defaultdict(list)
    for options in candidates:
        mine: list[int] = []
        for key in sorted(options.options):
            best: dict[int, float] = {}
            hull: dict[int, tuple[int, int]] = {}
            for low_s, end_s in options.options[key]:
                index = bisect.bisect_right(segment_starts[key], low_s) - 1
                bonus = earliness_bonus(problem, low_s)
                best[index] = max(best.get(index, bonus), bonus)
                first_s, last_s = hull.get(index, (low_s, end_s))
                hull[index] = (min(first_s, low_s), max(last_s, end_s))
            kept = incumbent_bonus(prepared, options)
            if kept is not None and options.incumbent is not None and options.incumbent[0] == key:
                index = bisect.bisect_right(segment_starts[key], options.incumbent[1]) - 1
                best[index] = max(best[index], kept)
            for index, bonus in sorted(best.items()):
                column = len(costs)
                costs.append(options.priority + bonus)
                mine.append(column)
                duration_s = options.request.duration_s
                capacity_cols[(key, index)].append((column, duration_s))
                hulls[(key, index)].append((*hull[index], column, duration_s))
        request_rows[options.request.id] = mine

    rows: list[tuple[list[int], list[float], float]] = []
    equalities: list[tuple[list[int], list[float]]] = []
    for group in problem.groups:
        members = [r.id for r in group.requests if r.id in request_rows]
        if group.operator is GroupOperator.ONEOF and len(members) > 1:
            cols = [c for rid in members for c in request_rows.pop(rid)]
            rows.append((cols, [1.0] * len(cols), 1.0))
        elif group.operator is GroupOperator.AND and len(members) > 1:
            # all or nothing: every member is placed to the same (fractional) extent
            leader = request_rows[members[0]]
            for other in members[1:]:
                cols = leader + request_rows[other]
                coefficients = [1.0] * len(leader) + [-1.0] * len(request_rows[other])
                equalities.append((cols, coefficients))
    rows.extend((cols, [1.0] * len(cols), 1.0) for cols in request_rows.values() if len(cols) > 1)
    for (key, index), entries in capacity_cols.items():
        start_s, end_s = segments[key][index]
        if sum(d for _, d in entries) > end_s - start_s:
            rows.append(([c for c, _ in entries], [float(d) for _, d in entries], end_s - start_s))
    # energetic cuts: the columns whose candidate time lies inside a window W fit in |W|, for
    # every window W spanned by some column (within a budget of matrix entries)
    budget = max_cut_entries
    for column_hulls in hulls.values():
        column_hulls.sort()
        for low_s, high_s in sorted({(m[0], m[1]) for m in column_hulls}):
            first = bisect.bisect_left(column_hulls, (low_s, low_s, -1, -1))
            inside = [m for m in column_hulls[first:] if m[1] <= high_s]
            if len(inside) < 2 or sum(m[3] for m in inside) <= high_s - low_s:
                continue
            if budget < len(inside):
                break
            budget -= len(inside)
            rows.append(([m[2] for m in inside], [float(m[3]) for m in inside], high_s - low_s))

    highs = new_highs()
    highs.setOptionValue("time_limit", float(time_limit_s))
    highs.setOptionValue("solver", "simplex")
    budget_iterations = (
        iteration_limit if iteration_limit is not None else 50 * (len(rows) + len(costs) + 1)
    )
    highs.setOptionValue("simplex_iteration_limit", int(budget_iterations))
    num_cols = len(costs)
    highs.addCols(
        num_cols, np.array(costs), np.zeros(num_cols), np.ones(num_cols), 0,
        np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]),
    )  # fmt: skip
    starts: list[int] = []
    indices: list[int] = []
    values: list[float] = []
    for cols, coefficients, _ in rows:
        starts.append(len(indices))
        indices.extend(cols)
        values.extend(coefficients)
    for cols, coefficients in equalities:
        starts.append(len(indices))
        indices.extend(cols)
        values.extend(coefficients)
    lower = [-highs.inf] * len(rows) + [0.0] * len(equalities)
    upper = [float(r[2]) for r in rows] + [0.0] * len(equalities)
    if lower:
        highs.addRows(
            len(lower), np.array(lower), np.array(upper),
            len(indices), np.array(starts, dtype=np.int32), np.array(indices, dtype=np.int32),
            np.array(values),
        )  # fmt: skip
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        logger.warning(
            "segment LP bound not proven: %s", highs.modelStatusToString(highs.getModelStatus())
        )
        return None
    value = float(highs.getInfo().objective_function_value)
    return value * (1 + _SAFETY) + _SAFETY
