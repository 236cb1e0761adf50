"""Reading the recorded scheduler runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from openocs.portal.requestgroups.models import Request
from openocs.portal.requestgroups.selectors import requests_visible_to
from openocs.portal.schedulerruns.models import LeftOutRequest, SchedulerRun
from openocs.portal.schedulerruns.reasons import reason_label, reason_sentence


def scheduler_runs() -> QuerySet[SchedulerRun]:
    """The kept runs, the latest first."""
    return SchedulerRun.objects.order_by("-started", "-id")


def scheduler_run_left_out(run: SchedulerRun) -> QuerySet[LeftOutRequest]:
    return run.left_out.order_by("request_id")


@dataclass(frozen=True)
class Explanation:
    """The latest reason the scheduler gave for leaving a request out, for the request's page."""

    run: SchedulerRun
    reason: str
    label: str
    sentence: str
    message: str
    competitors: tuple[int, ...]
    visible_competitors: tuple[int, ...]
    """The competitors the viewer may open."""

    @property
    def at(self) -> datetime:
        return self.run.started


def request_latest_explanation(*, request_id: int, user: Any) -> Explanation | None:
    """The explanation of the latest kept run that left ``request_id`` out, or ``None``. The
    competitors named are all of them; ``visible_competitors`` those ``user`` may see."""
    item = (
        LeftOutRequest.objects.filter(request_id=request_id)
        .select_related("run")
        .order_by("-run__started", "-run_id")
        .first()
    )
    if item is None:
        return None
    competitors = tuple(int(c) for c in item.competitors)
    return Explanation(
        run=item.run,
        reason=item.reason,
        label=reason_label(item.reason),
        sentence=reason_sentence(item.reason),
        message=item.message,
        competitors=competitors,
        visible_competitors=tuple(visible_request_ids(competitors, user=user)),
    )


def visible_request_ids(ids: Sequence[int], *, user: Any) -> list[int]:
    """Those of ``ids`` that ``user`` may open (in the order given)."""
    if not ids:
        return []
    visible = set(requests_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))
    return [i for i in ids if i in visible]


def requests_by_id(ids: Sequence[int], *, user: Any) -> dict[int, Request]:
    """The requests of ``ids`` that ``user`` may see, with their group and proposal."""
    if not ids:
        return {}
    rows = (
        requests_visible_to(user)
        .filter(pk__in=list(ids))
        .select_related("request_group", "request_group__proposal")
        .prefetch_related(None)
    )
    return {row.pk: row for row in rows}
