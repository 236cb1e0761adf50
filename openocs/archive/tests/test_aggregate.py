"""``GET frames/aggregate/``: rights-aware and computed on demand (spec §7, D22, D37)."""

from __future__ import annotations

import pytest

from openocs.archive.tests.conftest import MEMBER_PROPOSAL, OTHER_PROPOSAL, record


@pytest.fixture
def frames(ingest_user, store_root):
    for body in (
        record(
            "a", proposal_id="PUBLIC-001", site_id="lsc", observation_date="2021-06-01T00:00:00Z"
        ),
        record("b", proposal_id=MEMBER_PROPOSAL, site_id="ogg", public_date="2099-01-01T00:00:00Z"),
        record("c", proposal_id=OTHER_PROPOSAL, site_id="coj", public_date="2099-01-01T00:00:00Z"),
    ):
        assert ingest_user.client.post("/archive/frames/", body, format="json").status_code == 201


def test_without_parameters_only_visible_frames_count(frames, anonymous, member, staff):
    assert anonymous.get("/archive/frames/aggregate/").json()["proposals"] == ["PUBLIC-001"]
    body = member.client.get("/archive/frames/aggregate").json()
    assert body["proposals"] == [MEMBER_PROPOSAL, "PUBLIC-001"]
    assert body["sites"] == ["lsc", "ogg"]
    assert set(body) == {
        "sites",
        "telescopes",
        "filters",
        "instruments",
        "obstypes",
        "proposals",
        "generated_at",
    }
    assert staff.client.get("/archive/frames/aggregate/").json()["sites"] == ["coj", "lsc", "ogg"]


def test_public_filters(frames, anonymous, member):
    assert (
        anonymous.get("/archive/frames/aggregate/", {"public": "false"}).json()["proposals"] == []
    )
    assert member.client.get("/archive/frames/aggregate/", {"public": "false"}).json()[
        "proposals"
    ] == [MEMBER_PROPOSAL]
    window = {"public": "true", "start": "2021-01-01", "end": "2021-12-31"}
    assert member.client.get("/archive/frames/aggregate/", window).json()["proposals"] == [
        "PUBLIC-001"
    ]


def test_field_filters_narrow_all_lists(frames, staff):
    body = staff.client.get("/archive/frames/aggregate/", {"site_id": "coj"}).json()
    assert body["proposals"] == [OTHER_PROPOSAL]


def test_window_rules(frames, anonymous):
    assert anonymous.get("/archive/frames/aggregate/", {"start": "2021-01-01"}).json() == {
        "non_field_errors": ["both start & end must be specified"]
    }
    too_long = anonymous.get(
        "/archive/frames/aggregate/", {"start": "2020-01-01", "end": "2021-06-01"}
    )
    assert too_long.json() == {
        "non_field_errors": ["time range must be less than or equal to a year (365 days)"]
    }
