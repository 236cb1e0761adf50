"""Filters, ordering and both paginations of ``GET frames/`` (spec §4.1, §4.6)."""

from __future__ import annotations

from typing import Any

import pytest

from openocs.archive.tests.conftest import box, record


@pytest.fixture
def post(ingest_user, store_root):
    def post(basename, **fields):
        response = ingest_user.client.post(
            "/archive/frames/", record(basename, **fields), format="json"
        )
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    return post


def names(client: Any, **params: Any) -> list[str]:
    response = client.get("/archive/frames/", {"ordering": "basename", **params})
    assert response.status_code == 200, response.json()
    return [f["basename"] for f in response.json()["results"]]


def test_time_range_and_exact_filters(post, anonymous):
    post("a", observation_date="2021-01-01T00:00:00Z", proposal_id="P1", request_id=7)
    post("b", observation_date="2021-02-01T00:00:00Z", proposal_id="P1", configuration_type="BIAS")
    post("c", observation_date="2021-03-01T00:00:00Z", proposal_id="P2", reduction_level=10)
    assert names(anonymous, start="2021-01-15", end="2021-02-15 00:00") == ["b"]
    assert names(anonymous, start="2021-01-01T00:00:00+02:00") == ["a", "b", "c"]
    assert names(anonymous, proposal_id="P1") == ["a", "b"]
    assert names(anonymous, PROPID="P2") == ["c"]
    assert names(anonymous, REQNUM="7") == ["a"]
    assert names(anonymous, RLEVEL="10") == ["c"]
    assert names(anonymous, exclude_calibrations="true") == ["a", "c"]
    assert names(anonymous, OBSTYPE="NOT-A-TYPE") == []


def test_text_filters(post, anonymous):
    post("lsc1m-0001-e91", target_name="Messier 31")
    post("lsc1m-0002-e91", target_name="Crab")
    assert names(anonymous, basename="0001") == ["lsc1m-0001-e91"]
    assert names(anonymous, basename_exact="lsc1m-0002-e91") == ["lsc1m-0002-e91"]
    assert names(anonymous, OBJECT="messier") == ["lsc1m-0001-e91"]
    assert names(anonymous, target_name="crab") == ["lsc1m-0002-e91"]
    assert names(anonymous, submitter="alice") == ["lsc1m-0001-e91", "lsc1m-0002-e91"]


def test_exposure_time_is_a_minimum(post, anonymous):
    post("short", exposure_time=100.0)
    post("long", exposure_time=300.0)
    assert names(anonymous, EXPTIME="200") == ["long"]


def test_choice_filters_reject_unknown_values(post, anonymous):
    post("a")
    response = anonymous.get("/archive/frames/", {"include_configuration_type": "BOGUS"})
    assert response.status_code == 400
    assert response.json() == {
        "include_configuration_type": [
            "Select a valid choice. BOGUS is not one of the available choices."
        ]
    }
    assert names(anonymous, exclude_OBSTYPE="EXPOSE") == []


def test_bad_values_are_400_naming_the_field(anonymous, store_root):
    assert "start" in anonymous.get("/archive/frames/", {"start": "soon"}).json()
    assert "request_id" in anonymous.get("/archive/frames/", {"request_id": "x"}).json()
    covers = anonymous.get("/archive/frames/", {"covers": "POINT(1)"})
    assert covers.status_code == 400
    assert covers.json() == {
        "covers": [
            "Error with covers query: Point must be specified with exact format 'POINT(RA DEC)'"
        ]
    }


def test_ordering_and_related_flag(post, anonymous):
    post("a", exposure_time=3.0)
    post("b", exposure_time=1.0)
    post("c", exposure_time=2.0)
    body = anonymous.get(
        "/archive/frames/", {"ordering": "-exposure_time", "include_related_frames": "false"}
    ).json()
    assert [f["basename"] for f in body["results"]] == ["a", "c", "b"]
    assert "related_frames" not in body["results"][0]


