"""The completion-e-mail link lists exactly one request's frames (for the portal)."""

from __future__ import annotations

from typing import Any

from openocs.archive.tests.conftest import record
from openocs.clients.archive import request_frames_url


def test_request_link_lists_exactly_that_requests_frames(
    ingest_user: Any, anonymous: Any, store_root: Any
) -> None:
    for name, request_id in (("a", 5), ("b", 5), ("c", 6), ("d", None)):
        body = record(name, request_id=request_id)
        assert ingest_user.client.post("/archive/frames/", body, format="json").status_code == 201
    url = request_frames_url("http://testserver/archive/", 5)
    assert url.startswith("http://testserver/archive/frames/?request_id=5")
    body = anonymous.get(url.removeprefix("http://testserver")).json()
    assert sorted(f["basename"] for f in body["results"]) == ["a", "b"]
    assert body["count"] == 2
