"""Writes on proposals, memberships, invitations and notification opt-ins.

Every function is keyword-only and atomic: either everything it describes happens or nothing
(no invitation, membership or allocation is ever half-created). E-mails are queued on commit.
Time allocations change through ``openocs.portal.proposals.accounting`` only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from openocs.portal.proposals import conf, emails
from openocs.portal.proposals.errors import NotAllowed, ProposalError
from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalInvite,
    ProposalNotification,
    ProposalTag,
    Semester,
    TimeAllocation,
)
from openocs.portal.proposals.selectors import user_is_pi


def _require_pi(*, actor: Any, proposal: Proposal) -> None:
    if not user_is_pi(actor, proposal):
        raise NotAllowed("Only the PI of the proposal may do this.")


def _hours_to_seconds(hours: float, *, field: str) -> int:
    try:
        value = float(hours)
    except (TypeError, ValueError):
        raise ProposalError("A valid number is required.", field=field) from None
    if not math.isfinite(value) or value < 0:
        raise ProposalError("Ensure this value is greater than or equal to 0.", field=field)
    return round(value * 3600)


@transaction.atomic
def proposal_create(
    *,
    proposal_id: str,
    title: str = "",
    abstract: str = "",
    active: bool = True,
    public: bool = False,
    non_science: bool = False,
    direct_submission: bool = False,
    tac_priority: int = 0,
    tac_rank: int = 0,
    tags: Iterable[str] = (),
    notes: str = "",
) -> Proposal:
    """Create a proposal (members and allocations are added by their own services)."""
    proposal_id = proposal_id.strip()
    if not proposal_id:
        raise ProposalError("This field may not be blank.", field="id")
    if Proposal.objects.filter(pk=proposal_id).exists():
        raise ProposalError(f"Proposal {proposal_id} already exists.", field="id")
    proposal = Proposal.objects.create(
        id=proposal_id,
        title=title,
        abstract=abstract,
        active=active,
        public=public,
        non_science=non_science,
        direct_submission=direct_submission,
        tac_priority=tac_priority,
        tac_rank=tac_rank,
        notes=notes,
    )
    proposal_set_tags(proposal=proposal, tags=tags)
    return proposal


@transaction.atomic
def proposal_set_tags(*, proposal: Proposal, tags: Iterable[str]) -> None:
    names = sorted({t.strip() for t in tags if t and t.strip()})
    for name in names:
        if len(name) > ProposalTag._meta.get_field("name").max_length:  # type: ignore[operator]
            raise ProposalError(f"Tag {name!r} is too long.", field="tags")
    rows = [ProposalTag.objects.get_or_create(name=name)[0] for name in names]
    proposal.tags.set(rows)


@transaction.atomic
def proposals_set_active(*, proposal_ids: Sequence[str], active: bool) -> int:
    """Activate or deactivate proposals (admin action and CLI); returns how many changed."""
    return (
        Proposal.objects.filter(pk__in=proposal_ids)
        .exclude(active=active)
        .update(active=active, modified=timezone.now())
    )


@transaction.atomic
def membership_add(
    *,
    proposal: Proposal,
    user: Any,
    role: str = Membership.CI,
    time_limit_s: int = -1,
    notify: bool = True,
) -> Membership:
    """Make ``user`` a member (existing membership kept; a CI may be promoted to PI)."""
    if role not in (Membership.PI, Membership.CI):
        raise ProposalError(f'"{role}" is not a valid choice.', field="role")
    if time_limit_s < -1:
        raise ProposalError(
            "Field time_limit must either be a positive integer or -1 (no limit)",
            field="time_limit",
        )
    membership, created = Membership.objects.select_for_update().get_or_create(
        proposal=proposal, user=user, defaults={"role": role, "time_limit": time_limit_s}
    )
    if not created and role == Membership.PI and membership.role != Membership.PI:
        membership.role = Membership.PI
        membership.save(update_fields=["role"])
    if created and notify and user.email:
        emails.queue_added_to_proposal(
            email=user.email, proposal_id=proposal.id, proposal_title=proposal.title
        )
    return membership


@transaction.atomic
def proposal_invite(
    *,
    proposal: Proposal,
    actor: Any,
    emails_to_invite: Sequence[str],
    time_limit_s: int = -1,
    role: str = Membership.CI,
    check_pi: bool = True,
) -> tuple[list[Membership], list[ProposalInvite]]:
    """Invite co-investigators by e-mail (spec §19.3); all addresses are checked first.

    Registered users become members at once ("added to a proposal" e-mail); others get a
    :class:`ProposalInvite` and an invitation e-mail. Returns (memberships, invitations).
    """
    if check_pi:
        _require_pi(actor=actor, proposal=proposal)
    if time_limit_s < -1:
        raise ProposalError(
            "Field time_limit must either be a positive integer or -1 (no limit)",
            field="time_limit",
        )
    user_model = get_user_model()
    addresses: list[str] = []
    for raw in emails_to_invite:
        email = str(raw).strip()
        try:
            validate_email(email)
        except ValidationError:
            raise ProposalError("Enter a valid email address.", field="emails") from None
        if actor is not None and check_pi and email.lower() == (actor.email or "").lower():
            raise ProposalError(
                f"You cannot invite yourself ({email}) to be a Co-Investigator", field="emails"
            )
        if Membership.objects.filter(proposal=proposal, user__email__iexact=email).exists():
            raise ProposalError(
                f"User with email {email} is already a member of this proposal", field="emails"
            )
        if email.lower() not in {a.lower() for a in addresses}:
            addresses.append(email)
    if not addresses:
        raise ProposalError("This list may not be empty.", field="emails")
    memberships: list[Membership] = []
    invitations: list[ProposalInvite] = []
    now = timezone.now()
    for email in addresses:
        users = list(user_model.objects.filter(email__iexact=email, is_active=True)[:2])
        if len(users) == 1:
            memberships.append(
                membership_add(
                    proposal=proposal, user=users[0], role=role, time_limit_s=time_limit_s
                )
            )
            continue
        invitation = (
            ProposalInvite.objects.select_for_update()
            .filter(proposal=proposal, email__iexact=email, used__isnull=True)
            .order_by("id")
            .first()
        )
        if invitation is None:
            invitation = ProposalInvite.objects.create(
                proposal=proposal, role=role, email=email, time_limit=time_limit_s, sent=now
            )
        else:  # inviting again re-sends the pending invitation with the new terms
            invitation.role, invitation.time_limit, invitation.sent = role, time_limit_s, now
            invitation.save(update_fields=["role", "time_limit", "sent"])
        emails.queue_invitation(email=email, proposal_id=proposal.id, proposal_title=proposal.title)
        invitations.append(invitation)
    return memberships, invitations


@transaction.atomic
def invitations_accept_for_user(*, user: Any) -> list[Membership]:
    """Turn the pending invitations addressed to ``user.email`` into memberships.

    Called by the accounts app when an e-mail address is verified (registration, bulk creation).
    """
    if not getattr(user, "email", ""):
        return []
    pending = (
        ProposalInvite.objects.select_for_update()
        .filter(email__iexact=user.email, used__isnull=True)
        .select_related("proposal")
        .order_by("id")
    )
    now = timezone.now()
    memberships = []
    for invitation in pending:
        memberships.append(
            membership_add(
                proposal=invitation.proposal,
                user=user,
                role=invitation.role,
                time_limit_s=invitation.time_limit,
                notify=False,
            )
        )
        invitation.used = now
        invitation.save(update_fields=["used"])
    return memberships


@transaction.atomic
def proposal_notification_set(*, proposal: Proposal, user: Any, enabled: bool) -> None:
    """Opt ``user`` in or out of request e-mails of ``proposal`` (members only, spec §19.2)."""
    if not Membership.objects.filter(proposal=proposal, user=user).exists():
        raise NotAllowed("Only members may change the notifications of a proposal.")
    if enabled:
        ProposalNotification.objects.get_or_create(proposal=proposal, user=user)
    else:
        ProposalNotification.objects.filter(proposal=proposal, user=user).delete()


@transaction.atomic
def proposal_set_global_limit(*, proposal: Proposal, actor: Any, time_limit_hours: float) -> int:
    """Set every CI's time limit to ``time_limit_hours`` (PI only); returns how many changed."""
    _require_pi(actor=actor, proposal=proposal)
    seconds = _hours_to_seconds(time_limit_hours, field="time_limit_hours")
    return Membership.objects.filter(proposal=proposal, role=Membership.CI).update(
        time_limit=seconds
    )


