"""``POST thumbnails/`` (spec §8, acceptance 16)."""

from __future__ import annotations

from typing import Any

from openocs.archive.models import Frame, Thumbnail
from openocs.archive.tests.conftest import record


def thumbnail_body(**fields: Any) -> dict[str, Any]:
    body = record("frame-1")
    body.update(basename="frame-1-large", frame_basename="frame-1", size="large")
    body["version_set"] = [{"key": "k", "md5": "b" * 32, "extension": ".jpg"}]
    body.update(fields)
    return body


def test_thumbnail_before_its_frame_creates_the_frame_without_a_version(
    ingest_user: Any, anonymous: Any, store_root: Any
) -> None:
    response = ingest_user.client.post("/archive/thumbnails/", thumbnail_body(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["size"] == "large"
    frame = Frame.objects.get(basename="frame-1")
    assert not frame.version_set.exists()
    assert anonymous.get("/archive/frames/").json()["count"] == 0


def test_the_same_thumbnail_twice_is_one_row(ingest_user: Any, store_root: Any) -> None:
    ingest_user.client.post("/archive/thumbnails/", thumbnail_body(), format="json")
    ingest_user.client.post("/archive/thumbnails/", thumbnail_body(), format="json")
    assert Thumbnail.objects.filter(basename="frame-1-large").count() == 1


def test_missing_size_names_the_field(ingest_user: Any, member: Any, store_root: Any) -> None:
    body = thumbnail_body()
    del body["size"]
    response = ingest_user.client.post("/archive/thumbnails/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"size": ["This field is required."]}
    assert (
        member.client.post("/archive/thumbnails/", thumbnail_body(), format="json").status_code
        == 403
    )


def test_the_ingester_registers_a_jpeg_thumbnail_of_a_frame(
    ingester: Any, anonymous: Any, tmp_path: Any
) -> None:
    from PIL import Image

    from openocs.archive.tests.conftest import FULL_FRAME, ingest

    frame = ingest(ingester, FULL_FRAME)
    jpeg = tmp_path / f"{frame['basename']}-small.jpg"
    Image.new("L", (20, 10)).save(jpeg, format="JPEG")
    metadata = {
        "frame_basename": frame["basename"], "size": "small", "DATE-OBS": "2021-07-09T14:33:45.478",
        "INSTRUME": "ep02", "SITEID": "ogg", "TELID": "2m0a",
    }  # fmt: skip
    with jpeg.open("rb") as fileobj:
        result = ingester.ingest(fileobj, jpeg.name, file_metadata=metadata)
    assert result["frameid"] == frame["frameid"]
    body = anonymous.get(
        f"/archive/frames/{frame['frameid']}/", {"include_thumbnails": "true"}
    ).json()
    (thumbnail,) = body["thumbnails"]
    assert thumbnail["size"] == "small"
    assert thumbnail["extension"] == ".jpg"
    content = b"".join(
        anonymous.get(thumbnail["url"].removeprefix("http://testserver")).streaming_content
    )
    assert content == jpeg.read_bytes()
