"""The e-mails of the proposal cycle: submission, review requests, decisions.

Every message goes through the portal's e-mail service, which queues it when the surrounding
transaction commits: a rolled-back decision sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from openocs.portal.mail import send_email
from openocs.portal.proposals import conf as proposals_conf


def _link(path: str) -> str:
    return f"{proposals_conf.PORTAL_PUBLIC_URL.rstrip('/')}/{path.lstrip('/')}"


def _organization() -> str:
    return proposals_conf.ORGANIZATION_NAME


def queue_review_request(*, email: str, application_id: int, title: str, call: str) -> None:
    """Ask a reviewer to grade an application."""
    send_email(
        subject=f"Please review an application to the {call}",
        body=(
            f'You are asked to review the application "{title}" to the {call} at '
            f"{_organization()}.\n\nRead it and record your grade at {_link('reviews/')}\n"
        ),
        to=[email],
    )


def queue_accepted(
    *, emails: Sequence[str], title: str, proposal_id: str, allocation_lines: Sequence[str]
) -> None:
    """Tell the applicant (and the PI) that the application is now a proposal with time."""
    body = (
        f'Your application "{title}" has been accepted by the time-allocation committee of '
        f"{_organization()}.\n\nIt is now the proposal {proposal_id}, with this time allocated:\n\n"
        + "\n".join(f"  {line}" for line in allocation_lines)
        + "\n\nThe proposal becomes active for observing when its semester starts. "
        f"Its page: {_link(f'proposals/{proposal_id}/')}\n"
    )
    send_email(
        subject=f'Your application "{title}" is accepted: proposal {proposal_id}',
        body=body,
        to=list(dict.fromkeys(e.lower() for e in emails if e)),
    )


def queue_rejected(*, emails: Sequence[str], title: str, call: str) -> None:
    """Tell the applicant (and the PI) that the application was not accepted."""
    send_email(
        subject=f'Your application "{title}" was not accepted',
        body=(
            f'We regret that your application "{title}" to the {call} at {_organization()} was '
            "not accepted by the time-allocation committee.\n\nThank you for applying; "
            f"the next calls are listed at {_link('calls/')}\n"
        ),
        to=list(dict.fromkeys(e.lower() for e in emails if e)),
    )
