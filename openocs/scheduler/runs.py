"""What the daemon reports about each scheduling run: when, how long, the kernel, how many
requests it considered, placed and left out, value, bound and gap, and why each request was left
out (``explain``, contract §6.9).

``run_record`` is pure: it turns a cycle's report (``CycleReport``) into a :class:`RunRecord`;
``RunRecord.document`` is the JSON body of the portal's ``POST /api/scheduler/runs/`` (an
OpenOCS extension), within the portal's size limits. Sending it is the data source's business
(``RunReporter``); a portal that refuses it or is down never stops scheduling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openocs.clients.scheduling import RUN_MAX_COMPETITORS, RUN_MAX_LEFT_OUT, RUN_MAX_MESSAGE
from openocs.scheduler.explain import Explanation, explain
from openocs.scheduler.passes import PassPlan

__all__ = ["LeftOut", "PassSummary", "RunRecord", "explain_passes", "run_record"]

MAX_LEFT_OUT = RUN_MAX_LEFT_OUT
MAX_COMPETITORS = RUN_MAX_COMPETITORS
MAX_MESSAGE = RUN_MAX_MESSAGE
MAX_ERROR = 2000
MAX_TRIGGER = 200


@dataclass(frozen=True, slots=True)
class LeftOut:
    request_id: int
    reason: str
    reference_reason: str
    message: str
    competitors: tuple[int, ...] = ()

    @classmethod
    def of(cls, explanation: Explanation) -> LeftOut:
        return cls(
            explanation.request_id,
            explanation.reason.value,
            explanation.reference_reason,
            explanation.message,
            explanation.competitors,
        )


@dataclass(frozen=True, slots=True)
class PassSummary:
    name: str
    kernel: str
    status: str
    placed: int
    value: float | None
    bound: float | None
    gap: float | None
    solve_time_s: float
    message: str = ""

    @classmethod
    def of(cls, plan: PassPlan) -> PassSummary:
        schedule = plan.schedule
        return cls(
            plan.name,
            schedule.kernel,
            schedule.status.value,
            len(schedule.assignments),
            schedule.value if schedule.ok else None,
            schedule.bound if schedule.ok else None,
            schedule.gap if schedule.ok else None,
            schedule.solve_time_s,
            schedule.message,
        )


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One scheduling run as reported to the portal."""

    started: datetime
    ended: datetime
    kernel: str
    trigger: str
    ok: bool
    error: str = ""
    dry_run: bool = False
    requests_considered: int = 0
    created: int = 0
    cancelled: int = 0
    aborted: int = 0
    passes: tuple[PassSummary, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    requests_placed: int = 0

    @property
    def duration_s(self) -> float:
        return max((self.ended - self.started).total_seconds(), 0.0)

    @property
    def value(self) -> float | None:
        values = [p.value for p in self.passes if p.value is not None]
        return sum(values) if values else None

    @property
    def main_pass(self) -> PassSummary | None:
        """The normal pass (whose search may stop at a gap), else the last one."""
        named = [p for p in self.passes if p.name == "normal"]
        return named[0] if named else (self.passes[-1] if self.passes else None)

    def document(self, *, telescope_classes: Sequence[str] = ()) -> dict[str, Any]:
        """The body of ``POST /api/scheduler/runs/``: at most ``MAX_LEFT_OUT`` left-out requests
        (the lowest ids; ``requests_left_out`` keeps the full count), each with at most
        ``MAX_COMPETITORS`` competitors, texts cut to the portal's limits."""
        main = self.main_pass
        return {
            "started": _iso(self.started),
            "ended": _iso(self.ended),
            "duration_s": round(self.duration_s, 3),
            "kernel": self.kernel[:64],
            "trigger": self.trigger[:MAX_TRIGGER],
            "telescope_classes": list(telescope_classes),
            "ok": self.ok,
            "error": self.error[:MAX_ERROR],
            "dry_run": self.dry_run,
            "requests_considered": self.requests_considered,
            "requests_placed": self.requests_placed,
            "requests_left_out": len(self.left_out),
            "created": self.created,
            "cancelled": self.cancelled,
            "aborted": self.aborted,
            "value": self.value,
            "bound": main.bound if main is not None else None,
            "gap": main.gap if main is not None else None,
            "passes": [_pass_document(p) for p in self.passes],
            "left_out": [
                {
                    "request": item.request_id,
                    "reason": item.reason,
                    "reference_reason": item.reference_reason,
                    "message": item.message[:MAX_MESSAGE],
                    "competitors": list(item.competitors[:MAX_COMPETITORS]),
                }
                for item in sorted(self.left_out, key=lambda i: i.request_id)[:MAX_LEFT_OUT]
            ],
        }


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _pass_document(summary: PassSummary) -> dict[str, Any]:
    return {
        "name": summary.name,
        "kernel": summary.kernel[:64],
        "status": summary.status[:40],
        "placed": summary.placed,
        "value": summary.value,
        "bound": summary.bound,
        "gap": summary.gap,
        "solve_time_s": round(summary.solve_time_s, 3),
        "message": summary.message[:MAX_MESSAGE],
    }


def explain_passes(passes: Sequence[PassPlan]) -> dict[int, Explanation]:
    """Why each request of the passes' problems was left out (passes without a problem are
    skipped)."""
    result: dict[int, Explanation] = {}
    for plan in passes:
        if plan.problem is not None:
            result.update(explain(plan.problem, plan.schedule))
    return result


def run_record(
    *,
    started: datetime,
    ended: datetime,
    kernel: str,
    trigger: str,
    ok: bool,
    error: str,
    dry_run: bool,
    requests_considered: int,
    counts: Mapping[str, int],
    passes: Sequence[PassPlan],
) -> RunRecord:
    """The record of one run from what the cycle did (``counts``: created, cancelled,
    aborted) and the passes it planned."""
    left_out = explain_passes(passes)
    return RunRecord(
        started=started,
        ended=ended,
        kernel=kernel,
        trigger=trigger,
        ok=ok,
        error=error,
        dry_run=dry_run,
        requests_considered=requests_considered,
        created=counts.get("created", 0),
        cancelled=counts.get("cancelled", 0),
        aborted=counts.get("aborted", 0),
        passes=tuple(PassSummary.of(p) for p in passes),
        left_out=tuple(
            LeftOut.of(e) for e in sorted(left_out.values(), key=lambda e: e.request_id)
        ),
        requests_placed=sum(len(p.schedule.assignments) for p in passes),
    )
