"""``/api/memberships/`` and ``/api/invitations/`` (spec §19.7, §19.8)."""

from __future__ import annotations

from typing import Any

import pytest

from openocs.portal.proposals import services
from openocs.portal.proposals.models import Membership, ProposalInvite
from openocs.portal.proposals.tests.test_proposal_actions_api import _client

pytestmark = pytest.mark.django_db


def _ids(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.content
    return sorted((m["username"], m["role"]) for m in response.json()["results"])


def test_pi_sees_every_membership_ci_sees_own_and_the_pis(pi, ci, make_persona, proposal):
    other = make_persona("zed")
    Membership.objects.create(proposal=proposal, user=other.user, role="CI")
    assert _ids(pi.client.get("/api/memberships/")) == [
        ("alice", "PI"),
        ("bob", "CI"),
        ("zed", "CI"),
    ]
    assert _ids(ci.client.get("/api/memberships")) == [("alice", "PI"), ("bob", "CI")]


def test_membership_shape(pi, ci):
    body = ci.client.get("/api/memberships/?role=CI").json()["results"][0]
    assert body == {
        "id": body["id"],
        "username": "bob",
        "first_name": "Bob",
        "last_name": "Tester",
        "email": "bob@example.org",
        "role": "CI",
        "proposal": "LCO2026B-001",
        "time_limit": -1,
        "time_used_by_user": 0.0,
        "simple_interface": False,
    }


@pytest.mark.parametrize(
    ("persona", "count", "status"),
    [("anonymous", None, 401), ("outsider", 0, 200), ("staff", 0, 200), ("staff_view", 2, 200)],
)
def test_membership_list_permissions(persona, count, status, pi, ci, request):
    response = _client(persona, request).get("/api/memberships/")
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count


def test_membership_filters(pi, ci):
    assert _ids(pi.client.get("/api/memberships/?username=bo")) == [("bob", "CI")]
    assert _ids(pi.client.get("/api/memberships/?proposal=nope")) == []
    response = pi.client.get("/api/memberships/?role=XX")
    assert response.status_code == 400
    assert "role" in response.json()


def test_pi_removes_a_ci_but_not_a_pi(pi, ci):
    ci_membership = Membership.objects.get(user=ci.user)
    pi_membership = Membership.objects.get(user=pi.user)
    assert pi.client.delete(f"/api/memberships/{pi_membership.pk}").status_code == 204
    assert Membership.objects.filter(pk=pi_membership.pk).exists()
    assert pi.client.delete(f"/api/memberships/{ci_membership.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=ci_membership.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 404), ("staff", 404), ("staff_view", 403), ("ci", 403)],
)
def test_only_the_pi_removes_members(persona, status, pi, ci, request):
    membership = Membership.objects.get(user=ci.user)
    assert _client(persona, request).delete(f"/api/memberships/{membership.pk}/").status_code == (
        status
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_pi_sets_one_ci_limit(pi, ci):
    membership = Membership.objects.get(user=ci.user)
    response = pi.client.post(
        f"/api/memberships/{membership.pk}/limit", {"time_limit_hours": 1.5}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"message": "Time limit for Bob Tester set to 1.5 hours"}
    membership.refresh_from_db()
    assert membership.time_limit == 5400


def test_limit_on_a_pi_membership_is_400(pi):
    membership = Membership.objects.get(user=pi.user)
    response = pi.client.post(
        f"/api/memberships/{membership.pk}/limit/", {"time_limit_hours": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"non_field_errors": ["You cannot set the limit on a PI membership"]}
    }


def test_limit_with_negative_hours_is_400_naming_the_field(pi, ci):
    membership = Membership.objects.get(user=ci.user)
    response = pi.client.post(
        f"/api/memberships/{membership.pk}/limit/", {"time_limit_hours": -1}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["time_limit_hours"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 404), ("staff", 404), ("staff_view", 403), ("ci", 403)],
)
def test_only_the_pi_sets_limits(persona, status, pi, ci, request):
    membership = Membership.objects.get(user=ci.user)
    response = _client(persona, request).post(
        f"/api/memberships/{membership.pk}/limit/", {"time_limit_hours": 1}, format="json"
    )
    assert response.status_code == status


@pytest.mark.parametrize("rows", [1, 20])
def test_membership_list_does_a_constant_number_of_queries(
    pi, make_persona, rows, django_assert_max_num_queries
):
    # Rows grow with proposals; the members' time used is asked once per distinct user until
    # the request-groups app offers the batch selector ``time_used_by_users`` (see selectors).
    member = make_persona("member")
    for i in range(rows):
        proposal = services.proposal_create(proposal_id=f"M{i:03d}")
        Membership.objects.create(proposal=proposal, user=pi.user, role="PI")
        Membership.objects.create(proposal=proposal, user=member.user, role="CI")
    with django_assert_max_num_queries(9):
        assert pi.client.get("/api/memberships/?limit=100").json()["count"] == 2 * rows + 1


def _invite(pi: Any, proposal: Any, *emails: str) -> None:
    services.proposal_invite(proposal=proposal, actor=pi.user, emails_to_invite=list(emails))


def test_pi_lists_and_filters_invitations(pi, ci, proposal):
    _invite(pi, proposal, "a@example.org", "b@example.org")
    ProposalInvite.objects.filter(email="a@example.org").update(used="2026-09-01T00:00Z")
    body = pi.client.get("/api/invitations/").json()
    assert body["count"] == 2
    invitation = body["results"][0]
    assert set(invitation) == {"id", "role", "email", "time_limit", "sent", "used", "proposal"}
    assert invitation["sent"].endswith("Z")
    pending = pi.client.get("/api/invitations/?pending=true").json()["results"]
    assert [i["email"] for i in pending] == ["b@example.org"]
    assert ci.client.get("/api/invitations/").json()["count"] == 0


@pytest.mark.parametrize(
    ("persona", "count", "status"),
    [
        ("anonymous", None, 401),
        ("outsider", 0, 200),
        ("staff", 0, 200),
        ("staff_view", 1, 200),
        ("ci", 0, 200),
        ("pi", 1, 200),
    ],
)
def test_invitation_list_permissions(persona, count, status, pi, ci, proposal, request):
    _invite(pi, proposal, "a@example.org")
    response = _client(persona, request).get("/api/invitations")
    assert response.status_code == status
    if count is not None:
        assert response.json()["count"] == count


def test_pi_deletes_a_pending_invitation_but_not_a_used_one(pi, proposal):
    _invite(pi, proposal, "a@example.org", "b@example.org")
    first, second = ProposalInvite.objects.order_by("id")
    assert pi.client.delete(f"/api/invitations/{first.pk}").status_code == 204
    ProposalInvite.objects.filter(pk=second.pk).update(used="2026-09-01T00:00Z")
    response = pi.client.delete(f"/api/invitations/{second.pk}/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert ProposalInvite.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 401), ("outsider", 404), ("staff", 404), ("ci", 404), ("staff_view", 403)],
)
def test_only_the_pi_deletes_invitations(persona, status, pi, ci, proposal, request):
    _invite(pi, proposal, "a@example.org")
    invitation = ProposalInvite.objects.get()
    response = _client(persona, request).delete(f"/api/invitations/{invitation.pk}/")
    assert response.status_code == status
    assert ProposalInvite.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"time_limit_hours": "ten"},
        {"time_limit_hours": None},
        {"time_limit_hours": "NaN"},
        {"time_limit_hours": -0.5},
        {"time_limit_hours": 1e300},  # more seconds than the column holds: was a 500
        {"time_limit_hours": [10]},
        {"hours": 10},
    ],
)
def test_a_bad_limit_body_is_a_400_naming_time_limit_hours(pi, ci, body):
    membership = Membership.objects.get(user=ci.user)
    response = pi.client.post(f"/api/memberships/{membership.pk}/limit/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["time_limit_hours"]
    membership.refresh_from_db()
    assert membership.time_limit == -1


def test_a_limit_body_that_is_not_an_object_is_a_400(pi, ci):
    membership = Membership.objects.get(user=ci.user)
    response = pi.client.post(f"/api/memberships/{membership.pk}/limit/", [10], format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_the_largest_limit_the_column_holds_is_accepted(pi, ci):
    from openocs.portal.proposals.serializers import MAX_TIME_LIMIT_HOURS

    membership = Membership.objects.get(user=ci.user)
    response = pi.client.post(
        f"/api/memberships/{membership.pk}/limit/",
        {"time_limit_hours": MAX_TIME_LIMIT_HOURS},
        format="json",
    )
    assert response.status_code == 200, response.content
    membership.refresh_from_db()
    assert membership.time_limit == MAX_TIME_LIMIT_HOURS * 3600 <= 2**31 - 1


def test_the_limit_routes_schema_declares_the_body_they_read() -> None:
    """The schema said the membership itself was the body (issue 18); it is one number."""
    from openocs.server.apidocs import component_schema

    schema = component_schema("portal")
    for path in ("/api/memberships/{id}/limit/", "/api/proposals/{id}/globallimit/"):
        body = schema["paths"][path]["post"]["requestBody"]
        media = body["content"]["application/json"]
        name = media["schema"]["$ref"].rsplit("/", 1)[-1]
        component = schema["components"]["schemas"][name]
        assert component["required"] == ["time_limit_hours"], path
        field = component["properties"]["time_limit_hours"]
        assert field["type"] == "number" and field["minimum"] == 0, path
        assert set(component["properties"]) == {"time_limit_hours"}, path
        assert media["examples"]["example"]["value"].keys() == {"time_limit_hours"}, path
        message = schema["paths"][path]["post"]["responses"]["200"]["content"]
        assert "message" in str(message["application/json"]["schema"]) or "$ref" in str(message), (
            path
        )
