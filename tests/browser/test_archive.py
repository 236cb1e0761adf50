"""The science archive in the browser: an anonymous search, and a member who finds, previews and
zips their frames."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, screenshot, submit_group

FITS_DIR = Path(__file__).resolve().parents[2] / "data" / "demo-fits"
ALICE_FRAME = "ogg2m001-ep02-20210708-0132-e00"  # made proprietary to alice's proposal
OTHER_FRAME = "coj1m011-fl08-20151216-0083-d00"  # proprietary to someone else's
PUBLIC_FRAME = "coj1m011-fl08-20151216-0049-b00"
WITH_PREVIEWS = (ALICE_FRAME, PUBLIC_FRAME)  # the others have no image to preview


@pytest.fixture
def archive(demo: dict[str, str], settings: Any, tmp_path: Path) -> dict[str, int]:
    """The real demo frames, ingested; thumbnails of two of them."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from openocs.archive import files
    from openocs.archive.models import Frame
    from openocs.archive.thumbnails import thumbnails_generate
    from openocs.clients.archive import ArchiveClient
    from openocs.ingester import Ingester, IngesterSettings
    from openocs.storage import StorageConfig
    from openocs.web.inprocess import InProcessTransport

    settings.ARCHIVE_STORAGE = StorageConfig(
        backend="local", root_dir=str(tmp_path / "files"), signing_key="browser-test-key"
    )
    settings.ARCHIVE_THUMBNAILS = False
    user = get_user_model().objects.create_user("ingester", is_staff=True, is_superuser=True)
    token = Token.objects.create(user=user).key
    overrides = {
        f"{ALICE_FRAME}.fits.fz": {"PROPID": "DEMO-001", "L1PUBDAT": "2099-01-01T00:00:00"},
        f"{OTHER_FRAME}.fits.fz": {"PROPID": "SECRET-001", "L1PUBDAT": "2099-01-01T00:00:00"},
    }
    with ArchiveClient(
        "http://testserver/archive/", token=token, transport=InProcessTransport()
    ) as client:
        ingester = Ingester.from_settings(
            IngesterSettings(api_root="http://testserver/archive/"),
            storage=files.storage(),
            archive=client,
        )
        for path in sorted(FITS_DIR.glob("*.fits.fz")):
            with path.open("rb") as fileobj:
                ingester.ingest(fileobj, path.name, file_metadata=overrides.get(path.name))
    ids = dict(Frame.objects.values_list("basename", "id"))
    for name in WITH_PREVIEWS:
        thumbnails_generate(frame_id=ids[name])
    return ids


def test_anonymous_search_never_shows_a_proprietary_frame(
    page: Any, archive: dict[str, int]
) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    assert page.get_by_role("heading", name="Science archive").is_visible()
    results = page.get_by_role("region", name="Frames found")
    assert results.get_by_role("img", name=f"Preview of {PUBLIC_FRAME}").is_visible()
    text = results.inner_text()
    assert ALICE_FRAME not in text and OTHER_FRAME not in text
    assert "DEMO-001" not in page.locator("#f-proposal_id").inner_text()
    screenshot(page, "archive-search")
    assert_accessible(page)

    page.get_by_label("Observation type (OBSTYPE)").select_option("EXPOSE")
    page.get_by_role("button", name="Search").click()
    assert ALICE_FRAME not in page.get_by_role("region", name="Frames found").inner_text()
    page.get_by_role("link", name="Frame", exact=True).click()  # sort by basename
    assert (page.locator("th[aria-sort]").text_content() or "").strip() == "Frame"

    response = page.goto(f"/archive/frame/{archive[ALICE_FRAME]}/")
    assert response.status == 404


