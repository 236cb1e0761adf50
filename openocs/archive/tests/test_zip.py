"""``POST frames/zip/``: a streamed zip of the caller's visible frames (spec §6.2)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import numpy as np
from astropy.io import fits

from openocs.archive.tests.conftest import FITS_DIR
from openocs.archive.zipping import ZipEntry, stored_zip_length, zip_stream


def zip_names(response: Any) -> tuple[list[str], dict[str, bytes]]:
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return sorted(archive.namelist()), {n: archive.read(n) for n in archive.namelist()}


def ids_of(archive_of_real_frames: Any) -> list[int]:
    return [r["frameid"] for r in archive_of_real_frames.values()]


def test_anonymous_zip_holds_only_public_frames_byte_identical(archive_of_real_frames, anonymous):
    response = anonymous.post(
        "/archive/frames/zip/", {"frame_ids": ids_of(archive_of_real_frames)}, format="json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=ocs_archive_data-")
    assert response["Content-Disposition"].endswith("-6.zip")
    assert response.cookies["fileDownload"].value == "true"
    length = int(response["Content-Length"])  # exact: the browser shows progress and time left
    content = b"".join(response.streaming_content)
    assert len(content) == length
    response.streaming_content = iter([content])
    names, contents = zip_names(response)
    assert len(names) == 6
    assert "ocs_archive_data/coj1m011-kb05-20150219-0125-e90.fits.fz" not in names
    for name in names:
        assert contents[name] == (FITS_DIR / name.split("/", 1)[1]).read_bytes()


def test_body_token_identifies_a_member(archive_of_real_frames, member, anonymous):
    ids = ids_of(archive_of_real_frames)
    response = anonymous.post(
        "/archive/frames/zip/", {"frame_ids": ids, "auth_token": member.token}, format="json"
    )
    names, _ = zip_names(response)
    assert len(names) == 7
    assert "ocs_archive_data/coj1m011-kb05-20150219-0125-e90.fits.fz" in names
    assert "ocs_archive_data/coj1m011-fl08-20151216-0083-d00.fits.fz" not in names


def test_unknown_body_token_is_404(archive_of_real_frames, anonymous):
    ids = ids_of(archive_of_real_frames)
    response = anonymous.post(
        "/archive/frames/zip/", {"frame_ids": ids, "auth_token": "nope"}, format="json"
    )
    assert response.status_code == 404


def test_only_invisible_ids_is_404(archive_of_real_frames, outsider):
    frame_id = archive_of_real_frames["coj1m011-kb05-20150219-0125-e90.fits.fz"]["frameid"]
    assert (
        outsider.client.post(
            "/archive/frames/zip/", {"frame_ids": [frame_id]}, format="json"
        ).status_code
        == 404
    )


def test_form_encoded_ids_as_the_web_client_sends_them(archive_of_real_frames, anonymous):
    frame_id = archive_of_real_frames["bias_kb70_20151221_bin2x2.fits.fz"]["frameid"]
    response = anonymous.post(
        "/archive/frames/zip/", {"frame_ids[0]": str(frame_id)}, format="multipart"
    )
    names, _ = zip_names(response)
    assert names == ["ocs_archive_data/bias_kb70_20151221_bin2x2.fits.fz"]


def test_uncompress_gives_plain_fits_with_the_same_pixels(archive_of_real_frames, anonymous):
    frame_id = archive_of_real_frames["coj1m011-fl08-20151216-0049-b00.fits.fz"]["frameid"]
    response = anonymous.post(
        "/archive/frames/zip/", {"frame_ids": [frame_id], "uncompress": True}, format="json"
    )
    assert not response.has_header("Content-Length")  # made while streaming: size unknown
    names, contents = zip_names(response)
    assert names == ["ocs_archive_data/coj1m011-fl08-20151216-0049-b00.fits"]
    with (
        fits.open(io.BytesIO(contents[names[0]])) as plain,
        fits.open(FITS_DIR / "coj1m011-fl08-20151216-0049-b00.fits.fz") as packed,
    ):
        assert np.array_equal(plain[1].data, packed[1].data)


def test_uncompress_with_more_than_ten_ids_is_refused(anonymous, store_root):
    response = anonymous.post(
        "/archive/frames/zip/",
        {"frame_ids": list(range(1, 12)), "uncompress": "true"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "A maximum of 10 frames can be downloaded with the uncompress flag. "
            "Please try again with fewer frame_ids."
        ]
    }


def test_per_user_limits_on_count_and_size(archive_of_real_frames, anonymous, settings):
    ids = ids_of(archive_of_real_frames)
    settings.ARCHIVE_ZIP_MAX_FILES = 2
    response = anonymous.post("/archive/frames/zip/", {"frame_ids": ids}, format="json")
    assert response.status_code == 400
    assert "frame_ids" in response.json()
    settings.ARCHIVE_ZIP_MAX_FILES = 100
    settings.ARCHIVE_ZIP_MAX_BYTES = 1000
    response = anonymous.post("/archive/frames/zip/", {"frame_ids": ids}, format="json")
    assert response.status_code == 400


def test_missing_frame_ids_names_the_field(anonymous, store_root):
    response = anonymous.post("/archive/frames/zip/", {}, format="json")
    assert response.json() == {"frame_ids": ["This field is required."]}


def test_the_announced_length_is_exact_or_absent() -> None:
    entries = [
        ZipEntry(f"base/frame-{i}.fits.fz", [b"x" * size], size)
        for i, size in enumerate([0, 1, 2880, 70_001])
    ]
    assert stored_zip_length(entries) == len(b"".join(zip_stream(entries)))
    # no length when a size is unknown, a name is not ASCII, or ZIP64 records would be written
    assert stored_zip_length([ZipEntry("a.fits", [b"x"], None)]) is None
    assert stored_zip_length([ZipEntry("é.fits", [b"x"], 1)]) is None
    assert stored_zip_length([ZipEntry("big.fits", [], 2**31)]) is None
    assert stored_zip_length([ZipEntry(f"{i}", [], 0) for i in range(70_000)]) is None
