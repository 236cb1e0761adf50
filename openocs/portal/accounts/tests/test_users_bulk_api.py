from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from rest_framework.test import APIClient

from openocs.portal.accounts.models import Profile
from openocs.portal.conftest import Persona
from openocs.portal.proposals.models import Membership, Proposal, ProposalInvite

pytestmark = pytest.mark.django_db


def _row(username: str, **fields: Any) -> dict[str, Any]:
    return {"username": username, "email": f"{username}@uni.example", **fields}


def test_anonymous_caller_gets_401(anonymous_client: APIClient) -> None:
    response = anonymous_client.post("/api/users-bulk/", {"users": [_row("ann")]}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("persona", ["outsider", "ci"])
def test_user_who_is_neither_staff_nor_pi_gets_403(
    persona: str, request: pytest.FixtureRequest
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    response = caller.client.post("/api/users-bulk/", {"users": [_row("ann")]}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert not User.objects.filter(username="ann").exists()


@pytest.mark.parametrize("persona", ["pi", "staff_user", "staff_view_user"])
def test_staff_create_accounts_that_must_change_their_password(
    persona: str, request: pytest.FixtureRequest, django_capture_on_commit_callbacks: Any
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    payload = {
        "users": [
            _row("ann", first_name="Ann", institution="Uni", title="Dr"),
            _row("ben", education_user=False, password="a-chosen-Passw0rd"),
        ]
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = caller.client.post("/api/users-bulk", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [u["username"] for u in body["users"]] == ["ann", "ben"]
    assert body["users"][0] == {
        "username": "ann",
        "email": "ann@uni.example",
        "first_name": "Ann",
        "last_name": "",
        "institution": "Uni",
        "title": "Dr",
        "education_user": True,
    }
    assert "password" not in body["users"][1]
    ann = Profile.objects.select_related("user").get(user__username="ann")
    assert ann.education_user is True
    assert ann.password_expiration is not None
    assert ann.created_by == caller.user
    assert User.objects.get(username="ben").check_password("a-chosen-Passw0rd")
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@uni.example", "ben@uni.example"]
    ben_mail = next(m for m in mail.outbox if m.to == ["ben@uni.example"])
    assert "a-chosen-Passw0rd" in ben_mail.body
    assert "http://testserver/accounts/login/" in ben_mail.body


def test_generated_password_is_emailed_and_works_but_has_expired(
    staff_user: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        staff_user.client.post("/api/users-bulk/", {"users": [_row("ann")]}, format="json")
    body = mail.outbox[0].body
    password = body.split("Password: ")[1].split()[0]
    assert len(password) == 12
    client = APIClient()
    token = client.post(
        "/api/api-token-auth/", {"username": "ann", "password": password}, format="json"
    )
    assert token.status_code == 200
    login = client.post(
        "/accounts/api-login/", {"username": "ann", "password": password}, format="json"
    )
    assert login.status_code == 401
    assert login.json() == {"message": "Password expired"}


def test_duplicate_username_in_the_payload_names_the_row(staff_user: Persona) -> None:
    payload = {"users": [_row("ann"), _row("bob"), {"username": "ann", "email": "x@uni.example"}]}
    response = staff_user.client.post("/api/users-bulk/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "users": [{}, {}, {"username": ["username 'ann' provided multiple times"]}]
    }
    assert not User.objects.filter(username__in=["ann", "bob"]).exists()


def test_duplicate_email_in_the_payload_names_the_row(staff_user: Persona) -> None:
    payload = {"users": [_row("ann"), {"username": "bob", "email": "ANN@uni.example"}]}
    response = staff_user.client.post("/api/users-bulk/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "users": [{}, {"email": ["email 'ANN@uni.example' provided multiple times"]}]
    }


def test_existing_username_or_email_refuses_the_whole_batch(
    staff_user: Persona, outsider: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        taken_name = staff_user.client.post(
            "/api/users-bulk/", {"users": [_row("ann"), _row("olivia")]}, format="json"
        )
        taken_email = staff_user.client.post(
            "/api/users-bulk/",
            {"users": [{"username": "zed", "email": "Olivia@example.org"}]},
            format="json",
        )
    assert taken_name.status_code == 400
    assert taken_name.json() == {"users": [{}, {"username": ["username already exists"]}]}
    assert taken_email.json() == {"users": [{"email": ["user with email already exists"]}]}
    assert not User.objects.filter(username__in=["ann", "zed"]).exists()
    assert mail.outbox == []


def test_invalid_row_names_the_row_and_field(staff_user: Persona) -> None:
    payload = {"users": [_row("ann"), {"username": "bob", "email": "not-an-email"}]}
    response = staff_user.client.post("/api/users-bulk/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"users": [{}, {"email": ["Enter a valid email address."]}]}


def test_weak_password_names_the_field(staff_user: Persona) -> None:
    response = staff_user.client.post(
        "/api/users-bulk/", {"users": [_row("ann", password="123")]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["users"][0]) == ["password"]


def test_more_than_50_users_are_refused(staff_user: Persona) -> None:
    payload = {"users": [_row(f"user{i}") for i in range(51)]}
    response = staff_user.client.post("/api/users-bulk/", payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["users"]
    assert not User.objects.filter(username="user0").exists()


def test_missing_or_empty_users_list_is_refused(staff_user: Persona) -> None:
    missing = staff_user.client.post("/api/users-bulk/", {}, format="json")
    empty = staff_user.client.post("/api/users-bulk/", {"users": []}, format="json")
    assert missing.json() == {"users": ["This field is required."]}
    assert empty.status_code == 400
    assert list(empty.json()) == ["users"]


def test_new_accounts_accept_the_invitations_sent_to_their_address(
    pi: Persona, proposal: Proposal, django_capture_on_commit_callbacks: Any
) -> None:
    ProposalInvite.objects.create(proposal=proposal, email="ANN@uni.example", time_limit=3600)
    with django_capture_on_commit_callbacks(execute=True):
        response = pi.client.post("/api/users-bulk/", {"users": [_row("ann")]}, format="json")
    assert response.status_code == 201
    membership = Membership.objects.get(user__username="ann")
    assert (membership.proposal_id, membership.role, membership.time_limit) == (
        proposal.id,
        Membership.CI,
        3600,
    )
    assert ProposalInvite.objects.get().used is not None
