"""``/proposals/<id>/``: members, time, and the PI's actions through the API's services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from openocs.portal.conftest import PERSONA_PASSWORD, Persona, PersonaFactory
from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalInvite,
    ProposalNotification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_persona: PersonaFactory) -> dict[str, Persona]:
    pi, ci = make_persona("pia"), make_persona("cid")
    proposal = services.proposal_create(proposal_id="LCO-42", title="Comets")
    services.membership_add(proposal=proposal, user=pi.user, role=Membership.PI, notify=False)
    services.membership_add(proposal=proposal, user=ci.user, role=Membership.CI, notify=False)
    semester = services.semester_create(
        semester_id="2026B",
        start=datetime(2026, 8, 1, tzinfo=UTC),
        end=datetime(2027, 2, 1, tzinfo=UTC),
    )
    accounting.allocation_create(
        proposal=proposal,
        semester=semester,
        instrument_types=["1M0-SCICAM-SINISTRO"],
        std_allocation=20.0,
    )
    return {"pi": pi, "ci": ci}


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PERSONA_PASSWORD)
    return client


def _ci_membership() -> Membership:
    return Membership.objects.get(proposal_id="LCO-42", role=Membership.CI)


@time_machine.travel(datetime(2026, 12, 7, tzinfo=UTC), tick=False)
def test_members_see_time_and_members_but_no_pi_actions(team: dict[str, Persona]) -> None:
    html = _client("cid").get("/proposals/LCO-42/").content.decode()
    assert "Comets" in html and "0.0 / 20.0 h" in html
    assert "Pia Tester" in html and "Co-Investigator" in html
    assert "Invite co-investigators" not in html
    assert "E-mail me about this proposal" in html


def test_the_pi_sets_a_limit_invites_and_removes(team: dict[str, Persona]) -> None:
    client = _client("pia")
    assert "Invite co-investigators" in client.get("/proposals/LCO-42/").content.decode()
    membership = _ci_membership()
    client.post(f"/proposals/LCO-42/members/{membership.pk}/limit", {"time_limit_hours": "2.5"})
    membership.refresh_from_db()
    assert membership.time_limit == 9000
    client.post("/proposals/LCO-42/limit", {"all-time_limit_hours": "5"})
    membership.refresh_from_db()
    assert membership.time_limit == 18000
    refused = client.post("/proposals/LCO-42/limit", {"all-time_limit_hours": "-1"}, follow=True)
    assert "Enter a number of hours, zero or more." in refused.content.decode()
    page = client.post(
        "/proposals/LCO-42/invite", {"emails": "new@example.org, other@example.org"}, follow=True
    ).content.decode()
    assert "2 invitations sent." in page
    assert ProposalInvite.objects.filter(proposal_id="LCO-42").count() == 2
    invitation = ProposalInvite.objects.filter(email="new@example.org").get()
    client.post(f"/proposals/LCO-42/invitations/{invitation.pk}/withdraw")
    assert not ProposalInvite.objects.filter(pk=invitation.pk).exists()
    client.post(f"/proposals/LCO-42/members/{membership.pk}/remove")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_bad_invitation_is_explained_beside_the_field(team: dict[str, Persona]) -> None:
    response = _client("pia").post("/proposals/LCO-42/invite", {"emails": "not-an-address"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_emails-error"' in html and "Enter a valid email address." in html


def test_a_co_investigator_is_refused_the_pi_actions(team: dict[str, Persona]) -> None:
    membership = _ci_membership()
    page = (
        _client("cid")
        .post(f"/proposals/LCO-42/members/{membership.pk}/remove", follow=True)
        .content.decode()
    )
    assert "Only the PI of the proposal may do this." in page
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_pi_cannot_be_removed(team: dict[str, Persona]) -> None:
    pi = Membership.objects.get(proposal_id="LCO-42", role=Membership.PI)
    page = (
        _client("pia")
        .post(f"/proposals/LCO-42/members/{pi.pk}/remove", follow=True)
        .content.decode()
    )
    assert "cannot be removed" in page


def test_a_member_turns_the_proposal_e_mails_on_and_off(team: dict[str, Persona]) -> None:
    client = _client("cid")
    client.post("/proposals/LCO-42/notifications", {"enabled": "on"})
    assert ProposalNotification.objects.filter(proposal_id="LCO-42", user=team["ci"].user).exists()
    client.post("/proposals/LCO-42/notifications", {})
    assert not ProposalNotification.objects.filter(proposal_id="LCO-42").exists()


def test_an_outsider_gets_a_404_page(
    team: dict[str, Persona], make_persona: PersonaFactory
) -> None:
    make_persona("olga")
    client = _client("olga")
    assert client.get("/proposals/LCO-42/").status_code == 404
    assert client.post("/proposals/LCO-42/invite", {"emails": "x@example.org"}).status_code == 404
    assert Proposal.objects.filter(pk="LCO-42").exists()
