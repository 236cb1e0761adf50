"""A request's frames, read from the science archive through ``openocs.clients`` with the
viewer's own token, so the archive's data rights decide what the page lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from openocs.clients.archive import ArchiveClient
from openocs.clients.errors import ClientError
from openocs.portal.accounts.services import api_token_get_or_create
from openocs.web.clients import client_timeout_s, component_endpoint
from openocs.web.inprocess import INPROCESS_BASE_URL

MAX_FRAMES = 100
THUMBNAIL_PREFERENCE = ("small", "medium", "large")


@dataclass
class RequestData:
    frames: list[dict[str, Any]] = field(default_factory=list)
    archive_url: str = ""  # the archive's own list of these frames, when there is an archive
    archive_page_url: str = ""  # the archive's search page for these frames
    message: str = ""  # why no frames are listed, when that is not simply "none yet"
    truncated: bool = False


def _browser_url(url: str | None, request: HttpRequest) -> str | None:
    """An in-process URL (co-hosted archive) as the browser reaches this site."""
    if url and url.startswith(INPROCESS_BASE_URL):
        return request.build_absolute_uri("/" + url[len(INPROCESS_BASE_URL) :])
    return url


def _thumbnail(frame: dict[str, Any]) -> str | None:
    thumbnails = {t.get("size"): t.get("url") for t in frame.get("thumbnails") or []}
    for size in THUMBNAIL_PREFERENCE:
        if thumbnails.get(size):
            return str(thumbnails[size])
    return None


def request_data(*, request_id: int, user: Any, http_request: HttpRequest) -> RequestData:
    """The frames of one request the viewer may download (newest first, at most 100)."""
    try:
        base_url, transport = component_endpoint("archive")
    except ImproperlyConfigured:
        return RequestData(message="This observatory has no science archive connected.")
    token = api_token_get_or_create(user=user).key
    query: dict[str, str | int] = {
        "request_id": request_id,
        "include_thumbnails": "true",
        "ordering": "-observation_date",
        "limit": MAX_FRAMES,
    }
    try:
        with ArchiveClient(
            base_url, token=token, transport=transport, timeout_s=client_timeout_s()
        ) as archive:
            frames = list(islice(archive.iter_frames(query), MAX_FRAMES + 1))
    except ClientError:
        return RequestData(message="The science archive does not answer now; try again later.")
    archive_url = _browser_url(base_url, http_request) or base_url
    for frame in frames:
        frame["url"] = _browser_url(frame.get("url"), http_request)
        frame["thumbnail_url"] = _browser_url(_thumbnail(frame), http_request)
        frame["page_url"] = f"{archive_url}frame/{frame.get('id')}/"  # the archive's frame page
    return RequestData(
        frames=frames[:MAX_FRAMES],
        archive_url=f"{archive_url}frames/?request_id={request_id}",
        archive_page_url=f"{archive_url}?request_id={request_id}",
        truncated=len(frames) > MAX_FRAMES,
    )
