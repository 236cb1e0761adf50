"""``/api/proposals/`` and ``/api/proposals/{id}/`` (spec §19.1): shape, scoping, filters."""

from __future__ import annotations

import pytest

from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.models import Membership
from openocs.portal.proposals.tests.conftest import SINISTRO

pytestmark = pytest.mark.django_db


def test_pi_sees_the_compatible_shape(pi, ci, allocation):
    response = pi.client.get("/api/proposals/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    proposal = body["results"][0]
    assert proposal == {
        "id": "LCO2026B-001",
        "active": True,
        "title": "Supernova follow-up",
        "abstract": "Light curves.",
        "tac_priority": 20,
        "tac_rank": 3,
        "sca": None,
        "public": False,
        "non_science": False,
        "direct_submission": False,
        "tags": ["supernovae", "transients"],
        "pis": [
            {
                "first_name": "Alice",
                "last_name": "Tester",
                "username": "alice",
                "email": "alice@example.org",
                "institution": "Example University",
            }
        ],
        "requestgroup_count": 0,
        "coi_count": 1,
        "timeallocation_set": [
            {
                "id": allocation.id,
                "semester": "2026B",
                "proposal": "LCO2026B-001",
                "instrument_types": [SINISTRO],
                "std_allocation": 50.0,
                "std_time_used": 0.0,
                "rr_allocation": 0.0,
                "rr_time_used": 0.0,
                "tc_allocation": 5.0,
                "tc_time_used": 0.0,
                "realtime_allocation": 0.0,
                "realtime_time_used": 0.0,
                "ipp_limit": 5.0,
                "ipp_time_available": 2.5,
            }
        ],
    }


@pytest.mark.parametrize("path", ["/api/proposals/", "/api/proposals"])
def test_list_answers_with_and_without_the_slash(pi, path):
    assert pi.client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/proposals/LCO2026B-001/", "/api/proposals/LCO2026B-001"])
def test_detail_answers_with_and_without_the_slash(pi, path):
    response = pi.client.get(path)
    assert response.status_code == 200
    assert response.json()["id"] == "LCO2026B-001"


def test_anonymous_gets_401(anonymous_client, proposal):
    assert anonymous_client.get("/api/proposals/").status_code == 401
    assert anonymous_client.get("/api/proposals/LCO2026B-001/").status_code == 401


def test_outsider_sees_nothing_and_detail_is_404(outsider, proposal):
    assert outsider.client.get("/api/proposals/").json()["count"] == 0
    assert outsider.client.get("/api/proposals/LCO2026B-001/").status_code == 404


def test_staff_without_staff_view_sees_only_own(staff_user, proposal):
    assert staff_user.client.get("/api/proposals/").json()["count"] == 0
    assert staff_user.client.get("/api/proposals/LCO2026B-001/").status_code == 404


def test_staff_view_sees_every_proposal(staff_view_user, proposal):
    assert staff_view_user.client.get("/api/proposals/").json()["count"] == 1
    assert staff_view_user.client.get("/api/proposals/LCO2026B-001/").status_code == 200


def test_ci_sees_the_proposal(ci, proposal):
    assert ci.client.get("/api/proposals/LCO2026B-001").status_code == 200


def _more_proposals(staff_view_user: object, n: int) -> None:
    for i in range(n):
        services.proposal_create(
            proposal_id=f"P{i:03d}",
            title=f"Title {i}",
            active=i % 2 == 0,
            tac_rank=i,
            tags=[f"tag{i % 3}"],
        )


def test_filters_active_tags_semester_id_title(staff_view_user, proposal, allocation):
    _more_proposals(staff_view_user, 6)
    client = staff_view_user.client

    def ids(query: str) -> list[str]:
        response = client.get("/api/proposals/" + query)
        assert response.status_code == 200, response.content
        return sorted(p["id"] for p in response.json()["results"])

    assert ids("?active=False") == ["P001", "P003", "P005"]
    assert ids("?active=true") == ["LCO2026B-001", "P000", "P002", "P004"]
    assert ids("?tags=tag1,supernovae") == ["LCO2026B-001", "P001", "P004"]
    assert ids("?semester=2026B") == ["LCO2026B-001"]
    assert ids("?id=P001&id=P002") == ["P001", "P002"]
    assert ids("?title=title 5") == ["P005"]
    assert ids("?tac_rank=3") == ["LCO2026B-001", "P003"]


def test_bad_boolean_filter_is_400_naming_the_field(pi):
    response = pi.client.get("/api/proposals/?active=maybe")
    assert response.status_code == 400
    assert "active" in response.json()


def test_default_page_is_100_proposals(staff_view_user, db):
    _more_proposals(staff_view_user, 0)
    for i in range(105):
        services.proposal_create(proposal_id=f"Q{i:03d}")
    body = staff_view_user.client.get("/api/proposals/").json()
    assert body["count"] == 105
    assert len(body["results"]) == 100
    assert "limit=100" in body["next"]
    assert body["results"][0]["id"] == "Q104"  # ordering -id


@pytest.mark.parametrize("rows", [1, 20])
def test_list_does_a_constant_number_of_queries(
    staff_view_user, semester, rows, django_assert_max_num_queries, make_persona
):
    member = make_persona("member")
    for i in range(rows):
        p = services.proposal_create(proposal_id=f"R{i:03d}", tags=["a", f"t{i}"])
        Membership.objects.create(proposal=p, user=member.user, role=Membership.PI)
        accounting.allocation_create(
            proposal=p, semester=semester, instrument_types=[SINISTRO], std_allocation=10
        )
    with django_assert_max_num_queries(9):
        response = staff_view_user.client.get("/api/proposals/")
    assert response.json()["count"] == rows


def test_tags_lists_distinct_tags_of_visible_proposals(pi, ci, outsider, proposal):
    services.proposal_create(proposal_id="OTHER", tags=["secret"])
    response = pi.client.get("/api/proposals/tags/")
    assert response.status_code == 200
    assert response.json() == ["supernovae", "transients"]
    assert outsider.client.get("/api/proposals/tags").json() == []


def test_requestgroup_count_counts_the_proposals_request_groups(pi, proposal):
    from django.apps import apps

    if not apps.is_installed("openocs.portal.requestgroups"):
        pytest.skip("the request-groups app is not installed")
    request_group = apps.get_model("requestgroups", "RequestGroup")
    for name in ("a", "b", "c"):
        request_group.objects.create(
            submitter=pi.user,
            proposal=proposal,
            name=name,
            observation_type="NORMAL",
            operator="SINGLE",
            ipp_value=1.0,
        )
    assert pi.client.get("/api/proposals/").json()["results"][0]["requestgroup_count"] == 3
    assert pi.client.get("/api/proposals/LCO2026B-001/").json()["requestgroup_count"] == 3


@pytest.mark.parametrize(
    ("persona", "status", "tags"),
    [
        ("anonymous_client", 401, None),
        ("outsider", 200, []),
        ("staff_user", 200, []),
        ("staff_view_user", 200, ["supernovae", "transients"]),
        ("ci", 200, ["supernovae", "transients"]),
    ],
)
def test_tags_permission_matrix(persona, status, tags, proposal, request):
    fixture = request.getfixturevalue(persona)
    response = getattr(fixture, "client", fixture).get("/api/proposals/tags")
    assert response.status_code == status
    if tags is not None:
        assert response.json() == tags
