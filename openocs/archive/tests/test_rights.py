"""The visibility rule for anonymous, outsider, member and staff callers (spec §2.3, §4.2)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from openocs.archive.tests.conftest import MEMBER_PROPOSAL, OTHER_PROPOSAL, record

FUTURE = "2099-01-01T00:00:00Z"


@pytest.fixture
def frames(ingest_user, store_root):
    bodies = [
        record("public-frame", proposal_id="PUBLIC-001"),
        record("member-frame", proposal_id=MEMBER_PROPOSAL, public_date=FUTURE),
        record("other-frame", proposal_id=OTHER_PROPOSAL, public_date=FUTURE),
        record("never-public", proposal_id=OTHER_PROPOSAL, public_date=None),
    ]
    ids = {}
    for body in bodies:
        response = ingest_user.client.post("/archive/frames/", body, format="json")
        assert response.status_code == 201, response.json()
        ids[body["basename"]] = response.json()["id"]
    return ids


def names(client: Any, **params: Any) -> list[str]:
    body = client.get("/archive/frames/", {"ordering": "basename", **params}).json()
    return [f["basename"] for f in body["results"]]


def test_anonymous_sees_only_public_frames(frames, anonymous):
    assert names(anonymous) == ["public-frame"]
    assert anonymous.get(f"/archive/frames/{frames['member-frame']}/").status_code == 404


def test_outsider_sees_only_public_frames(frames, outsider):
    assert names(outsider.client) == ["public-frame"]
    response = outsider.client.get(f"/archive/frames/{frames['other-frame']}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_member_sees_public_and_own_proposal(frames, member):
    assert names(member.client) == ["member-frame", "public-frame"]
    assert member.client.get(f"/archive/frames/{frames['member-frame']}/").status_code == 200
    assert member.client.get(f"/archive/frames/{frames['other-frame']}/").status_code == 404


def test_staff_see_everything(frames, staff):
    assert names(staff.client) == ["member-frame", "never-public", "other-frame", "public-frame"]


def test_frames_become_visible_after_their_public_date(frames, anonymous):
    with time_machine.travel("2099-01-02", tick=False):
        assert names(anonymous) == ["member-frame", "other-frame", "public-frame"]


def test_public_false_gives_a_member_only_their_proposal(frames, member):
    for spelling in ("false", "False", "0"):
        assert names(member.client, public=spelling) == ["member-frame"]
    for spelling in ("true", "True", "1"):
        assert names(member.client, public=spelling) == ["member-frame", "public-frame"]


def test_public_false_gives_anonymous_nothing(frames, anonymous):
    assert names(anonymous, public="false") == []


def test_profile_reports_the_users_proposals(frames, member, anonymous):
    assert member.client.get("/archive/profile/").json() == {
        "username": "member",
        "profile": {"proposals": [MEMBER_PROPOSAL]},
        "is_staff": False,
    }
    assert anonymous.get("/archive/profile").json() == {
        "username": "",
        "profile": {},
        "is_staff": False,
    }


def test_membership_is_cached(frames, member, portal):
    names(member.client)
    calls = portal.calls
    names(member.client)
    assert portal.calls == calls


def test_portal_outage_answers_503_for_members_not_silence(frames, member, portal):
    portal.down = True
    response = member.client.get("/archive/frames/")
    assert response.status_code == 503
    assert "portal" in response.json()["detail"]


def test_portal_outage_does_not_affect_anonymous_or_staff(frames, anonymous, staff, portal):
    portal.down = True
    assert names(anonymous) == ["public-frame"]
    assert len(names(staff.client)) == 4


def test_bearer_tokens_are_verified_with_the_portal(frames, member, portal):
    from rest_framework.test import APIClient

    portal.users["oauth-access-token"] = "member"
    portal.proposals["oauth-access-token"] = [MEMBER_PROPOSAL]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer oauth-access-token")
    assert names(client) == ["member-frame", "public-frame"]
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/archive/frames/").status_code == 401


def test_unknown_portal_token_is_verified_and_its_user_created(frames, portal):
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    portal.users["remote-token"] = "remote-user"
    portal.proposals["remote-token"] = [OTHER_PROPOSAL]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token remote-token")
    assert names(client) == ["never-public", "other-frame", "public-frame"]
    assert User.objects.filter(username="remote-user").exists()
    client.credentials(HTTP_AUTHORIZATION="Token wrong")
    assert client.get("/archive/frames/").status_code == 401
