"""Why a request was left out of a schedule (contract §6.9).

``explain(problem, schedule)`` returns one ``Explanation`` per request that the schedule does not
place: the first candidate-building stage that ruled it out (not pending, already running, no
window left, no telescope with its instrument/location, not visible in its windows, blocked by
downtime, blocked by running observations, impossible all-or-nothing group), or — when it did have
candidate intervals — the scheduled requests that occupy them ("lost to higher-priority work").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import StrEnum

from openocs.scheduler.candidates import Prepared, RequestOptions, Stage, prepare
from openocs.scheduler.model import Assignment, GroupOperator, Problem, Schedule

__all__ = ["Explanation", "Reason", "explain"]


class Reason(StrEnum):
    NOT_PENDING = "NOT_PENDING"
    RUNNING = "RUNNING"
    NO_WINDOW = "NO_WINDOW"
    NO_TELESCOPE = "NO_TELESCOPE"
    NOT_VISIBLE = "NOT_VISIBLE"
    BLOCKED_BY_DOWNTIME = "BLOCKED_BY_DOWNTIME"
    BLOCKED_BY_RUNNING = "BLOCKED_BY_RUNNING"
    GROUP_IMPOSSIBLE = "GROUP_IMPOSSIBLE"
    ONE_OF_CHOSEN = "ONE_OF_CHOSEN"
    LOST_TO_HIGHER_PRIORITY = "LOST_TO_HIGHER_PRIORITY"
    NOT_SELECTED = "NOT_SELECTED"
    SOLVE_FAILED = "SOLVE_FAILED"


REFERENCE_REASON = {
    Reason.NOT_PENDING: "InvalidRequest",
    Reason.RUNNING: "RequestIsRunning",
    Reason.NO_WINDOW: "NoWindowsRemaining",
    Reason.NO_TELESCOPE: "InvalidRequest",
    Reason.NOT_VISIBLE: "RequestIsNotVisible",
    Reason.BLOCKED_BY_DOWNTIME: "RequestIsNotVisible",
    Reason.BLOCKED_BY_RUNNING: "RequestIsNotVisible",
    Reason.GROUP_IMPOSSIBLE: "RequestGroupImpossible",
    Reason.ONE_OF_CHOSEN: "WasNotScheduled",
    Reason.LOST_TO_HIGHER_PRIORITY: "WasNotScheduled",
    Reason.NOT_SELECTED: "WasNotScheduled",
    Reason.SOLVE_FAILED: "WasNotScheduled",
}
"""The closest reason of the reference vocabulary (contract §6.9)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    request_id: int
    reason: Reason
    message: str
    competitors: tuple[int, ...] = ()
    """Scheduled requests occupying this request's candidate time, highest priority first."""

    @property
    def reference_reason(self) -> str:
        return REFERENCE_REASON[self.reason]


_STAGE_MESSAGES = {
    Stage.NO_WINDOW: (Reason.NO_WINDOW, "no window long enough remains inside the horizon"),
    Stage.NO_TELESCOPE: (
        Reason.NO_TELESCOPE,
        "no online telescope matches its location and hosts its instrument type(s)",
    ),
    Stage.NOT_VISIBLE: (Reason.NOT_VISIBLE, "not visible long enough inside its windows"),
    Stage.BLOCKED_BY_DOWNTIME: (
        Reason.BLOCKED_BY_DOWNTIME,
        "its visible time inside its windows is blocked by downtime",
    ),
    Stage.BLOCKED_BY_RUNNING: (
        Reason.BLOCKED_BY_RUNNING,
        "its possible time is taken by running observations",
    ),
    Stage.RUNNING: (Reason.RUNNING, "it is already running"),
}


def explain(
    problem: Problem, schedule: Schedule, *, prepared: Prepared | None = None
) -> dict[int, Explanation]:
    """One explanation per request of ``problem`` that ``schedule`` leaves out."""
    prepared = prepared or prepare(problem)
    placed = schedule.by_request()
    by_telescope: dict[str, list[Assignment]] = {}
    for assignment in schedule.assignments:
        by_telescope.setdefault(assignment.telescope_key, []).append(assignment)
    starts: dict[str, list[int]] = {}
    for key, items in by_telescope.items():
        items.sort(key=lambda a: a.start_s)
        starts[key] = [a.start_s for a in items]
    longest_s = max((a.end_s - a.start_s for a in schedule.assignments), default=0)

    result: dict[int, Explanation] = {}
    for request_id, options in prepared.requests.items():
        if request_id in placed:
            continue
        result[request_id] = _explain_one(
            options, schedule, placed, by_telescope, starts, longest_s
        )
    return result


def _explain_one(
    options: RequestOptions,
    schedule: Schedule,
    placed: dict[int, Assignment],
    by_telescope: dict[str, list[Assignment]],
    starts: dict[str, list[int]],
    longest_s: int,
) -> Explanation:
    request = options.request
    if options.stage is Stage.NOT_PENDING:
        return Explanation(
            request.id, Reason.NOT_PENDING, f"its state is {request.state}, not PENDING"
        )
    if options.stage in _STAGE_MESSAGES:
        reason, message = _STAGE_MESSAGES[options.stage]
        return Explanation(request.id, reason, message)
    if options.stage is Stage.GROUP_IMPOSSIBLE:
        return Explanation(
            request.id,
            Reason.GROUP_IMPOSSIBLE,
            f"another request of its all-or-nothing group {options.group.id} cannot be scheduled",
        )
    if not schedule.ok:
        return Explanation(request.id, Reason.SOLVE_FAILED, f"the solve failed: {schedule.message}")
    if options.group.operator is GroupOperator.ONEOF:
        chosen = tuple(r.id for r in options.group.requests if r.id in placed)
        if chosen:
            return Explanation(
                request.id,
                Reason.ONE_OF_CHOSEN,
                f"request {chosen[0]} of its one-of group was scheduled instead",
                chosen,
            )
    competitors: dict[int, float] = {}
    for key, spans in options.options.items():
        items = by_telescope.get(key, [])
        key_starts = starts.get(key, [])
        for low_s, end_s in spans:
            index = bisect.bisect_left(key_starts, low_s - longest_s)
            while index < len(items) and items[index].start_s < end_s:
                item = items[index]
                if item.end_s > low_s:
                    competitors[item.request_id] = item.priority
                index += 1
    if not competitors:
        return Explanation(
            request.id,
            Reason.NOT_SELECTED,
            "it had free candidate time but was not selected (group constraint, or the search "
            f"stopped at gap {schedule.gap:.2%})",
        )
    ranked = tuple(sorted(competitors, key=lambda rid: (-competitors[rid], rid)))
    higher = [rid for rid in ranked if competitors[rid] >= options.priority]
    shown = ", ".join(str(rid) for rid in ranked[:8]) + (" …" if len(ranked) > 8 else "")
    if higher:
        message = f"lost to higher-priority work: its candidate time is taken by request(s) {shown}"
    else:
        message = (
            f"lost to more valuable work: its candidate time is taken by request(s) {shown}, "
            "worth more together"
        )
    return Explanation(request.id, Reason.LOST_TO_HIGHER_PRIORITY, message, ranked)
