"""Task-queue jobs of the proposals app: the monthly time-allocation reminder (spec §22).

huey's Django integration imports this module at start-up and registers the periodic task.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(day="1", hour="12", minute="0"))  # type: ignore[untyped-decorator]
def allocation_reminder() -> int:
    """Monthly: remind PIs of active proposals of their time left near the semester end."""
    from openocs.portal.proposals.services import allocation_reminders_queue

    return allocation_reminders_queue()