@transaction.atomic
def membership_set_limit(*, membership: Membership, actor: Any, time_limit_hours: float) -> None:
    """Set one CI's time limit (PI of that proposal only; a PI membership has no limit)."""
    _require_pi(actor=actor, proposal=membership.proposal)
    if membership.role == Membership.PI:
        raise ProposalError("You cannot set the limit on a PI membership", field="non_field_errors")
    membership.time_limit = _hours_to_seconds(time_limit_hours, field="time_limit_hours")
    membership.save(update_fields=["time_limit"])


@transaction.atomic
def membership_delete(*, membership: Membership, actor: Any) -> bool:
    """Remove a CI (PI only). Removing a PI membership is refused silently (returns False)."""
    _require_pi(actor=actor, proposal=membership.proposal)
    if membership.role == Membership.PI:
        return False
    ProposalNotification.objects.filter(
        proposal_id=membership.proposal_id, user_id=membership.user_id
    ).delete()
    membership.delete()
    return True


@transaction.atomic
def invitation_delete(*, invitation: ProposalInvite, actor: Any) -> None:
    """Withdraw a pending invitation (PI only)."""
    _require_pi(actor=actor, proposal=invitation.proposal)
    if invitation.used is not None:
        raise ProposalError("This invitation has already been used.", field="non_field_errors")
    invitation.delete()


