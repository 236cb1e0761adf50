"""Task-queue jobs of observations: removal of old cancelled observations (spec portal §22).

huey's Django integration imports this module at start-up and registers the periodic task;
:func:`canceled_observations_cleanup` is the job itself (tests call it directly).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from openocs.portal.observations.models import Observation, ObservationState, StatusState

MAX_DELETED_PER_RUN = 100_000
DELETE_CHUNK = 500  # stays under SQLite's bound-parameter limit


@transaction.atomic
def canceled_observations_cleanup(
    *, now: dt.datetime | None = None, limit: int = MAX_DELETED_PER_RUN
) -> int:
    """Delete CANCELED observations that ended more than the retention period ago and never
    ran (no ATTEMPTED, FAILED or COMPLETED status); at most ``limit`` per run."""
    from openocs.portal.notifications import conf

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=conf.canceled_observation_retention_days())
    ids = list(
        Observation.objects.filter(state=ObservationState.CANCELED, end__lt=cutoff)
        .exclude(
            configuration_statuses__state__in=[
                StatusState.ATTEMPTED,
                StatusState.FAILED,
                StatusState.COMPLETED,
            ]
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for first in range(0, len(ids), DELETE_CHUNK):
        Observation.objects.filter(id__in=ids[first : first + DELETE_CHUNK]).delete()
    return len(ids)


@db_periodic_task(crontab(minute="41"))  # type: ignore[untyped-decorator]
def canceled_observations_cleanup_task() -> int:
    """Hourly: old cancelled observations."""
    return canceled_observations_cleanup()
