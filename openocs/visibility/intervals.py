"""Interval algebra on many objects at once.

A constraint's outcome for N objects is an :class:`Edges` set: the state of each object at the
start of the computation range and the times where it switches on (+1) or off (−1). Intersecting
K constraints is counting: an object is observable where all K are on. Everything is arrays; the
result is coalesced, sorted and clipped half-open intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from openocs.visibility.roots import RootFunction, find_roots
from openocs.visibility.timescales import from_unix_s

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

Interval = tuple[dt.datetime, dt.datetime]
Edge = TypeVar("Edge", dt.datetime, float)


@dataclass(frozen=True)
class Edges:
    """State switches of one constraint for N objects."""

    initially_on: BoolArray
    index: IntArray
    time_s: FloatArray
    delta: IntArray

    @classmethod
    def constant(cls, n: int, *, on: bool) -> Edges:
        empty_i = np.zeros(0, dtype=np.intp)
        return cls(np.full(n, on), empty_i, np.zeros(0), empty_i.copy())

    def broadcast(self, n: int) -> Edges:
        """Repeat a one-object (site-level) edge set for n objects."""
        if n == 1:
            return self
        count = self.time_s.size
        return Edges(
            initially_on=np.full(n, bool(self.initially_on[0])),
            index=np.repeat(np.arange(n, dtype=np.intp), count),
            time_s=np.tile(self.time_s, n),
            delta=np.tile(self.delta, n),
        )


def edges_from_grid(func: RootFunction, grid_s: FloatArray, values: FloatArray) -> Edges:
    """Edges of ``func >= 0`` for N objects sampled on per-object grids (N, G).

    Each grid cell with a sign change holds one root, refined by :func:`find_roots`.
    """
    on = values >= 0
    change = on[:, 1:] != on[:, :-1]
    row, col = np.nonzero(change)
    row = row.astype(np.intp)
    roots = find_roots(
        func,
        row,
        grid_s[row, col],
        grid_s[row, col + 1],
        values[row, col],
        values[row, col + 1],
    )
    delta = np.where(on[row, col + 1], 1, -1).astype(np.intp)
    return Edges(initially_on=on[:, 0].copy(), index=row, time_s=roots, delta=delta)


@dataclass(frozen=True)
class IntervalArrays:
    """Coalesced intervals of N objects: parallel arrays sorted by (index, start)."""

    n: int
    index: IntArray
    start_s: FloatArray
    end_s: FloatArray

    def as_datetimes(self) -> list[list[Interval]]:
        """One list of (start, end) datetimes per object."""
        result: list[list[Interval]] = [[] for _ in range(self.n)]
        # Many objects share edges (the site's twilights, the window's ends): convert each once.
        made: dict[float, dt.datetime] = {}
        for i, s, e in zip(
            self.index.tolist(), self.start_s.tolist(), self.end_s.tolist(), strict=True
        ):
            start = made.get(s)
            if start is None:
                start = made[s] = from_unix_s(s)
            end = made.get(e)
            if end is None:
                end = made[e] = from_unix_s(e)
            result[i].append((start, end))
        return result


def intersect(
    edge_sets: Sequence[Edges],
    n: int,
    range_start_s: float,
    range_end_s: float,
    clip_start_s: float,
    clip_end_s: float,
) -> IntervalArrays:
    """Where all constraints are on, per object; clipped to [clip_start_s, clip_end_s)."""
    k = len(edge_sets)
    start_count = np.zeros(n, dtype=np.intp)
    for edges in edge_sets:
        start_count += edges.initially_on.astype(np.intp)
    index = np.concatenate([e.index for e in edge_sets]) if k else np.zeros(0, np.intp)
    time_s = np.concatenate([e.time_s for e in edge_sets]) if k else np.zeros(0)
    delta = np.concatenate([e.delta for e in edge_sets]) if k else np.zeros(0, np.intp)
    order = np.lexsort((time_s, index))
    index, time_s, delta = index[order], time_s[order], delta[order]
    cumulative = np.cumsum(delta)
    before = cumulative - delta
    group_first = np.ones(index.size, dtype=bool)
    group_first[1:] = index[1:] != index[:-1]
    first_pos = np.maximum.accumulate(np.where(group_first, np.arange(index.size), 0))
    count = start_count[index] + cumulative - before[first_pos]
    previous = count - delta
    enters = (count == k) & (previous != k)
    leaves = (previous == k) & (count != k)
    final_count = start_count + np.bincount(index, weights=delta, minlength=n).astype(np.intp)

    on_at_start = np.flatnonzero(start_count == k)
    on_at_end = np.flatnonzero(final_count == k)
    s_index = np.concatenate([on_at_start, index[enters]])
    s_time = np.concatenate([np.full(on_at_start.size, range_start_s), time_s[enters]])
    e_index = np.concatenate([index[leaves], on_at_end])
    e_time = np.concatenate([time_s[leaves], np.full(on_at_end.size, range_end_s)])
    s_order = np.lexsort((s_time, s_index))
    e_order = np.lexsort((e_time, e_index))
    return _clip_and_coalesce(
        n,
        s_index[s_order].astype(np.intp),
        s_time[s_order],
        e_time[e_order],
        clip_start_s,
        clip_end_s,
    )


def intersect_one(
    edge_sets: Sequence[Edges],
    range_start_s: float,
    range_end_s: float,
    clip_start_s: float,
    clip_end_s: float,
) -> list[Interval]:
    """:func:`intersect` for one object, in plain Python (a few dozen edges: faster than the
    fixed cost of the array operations) with the same arithmetic and the same results."""
    k = len(edge_sets)
    count = 0
    times: list[float] = []
    deltas: list[int] = []
    for edges in edge_sets:
        count += bool(edges.initially_on[0])
        times += edges.time_s.tolist()
        deltas += edges.delta.tolist()
    # A stable sort by time, as the lexsort of the arrays (ties keep the constraints' order).
    order = sorted(range(len(times)), key=times.__getitem__)
    starts: list[float] = [range_start_s] if count == k else []
    ends: list[float] = []
    for i in order:
        before = count
        count += deltas[i]
        if count == k and before != k:
            starts.append(times[i])
        elif before == k and count != k:
            ends.append(times[i])
    if count == k:
        ends.append(range_end_s)
    starts.sort()
    ends.sort()
    result: list[tuple[float, float]] = []
    last_end = -math.inf
    for start, end in zip(starts, ends, strict=True):
        # np.round(x, 3) is x·1000 rounded half to even, then divided by 1000: the same here.
        start = max(round(start * 1000.0) / 1000.0, clip_start_s)
        end = min(round(end * 1000.0) / 1000.0, clip_end_s)
        if not start < end:
            continue
        if result and not start > last_end:
            last_end = max(last_end, end)
            result[-1] = (result[-1][0], last_end)
        else:
            last_end = end
            result.append((start, end))
    return [(from_unix_s(s), from_unix_s(e)) for s, e in result]


def _clip_and_coalesce(
    n: int, index: IntArray, start: FloatArray, end: FloatArray, lo: float, hi: float
) -> IntervalArrays:
    # Millisecond rounding makes results independent of the window bounds bit for bit.
    start = np.maximum(np.asarray(np.round(start, 3), dtype=np.float64), lo)
    end = np.minimum(np.asarray(np.round(end, 3), dtype=np.float64), hi)
    keep = start < end
    index, start, end = index[keep], start[keep], end[keep]
    if index.size == 0:
        return IntervalArrays(n, index, start, end)
    new_group = np.ones(index.size, dtype=bool)
    new_group[1:] = (index[1:] != index[:-1]) | (start[1:] > end[:-1])
    firsts = np.flatnonzero(new_group)
    return IntervalArrays(
        n,
        index[firsts],
        start[firsts],
        np.maximum.reduceat(end, firsts),
    )


def coalesce(intervals: Sequence[Interval]) -> list[Interval]:
    """Sort and merge touching or overlapping datetime intervals, dropping empty ones."""
    pieces = sorted((s, e) for s, e in intervals if s < e)
    merged: list[Interval] = []
    for s, e in pieces:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def intersect_lists(
    a: Sequence[tuple[Edge, Edge]], b: Sequence[tuple[Edge, Edge]]
) -> list[tuple[Edge, Edge]]:
    """Intersection of two coalesced interval lists (of datetimes, or of Unix seconds)."""
    result: list[tuple[Edge, Edge]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if s < e:
            result.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result