@transaction.atomic
def semester_create(*, semester_id: str, start: datetime, end: datetime) -> Semester:
    """Create a semester; it may not overlap another one."""
    if not semester_id.strip():
        raise ProposalError("This field may not be blank.", field="id")
    if end <= start:
        raise ProposalError("A semester must end after it starts.", field="end")
    if Semester.objects.filter(pk=semester_id).exists():
        raise ProposalError(f"Semester {semester_id} already exists.", field="id")
    if Semester.objects.filter(start__lt=end, end__gt=start).exists():
        raise ProposalError("The semester overlaps another semester.", field="start")
    return Semester.objects.create(id=semester_id, start=start, end=end)


def allocation_reminders_queue(*, now: datetime | None = None) -> int:
    """Queue one reminder per PI (not education users) of active proposals (spec §22).

    Only when at most ``OCS_ALLOCATION_REMINDER_DAYS`` days of the current semester remain.
    Returns the number of e-mails queued.
    """
    moment = now or timezone.now()
    semester = Semester.objects.filter(start__lte=moment, end__gte=moment).order_by("start").first()
    if semester is None:
        return 0
    days_left = (semester.end - moment).days
    if days_left > conf.ALLOCATION_REMINDER_DAYS:
        return 0
    allocations = (
        TimeAllocation.objects.filter(semester=semester, proposal__active=True)
        .select_related("proposal")
        .order_by("proposal_id", "id")
    )
    lines_by_proposal: dict[str, list[str]] = {}
    for a in allocations:
        lines_by_proposal.setdefault(a.proposal_id, []).append(
            f"{a.proposal_id} {','.join(a.instrument_types)}: "
            f"standard {a.std_allocation - a.std_time_used:.2f} of {a.std_allocation:.2f} h left, "
            f"rapid response {a.rr_allocation - a.rr_time_used:.2f} of {a.rr_allocation:.2f} h, "
            f"time critical {a.tc_allocation - a.tc_time_used:.2f} of {a.tc_allocation:.2f} h"
        )
    pis = (
        Membership.objects.filter(role=Membership.PI, proposal_id__in=list(lines_by_proposal))
        .select_related("user")
        .order_by("user_id", "proposal_id")
    )
    by_user: dict[int, tuple[str, list[str]]] = {}
    for membership in pis:
        user = membership.user
        profile = getattr(user, "profile", None)
        if not user.email or not user.is_active or getattr(profile, "education_user", False):
            continue
        entry = by_user.setdefault(user.pk, (user.email, []))
        entry[1].extend(lines_by_proposal[membership.proposal_id])
    with transaction.atomic():
        for email, lines in by_user.values():
            emails.queue_allocation_reminder(
                email=email, semester_id=semester.id, days_left=days_left, lines=lines
            )
    return len(by_user)


def invitations_accept_for(*, user: Any) -> int:
    """The hook the accounts app calls on verification: accept invitations, return the count."""
    return len(invitations_accept_for_user(user=user))
