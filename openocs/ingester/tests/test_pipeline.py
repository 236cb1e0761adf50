"""The ingest pipeline: duplicates, upload, registration and error mapping (spec §9.6–9.7)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from openocs.clients.archive import ArchiveClient
from openocs.ingester import (
    BackoffRetryError,
    DoNotRetryError,
    Ingester,
    IngesterSettings,
    NonFatalDoNotRetryError,
    ingest_with_retries,
)
from openocs.ingester.tests.conftest import FITS_DIR, FULL_FRAME, FakeArchive
from openocs.storage import MemoryStorage, StorageConnectionError


def test_ingest_uploads_and_registers(ingester, fake_archive):
    result = ingester.ingest_path(FULL_FRAME)
    assert result["frameid"] == 1
    assert result["filename"] == FULL_FRAME.name
    posted = fake_archive.frames[0]
    assert posted["version_set"][0]["extension"] == ".fits.fz"
    stored = ingester.storage
    assert isinstance(stored, MemoryStorage)
    (path, key), content = next(iter(stored.objects.items()))
    assert path == "ogg/ep02/20210708/raw/ogg2m001-ep02-20210708-0132-e00.fits.fz"
    assert content == FULL_FRAME.read_bytes()
    assert key == posted["version_set"][0]["md5"]


def test_every_real_frame_ingests(ingester, fake_archive):
    for path in sorted(FITS_DIR.glob("*.fits.fz")):
        ingester.ingest_path(path)
    assert len(fake_archive.frames) == 8


def test_duplicate_is_refused_before_upload(ingester, fake_archive):
    ingester.ingest_path(FULL_FRAME)
    ingester.storage.objects.clear()
    with pytest.raises(NonFatalDoNotRetryError, match="Version with this md5 already exists"):
        ingester.ingest_path(FULL_FRAME)
    assert ingester.storage.objects == {}


def test_duplicate_found_at_registration_keeps_the_archived_object(ingester, fake_archive):
    ingester.ingest_path(FULL_FRAME)
    with FULL_FRAME.open("rb") as fileobj, pytest.raises(NonFatalDoNotRetryError):
        ingester.ingest(fileobj, FULL_FRAME.name, check_duplicate=False)
    assert len(ingester.storage.objects) == 1


def test_refused_registration_deletes_the_upload(ingester, fake_archive):
    fake_archive.fail_post_with = 400
    with pytest.raises(DoNotRetryError) as caught:
        ingester.ingest_path(FULL_FRAME)
    assert not caught.value.retryable
    assert ingester.storage.objects == {}


def test_archive_5xx_is_retryable_and_leaves_no_orphan(ingester, fake_archive):
    fake_archive.fail_post_with = 503
    with pytest.raises(BackoffRetryError) as caught:
        ingester.ingest_path(FULL_FRAME)
    assert caught.value.retryable
    assert ingester.storage.objects == {}


def test_archive_404_is_permanent(ingester, fake_archive):
    fake_archive.fail_post_with = 404
    with pytest.raises(DoNotRetryError):
        ingester.ingest_path(FULL_FRAME)


class UndeletableStorage(MemoryStorage):
    def delete(self, path, key):
        raise StorageConnectionError("store went away")


def test_an_orphan_that_cannot_be_deleted_is_noted(fake_archive, settings, caplog):
    fake_archive.fail_post_with = 400
    client = ArchiveClient(
        "http://archive.test/", transport=httpx.MockTransport(fake_archive.handler)
    )
    ingester = Ingester.from_settings(settings, storage=UndeletableStorage(), archive=client)
    with pytest.raises(DoNotRetryError) as caught:
        ingester.ingest_path(FULL_FRAME)
    assert any("ORPHAN" in note for note in caught.value.__notes__)
    assert "ORPHAN" in caplog.text


def test_connection_refused_is_a_backoff_retry(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ArchiveClient(f"http://127.0.0.1:{port}/", timeout_s=2)
    ingester = Ingester.from_settings(settings, storage=MemoryStorage(), archive=client)
    with pytest.raises(BackoffRetryError):
        ingester.ingest_path(FULL_FRAME)


def test_store_failure_is_retryable(fake_archive, settings):
    class BrokenStorage(MemoryStorage):
        def put(self, path, fileobj, *, md5=None):
            raise StorageConnectionError("disk full")

    client = ArchiveClient(
        "http://archive.test/", transport=httpx.MockTransport(fake_archive.handler)
    )
    ingester = Ingester.from_settings(settings, storage=BrokenStorage(), archive=client)
    with pytest.raises(BackoffRetryError):
        ingester.ingest_path(FULL_FRAME)
    assert fake_archive.frames == []


def test_missing_file_is_permanent(ingester):
    with pytest.raises(DoNotRetryError, match="No such file"):
        ingester.ingest_path(Path("/nonexistent/x.fits.fz"))


def test_retries_transient_errors_with_backoff(ingester, fake_archive):
    fake_archive.fail_post_with = 503
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        fake_archive.fail_post_with = None

    result = ingest_with_retries(ingester, FULL_FRAME, attempts=3, base_delay_s=2, sleep=sleep)
    assert result["frameid"] == 1
    assert delays == [2]


def test_bucket_option_replaces_the_configured_bucket():
    settings = IngesterSettings()
    settings = settings.__class__(storage=settings.storage.__class__(backend="dummy"))
    ingester = Ingester.from_settings(settings, bucket="night-2021")
    assert ingester.settings.storage.bucket == "night-2021"


def _archive_losing_answers(fake_archive: FakeArchive, *, lose: str, times: int) -> ArchiveClient:
    """An archive client whose first ``times`` ``lose`` requests are served but time out on
    the way back (the answer is lost)."""
    lost: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        response: httpx.Response = fake_archive.handler(request)
        if f"{request.method} {request.url.path}" == lose and len(lost) < times:
            lost.append(request)
            raise httpx.ReadTimeout("timed out", request=request)
        return response

    return ArchiveClient("http://archive.test/", token="t", transport=httpx.MockTransport(handler))


def test_a_registration_whose_answer_was_lost_is_recovered_not_duplicated(fake_archive, settings):
    archive = _archive_losing_answers(fake_archive, lose="POST /frames/", times=1)
    ingester = Ingester.from_settings(settings, storage=MemoryStorage(), archive=archive)
    delays: list[float] = []

    result = ingest_with_retries(ingester, FULL_FRAME, base_delay_s=1, sleep=delays.append)

    [frame] = fake_archive.frames
    assert result["recovered"] is True
    assert (result["frameid"], result["url"]) == (frame["id"], frame["url"])
    assert result["filename"] == FULL_FRAME.name
    assert delays == [1]


def test_a_duplicate_on_the_first_attempt_is_still_a_duplicate(ingester):
    ingester.ingest_path(FULL_FRAME)
    with pytest.raises(NonFatalDoNotRetryError):
        ingest_with_retries(ingester, FULL_FRAME, sleep=lambda _s: None)


def test_with_a_deadline_retries_back_off_until_it_passes(fake_archive, settings):
    archive = _archive_losing_answers(fake_archive, lose="GET /versions/", times=100)
    ingester = Ingester.from_settings(settings, storage=MemoryStorage(), archive=archive)
    now = [0.0]
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        now[0] += seconds

    with pytest.raises(BackoffRetryError, match="timed out"):
        ingest_with_retries(
            ingester, FULL_FRAME, base_delay_s=1, max_delay_s=8, deadline_s=30,
            sleep=sleep, clock=lambda: now[0],
        )  # fmt: skip
    assert delays == [1, 2, 4, 8, 8]  # 23 s; one more 8 s wait would pass 30 s
    assert fake_archive.frames == []


def test_the_archive_client_has_the_settings_timeouts() -> None:
    settings = IngesterSettings.from_env(
        {"OCS_ARCHIVE_CONNECT_TIMEOUT_S": "2.5", "OCS_ARCHIVE_READ_TIMEOUT_S": "90"}
    )
    settings = settings.__class__(
        archive_connect_timeout_s=settings.archive_connect_timeout_s,
        archive_read_timeout_s=settings.archive_read_timeout_s,
        storage=settings.storage.__class__(backend="dummy"),
    )
    ingester = Ingester.from_settings(settings)
    timeout = ingester.archive.http._client.timeout
    assert (timeout.connect, timeout.read, timeout.write) == (2.5, 90.0, 90.0)
    ingester.archive.close()
    assert IngesterSettings.from_env({}).retry_deadline_s == 120.0
