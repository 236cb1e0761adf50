"""PI and member actions on a proposal: notification, invite, globallimit (spec §19.2–§19.4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from openocs.portal.proposals import services
from openocs.portal.proposals.models import Membership, ProposalInvite, ProposalNotification

pytestmark = pytest.mark.django_db

BASE = "/api/proposals/LCO2026B-001"


@pytest.mark.parametrize("slash", ["/", ""])
def test_member_opts_in_and_out_of_notifications(ci, slash):
    response = ci.client.post(f"{BASE}/notification{slash}", {"enabled": True}, format="json")
    assert response.status_code == 200
    assert response.json() == {"message": "Preferences saved"}
    assert ProposalNotification.objects.filter(user=ci.user).count() == 1
    ci.client.post(f"{BASE}/notification/", {"enabled": "false"}, format="json")
    assert ProposalNotification.objects.filter(user=ci.user).count() == 0


def test_notification_with_bad_body_is_400_in_errors_envelope(ci):
    response = ci.client.post(f"{BASE}/notification/", {"enabled": "perhaps"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["enabled"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 404), ("staff", 404), ("staff_view", 403)],
)
def test_notification_permissions(persona, status, proposal, request):
    client = _client(persona, request)
    assert client.post(f"{BASE}/notification/", {"enabled": True}, format="json").status_code == (
        status
    )


def _client(persona: str, request: Any) -> Any:
    return {
        "anonymous": lambda: request.getfixturevalue("anonymous_client"),
        "outsider": lambda: request.getfixturevalue("outsider").client,
        "staff": lambda: request.getfixturevalue("staff_user").client,
        "staff_view": lambda: request.getfixturevalue("staff_view_user").client,
        "ci": lambda: request.getfixturevalue("ci").client,
        "pi": lambda: request.getfixturevalue("pi").client,
    }[persona]()


def test_pi_invites_existing_user_and_stranger(
    pi, make_persona, django_capture_on_commit_callbacks
):
    carol = make_persona("carol")
    with django_capture_on_commit_callbacks(execute=True):
        response = pi.client.post(
            f"{BASE}/invite/",
            {"emails": ["CAROL@example.org", "dave@example.org"], "time_limit": 3600},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json() == {"message": "Co Investigator(s) invited"}
    membership = Membership.objects.get(user=carol.user)
    assert (membership.role, membership.time_limit) == ("CI", 3600)
    invite = ProposalInvite.objects.get()
    assert (invite.email, invite.time_limit, invite.used) == ("dave@example.org", 3600, None)
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@example.org", "dave@example.org"]
    assert all(m.subject == "You have been added to a proposal at OpenOCS" for m in mail.outbox)
    invitation = next(m for m in mail.outbox if m.to == ["dave@example.org"])
    assert "/accounts/register/?email=dave%40example.org" in invitation.body


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"emails": ["alice@example.org"]},
            "emails",
            "You cannot invite yourself (alice@example.org) to be a Co-Investigator",
        ),
        (
            {"emails": ["bob@example.org"]},
            "emails",
            "User with email bob@example.org is already a member of this proposal",
        ),
        ({"emails": ["not-an-email"]}, "emails", None),
        (
            {"emails": ["x@example.org"], "time_limit": -2},
            "time_limit",
            "Field time_limit must either be a positive integer or -1 (no limit)",
        ),
        ({}, "emails", "This field is required."),
    ],
)
def test_invite_bad_input_is_400_naming_the_field_and_creates_nothing(pi, ci, body, field, message):
    # A valid address before the bad one proves nothing is half-created.
    if "emails" in body:
        body = {**body, "emails": ["first@example.org", *body["emails"]]}
    response = pi.client.post(f"{BASE}/invite/", body, format="json")
    assert response.status_code == 400
    errors = response.json()[field]
    if message:
        assert message in str(errors)
    assert ProposalInvite.objects.count() == 0
    assert Membership.objects.count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 404), ("staff", 404), ("staff_view", 403), ("ci", 403)],
)
def test_only_the_pi_may_invite(persona, status, pi, request):
    client = _client(persona, request)
    body = {"emails": ["new@example.org"]}
    assert client.post(f"{BASE}/invite/", body, format="json").status_code == status
    assert ProposalInvite.objects.count() == 0


def test_invitation_becomes_membership_on_registration(pi, make_persona):
    services.proposal_invite(
        proposal=pi.user.proposals.get(),
        actor=pi.user,
        emails_to_invite=["erin@example.org"],
        time_limit_s=60,
    )
    erin = make_persona("erin")  # the accounts service accepts pending invitations on creation
    services.invitations_accept_for_user(user=erin.user)  # idempotent
    membership = Membership.objects.get(user=erin.user)
    assert (membership.role, membership.time_limit) == ("CI", 60)
    assert ProposalInvite.objects.get().used is not None


def test_pi_sets_the_global_ci_limit(pi, ci):
    response = pi.client.post(f"{BASE}/globallimit/", {"time_limit_hours": 2}, format="json")
    assert response.status_code == 200
    assert response.json() == {"message": "All CI time limits set to 2.0 hours"}
    assert Membership.objects.get(user=ci.user).time_limit == 7200
    assert Membership.objects.get(user=pi.user).time_limit == -1


def test_globallimit_bad_input_is_400_in_errors_envelope(pi):
    response = pi.client.post(f"{BASE}/globallimit/", {"time_limit_hours": "x"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["time_limit_hours"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 404), ("staff", 404), ("staff_view", 403), ("ci", 403)],
)
def test_only_the_pi_may_set_the_global_limit(persona, status, pi, request):
    client = _client(persona, request)
    assert (
        client.post(f"{BASE}/globallimit/", {"time_limit_hours": 1}, format="json").status_code
        == status
    )


def test_inviting_a_pending_address_again_resends_without_duplicating(
    pi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for limit in (60, 120):
            response = pi.client.post(
                f"{BASE}/invite/", {"emails": ["dup@example.org"], "time_limit": limit}
            )
            assert response.status_code == 200
    invitation = ProposalInvite.objects.get()
    assert invitation.time_limit == 120
    assert len(mail.outbox) == 2
