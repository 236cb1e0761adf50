"""Fixtures for the ingester tests: the real frames and a stateful fake archive."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openocs.clients.archive import ArchiveClient
from openocs.ingester import Ingester, IngesterSettings
from openocs.storage import MemoryStorage

# the real frames of shared/data/fits, kept in the checkout for the demo and the tests
FITS_DIR = Path(__file__).resolve().parents[3] / "data" / "demo-fits"
FULL_FRAME = FITS_DIR / "ogg2m001-ep02-20210708-0132-e00.fits.fz"


class FakeArchive:
    """The two archive routes the ingester uses, with the archive's duplicate semantics."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.md5s: set[str] = set()
        self.fail_post_with: int | None = None
        self._lock = threading.Lock()  # md5s are unique as the archive's database makes them

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            return self._handle(request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/versions/":
            md5 = request.url.params.get("md5")
            results = [
                {"md5": md5, "frame": frame["id"], "url": frame["url"]}
                for frame in self.frames
                if frame["version_set"][0]["md5"] == md5
            ]
            return httpx.Response(
                200, json={"count": len(results), "next": None, "results": results}
            )
        if request.method == "POST" and request.url.path == "/frames/":
            if self.fail_post_with:
                return httpx.Response(self.fail_post_with, json={"detail": "boom"})
            record = json.loads(request.content)
            md5 = record["version_set"][0]["md5"]
            if md5 in self.md5s:
                return httpx.Response(
                    400, json={"version_set": [{"md5": ["version with this md5 already exists."]}]}
                )
            self.md5s.add(md5)
            frame = {**record, "id": len(self.frames) + 1, "url": f"http://files/{md5}"}
            self.frames.append(frame)
            return httpx.Response(201, json=frame)
        return httpx.Response(404, json={"detail": "Not found."})


@pytest.fixture
def fake_archive() -> FakeArchive:
    return FakeArchive()


@pytest.fixture
def settings() -> IngesterSettings:
    return IngesterSettings(api_root="http://archive.test/", auth_token="t")


@pytest.fixture
def ingester(fake_archive: FakeArchive, settings: IngesterSettings) -> Iterator[Ingester]:
    client = ArchiveClient(
        "http://archive.test/", token="t", transport=httpx.MockTransport(fake_archive.handler)
    )
    yield Ingester.from_settings(settings, storage=MemoryStorage(), archive=client)
    client.close()


@pytest.fixture
def frame_copy(tmp_path: Path) -> Path:
    """A writable copy of the full frame."""
    target = tmp_path / FULL_FRAME.name
    shutil.copyfile(FULL_FRAME, target)
    return target


@pytest.fixture
def archive_server(fake_archive: FakeArchive) -> Iterator[str]:
    """The fake archive behind a real HTTP server on 127.0.0.1; yields its root URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(
                self.command,
                f"http://127.0.0.1{self.path}",
                content=body,
                headers=dict(self.headers),
            )
            response = fake_archive.handler(request)
            self.send_response(response.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(response.content)))
            self.end_headers()
            self.wfile.write(response.content)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
