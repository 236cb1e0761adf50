"""``/profile/``: the API token, e-mail notifications and webhooks, through the API's services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from openocs.portal.conftest import PERSONA_PASSWORD, Persona, PersonaFactory
from openocs.portal.notifications.models import EmailPreference, Webhook
from openocs.portal.proposals import services as proposal_services
from openocs.portal.proposals.models import Membership, ProposalNotification

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_persona: PersonaFactory) -> Persona:
    persona = make_persona("pia")
    proposal = proposal_services.proposal_create(proposal_id="LCO-42", title="Comets")
    proposal_services.membership_add(
        proposal=proposal, user=persona.user, role=Membership.PI, notify=False
    )
    return persona


def _client() -> Client:
    client = Client()
    assert client.login(username="pia", password=PERSONA_PASSWORD)
    return client


def test_the_profile_shows_the_token_and_can_replace_it(member: Persona) -> None:
    client = _client()
    assert member.token in client.get("/profile/").content.decode()
    page = client.post("/profile/token/rotate", follow=True).content.decode()
    new = Token.objects.get(user=member.user).key
    assert new != member.token
    assert new in page
    assert "the old one no longer works" in page


def test_notification_settings_are_saved(member: Persona) -> None:
    client = _client()
    client.post(
        "/profile/notifications",
        {
            "notifications_enabled": "on",
            "every_request_state": "on",
            "proposals": ["LCO-42"],
        },
    )
    member.user.profile.refresh_from_db()
    assert member.user.profile.notifications_enabled
    assert not member.user.profile.notifications_on_authored_only
    assert EmailPreference.objects.get(user=member.user).every_request_state
    assert ProposalNotification.objects.filter(user=member.user, proposal_id="LCO-42").exists()
    client.post("/profile/notifications", {})
    assert not ProposalNotification.objects.filter(user=member.user).exists()


def test_a_proposal_not_mine_is_not_a_choice(member: Persona) -> None:
    response = _client().post("/profile/notifications", {"proposals": ["OTHER-1"]})
    assert response.status_code == 400
    assert "OTHER-1 is not one of the available choices" in response.content.decode()


def test_a_webhook_is_added_with_its_secret_shown_once_and_removed(member: Persona) -> None:
    client = _client()
    page = client.post(
        "/profile/webhooks",
        {
            "url": "https://example.org/hook",
            "proposal": "LCO-42",
            "event_kinds": ["request.state_changed"],
        },
        follow=True,
    ).content.decode()
    hook = Webhook.objects.get(owner=member.user)
    assert hook.proposal_id == "LCO-42" and hook.event_kinds == ["request.state_changed"]
    assert hook.secret in page
    assert hook.secret not in client.get("/profile/").content.decode()  # only once
    client.post(f"/profile/webhooks/{hook.pk}/delete")
    assert not Webhook.objects.filter(pk=hook.pk).exists()


def test_a_webhook_to_a_private_address_is_refused_beside_the_url(
    member: Persona, settings: Any
) -> None:
    settings.OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False  # as in production
    response = _client().post("/profile/webhooks", {"url": "http://127.0.0.1:9/hook"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_url-error"' in html and "not allowed" in html
    assert not Webhook.objects.exists()


def test_someone_else_s_webhook_cannot_be_removed(
    member: Persona, make_persona: PersonaFactory
) -> None:
    other = make_persona("olga")
    hook = Webhook.objects.create(owner=other.user, url="https://example.org/x", secret="s")
    response = _client().post(f"/profile/webhooks/{hook.pk}/delete")
    assert response.status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()
