"""A typed client of the science archive's public API (archive-api.md).

Used by the ingester (duplicate check, registration) and by the portal (links to a request's
frames). Errors are those of :mod:`openocs.clients.errors`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx

from openocs.clients.errors import ResponseFormatError
from openocs.clients.http import DEFAULT_TIMEOUT_S, HttpClient, Query


class ArchiveClient:
    """Talks to an archive whose root is ``base_url`` (ending in ``/``) with a token."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        connect_timeout_s: float | None = None,
    ) -> None:
        self.base_url = base_url
        self.http = HttpClient(
            base_url,
            token=token,
            timeout_s=timeout_s,
            connect_timeout_s=connect_timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> ArchiveClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def version_count(self, md5: str) -> int:
        """How many stored versions have this md5 (0 or 1; needs a staff token)."""
        page = self.http.get_json("versions/", params={"md5": md5})
        if not isinstance(page, dict) or not isinstance(page.get("count"), int):
            raise ResponseFormatError("expected a paginated list", url="versions/", detail="count")
        return int(page["count"])

    def versions(self, md5: str) -> list[dict[str, Any]]:
        """The stored versions with this md5 (none or one): ``{id, key, md5, extension, url,
        frame}`` each (needs a staff token)."""
        results = self.http.get_json("versions/", params={"md5": md5})
        if not isinstance(results, dict) or not isinstance(results.get("results"), list):
            raise ResponseFormatError(
                "expected a paginated list", url="versions/", detail="results"
            )
        return [dict(version) for version in results["results"] if isinstance(version, dict)]

    def version_exists(self, md5: str) -> bool:
        """Whether a file with this md5 is already archived."""
        return self.version_count(md5) > 0

    def register_frame(self, record: dict[str, Any]) -> dict[str, Any]:
        """POST a frame record (spec §5.1); returns the registered frame."""
        answer = self.http.json(self.http.request("POST", "frames/", json=record))
        if not isinstance(answer, dict) or "id" not in answer:
            raise ResponseFormatError("expected a frame", url="frames/", detail=str(answer)[:200])
        return answer

    def register_thumbnail(self, record: dict[str, Any]) -> dict[str, Any]:
        """POST a thumbnail record (spec §8); returns the thumbnail."""
        answer = self.http.json(self.http.request("POST", "thumbnails/", json=record))
        if not isinstance(answer, dict) or "frame" not in answer:
            raise ResponseFormatError(
                "expected a thumbnail", url="thumbnails/", detail=str(answer)[:200]
            )
        return answer

    def frame(self, frame_id: int) -> dict[str, Any]:
        """One frame by id."""
        answer = self.http.get_json(f"frames/{frame_id}/")
        if not isinstance(answer, dict):
            raise ResponseFormatError("expected a frame", url="frames/", detail=str(answer)[:200])
        return answer

    def iter_frames(self, filters: Query | None = None) -> Iterator[dict[str, Any]]:
        """Every frame matching ``filters``, following ``next`` links."""
        for page in self.http.iter_pages("frames/", params=filters):
            yield from page

    def delete_frame(self, frame_id: int) -> None:
        """Delete a frame and its stored files (superuser)."""
        self.http.request("DELETE", f"frames/{frame_id}/")


def request_frames_url(archive_url: str, request_id: int) -> str:
    """The archive list of exactly one request's frames (for completion e-mails).

    ``archive_url`` is the archive root as users reach it (ending in ``/``).
    """
    query = urlencode({"request_id": request_id, "ordering": "-observation_date", "limit": 1000})
    return f"{archive_url}frames/?{query}"