def test_a_member_finds_previews_and_zips_their_frames(page: Any, archive: dict[str, int]) -> None:
    login(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    page.get_by_label("Proposal").select_option("DEMO-001")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name="Frames found")
    assert results.get_by_role("link", name=ALICE_FRAME, exact=True).is_visible()
    assert OTHER_FRAME not in results.inner_text()

    results.get_by_role("link", name=ALICE_FRAME, exact=True).click()
    assert page.get_by_role("heading", name=ALICE_FRAME).is_visible()
    preview = page.get_by_role("img", name=f"Preview of {ALICE_FRAME}")
    preview.wait_for()
    assert page.evaluate("(img) => img.naturalWidth", preview.element_handle()) > 0
    assert page.get_by_text("Proprietary until").is_visible()
    page.get_by_label("Filter the headers").fill("propid")
    rows = page.locator("#headers-table tbody tr:not([hidden])")
    assert rows.count() == 1 and "DEMO-001" in rows.inner_text()
    screenshot(page, "archive-frame")
    assert_accessible(page)

    page.get_by_role("link", name="Science archive").click()
    page.get_by_label("Select every frame on this page").check()
    rows = page.locator("input[name=frame_ids]").count()
    assert rows > 2 and page.get_by_text(f"{rows} selected").is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download a zip").click()
    download = download_info.value
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as bundle:
        names = [name.rsplit("/", 1)[-1] for name in bundle.namelist()]
    assert f"{ALICE_FRAME}.fits.fz" in names
    assert f"{OTHER_FRAME}.fits.fz" not in names
    status = page.get_by_role("status").filter(has_text=f"Your zip of {rows} frames is downloading")
    expect(status).to_be_visible()

    with page.expect_download() as script_info:
        page.get_by_role("button", name="Download a curl script").click()
    script = Path(script_info.value.path()).read_text()
    assert script.startswith("#!/bin/sh") and f"{ALICE_FRAME}.fits.fz" in script


def test_a_frame_and_its_request_link_to_each_other(page: Any, archive: dict[str, int]) -> None:
    from openocs.archive.models import Frame

    request_id = submit_group("alice", "Pinwheel monitoring").requests.get().pk
    Frame.objects.filter(basename=ALICE_FRAME).update(request_id=request_id)
    login(page, "alice")
    page.goto(f"/archive/frame/{archive[ALICE_FRAME]}/")
    page.get_by_role("link", name=f"Request {request_id}", exact=True).click()
    assert page.get_by_role("heading", name=f"Request {request_id}").is_visible()
    page.get_by_role("link", name=ALICE_FRAME, exact=True).click()
    assert page.get_by_role("heading", name=ALICE_FRAME).is_visible()


def test_a_cone_around_a_resolved_name_and_a_selection_kept_across_searches(
    page: Any, archive: dict[str, int]
) -> None:
    login(page, "alice")
    page.goto("/archive/")
    # NGC 300 (the Sculptor Pinwheel) is found offline in OpenNGC; alice's frame points at it
    page.get_by_label("Centred on a name").fill("NGC 300")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="is NGC0300 in OpenNGC")).to_be_visible()
    results = page.get_by_role("region", name="Frames found")
    assert results.get_by_role("link", name=ALICE_FRAME, exact=True).is_visible()
    assert PUBLIC_FRAME not in results.inner_text()
    page.get_by_label(f"Select {ALICE_FRAME}").check()
    screenshot(page, "archive-cone-by-name")
    assert_accessible(page)

    # an unknown name is refused next to the field's name, and nothing is searched
    page.get_by_label("Centred on a name").fill("Not a catalogued object")
    page.get_by_role("button", name="Search").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("cone_name")
    expect(alert).to_contain_text("No catalogue on this server knows")

    # a second search: the first selection is kept, and both frames go into one zip
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Observation type (OBSTYPE)").select_option("BIAS")
    page.get_by_role("button", name="Search").click()
    page.get_by_label(f"Select {PUBLIC_FRAME}").check()
    expect(page.get_by_text("2 selected (1 on other pages or searches)")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download a zip").click()
    with zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes())) as bundle:
        names = sorted(name.rsplit("/", 1)[-1] for name in bundle.namelist())
    assert names == sorted([f"{ALICE_FRAME}.fits.fz", f"{PUBLIC_FRAME}.fits.fz"])
    page.get_by_role("button", name="Clear the selection").click()
    expect(page.get_by_text("0 selected", exact=True)).to_be_visible()
    assert page.get_by_role("button", name="Download a zip").is_disabled()
