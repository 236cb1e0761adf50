from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.proposals import accounting
from openocs.portal.proposals import services as proposal_services
from openocs.portal.proposals.models import (
    Membership,
    Proposal,
    ProposalNotification,
    ScienceCollaboration,
    Semester,
    TimeAllocation,
)
from openocs.portal.proposals.tests.conftest import SINISTRO

pytestmark = pytest.mark.django_db

PROFILE_KEYS = {
    "username",
    "first_name",
    "last_name",
    "email",
    "profile",
    "is_staff",
    "is_superuser",
    "proposals",
    "available_instrument_types",
    "tokens",
    "proposal_notifications",
}
PROFILE_SUBKEYS = {
    "education_user",
    "notifications_enabled",
    "notifications_on_authored_only",
    "simple_interface",
    "view_authored_requests_only",
    "title",
    "staff_view",
    "institution",
    "api_quota",
    "terms_accepted",
    "sciencecollaborationallocation",
    "password_expiration",
}


def test_anonymous_caller_gets_401_with_a_token_challenge(anonymous_client: APIClient) -> None:
    response = anonymous_client.get("/api/profile/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("persona", ["outsider", "ci", "pi", "staff_user", "staff_view_user"])
def test_every_authenticated_persona_reads_its_own_profile(
    persona: str, request: pytest.FixtureRequest
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    response = caller.client.get("/api/profile")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == PROFILE_KEYS
    assert set(body["profile"]) == PROFILE_SUBKEYS
    assert body["username"] == caller.user.username
    assert body["is_staff"] == caller.user.is_staff
    assert body["tokens"]["api_token"] == caller.token
    assert body["profile"]["staff_view"] == (persona == "staff_view_user")
    assert body["profile"]["api_quota"] == {"used": 0, "allowed": 5000}  # requestgroups.create


def test_archive_token_is_an_oauth2_token_reused_between_calls(outsider: Persona) -> None:
    first = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    second = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    assert first
    assert first == second
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    response = bearer.get("/api/profile/")
    assert response.status_code == 200
    assert response.json()["username"] == outsider.user.username


def test_patch_changes_names_and_preferences(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/",
        {
            "first_name": "Olive",
            "profile": {"institution": "Example University", "notifications_enabled": "yes"},
            "unknown": "ignored",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["first_name"] == "Olive"
    assert body["profile"]["institution"] == "Example University"
    assert body["profile"]["notifications_enabled"] is True
    assert "unknown" not in body


def test_put_keeps_fields_it_does_not_send(outsider: Persona) -> None:
    response = outsider.client.put("/api/profile/", {"last_name": "Smith"}, format="json")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Olivia"
    assert response.json()["last_name"] == "Smith"


def test_read_only_fields_are_not_changed(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/",
        {"username": "mallory", "is_staff": True, "profile": {"terms_accepted": None}},
        format="json",
    )
    assert response.status_code == 200
    outsider.user.refresh_from_db()
    assert outsider.user.username == "olivia"
    assert outsider.user.is_staff is False


def test_non_staff_cannot_switch_on_staff_view(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"profile": {"staff_view": True}}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"profile": {"staff_view": ["Must be staff to set staff_view"]}}
    assert outsider.profile.staff_view is False


def test_staff_can_switch_on_staff_view(staff_user: Persona) -> None:
    response = staff_user.client.patch(
        "/api/profile/", {"profile": {"staff_view": True}}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["profile"]["staff_view"] is True


def test_email_already_used_by_someone_else_is_refused_case_insensitively(
    outsider: Persona, staff_user: Persona
) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"email": staff_user.user.email.upper()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"email": ["User with this email already exists"]}


def test_changing_the_case_of_ones_own_email_is_allowed(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"email": "OLIVIA@example.org"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["email"] == "OLIVIA@example.org"


def test_invalid_email_names_the_field(outsider: Persona) -> None:
    response = outsider.client.patch("/api/profile/", {"email": "not-an-address"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_invalid_boolean_names_the_nested_field(outsider: Persona) -> None:
    response = outsider.client.patch(
        "/api/profile/", {"profile": {"simple_interface": "maybe"}}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["profile"]) == ["simple_interface"]


def test_delete_is_not_allowed(outsider: Persona) -> None:
    assert outsider.client.delete("/api/profile/").status_code == 405


def test_profile_reads_with_a_constant_number_of_queries(
    make_persona: PersonaFactory, django_assert_max_num_queries: object
) -> None:
    caller = make_persona("quentin")
    caller.client.get("/api/profile/")  # mints the archive token once
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert caller.client.get("/api/profile/").status_code == 200


# --- Members of a proposal (PI and CI personas of the proposals tests) ------------------------

IN_2026B = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.mark.parametrize("persona", ["pi", "ci"])
def test_members_see_their_proposal_and_its_instrument_types(
    persona: str, request: pytest.FixtureRequest, allocation: TimeAllocation
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    with time_machine.travel(IN_2026B, tick=False):
        body = caller.client.get("/api/profile/").json()
    assert body["proposals"] == [
        {"id": "LCO2026B-001", "title": "Supernova follow-up", "current": True}
    ]
    assert body["available_instrument_types"] == [SINISTRO]
    assert body["proposal_notifications"] == []


def test_outsider_sees_no_proposal(outsider: Persona, allocation: TimeAllocation) -> None:
    body = outsider.client.get("/api/profile/").json()
    assert body["proposals"] == []
    assert body["available_instrument_types"] == []


def test_inactive_proposal_is_listed_but_not_current_and_gives_no_instruments(
    pi: Persona, allocation: TimeAllocation, proposal: Proposal
) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(active=False)
    with time_machine.travel(IN_2026B, tick=False):
        body = pi.client.get("/api/profile/").json()
    assert body["proposals"][0]["current"] is False
    assert body["available_instrument_types"] == []


def test_proposal_whose_allocations_ended_is_not_current(
    pi: Persona, allocation: TimeAllocation
) -> None:
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC), tick=False):
        body = pi.client.get("/api/profile/").json()
    assert body["proposals"][0]["current"] is False


def test_notification_opt_in_is_listed(ci: Persona, proposal: Proposal) -> None:
    ProposalNotification.objects.create(proposal=proposal, user=ci.user)
    assert ci.client.get("/api/profile/").json()["proposal_notifications"] == ["LCO2026B-001"]


def test_current_time_allocations_are_included_on_request(
    ci: Persona, allocation: TimeAllocation
) -> None:
    Membership.objects.filter(user=ci.user).update(time_limit=7200)
    with time_machine.travel(IN_2026B, tick=False):
        body = ci.client.get("/api/profile/?include_current_time_allocations=true").json()
    entry = body["proposals"][0]
    assert entry["time_limit"] == 7200
    assert entry["time_used"] == 0.0
    assert entry["time_allocations"] == [
        {
            "instrument_types": [SINISTRO],
            "std_allocation": 50.0,
            "std_time_used": 0.0,
            "rr_allocation": 0.0,
            "rr_time_used": 0.0,
            "tc_allocation": 5.0,
            "tc_time_used": 0.0,
            "realtime_allocation": 0.0,
            "realtime_time_used": 0.0,
            "ipp_limit": 5.0,  # the proposals app's default: 10 % of the standard time
            "ipp_time_available": 2.5,
        }
    ]


def test_administrator_of_a_collaboration_sees_it(pi: Persona) -> None:
    ScienceCollaboration.objects.create(id="LCO", name="Las Cumbres", admin=pi.user)
    body = pi.client.get("/api/profile/").json()
    assert body["profile"]["sciencecollaborationallocation"] == {
        "name": "Las Cumbres",
        "id": "LCO",
        "collaborationallocation_set": [],
    }


def test_profile_queries_do_not_grow_with_the_number_of_proposals(
    pi: Persona, semester: Semester, django_assert_num_queries: Any
) -> None:
    def add_proposals(first: int, count: int) -> None:
        for number in range(first, first + count):
            created = proposal_services.proposal_create(
                proposal_id=f"LCO2026B-{number:03d}", title=f"P{number}"
            )
            Membership.objects.create(proposal=created, user=pi.user, role=Membership.PI)
            accounting.allocation_create(
                proposal=created, semester=semester, instrument_types=[f"TYPE-{number}"]
            )

    url = "/api/profile/?include_current_time_allocations=true"
    with time_machine.travel(IN_2026B, tick=False):
        add_proposals(100, 1)
        pi.client.get(url)  # mints the archive token
        with CaptureQueriesContext(connection) as few:
            assert len(pi.client.get(url).json()["proposals"]) == 2
        add_proposals(200, 20)
        with django_assert_num_queries(len(few.captured_queries)):
            body = pi.client.get(url).json()
    assert len(body["proposals"]) == 22
    assert len(body["available_instrument_types"]) == 21  # the first proposal has none
