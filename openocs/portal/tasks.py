"""Task-queue jobs shared by the portal apps (huey; run by ``ocs up``'s worker).

Tasks are registered with the consumer through ``openocs/portal/accounts/tasks.py``, which
huey's Django integration discovers; import this module there, never call the tasks inline.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from huey.contrib.djhuey import db_task

EMAIL_RETRIES = 5
EMAIL_RETRY_DELAY_S = 120


@db_task(retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY_S)  # type: ignore[untyped-decorator]
def send_email_task(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    html_body: str | None = None,
    reply_to: Sequence[str] = (),
    from_email: str | None = None,
) -> int:
    """Send one e-mail with Django's mail API; a failure raises, so huey retries it later."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send(fail_silently=False)
