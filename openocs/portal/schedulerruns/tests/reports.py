"""Run reports as the scheduler daemon sends them (small builders for the tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

STARTED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def left_out(request_id: int, reason: str = "NOT_VISIBLE", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "request": request_id,
        "reason": reason,
        "reference_reason": "RequestIsNotVisible",
        "message": "not visible long enough inside its windows",
        "competitors": [],
    }
    return {**item, **changes}


def run_report(
    *, at: datetime = STARTED, items: list[dict[str, Any]] | None = None, **changes: Any
) -> dict[str, Any]:
    items = items if items is not None else [left_out(7)]
    report: dict[str, Any] = {
        "started": iso(at),
        "ended": iso(at + timedelta(seconds=42)),
        "duration_s": 42.0,
        "kernel": "cpsat",
        "trigger": "first run",
        "telescope_classes": [],
        "ok": True,
        "error": "",
        "dry_run": False,
        "requests_considered": 10,
        "requests_placed": 10 - len(items),
        "requests_left_out": len(items),
        "created": 3,
        "cancelled": 1,
        "aborted": 0,
        "value": 95.5,
        "bound": 97.0,
        "gap": 0.0155,
        "passes": [
            {"name": "rapid_response", "kernel": "cpsat", "status": "OPTIMAL", "placed": 0},
            {
                "name": "normal",
                "kernel": "cpsat",
                "status": "FEASIBLE",
                "placed": 10 - len(items),
                "value": 95.5,
                "bound": 97.0,
                "gap": 0.0155,
                "solve_time_s": 30.2,
            },
        ],
        "left_out": items,
    }
    return {**report, **changes}