def test_limit_offset_pages_with_absolute_links(post, anonymous):
    for index in range(5):
        post(f"f{index}")
    page = anonymous.get(
        "/archive/frames/", {"limit": 2, "ordering": "basename", "proposal_id": "PUBLIC-001"}
    ).json()
    assert page["count"] == 5
    assert page["count_estimated"] is False
    assert page["next"].startswith("http://testserver/archive/frames/")
    assert "proposal_id=PUBLIC-001" in page["next"]
    second = anonymous.get(page["next"].removeprefix("http://testserver")).json()
    assert [f["basename"] for f in second["results"]] == ["f2", "f3"]


def test_cursor_pagination_follows_next_without_duplicates(post, anonymous):
    for index in range(7):
        post(f"f{index}", observation_date=f"2021-01-0{1 + index % 3}T00:00:00Z")
    seen = []
    url: str = "/archive/frames/?pagination_style=cursor&limit=3"
    while url:
        body = anonymous.get(url).json()
        assert "count" not in body
        seen += [f["id"] for f in body["results"]]
        url = body["next"].removeprefix("http://testserver") if body["next"] else ""
    assert len(seen) == len(set(seen)) == 7


def test_anonymous_limit_is_clamped(post, anonymous, member, monkeypatch):
    from openocs.archive import pagination

    monkeypatch.setattr(pagination, "ANONYMOUS_MAX_LIMIT", 2)
    for name in ("a", "b", "c"):
        post(name)
    assert len(anonymous.get("/archive/frames/", {"limit": 500}).json()["results"]) == 2
    assert len(member.client.get("/archive/frames/", {"limit": 500}).json()["results"]) == 3


def test_covers_and_intersects_boxes(post, anonymous):
    post("box", area=box(0, 0, 10, 10))
    assert names(anonymous, covers="POINT(5 5)") == ["box"]
    assert names(anonymous, covers="POINT(20 20)") == []
    assert names(anonymous, intersects="POLYGON((8 8, 12 8, 12 12, 8 12, 8 8))") == ["box"]
    assert names(anonymous, intersects="POLYGON((18 8, 22 8, 22 12, 18 12, 18 8))") == []
    assert names(anonymous, covers="POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))") == ["box"]


def test_footprint_across_ra_zero(post, anonymous):
    post("wrap", area=box(350, -5, 10, 5))
    assert names(anonymous, covers="POINT(0 0)") == ["wrap"]
    assert names(anonymous, covers="POINT(359.5 1)") == ["wrap"]
    assert names(anonymous, covers="POINT(340 0)") == []
    assert names(anonymous, ra="0", dec="0", radius="0.1") == ["wrap"]


def test_footprint_around_the_pole(post, anonymous):
    ring = [[0, 88], [90, 88], [180, 88], [270, 88], [0, 88]]
    post("pole", area={"type": "Polygon", "coordinates": [ring]})
    assert names(anonymous, covers="POINT(123 89.5)") == ["pole"]
    assert names(anonymous, covers="POINT(123 87)") == []
    assert names(anonymous, cone="200,89.9,0.01") == ["pole"]


def test_cone_search_uses_true_angles(post, anonymous):
    # A 0.2-degree box at dec 60 around RA 100: its RA half-width on the sky is 0.1 cos(60°).
    post("field", area=box(99.9, 59.9, 100.1, 60.1))
    # 0.15 degrees of RA at dec 60 is 0.075 degrees on the sky beyond the centre: inside.
    assert names(anonymous, ra="100.15", dec="60", radius="0.03") == ["field"]
    # 0.3 degrees of RA beyond the centre is 0.1 degrees beyond the edge on the sky.
    assert names(anonymous, ra="100.3", dec="60", radius="0.09") == []
    assert names(anonymous, ra="100.3", dec="60", radius="0.11") == ["field"]
    assert anonymous.get("/archive/frames/", {"ra": "1", "dec": "2"}).status_code == 400
