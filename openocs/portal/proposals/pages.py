"""``/proposals/<id>/``: a proposal's members, time and the PI's actions.

Reads go through ``proposal_list_queryset`` (the API's list, so the same members see it);
every action calls the service the API calls (``proposal_invite``, ``membership_set_limit``,
``proposal_set_global_limit``, ``membership_delete``, ``invitation_delete``,
``proposal_notification_set``), which also enforces that only the PI may act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openocs.portal.home.selectors import TIME_KINDS, allocation_row
from openocs.portal.proposals import services
from openocs.portal.proposals.errors import ProposalError
from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalInvite,
    ProposalNotification,
)
from openocs.portal.proposals.selectors import (
    membership_time_used_s,
    proposal_list_queryset,
    user_is_pi,
)
from openocs.web.responses import not_found_page


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or more, separated by commas, spaces or new lines.",
    )
    time_limit_hours = forms.FloatField(
        required=False,
        min_value=0,
        label="Time limit (hours)",
        help_text="How much of the proposal's time each may request; empty: no limit.",
    )

    def addresses(self) -> list[str]:
        text = self.cleaned_data["emails"].replace(",", " ")
        return [part for part in text.split() if part]


class LimitForm(forms.Form):
    time_limit_hours = forms.FloatField(
        min_value=0,
        label="Time limit (hours)",
        help_text="How many hours of requests each co-investigator may have this semester.",
    )

    def hours(self) -> float:
        return float(self.cleaned_data["time_limit_hours"])


def _proposal(request: HttpRequest, proposal_id: str) -> Proposal | None:
    return proposal_list_queryset(request.user).filter(pk=proposal_id).first()


def _render(
    request: HttpRequest, proposal: Proposal, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    now = timezone.now()
    members = list(proposal.membership_set.all())
    used = membership_time_used_s(members)
    allocations = sorted(
        proposal.timeallocation_set.select_related("semester").all(),
        key=lambda a: (a.semester.start, a.id),
        reverse=True,
    )
    is_pi = user_is_pi(request.user, proposal)
    context = {
        "proposal": proposal,
        "is_pi": is_pi,
        "members": [
            {
                "membership": m,
                "used_s": used.get((m.user_id, proposal.id), 0.0),
                "limit_s": m.time_limit,
            }
            for m in members
        ],
        "allocations": [
            {"row": allocation_row(a), "current": a.semester.start <= now <= a.semester.end}
            for a in allocations
        ],
        "time_kinds": [label for label, _, _ in TIME_KINDS],
        "invitations": list(
            ProposalInvite.objects.filter(proposal=proposal, used__isnull=True).order_by("-id")
        )
        if is_pi
        else [],
        "notified": ProposalNotification.objects.filter(
            proposal=proposal,
            user=request.user,  # type: ignore[misc]
        ).exists(),
        "is_member": any(m.user_id == request.user.pk for m in members),
        "invite_form": forms_.get("invite_form") or InviteForm(),
        "global_limit_form": forms_.get("global_limit_form") or LimitForm(prefix="all"),
    }
    return render(request, "proposals/proposal.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, proposal_id: str) -> HttpResponse:
    proposal = _proposal(request, proposal_id)
    if proposal is None:
        return not_found_page(request, f"Proposal {proposal_id}")
    return _render(request, proposal)


def _pi_action(
    request: HttpRequest, proposal_id: str, act: Callable[[Proposal], HttpResponse | str]
) -> HttpResponse:
    """Run a PI action; a refused one becomes a message, the page is shown again."""
    proposal = _proposal(request, proposal_id)
    if proposal is None:
        return not_found_page(request, f"Proposal {proposal_id}")
    try:
        outcome = act(proposal)
    except ProposalError as error:
        messages.error(request, error.message)
        return redirect("page-proposal", proposal_id=proposal.id)
    if isinstance(outcome, str):
        messages.success(request, outcome)
        return redirect("page-proposal", proposal_id=proposal.id)
    return outcome


@login_required
@require_POST
def invite(request: HttpRequest, proposal_id: str) -> HttpResponse:
    def act(proposal: Proposal) -> HttpResponse | str:
        form = InviteForm(request.POST)
        if not form.is_valid():
            return _render(request, proposal, status=400, invite_form=form)
        hours = form.cleaned_data.get("time_limit_hours")
        try:
            added, invited = services.proposal_invite(
                proposal=proposal,
                actor=request.user,
                emails_to_invite=form.addresses(),
                time_limit_s=-1 if hours is None else round(hours * 3600),
            )
        except ProposalError as error:
            if error.field == "emails":
                form.add_error("emails", error.message)
                return _render(request, proposal, status=400, invite_form=form)
            raise
        parts = []
        if added:
            parts.append(f"{len(added)} member{'s' if len(added) > 1 else ''} added")
        if invited:
            parts.append(f"{len(invited)} invitation{'s' if len(invited) > 1 else ''} sent")
        return " and ".join(parts).capitalize() + "."

    return _pi_action(request, proposal_id, act)


def _membership(proposal: Proposal, membership_id: int) -> Membership:
    membership = proposal.membership_set.filter(pk=membership_id).first()
    if membership is None:
        raise ProposalError("This person is not a member of the proposal.")
    return membership


@login_required
@require_POST
def member_limit(request: HttpRequest, proposal_id: str, membership_id: int) -> HttpResponse:
    def act(proposal: Proposal) -> str:
        form = LimitForm(request.POST)
        if not form.is_valid():
            raise ProposalError("Enter a number of hours, zero or more.")
        membership = _membership(proposal, membership_id)
        services.membership_set_limit(
            membership=membership, actor=request.user, time_limit_hours=form.hours()
        )
        return f"The time limit of {membership.user.get_full_name() or membership.user} is set."

    return _pi_action(request, proposal_id, act)


@login_required
@require_POST
def global_limit(request: HttpRequest, proposal_id: str) -> HttpResponse:
    def act(proposal: Proposal) -> str:
        form = LimitForm(request.POST, prefix="all")
        if not form.is_valid():
            raise ProposalError("Enter a number of hours, zero or more.")
        count = services.proposal_set_global_limit(
            proposal=proposal, actor=request.user, time_limit_hours=form.hours()
        )
        return f"The time limit of {count} co-investigator{'s' if count != 1 else ''} is set."

    return _pi_action(request, proposal_id, act)


@login_required
@require_POST
def member_remove(request: HttpRequest, proposal_id: str, membership_id: int) -> HttpResponse:
    def act(proposal: Proposal) -> str:
        membership = _membership(proposal, membership_id)
        if not services.membership_delete(membership=membership, actor=request.user):
            raise ProposalError("The principal investigator cannot be removed.")
        return f"{membership.user.get_full_name() or membership.user} is no longer a member."

    return _pi_action(request, proposal_id, act)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, proposal_id: str, invitation_id: int) -> HttpResponse:
    def act(proposal: Proposal) -> str:
        invitation = ProposalInvite.objects.filter(proposal=proposal, pk=invitation_id).first()
        if invitation is None:
            raise ProposalError("This invitation does not exist.")
        services.invitation_delete(invitation=invitation, actor=request.user)
        return f"The invitation of {invitation.email} is withdrawn."

    return _pi_action(request, proposal_id, act)


@login_required
@require_POST
def notifications(request: HttpRequest, proposal_id: str) -> HttpResponse:
    def act(proposal: Proposal) -> str:
        enabled = request.POST.get("enabled") == "on"
        services.proposal_notification_set(proposal=proposal, user=request.user, enabled=enabled)
        return (
            f"You will get e-mails about {proposal.id}'s requests."
            if enabled
            else f"No more e-mails about {proposal.id}'s requests."
        )

    return _pi_action(request, proposal_id, act)
