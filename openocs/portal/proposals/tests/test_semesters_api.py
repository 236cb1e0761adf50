"""``/api/semesters/`` with its ``proposals`` and ``timeallocations`` sub-routes (spec §19.6)."""

from __future__ import annotations

import pytest

from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.models import Membership
from openocs.portal.proposals.tests.test_proposal_actions_api import _client

pytestmark = pytest.mark.django_db


def test_anonymous_lists_semesters_newest_first(anonymous_client, semester, next_semester):
    body = anonymous_client.get("/api/semesters").json()
    assert [s["id"] for s in body["results"]] == ["2027A", "2026B"]
    assert body["results"][1] == {
        "id": "2026B",
        "start": "2026-08-01T00:00:00Z",
        "end": "2027-02-01T00:00:00Z",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("semester_contains=2026-10-01T00:00:00Z", ["2026B"]),
        # D3: the offset is honoured — 01:00+02:00 is 23:00 UTC on 31 January, still 2026B.
        ("semester_contains=2027-02-01T01:00:00%2B02:00", ["2026B"]),
        ("semester_contains=2027-02-01 12:00", ["2027A"]),
        ("semester_contains=2027-03-01", ["2027A"]),
        ("start=2027-01-01", ["2027A"]),
        ("start_lte=2027-01-01 00:00", ["2026B"]),
        ("end=2027-03-01", ["2026B"]),
        ("end_gt=2027-03-01", ["2027A"]),
        ("id=27", ["2027A"]),
        ("unknown=1", ["2027A", "2026B"]),
    ],
)
def test_semester_filters(anonymous_client, semester, next_semester, query, expected):
    response = anonymous_client.get(f"/api/semesters/?{query}")
    assert response.status_code == 200, response.content
    assert [s["id"] for s in response.json()["results"]] == expected


def test_bad_datetime_is_400_naming_the_field(anonymous_client, semester):
    response = anonymous_client.get("/api/semesters/?semester_contains=yesterday")
    assert response.status_code == 400
    assert response.json() == {"semester_contains": ["Enter a valid date/time."]}


def test_detail_with_and_without_slash(anonymous_client, semester):
    assert anonymous_client.get("/api/semesters/2026B").json()["id"] == "2026B"
    assert anonymous_client.get("/api/semesters/2026B/").status_code == 200
    assert anonymous_client.get("/api/semesters/1999A/").status_code == 404


def test_semester_proposals_lists_active_science_proposals(anonymous_client, pi, allocation):
    services.proposal_create(proposal_id="ENG", non_science=True)
    response = anonymous_client.get("/api/semesters/2026B/proposals/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": "LCO2026B-001",
            "title": "Supernova follow-up",
            "abstract": "Light curves.",
            "allocation": {
                "1M0-SCICAM-SINISTRO": {"std": 50.0, "rr": 0.0, "tc": 5.0, "realtime": 0.0}
            },
            "pis": [
                {"first_name": "Alice", "last_name": "Tester", "institution": "Example University"}
            ],
            "sca_id": "",
            "sca_name": "",
            "semesters": ["2026B"],
        }
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("outsider", 403),
        ("ci", 403),
        ("pi", 403),
        ("staff", 200),
        ("staff_view", 200),
    ],
)
def test_timeallocations_is_staff_only(persona, status, pi, ci, allocation, request):
    response = _client(persona, request).get("/api/semesters/2026B/timeallocations")
    assert response.status_code == status
    if status == 200:
        (row,) = response.json()
        assert row["std_allocation"] == 50.0
        assert row["proposal"] == {
            "notes": "",
            "id": "LCO2026B-001",
            "tac_priority": 20,
            "num_users": 2,
            "tags": ["supernovae", "transients"],
            "pis": [{"first_name": "Alice", "last_name": "Tester"}],
        }


@pytest.mark.parametrize("rows", [1, 20])
def test_semester_sub_routes_do_a_constant_number_of_queries(
    staff_view_user, semester, make_persona, rows, django_assert_max_num_queries
):
    member = make_persona("member")
    for i in range(rows):
        p = services.proposal_create(proposal_id=f"S{i:03d}", tags=["x"])
        Membership.objects.create(proposal=p, user=member.user, role="PI")
        accounting.allocation_create(
            proposal=p, semester=semester, instrument_types=["A"], std_allocation=1
        )
    with django_assert_max_num_queries(8):
        assert len(staff_view_user.client.get("/api/semesters/2026B/proposals/").json()) == rows
    with django_assert_max_num_queries(8):
        response = staff_view_user.client.get("/api/semesters/2026B/timeallocations/")
        assert len(response.json()) == rows
    with django_assert_max_num_queries(4):
        staff_view_user.client.get("/api/semesters/")


def test_anonymous_callers_may_not_ask_for_huge_pages(anonymous_client, staff_user, semester):
    big = anonymous_client.get("/api/semesters/?limit=101")
    assert (big.status_code, big.content) == (400, b"Large limit not allowed for anonymous users.")
    far = anonymous_client.get("/api/semesters/?offset=10001")
    assert (far.status_code, far.content) == (400, b"Large offset not allowed for anonymous users.")
    assert staff_user.client.get("/api/semesters/?limit=5000").status_code == 200
