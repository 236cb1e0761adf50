"""``/profile/``: the signed-in user's API token, e-mail notifications and webhooks.

Every change goes through the service the API uses: ``api_token_revoke`` (like
``POST /api/revoke_token/``), ``profile_update`` (``PATCH /api/profile/``),
``proposal_notification_set``, the e-mail preference of ``/api/notifications/preferences/``, and
webhooks validated by the API's ``WebhookSerializer`` and made by ``webhook_create``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.request import Request as ApiRequest

from openocs.portal.accounts import services
from openocs.portal.accounts.models import Profile
from openocs.portal.notifications import webhooks
from openocs.portal.notifications.models import EmailPreference, Webhook
from openocs.portal.notifications.serializers import EVENT_KINDS, WebhookSerializer
from openocs.portal.proposals.models import Membership, Proposal, ProposalNotification
from openocs.portal.proposals.services import proposal_notification_set
from openocs.web.responses import not_found_page

EVENT_LABELS = {
    "requestgroup.submitted": "A request group is submitted",
    "requestgroup.state_changed": "A request group changes state",
    "request.state_changed": "A request changes state",
    "request.suspended": "Staff suspend or resume a request",
    "observation.state_changed": "An observation changes state",
    "observation.end_changed": "An observation's end moves",
}


class NotificationsForm(forms.Form):
    notifications_enabled = forms.BooleanField(
        required=False, label="E-mail me when requests of my proposals complete or fail"
    )
    notifications_on_authored_only = forms.BooleanField(
        required=False, label="Only about the request groups I submitted"
    )
    every_request_state = forms.BooleanField(
        required=False, label="Also e-mail every other state change of a request"
    )
    proposals = forms.MultipleChoiceField(
        required=False,
        label="Proposals to e-mail me about",
        widget=forms.CheckboxSelectMultiple,
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="We POST signed JSON events here.",
    )
    description = forms.CharField(required=False, max_length=200)
    proposal = forms.ChoiceField(required=False, label="Only events of")
    event_kinds = forms.MultipleChoiceField(
        required=False,
        label="Only these events (none ticked: all)",
        choices=[(kind, EVENT_LABELS.get(kind, kind)) for kind in EVENT_KINDS],
        widget=forms.CheckboxSelectMultiple,
    )


def _member_proposals(user: Any) -> list[Proposal]:
    return [m.proposal for m in Membership.objects.filter(user=user).select_related("proposal")]


def _notifications_form(user: Any, data: Any = None) -> NotificationsForm:
    profile, _ = Profile.objects.get_or_create(user=user)
    preference = EmailPreference.objects.filter(user=user).first()
    initial = {
        "notifications_enabled": profile.notifications_enabled,
        "notifications_on_authored_only": profile.notifications_on_authored_only,
        "every_request_state": bool(preference and preference.every_request_state),
        "proposals": list(
            ProposalNotification.objects.filter(user=user).values_list("proposal_id", flat=True)
        ),
    }
    form = NotificationsForm(data, initial=initial)
    form.fields["proposals"].choices = [  # type: ignore[attr-defined]
        (p.id, f"{p.id} — {p.title}" if p.title else p.id) for p in _member_proposals(user)
    ]
    return form


def _webhook_form(user: Any, data: Any = None) -> WebhookForm:
    form = WebhookForm(data)
    form.fields["proposal"].choices = [("", "Every proposal of mine")] + [  # type: ignore[attr-defined]
        (p.id, p.id) for p in _member_proposals(user)
    ]
    return form


def _render(request: HttpRequest, status: int = 200, **forms_: Any) -> HttpResponse:
    user = request.user
    context = {
        "token": services.api_token_get_or_create(user=user),  # type: ignore[arg-type]
        "notifications_form": forms_.get("notifications_form") or _notifications_form(user),
        "webhook_form": forms_.get("webhook_form") or _webhook_form(user),
        "webhooks": list(Webhook.objects.filter(owner_id=user.pk).select_related("proposal")),
        "event_labels": EVENT_LABELS,
        "new_secret": request.session.pop("ocs_new_webhook_secret", None),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _render(request)


@login_required
@require_POST
def token_rotate(request: HttpRequest) -> HttpResponse:
    services.api_token_revoke(user=request.user)  # type: ignore[arg-type]
    messages.success(request, "Your API token was replaced: the old one no longer works.")
    return redirect("page-profile")


@login_required
@require_POST
def notifications_save(request: HttpRequest) -> HttpResponse:
    form = _notifications_form(request.user, request.POST)
    if not form.is_valid():
        return _render(request, status=400, notifications_form=form)
    data = form.cleaned_data
    services.profile_update(
        user=request.user,  # type: ignore[arg-type]
        user_fields={},
        profile_fields={
            "notifications_enabled": data["notifications_enabled"],
            "notifications_on_authored_only": data["notifications_on_authored_only"],
        },
    )
    EmailPreference.objects.update_or_create(
        user=request.user,  # type: ignore[misc]
        defaults={"every_request_state": data["every_request_state"]},
    )
    wanted = set(data["proposals"])
    for proposal in _member_proposals(request.user):
        proposal_notification_set(
            proposal=proposal, user=request.user, enabled=proposal.id in wanted
        )
    messages.success(request, "Your notification settings are saved.")
    return redirect("page-profile")


@login_required
@require_POST
def webhook_add(request: HttpRequest) -> HttpResponse:
    form = _webhook_form(request.user, request.POST)
    if not form.is_valid():
        return _render(request, status=400, webhook_form=form)
    data = form.cleaned_data
    api_request = ApiRequest(request)
    api_request.user = request.user
    serializer = WebhookSerializer(
        data={
            "url": data["url"],
            "description": data["description"],
            "proposal": data["proposal"] or None,
            "event_kinds": data["event_kinds"],
        },
        context={"request": api_request},
    )
    if not serializer.is_valid():
        for field, errors in serializer.errors.items():
            target = {"proposal_id": "proposal"}.get(field, field)
            for error in errors:
                form.add_error(target if target in form.fields else None, str(error))
        return _render(request, status=400, webhook_form=form)
    hook = webhooks.webhook_create(
        owner=request.user,
        url=serializer.validated_data["url"],
        description=serializer.validated_data.get("description", ""),
        proposal=Proposal.objects.filter(pk=data["proposal"]).first() if data["proposal"] else None,
        event_kinds=serializer.validated_data.get("event_kinds") or [],
    )
    request.session["ocs_new_webhook_secret"] = {"id": hook.pk, "secret": hook.secret}
    messages.success(request, f"Webhook to {hook.url} added.")
    return redirect("page-profile")


@login_required
@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hook = Webhook.objects.filter(owner_id=request.user.pk, pk=pk).first()
    if hook is None:
        return not_found_page(request, f"Webhook {pk}")
    hook.delete()
    messages.success(request, f"Webhook to {hook.url} removed.")
    return redirect("page-profile")
