"""``/``: the front page for everyone and the dashboard of a signed-in member."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import time_machine
from django.test import Client

from openocs.portal.conftest import PERSONA_PASSWORD, PersonaFactory
from openocs.portal.proposals import services as proposal_services
from openocs.portal.proposals.models import Membership, Semester, TimeAllocation

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _proposal_with_time(user: Any) -> None:
    current = Semester.objects.create(
        id="2026B", start=datetime(2026, 8, 1, tzinfo=UTC), end=datetime(2027, 2, 1, tzinfo=UTC)
    )
    coming = Semester.objects.create(
        id="2027A", start=datetime(2027, 2, 1, tzinfo=UTC), end=datetime(2027, 8, 1, tzinfo=UTC)
    )
    proposal = proposal_services.proposal_create(proposal_id="LCO-42", title="Comets")
    proposal_services.membership_add(proposal=proposal, user=user, role=Membership.PI, notify=False)
    TimeAllocation.objects.create(
        proposal=proposal,
        semester=current,
        instrument_types=["1M0-SCICAM-SINISTRO"],
        std_allocation=10.0,
        std_time_used=12.5,
        ipp_limit=2.0,
        ipp_time_available=1.0,
    )
    TimeAllocation.objects.create(
        proposal=proposal, semester=coming, instrument_types=["1M0-SCICAM-SINISTRO"]
    )


@time_machine.travel(NOW, tick=False)
def test_everyone_sees_the_network_and_the_semester(client: Client, network: None) -> None:
    Semester.objects.create(
        id="2026B", start=datetime(2026, 8, 1, tzinfo=UTC), end=datetime(2027, 2, 1, tzinfo=UTC)
    )
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cerro Tololo" in html
    assert "1 Meter A" in html
    assert "1.0 meter Sinistro" in html
    assert "badge--success" in html  # AVAILABLE (the default state provider)
    assert "2026B" in html
    assert 'href="/accounts/login/' in html


def test_the_front_page_still_answers_when_configdb_is_down(
    client: Client, network_down: None
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "does not answer" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_member_sees_time_used_and_left_this_semester(
    client: Client, network: None, make_persona: PersonaFactory
) -> None:
    pi = make_persona("pia")
    _proposal_with_time(pi.user)
    client.login(username="pia", password=PERSONA_PASSWORD)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Welcome, Pia" in html
    assert "LCO-42" in html
    assert "12.5 / 10.0 h" in html
    assert "meter--over" in html  # more used than allocated
    assert "2027A (1 allocation)" in html
    assert 'data-plot="lco-42-time-data"' in html
    assert "No requests yet." in html


def test_someone_without_a_proposal_is_told_how_to_join(
    client: Client, network: None, make_persona: PersonaFactory
) -> None:
    make_persona("newcomer")
    client.login(username="newcomer", password=PERSONA_PASSWORD)
    assert "not a member of any proposal" in client.get("/").content.decode()


def test_signing_in_lands_on_the_dashboard(
    client: Client, network: None, make_persona: PersonaFactory
) -> None:
    make_persona("pia")
    page = client.get("/accounts/login/")
    assert 'class="site-header"' in page.content.decode()
    response = client.post("/accounts/login/", {"username": "pia", "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
