"""The e-mail channel (spec portal §22): completion, failure limit and opt-in state changes.

Recipients of a group's request e-mails: members of its proposal with the profile's
``notifications_enabled``, plus users with a per-proposal opt-in (``ProposalNotification``);
a user with ``notifications_on_authored_only`` only hears about groups they submitted.
The opt-in e-mail for every request state change (beyond the reference) goes to those
recipients who also set :attr:`EmailPreference.every_request_state`.
Every e-mail is queued through :mod:`openocs.portal.mail` (sent after the commit, by huey).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.contrib.auth import get_user_model
from django.db import transaction

from openocs.portal.mail import send_templated_email
from openocs.portal.notifications import conf
from openocs.portal.notifications.models import ChangeEvent, EmailPreference


def _organization() -> str:
    from openocs.portal.accounts import conf as accounts_conf

    return accounts_conf.ORGANIZATION_NAME


def group_recipients(group: Any) -> list[Any]:
    """Users told about ``group``'s request events, ordered by username."""
    from openocs.portal.proposals.models import Membership, ProposalNotification

    user_model = get_user_model()
    member_ids = set(
        Membership.objects.filter(
            proposal_id=group.proposal_id, user__profile__notifications_enabled=True
        ).values_list("user_id", flat=True)
    )
    opted_ids = set(
        ProposalNotification.objects.filter(proposal_id=group.proposal_id).values_list(
            "user_id", flat=True
        )
    )
    users = user_model.objects.filter(pk__in=member_ids | opted_ids, is_active=True).select_related(
        "profile"
    )
    chosen = []
    for user in users.order_by("username"):
        profile = getattr(user, "profile", None)
        authored_only = profile is not None and profile.notifications_on_authored_only
        if authored_only and user.pk != group.submitter_id:
            continue
        if user.email:
            chosen.append(user)
    return chosen


def data_download_url(group: Any, request_id: int | None = None) -> str:
    """The completion e-mail's data link.

    ``REQUESTGROUP_DATA_DOWNLOAD_URL`` (formatted with ``requestgroup_id`` and ``request_id``)
    when set; otherwise the archive's frame search ``<archive>frames/?request_id=<id>``.
    """
    template = conf.requestgroup_data_download_url()
    if request_id is None:
        request_id = group.requests.order_by("id").values_list("id", flat=True).first()
    if template:
        link = template.format(requestgroup_id=group.pk, request_id=request_id)
    else:
        link = f"{conf.archive_url()}frames/?request_id={request_id}"
    # Co-hosted, the archive is "/archive/": an e-mail needs the public host in front of it.
    return urljoin(conf.portal_public_url(), link)


def _request_link(request_id: int) -> str:
    template = conf.request_detail_url()
    return template.format(request_id=request_id) if template else ""


def on_event(event: ChangeEvent) -> None:
    """Channel: the e-mails an event calls for."""
    if event.kind == "requestgroup.state_changed":
        if event.payload.get("new_state") == "COMPLETED":
            _group_completed(event)
    elif event.kind == "request.state_changed":
        if event.payload.get("new_state") == "FAILURE_LIMIT_REACHED":
            _failure_limit(event)
        else:
            _state_change(event)


def _group(event: ChangeEvent) -> Any:
    from openocs.portal.requestgroups.models import RequestGroup

    return RequestGroup.objects.select_related("submitter").get(
        pk=event.payload["request_group_id"]
    )


def _group_completed(event: ChangeEvent) -> None:
    """Decided after the commit: a group that passed through COMPLETED inside one transaction
    (a cancelled MANY group with a completed child ends CANCELED) gets no completion e-mail."""
    group_id = event.payload["request_group_id"]

    def decide() -> None:
        from openocs.portal.requestgroups.models import RequestGroup

        group = RequestGroup.objects.select_related("submitter").get(pk=group_id)
        if group.state == "COMPLETED":
            _send_completion(group)

    transaction.on_commit(decide)


def _send_completion(group: Any) -> None:
    recipients = group_recipients(group)
    if not recipients:
        return
    requests = list(group.requests.order_by("id"))
    send_templated_email(
        template="notifications/group_completed",
        context={
            "organization": _organization(),
            "group": group,
            "links": [
                {"request_id": r.pk, "url": data_download_url(group, r.pk), "state": r.state}
                for r in requests
            ],
        },
        to=[user.email for user in recipients],
    )


def _failure_limit(event: ChangeEvent) -> None:
    from openocs.portal.observations.states import max_failures_per_request

    group = _group(event)
    recipients = group_recipients(group)
    if not recipients:
        return
    request_id = event.payload["request_id"]
    send_templated_email(
        template="notifications/failure_limit",
        context={
            "organization": _organization(),
            "group": group,
            "request_id": request_id,
            "max_failures": max_failures_per_request(),
            "request_url": _request_link(request_id),
        },
        to=[user.email for user in recipients],
    )


def _state_change(event: ChangeEvent) -> None:
    group = _group(event)
    wanted = set(
        EmailPreference.objects.filter(every_request_state=True).values_list("user_id", flat=True)
    )
    recipients = [user for user in group_recipients(group) if user.pk in wanted]
    if not recipients:
        return
    request_id = event.payload["request_id"]
    send_templated_email(
        template="notifications/request_state",
        context={
            "organization": _organization(),
            "group": group,
            "request_id": request_id,
            "old_state": event.payload["old_state"],
            "new_state": event.payload["new_state"],
            "request_url": _request_link(request_id),
        },
        to=[user.email for user in recipients],
    )
