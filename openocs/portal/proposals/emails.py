"""The e-mails of the proposals app: texts, and hand-over to the task queue after commit.

Delivery goes through the portal's e-mail service (``openocs.portal.mail``): messages are queued
only when the surrounding transaction commits, so a rolled-back invitation never sends mail, and
the queue's worker sends them (never inline in a request).
"""

from __future__ import annotations

from urllib.parse import urlencode

from openocs.portal.mail import send_email
from openocs.portal.proposals import conf


def _queue(*, subject: str, body: str, recipients: list[str]) -> None:
    send_email(subject=subject, body=body, to=recipients)


def added_subject() -> str:
    return f"You have been added to a proposal at {conf.ORGANIZATION_NAME}"


def queue_added_to_proposal(*, email: str, proposal_id: str, proposal_title: str) -> None:
    """Tell an existing user they are now a member of a proposal (spec §19.3)."""
    body = (
        f"You have been added to the proposal {proposal_id} ({proposal_title}) at "
        f"{conf.ORGANIZATION_NAME}.\n\nSign in at {conf.PORTAL_PUBLIC_URL.rstrip('/')}/ "
        "to submit observations for it.\n"
    )
    _queue(subject=added_subject(), body=body, recipients=[email])


def queue_invitation(*, email: str, proposal_id: str, proposal_title: str) -> None:
    """Invite someone without an account; the link pre-fills the registration form."""
    link = f"{conf.PORTAL_PUBLIC_URL.rstrip('/')}/accounts/register/?{urlencode({'email': email})}"
    body = (
        f"You have been invited to join the proposal {proposal_id} ({proposal_title}) at "
        f"{conf.ORGANIZATION_NAME}.\n\nCreate your account to accept: {link}\n"
        "The invitation becomes a membership as soon as your e-mail address is verified.\n"
    )
    _queue(subject=added_subject(), body=body, recipients=[email])


def queue_allocation_reminder(
    *, email: str, semester_id: str, days_left: int, lines: list[str]
) -> None:
    """Remind a PI how much time is left with ``days_left`` days of the semester to go."""
    body = (
        f"Semester {semester_id} ends in {days_left} days. Time left on your proposals at "
        f"{conf.ORGANIZATION_NAME}:\n\n" + "\n".join(lines) + "\n"
    )
    _queue(
        subject=f"Your {conf.ORGANIZATION_NAME} time allocation for semester {semester_id}",
        body=body,
        recipients=[email],
    )
