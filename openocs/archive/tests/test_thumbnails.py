"""Thumbnails are made by the background task after ingest and follow frame rights (spec §8)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from openocs.archive.models import Thumbnail
from openocs.archive.tests.conftest import FULL_FRAME, ingest


def test_ingest_makes_three_png_sizes(
    ingester: Any, settings: Any, anonymous: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ARCHIVE_THUMBNAILS = True
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(ingester, FULL_FRAME)
    sizes = dict(Thumbnail.objects.filter(frame_id=result["frameid"]).values_list("size", "path"))
    assert set(sizes) == {"small", "medium", "large"}
    assert sizes["small"].startswith("ogg/ep02/20210708/thumbnails/")
    listing = anonymous.get("/archive/thumbnails/", {"frame_basename": result["basename"]}).json()
    assert listing["count"] == 3
    small = next(t for t in listing["results"] if t["size"] == "small")
    content = b"".join(
        anonymous.get(small["url"].removeprefix("http://testserver")).streaming_content
    )
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    assert max(image.size) == 200
    frame = anonymous.get(
        f"/archive/frames/{result['frameid']}/", {"include_thumbnails": "true"}
    ).json()
    assert {t["size"] for t in frame["thumbnails"]} == {"small", "medium", "large"}


def test_thumbnails_of_invisible_frames_are_hidden(
    ingester: Any, settings: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ARCHIVE_THUMBNAILS = True
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest(ingester, FULL_FRAME, PROPID="PRIVATE-1", L1PUBDAT="2099-01-01T00:00:00")
    assert Thumbnail.objects.filter(frame_id=result["frameid"]).count() == 3
    assert outsider.client.get("/archive/thumbnails/").json()["count"] == 0


def test_thumbnails_shrink_and_never_enlarge() -> None:
    """A 512-pixel frame's medium and large thumbnails are its own 512 pixels (made once);
    the small one is shrunk to 200."""
    import numpy as np

    from openocs.archive.thumbnails import fitted_size, render_png, stretched

    rng = np.random.default_rng(1)
    data = (1000.0 + rng.standard_normal((512, 384)) * 10.0).astype(np.float32)
    data[0, 0] = np.nan
    image = stretched(data)
    assert image.size == (384, 512) and image.mode == "L"
    assert fitted_size(image.size, 200) == (150, 200)
    assert fitted_size(image.size, 600) == fitted_size(image.size, 1200) == (384, 512)
    assert Image.open(io.BytesIO(render_png(data, 1200))).size == (384, 512)
    assert Image.open(io.BytesIO(render_png(data, 200))).size == (150, 200)
