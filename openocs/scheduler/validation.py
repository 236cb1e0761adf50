"""Independent checks of a schedule against its problem (used by tests and before any write).

``schedule_violations`` re-derives the candidate intervals and reports every broken rule: unknown
or repeated requests, wrong durations, ineligible telescopes, placements outside the request's
windows/visibility or inside downtime or running time, overlaps on a telescope, broken
all-or-nothing or one-of groups.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from openocs.scheduler.candidates import Prepared, prepare
from openocs.scheduler.model import GroupOperator, Problem, Schedule

__all__ = ["schedule_violations"]


def schedule_violations(
    problem: Problem, schedule: Schedule, *, prepared: Prepared | None = None
) -> list[str]:
    """Every rule ``schedule`` breaks (an empty list for a valid schedule)."""
    prepared = prepared or prepare(problem)
    problems: list[str] = []
    seen: set[int] = set()
    by_telescope: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for a in schedule.assignments:
        options = prepared.requests.get(a.request_id)
        if options is None:
            problems.append(f"request {a.request_id} is not part of the problem")
            continue
        if a.request_id in seen:
            problems.append(f"request {a.request_id} is placed more than once")
        seen.add(a.request_id)
        if a.end_s - a.start_s != options.request.duration_s:
            problems.append(f"request {a.request_id} does not last its duration")
        spans = options.options.get(a.telescope_key)
        if not spans:
            problems.append(f"request {a.request_id} cannot run on {a.telescope_key}")
        elif not any(low <= a.start_s and a.end_s <= high for low, high in spans):
            problems.append(
                f"request {a.request_id} on {a.telescope_key} at [{a.start_s}, {a.end_s}) lies "
                "outside its windows, visibility, or inside downtime or running time"
            )
        by_telescope[a.telescope_key].append((a.start_s, a.end_s, a.request_id))
    for key, items in by_telescope.items():
        items.sort()
        for (_, end_s, first), (start_s, _, second) in itertools.pairwise(items):
            if start_s < end_s:
                problems.append(f"requests {first} and {second} overlap on {key}")
    for group in problem.groups:
        placed = [r.id for r in group.requests if r.id in seen]
        if group.operator is GroupOperator.AND and 0 < len(placed) < len(group.requests):
            problems.append(f"all-or-nothing group {group.id} is only partly scheduled")
        if group.operator is GroupOperator.ONEOF and len(placed) > 1:
            problems.append(f"one-of group {group.id} has {len(placed)} requests scheduled")
    return problems
