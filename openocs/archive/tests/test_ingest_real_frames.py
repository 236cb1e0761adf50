"""Every real frame ingests through the API, is found by its headers and downloads intact."""

from __future__ import annotations

from typing import Any

import pytest

from openocs.archive.tests.conftest import FITS_DIR, FULL_FRAME, MEMBER_PROPOSAL, ingest
from openocs.ingester import NonFatalDoNotRetryError


def download(client: Any, url: str) -> bytes:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_every_real_frame_is_registered_with_its_file(archive_of_real_frames, staff):
    assert len(archive_of_real_frames) == 8
    listing = staff.client.get("/archive/frames/", {"limit": 100}).json()
    assert listing["count"] == 8
    for name, result in archive_of_real_frames.items():
        body = staff.client.get(f"/archive/frames/{result['frameid']}/").json()
        assert body["filename"] == name
        assert download(staff.client, body["url"]) == (FITS_DIR / name).read_bytes()


def test_frames_are_found_by_their_headers(archive_of_real_frames, anonymous):
    found = anonymous.get(
        "/archive/frames/",
        {"SITEID": "ogg", "INSTRUME": "ep02", "OBSTYPE": "EXPOSE", "PROPID": "FTPEPO2017AB-002"},
    ).json()
    assert [f["basename"] for f in found["results"]] == [FULL_FRAME.name.removesuffix(".fits.fz")]
    frame = found["results"][0]
    assert frame["DATE_OBS"] == "2021-07-09T14:33:45.478000Z"
    assert frame["DAY_OBS"] == "2021-07-08"
    assert frame["REQNUM"] is None and frame["BLKUID"] is None
    ring = frame["area"]["coordinates"][0]
    assert all(0 <= ra < 360 for ra, _dec in ring)
    bias = anonymous.get("/archive/frames/", {"OBSTYPE": "BIAS", "ordering": "basename"}).json()
    assert [f["basename"] for f in bias["results"]] == [
        "bias_kb70_20151221_bin2x2",
        "coj1m011-fl08-20151216-0049-b00",
    ]


def test_a_public_frame_downloads_without_credentials(archive_of_real_frames, anonymous):
    frame_id = archive_of_real_frames[FULL_FRAME.name]["frameid"]
    body = anonymous.get(f"/archive/frames/{frame_id}/").json()
    assert download(anonymous, body["url"]) == FULL_FRAME.read_bytes()


def test_a_member_downloads_their_proprietary_frame(archive_of_real_frames, member):
    name = "coj1m011-kb05-20150219-0125-e90.fits.fz"
    frame_id = archive_of_real_frames[name]["frameid"]
    body = member.client.get(f"/archive/frames/{frame_id}/").json()
    assert body["proposal_id"] == MEMBER_PROPOSAL
    assert download(member.client, body["url"]) == (FITS_DIR / name).read_bytes()
    redirect = member.client.get(f"/archive/frames/{frame_id}/download/")
    assert redirect.status_code == 302
    assert download(member.client, redirect["Location"]) == (FITS_DIR / name).read_bytes()


def test_an_outsider_can_neither_see_nor_download_it(archive_of_real_frames, outsider, member):
    name = "coj1m011-kb05-20150219-0125-e90.fits.fz"
    frame_id = archive_of_real_frames[name]["frameid"]
    assert outsider.client.get(f"/archive/frames/{frame_id}/").status_code == 404
    assert outsider.client.get(f"/archive/frames/{frame_id}/download/").status_code == 404
    assert outsider.client.get(f"/archive/frames/{frame_id}/headers/").status_code == 404
    assert outsider.client.get(f"/archive/frame-funpack/{frame_id}/funpack/").status_code == 404
    assert outsider.client.get(f"/archive/frame-catalog/{frame_id}/catalog/").status_code == 404
    listed = outsider.client.get("/archive/frames/", {"limit": 100}).json()
    assert frame_id not in [f["id"] for f in listed["results"]]


def test_a_tampered_or_expired_link_is_refused(archive_of_real_frames, member, anonymous):
    import time_machine

    frame_id = archive_of_real_frames["coj1m011-kb05-20150219-0125-e90.fits.fz"]["frameid"]
    url = member.client.get(f"/archive/frames/{frame_id}/").json()["url"]
    path = url.removeprefix("http://testserver")
    assert anonymous.get(path.replace("signature=", "signature=0")).status_code == 403
    with time_machine.travel("2100-01-01", tick=False):
        assert anonymous.get(path).status_code == 403


def test_the_same_file_twice_is_a_duplicate(archive_of_real_frames, ingester):
    with pytest.raises(NonFatalDoNotRetryError):
        ingest(ingester, FULL_FRAME)


def test_headers_route_returns_every_cleaned_card(archive_of_real_frames, anonymous):
    frame_id = archive_of_real_frames[FULL_FRAME.name]["frameid"]
    data = anonymous.get(f"/archive/frames/{frame_id}/headers").json()["data"]
    assert data["PROPID"] == "FTPEPO2017AB-002"
    assert data["BLKUID"] is None
    assert "HISTORY" not in data
    assert len(data) > 200


def test_related_frames_are_symmetric_and_placeholders_hidden(archive_of_real_frames, anonymous):
    image = archive_of_real_frames["cpt1m010-kb70-20151219-0073-e10.fits.fz"]["frameid"]
    catalogue = archive_of_real_frames["cpt1m010-kb70-20151219-0073-e10_cat.fits.fz"]["frameid"]
    related = anonymous.get(f"/archive/frames/{catalogue}/related/").json()
    assert image in [f["id"] for f in related]
    back = anonymous.get(f"/archive/frames/{image}/related").json()
    assert catalogue in [f["id"] for f in back]
    detail = anonymous.get(f"/archive/frames/{image}/").json()
    assert catalogue in detail["related_frames"]
    # The raw e00 frame named by ORIGNAME is a placeholder: linked, never listed.
    listing = anonymous.get("/archive/frames/", {"basename": "0073-e00"}).json()
    assert listing["count"] == 0


def test_tom_toolkit_root_alias_finds_frames(archive_of_real_frames, anonymous):
    body = anonymous.get("/frames/", {"PROPID": "FTPEPO2017AB-002", "limit": 1000}).json()
    assert body["count"] == 1


def test_funpack_returns_a_plain_fits_with_the_same_pixels(archive_of_real_frames, anonymous):
    import io

    import numpy as np
    from astropy.io import fits

    frame_id = archive_of_real_frames["coj1m011-fl08-20151216-0049-b00.fits.fz"]["frameid"]
    response = anonymous.get(f"/archive/frame-funpack/{frame_id}/funpack/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    with (
        fits.open(io.BytesIO(content)) as plain,
        fits.open(FITS_DIR / "coj1m011-fl08-20151216-0049-b00.fits.fz") as packed,
    ):
        assert not any(isinstance(h, fits.CompImageHDU) for h in plain)
        assert np.array_equal(plain[1].data, packed[1].data)
