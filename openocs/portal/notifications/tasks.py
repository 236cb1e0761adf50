"""Task-queue jobs of notifications (discovered by huey's Django integration).

Webhook deliveries run here, never inside a web request; the daily job drops old change events.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from openocs.portal.notifications import conf


@db_task()  # type: ignore[untyped-decorator]
def webhooks_dispatch_task(*, event_id: int) -> int:
    """Queue one delivery per webhook interested in the event."""
    from openocs.portal.notifications.webhooks import dispatch

    return dispatch(event_id=event_id)


@db_task()  # type: ignore[untyped-decorator]
def webhook_attempt_task(*, webhook_id: int, event_id: int, attempt: int) -> bool:
    """One delivery attempt (the next one is scheduled with backoff on failure)."""
    from openocs.portal.notifications.webhooks import deliver

    delivery = deliver(webhook_id=webhook_id, event_id=event_id, attempt=attempt)
    return bool(delivery and delivery.success)


def change_events_cleanup() -> int:
    """Delete change events older than ``OCS_CHANGE_EVENT_RETENTION_DAYS``; returns how many."""
    from openocs.portal.notifications.models import ChangeEvent

    cutoff = timezone.now() - timedelta(days=conf.change_event_retention_days())
    deleted, _ = ChangeEvent.objects.filter(created__lt=cutoff).delete()
    return deleted


@db_periodic_task(crontab(hour="4", minute="23"))  # type: ignore[untyped-decorator]
def change_events_cleanup_task() -> int:
    """Daily: old change events (their webhook delivery log rows keep the event kind)."""
    return change_events_cleanup()
