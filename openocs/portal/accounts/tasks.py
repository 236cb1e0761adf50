"""Task-queue jobs of the accounts app (discovered by huey's Django integration).

Importing ``openocs.portal.tasks`` here registers the portal's shared e-mail task with the
worker, because huey only discovers ``tasks`` modules of installed apps.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from openocs.portal.tasks import send_email_task

__all__ = ["clear_expired_oauth_tokens", "send_email_task"]


@db_periodic_task(crontab(hour="3", minute="17"))  # type: ignore[untyped-decorator]
def clear_expired_oauth_tokens() -> None:
    """Daily: delete expired OAuth2 access, refresh and grant tokens (spec portal §22)."""
    from oauth2_provider.models import clear_expired

    clear_expired()
