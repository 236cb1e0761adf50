"""Half-open integer-second intervals ``[start_s, end_s)`` and the set algebra the scheduler needs.

Every function takes and returns *normalised* interval lists: sorted by start, non-empty,
non-overlapping and non-touching. Times are integer seconds from the problem epoch.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from itertools import chain

Interval = tuple[int, int]
"""``(start_s, end_s)``: seconds from the problem epoch, end exclusive."""

__all__ = ["Interval", "clip", "intersect", "normalise", "subtract", "total_length_s"]


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort, drop empty intervals and merge overlapping or touching ones."""
    if isinstance(intervals, list | tuple) and _is_normalised(intervals):
        return list(intervals)  # already normalised (visibility read from a file usually is)
    ordered = sorted((int(a), int(b)) for a, b in intervals if b > a)
    merged: list[Interval] = []
    for start_s, end_s in ordered:
        if merged and start_s <= merged[-1][1]:
            if end_s > merged[-1][1]:
                merged[-1] = (merged[-1][0], end_s)
        else:
            merged.append((start_s, end_s))
    return merged


def _is_normalised(intervals: Sequence[Interval]) -> bool:
    """Whether ``intervals`` are tuples of two ints, each end after its start and before the
    next start (sorted, non-empty, non-touching); every check runs in C."""
    if not set(map(type, intervals)) <= {tuple} or not set(map(len, intervals)) <= {2}:
        return False
    flat = list(chain.from_iterable(intervals))
    return set(map(type, flat)) <= {int} and all(map(operator.lt, flat, flat[1:]))


def intersect(first: Sequence[Interval], second: Sequence[Interval]) -> list[Interval]:
    """Intersection of two normalised lists (linear sweep)."""
    result: list[Interval] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start_s = max(first[i][0], second[j][0])
        end_s = min(first[i][1], second[j][1])
        if end_s > start_s:
            result.append((start_s, end_s))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return result


def subtract(base: Sequence[Interval], removed: Sequence[Interval]) -> list[Interval]:
    """``base`` minus ``removed`` (both normalised)."""
    if not removed:
        return list(base)
    result: list[Interval] = []
    j = 0
    for start_s, end_s in base:
        cursor = start_s
        while j < len(removed) and removed[j][1] <= cursor:
            j += 1
        k = j
        while k < len(removed) and removed[k][0] < end_s:
            if removed[k][0] > cursor:
                result.append((cursor, removed[k][0]))
            cursor = max(cursor, removed[k][1])
            if cursor >= end_s:
                break
            k += 1
        if cursor < end_s:
            result.append((cursor, end_s))
    return result


def clip(intervals: Sequence[Interval], start_s: int, end_s: int) -> list[Interval]:
    """Restrict a normalised list to ``[start_s, end_s)``."""
    return intersect(intervals, [(start_s, end_s)]) if end_s > start_s else []


def total_length_s(intervals: Iterable[Interval]) -> int:
    """Sum of the lengths of the intervals, seconds."""
    return sum(end_s - start_s for start_s, end_s in intervals)
