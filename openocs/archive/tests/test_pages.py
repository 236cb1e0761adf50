"""The archive's web pages: search, a frame and the download script, with the API's rights."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from openocs.archive.tests.conftest import MEMBER_PROPOSAL, OTHER_PROPOSAL, record

FUTURE = "2099-01-01T00:00:00Z"


@pytest.fixture
def frames(ingest_user: Any, store_root: Any) -> dict[str, int]:
    bodies = [
        record("public-frame", proposal_id="PUBLIC-001", target_name="M31", request_id=7),
        record(
            "member-frame",
            proposal_id=MEMBER_PROPOSAL,
            public_date=FUTURE,
            request_id=7,
            target_name="NGC 1300",
            related_frame_filenames=["public-frame", "other-frame"],
            headers={"USERID": "alice", "AIRMASS": 1.23, "OBSTYPE": "EXPOSE"},
        ),
        record("other-frame", proposal_id=OTHER_PROPOSAL, public_date=FUTURE, request_id=8),
        record("raw-frame", reduction_level=0, configuration_type="BIAS", site_id="ogg"),
    ]
    ids = {}
    for body in bodies:
        response = ingest_user.client.post("/archive/frames/", body, format="json")
        assert response.status_code == 201, response.json()
        ids[body["basename"]] = response.json()["id"]
    return ids


def browser_for(persona: Any | None) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(persona.user)
    return client


def listed(response: Any) -> list[str]:
    return re.findall(
        r'class="mono small archive-basename"[^>]*>([^<]+)<', response.content.decode()
    )


def test_anonymous_search_lists_public_frames_only(frames, anonymous):
    response = Client().get("/archive/", {"ordering": "basename"})
    assert response.status_code == 200
    assert listed(response) == ["public-frame", "raw-frame"]
    assert "<strong>2</strong> frames" in response.content.decode()


def test_member_sees_their_proposals_frames_and_filters_apply(frames, member):
    client = browser_for(member)
    assert sorted(listed(client.get("/archive/"))) == ["member-frame", "public-frame", "raw-frame"]
    assert listed(client.get("/archive/", {"target_name": "ngc"})) == ["member-frame"]
    assert listed(client.get("/archive/", {"configuration_type": "BIAS"})) == ["raw-frame"]
    assert listed(client.get("/archive/", {"reduction_level": "0", "site_id": "ogg"})) == [
        "raw-frame"
    ]
    both = client.get("/archive/", {"request_id": "7", "ordering": "-basename"})
    assert listed(both) == ["public-frame", "member-frame"]
    # the end date alone covers the whole day
    assert len(listed(client.get("/archive/", {"start": "2021-07-09", "end": "2021-07-09"}))) == 3
    assert listed(client.get("/archive/", {"end": "2021-07-08"})) == []


def test_invalid_filters_are_named_not_a_500(frames):
    response = Client().get("/archive/", {"ra": "10", "dec": "95", "radius": "1"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<strong>dec</strong>: Ensure this value is between -90 and 90." in text
    assert listed(response) == []
    missing = Client().get("/archive/", {"ra": "10"}).content.decode()
    assert "ra, dec and radius must be given together." in missing
    assert (
        "Enter a valid date/time." in Client().get("/archive/", {"start": "soon"}).content.decode()
    )


def test_frame_page_hides_what_the_viewer_may_not_see(frames, member, outsider):
    member_frame = f"/archive/frame/{frames['member-frame']}/"
    assert Client().get(member_frame).status_code == 404
    assert browser_for(outsider).get(member_frame).status_code == 404
    page = browser_for(member).get(member_frame)
    assert page.status_code == 200
    text = page.content.decode()
    assert "AIRMASS" in text and "1.23" in text
    assert "Proprietary until" in text
    assert "public-frame" in text  # related and visible
    assert "other-frame" not in text  # related but another proposal's
    assert re.search(r'href="[^"]*/archive/files/[^"]+signature=', text)
    assert 'href="/requests/7/"' in text  # the portal's page of the request, co-hosted


def test_request_link_only_for_members(frames, outsider):
    text = browser_for(outsider).get(f"/archive/frame/{frames['public-frame']}/").content.decode()
    assert "Request 7" not in text
    assert "?request_id=7" in text


def test_request_link_to_a_remote_portal(frames, member, settings):
    settings.OCS_COMPONENTS = ["archive"]
    settings.OCS_PORTAL_PUBLIC_URL = "https://portal.example.org/"
    from openocs.archive import conf

    assert conf.portal_page_url("requests/7/") == "https://portal.example.org/requests/7/"
    settings.OCS_PORTAL_PUBLIC_URL = ""
    assert conf.portal_page_url("requests/7/") is None


def test_script_has_signed_urls_of_visible_frames_only(frames, member):
    ids = list(frames.values())
    response = browser_for(member).post("/archive/download-script/", {"frame_ids": ids})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-shellscript"
    script = response.content.decode()
    assert script.startswith("#!/bin/sh\n")
    curls = [line for line in script.splitlines() if line.startswith("curl ")]
    assert len(curls) == 3
    assert any("member-frame.fits.fz" in line for line in curls)
    assert not any("other-frame" in line for line in curls)
    assert all("signature=" in line for line in curls)
    anonymous = Client().post("/archive/download-script/", {"frame_ids": ids}).content.decode()
    assert "member-frame" not in anonymous


def test_script_names_a_bad_selection(frames):
    response = Client().post("/archive/download-script/", {})
    assert response.status_code == 400
    assert response.content.decode() == "This field is required."
    assert Client().get("/archive/download-script/").status_code == 405


def test_zip_form_posts_to_the_api_zip_route(frames, member, store_root):
    page = browser_for(member).get("/archive/").content.decode()
    assert 'action="/archive/frames/zip/"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_docs_example_is_the_pages_search(frames):
    from pathlib import Path
    from urllib.parse import urlsplit

    doc = (Path(__file__).resolve().parents[3] / "docs" / "web.md").read_text()
    found = re.search(r"curl '(http://127\.0\.0\.1:8000/archive/frames/\?[^']+)'", doc)
    assert found is not None
    url = urlsplit(found.group(1))
    api = Client().get(f"{url.path}?{url.query}")
    assert api.status_code == 200
    page = Client().get(f"/archive/?{url.query}")
    assert page.status_code == 200
    assert [f["basename"] for f in api.json()["results"]] == listed(page)


def test_a_cone_centred_on_a_name_is_resolved_offline_and_named_when_unknown(frames):
    page = Client().get("/archive/", {"cone_name": "M31"}).content.decode()
    assert "is <strong>NGC0224</strong> in OpenNGC (pyongc)" in page
    assert "frames within 0.25° of it" in page
    # the scripts' equivalent is the API's own query: the name's RA/Dec, no empty fields
    hint = re.search(r'class="archive-api-query">GET ([^<]+)<', page)
    assert hint is not None
    assert "cone_name" not in hint.group(1) and "ra=10.68" in hint.group(1)
    assert "radius=0.25" in hint.group(1) and "start=" not in hint.group(1)

    unknown = Client().get("/archive/", {"cone_name": "Not a catalogued object"})
    assert unknown.status_code == 200
    assert "<strong>cone_name</strong>: No catalogue on this server knows" in (
        unknown.content.decode()
    )
    assert listed(unknown) == []
    both = Client().get("/archive/", {"cone_name": "M31", "ra": "10", "dec": "41"})
    assert "Give either a name or RA and Dec" in both.content.decode()
    too_long = Client().get("/archive/", {"cone_name": "x" * 101}).content.decode()
    assert "<strong>cone_name</strong>: At most 100 characters." in too_long
