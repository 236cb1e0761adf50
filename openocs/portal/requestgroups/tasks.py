"""Task-queue jobs of request groups: the window-expiry job (spec portal §8.6).

huey's Django integration imports this module at start-up and registers the periodic task;
:func:`requests_expire_windows` is the job itself (tests call it directly).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from openocs.portal.requestgroups.models import SCHEDULED_TYPES, Request, State

logger = logging.getLogger(__name__)


def _expired_request_ids(now: dt.datetime) -> list[int]:
    """PENDING requests of PENDING groups that can no longer be observed."""
    pending = Request.objects.filter(state=State.PENDING, request_group__state=State.PENDING)
    scheduled = (
        pending.filter(request_group__observation_type__in=SCHEDULED_TYPES)
        .annotate(last_end=Max("windows__end"))
        .filter(last_end__lt=now)
        .values_list("id", flat=True)
    )
    # DIRECT / REAL_TIME: expired once their first observation has ended; without any
    # observation at all they are expired at once (D13: the reference crashes on them).
    from openocs.portal.observations.models import Observation

    first_end = (
        Observation.objects.filter(request=OuterRef("pk")).order_by("start", "id").values("end")[:1]
    )
    unscheduled = (
        pending.exclude(request_group__observation_type__in=SCHEDULED_TYPES)
        .annotate(first_end=Subquery(first_end))
        .filter(Q(first_end__isnull=True) | Q(first_end__lte=now))
        .values_list("id", flat=True)
    )
    ids = set(scheduled) | set(unscheduled)
    return sorted(ids)


def requests_expire_windows(*, now: dt.datetime | None = None) -> int:
    """Move every expired PENDING request to WINDOW_EXPIRED (IPP credit, ``last_changed``,
    group state recomputed — all by ``request_set_state``); returns how many moved.

    Each request is its own transaction, so one bad row cannot stop the others.
    """
    from openocs.portal.requestgroups.services import request_set_state
    from openocs.portal.requestgroups.states import TransitionError

    now = now or timezone.now()
    moved = 0
    for request_id in _expired_request_ids(now):
        try:
            with transaction.atomic():
                request = Request.objects.select_for_update().get(pk=request_id)
                if request.state != State.PENDING:
                    continue  # changed since it was selected (e.g. completed by a site)
                if request_set_state(request=request, new_state=State.WINDOW_EXPIRED):
                    moved += 1
        except TransitionError as error:
            logger.warning("window expiry skipped request %s: %s", request_id, error.message)
    return moved


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def expire_windows_task() -> int:
    """Every 5 minutes: window expiry (§8.6)."""
    return requests_expire_windows()
