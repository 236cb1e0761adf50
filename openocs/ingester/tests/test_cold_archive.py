"""``ocs ingest`` against a cold archive: an archive started as its own process answers its first
requests slowly while it warms up (longer than a read timeout), then briefly 503. The command
retries with backoff and archives the file exactly once — also when a registration went through
but its answer came too late.

The archive is a real HTTP server in a thread (the fake archive's routes, md5s unique as in the
archive's database); ``ocs ingest`` runs as its own process, as a person runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from openocs.ingester.tests.conftest import FULL_FRAME, FakeArchive

REPOSITORY = Path(__file__).resolve().parents[3]
READ_TIMEOUT_S = 0.5


@dataclass
class ColdArchive:
    """What the cold archive does: stall (then serve) the first ``stall`` requests matching
    ``stall_method`` for ``stall_s``; then answer the next ``unavailable`` requests 503."""

    url: str = ""
    archive: FakeArchive = field(default_factory=FakeArchive)
    stall: int = 0
    stall_s: float = 0.0
    stall_method: str = ""
    unavailable: int = 0
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def decide(self, method: str) -> str:
        with self.lock:
            if self.stall and (not self.stall_method or method == self.stall_method):
                self.stall -= 1
                return "stall"
            if self.unavailable:
                self.unavailable -= 1
                return "503"
            return "serve"


@pytest.fixture
def cold_archive() -> Iterator[ColdArchive]:
    cold = ColdArchive()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            what = cold.decide(self.command)
            cold.log.append(f"{self.command} {self.path.split('?')[0]} {what}")
            if what == "stall":  # warming up: the request is served, but late
                time.sleep(cold.stall_s)
            if what == "503":
                response = httpx.Response(503, json={"detail": "warming up"})
            else:
                request = httpx.Request(self.command, f"http://127.0.0.1{self.path}", content=body)
                response = cold.archive.handler(request)
            try:
                self.send_response(response.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (its read timed out)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cold.url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield cold
    server.shutdown()
    server.server_close()


def _ocs_ingest(
    cold: ColdArchive, store: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("API_ROOT", "AUTH_TOKEN")},
        "FILESTORE_TYPE": "local",
        "FILESYSTEM_STORAGE_ROOT_DIR": str(store),
        "OCS_ARCHIVE_READ_TIMEOUT_S": str(READ_TIMEOUT_S),
    }
    command = [sys.executable, "-m", "openocs.server.cli", "ingest", "--api-root", cold.url]
    return subprocess.run(
        [*command, "--auth-token", "t", *arguments, str(FULL_FRAME)],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_cold_archive_is_waited_for_and_the_frame_archived_once(
    cold_archive: ColdArchive, tmp_path: Path
) -> None:
    cold_archive.stall, cold_archive.stall_s = 2, 3 * READ_TIMEOUT_S
    cold_archive.unavailable = 1

    done = _ocs_ingest(cold_archive, tmp_path / "store", "--retry-deadline", "60")

    assert done.returncode == 0, done.stdout + done.stderr
    [frame] = cold_archive.archive.frames
    assert done.stdout.strip() == frame["url"]
    assert cold_archive.log[:3] == [
        "GET /versions/ stall",  # timed out
        "GET /versions/ stall",  # timed out again
        "GET /versions/ 503",
    ]
    assert cold_archive.log[3:] == ["GET /versions/ serve", "POST /frames/ serve"]
    assert "Retrying" in done.stderr


def test_a_registration_whose_answer_came_too_late_is_not_archived_twice(
    cold_archive: ColdArchive, tmp_path: Path
) -> None:
    # the POST is served after the client's read timed out: the frame is registered, the
    # answer lost; the retry finds the md5 archived (or, if the stalled POST is still being
    # served, registers first and the late one is refused as a duplicate)
    cold_archive.stall, cold_archive.stall_s, cold_archive.stall_method = 1, 0.8, "POST"

    done = _ocs_ingest(cold_archive, tmp_path / "store", "--retry-deadline", "60")

    assert done.returncode == 0, done.stdout + done.stderr
    [frame] = cold_archive.archive.frames
    assert done.stdout.strip() == frame["url"]
    assert cold_archive.log[:2] == ["GET /versions/ serve", "POST /frames/ stall"]
    assert "GET /versions/ serve" in cold_archive.log[2:]  # the retry checked the md5 first


def test_without_retries_a_cold_archive_fails_the_file(
    cold_archive: ColdArchive, tmp_path: Path
) -> None:
    cold_archive.stall, cold_archive.stall_s = 1, 3 * READ_TIMEOUT_S

    done = _ocs_ingest(cold_archive, tmp_path / "store", "--retry-deadline", "0")

    assert done.returncode == 1
    assert done.stdout.startswith("Exception uploading file: Archive unavailable")
    assert "timed out" in done.stdout
    assert cold_archive.archive.frames == []
