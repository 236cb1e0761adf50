"""Recording the scheduler's runs (the only writes of this app)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from openocs.portal.schedulerruns import conf
from openocs.portal.schedulerruns.models import LeftOutRequest, SchedulerRun


@transaction.atomic
def scheduler_run_record(*, report: Mapping[str, Any]) -> SchedulerRun:
    """Store one validated run report (``RunReportSerializer``) with its left-out requests, all
    or nothing, then keep only the latest ``OCS_SCHEDULER_RUNS_KEEP`` runs."""
    left_out = list(report.get("left_out", ()))
    run = SchedulerRun.objects.create(
        started=report["started"],
        ended=report["ended"],
        duration_s=report["duration_s"],
        kernel=report["kernel"],
        trigger=report.get("trigger", ""),
        telescope_classes=list(report.get("telescope_classes", ())),
        ok=report.get("ok", True),
        error=report.get("error", ""),
        dry_run=report.get("dry_run", False),
        requests_considered=report.get("requests_considered", 0),
        requests_placed=report.get("requests_placed", 0),
        requests_left_out=report.get("requests_left_out", 0),
        left_out_listed=len(left_out),
        created_count=report.get("created", 0),
        cancelled_count=report.get("cancelled", 0),
        aborted_count=report.get("aborted", 0),
        value=report.get("value"),
        bound=report.get("bound"),
        gap=report.get("gap"),
        passes=[dict(p) for p in report.get("passes", ())],
    )
    LeftOutRequest.objects.bulk_create(
        [
            LeftOutRequest(
                run=run,
                request_id=item["request"],
                reason=item["reason"],
                reference_reason=item.get("reference_reason", ""),
                message=item.get("message", ""),
                competitors=list(item.get("competitors", ())),
            )
            for item in left_out
        ],
        batch_size=500,
    )
    scheduler_runs_prune(keep=conf.runs_keep())
    return run


@transaction.atomic
def scheduler_runs_prune(*, keep: int) -> int:
    """Delete every run but the latest ``keep`` (by start); how many runs were deleted."""
    stale = list(
        SchedulerRun.objects.order_by("-started", "-id").values_list("pk", flat=True)[
            keep : keep + 1000
        ]
    )
    if not stale:
        return 0
    LeftOutRequest.objects.filter(run_id__in=stale).delete()
    deleted, _ = SchedulerRun.objects.filter(pk__in=stale).delete()
    return int(deleted)
