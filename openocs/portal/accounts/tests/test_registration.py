from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from openocs.portal.conftest import Persona
from openocs.portal.proposals.models import Membership, Proposal, ProposalInvite

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passw0rd"


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "newton",
        "email": "isaac@royal.example",
        "first_name": "Isaac",
        "last_name": "Newton",
        "institution": "Trinity",
        "title": "Prof",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        **overrides,
    }


def _register(client: Client, capture: Any, **overrides: Any) -> Any:
    with capture(execute=True):
        return client.post("/accounts/register/", _form(**overrides))


def _activation_path() -> str:
    match = re.search(r"http://testserver(/accounts/activate/[^/\s]+/)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_register_page_prefills_the_invited_address(client: Client) -> None:
    response = client.get("/accounts/register/?email=invited%40uni.example")
    assert response.status_code == 200
    assert 'value="invited@uni.example"' in response.content.decode()


def test_registration_verification_then_login(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(datetime(2030, 3, 1, 12, 0, tzinfo=UTC), tick=False):
        response = _register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/done/"
    user = User.objects.select_related("profile").get(username="newton")
    assert user.is_active is False
    assert user.profile.terms_accepted == datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
    assert user.profile.institution == "Trinity"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["isaac@royal.example"]
    assert "Verify your e-mail address" in mail.outbox[0].subject

    refused = client.post("/accounts/login/", {"username": "newton", "password": PASSWORD})
    assert refused.status_code == 200  # the form again: an inactive account cannot sign in

    activated = client.get(_activation_path())
    assert activated.status_code == 200
    user.refresh_from_db()
    assert user.is_active is True

    login = client.post(
        "/accounts/login/", {"username": "ISAAC@royal.example", "password": PASSWORD}
    )
    assert login.status_code == 302
    assert client.get("/api/profile/").json()["username"] == "newton"


def test_a_second_use_of_the_link_changes_nothing(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _register(client, django_capture_on_commit_callbacks)
    path = _activation_path()
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200
    assert User.objects.get(username="newton").is_active is True


def test_a_tampered_link_is_refused(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _register(client, django_capture_on_commit_callbacks)
    path = _activation_path()
    response = client.get(path[:-3] + "xx/")
    assert response.status_code == 400
    assert User.objects.get(username="newton").is_active is False


def test_an_expired_link_is_refused(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    start = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        _register(client, django_capture_on_commit_callbacks)
    with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
        response = client.get(_activation_path())
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert User.objects.get(username="newton").is_active is False


def test_terms_must_be_accepted(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    response = _register(client, django_capture_on_commit_callbacks, accept_terms="")
    assert response.status_code == 200
    assert "accept_terms" in response.context["form"].errors
    assert not User.objects.filter(username="newton").exists()
    assert mail.outbox == []


def test_an_address_already_used_is_refused(
    client: Client, outsider: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    response = _register(client, django_capture_on_commit_callbacks, email="OLIVIA@example.org")
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["User with this email already exists"]


def test_mismatched_or_weak_passwords_are_refused(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    mismatch = _register(client, django_capture_on_commit_callbacks, password2="other-Passw0rd!")
    weak = _register(client, django_capture_on_commit_callbacks, password1="1234", password2="1234")
    assert "password2" in mismatch.context["form"].errors
    assert "password1" in weak.context["form"].errors
    assert not User.objects.filter(username="newton").exists()


def test_verifying_the_address_accepts_pending_invitations(
    client: Client, proposal: Proposal, django_capture_on_commit_callbacks: Any
) -> None:
    ProposalInvite.objects.create(proposal=proposal, email="isaac@royal.example")
    _register(client, django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user__username="newton").exists()  # not yet verified
    client.get(_activation_path())
    membership = Membership.objects.get(user__username="newton")
    assert membership.proposal_id == proposal.id
    assert membership.role == Membership.CI


def test_a_new_link_can_be_asked_for_and_activates_the_account(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    start = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        _register(client, django_capture_on_commit_callbacks)
    later = start + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/activate/resend/", {"email": "ISAAC@royal.example"})
        assert response.status_code == 302
        assert len(mail.outbox) == 2
        assert client.get(_activation_path()).status_code == 200
    assert User.objects.get(username="newton").is_active is True


def test_asking_a_link_for_an_unknown_or_active_address_sends_nothing_and_says_the_same(
    client: Client, outsider: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post("/accounts/activate/resend/", {"email": "nobody@example.org"})
        active = client.post("/accounts/activate/resend/", {"email": "olivia@example.org"})
    assert unknown.status_code == active.status_code == 302
    assert unknown["Location"] == active["Location"]
    assert mail.outbox == []
