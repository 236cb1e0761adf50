"""The ingest pipeline (spec §9.1, §9.6): md5, duplicate check, record, upload, registration."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from openocs.clients.archive import ArchiveClient
from openocs.clients.errors import (
    ClientError,
    ClientRequestError,
    NotFoundError,
    ResponseFormatError,
    ServiceUnavailableError,
)
from openocs.clients.portal import PortalClient
from openocs.ingester.errors import (
    BackoffRetryError,
    DoNotRetryError,
    FileStoreConnectionError,
    FileStoreSpecificationError,
    IngesterError,
    NonFatalDoNotRetryError,
)
from openocs.ingester.publicdate import TagLookup
from openocs.ingester.record import FileDescription, describe_file
from openocs.ingester.settings import IngesterSettings
from openocs.storage import (
    Storage,
    StorageConfigurationError,
    StorageError,
    StoredObject,
    get_storage,
    md5_of,
)

logger = logging.getLogger("openocs.ingester")

DUPLICATE_MESSAGE = "Version with this md5 already exists"


@dataclass(frozen=True)
class Ingester:
    """A configured pipeline: settings, a store and an archive client (built once, reused)."""

    settings: IngesterSettings
    storage: Storage
    archive: ArchiveClient
    proposal_tags: TagLookup | None = None

    @classmethod
    def from_settings(
        cls,
        settings: IngesterSettings | None = None,
        *,
        bucket: str | None = None,
        storage: Storage | None = None,
        archive: ArchiveClient | None = None,
    ) -> Ingester:
        """Build the pipeline; ``bucket`` replaces the configured S3 bucket (D23)."""
        settings = settings or IngesterSettings.from_env()
        if bucket:
            settings = replace(settings, storage=replace(settings.storage, bucket=bucket))
        if storage is None:
            try:
                storage = get_storage(settings.storage)
            except StorageConfigurationError as error:
                raise FileStoreSpecificationError(str(error)) from error
        if archive is None:
            archive = ArchiveClient(
                settings.api_root,
                token=settings.auth_token or None,
                timeout_s=settings.archive_read_timeout_s,
                connect_timeout_s=settings.archive_connect_timeout_s,
            )
        lookup: TagLookup | None = None
        if settings.portal_base_url and settings.portal_api_token:
            base = settings.portal_base_url.rstrip("/") + "/"
            portal = PortalClient(base, token=settings.portal_api_token)

            def lookup(proposal_id: str) -> list[str] | None:
                try:
                    return portal.proposal_tags(proposal_id)
                except ClientError:
                    return None  # §9.5: portal errors fall back to the lists

        return cls(settings=settings, storage=storage, archive=archive, proposal_tags=lookup)

    # -- steps -------------------------------------------------------------------------------

    def exists(self, md5: str) -> bool:
        """Whether the archive already holds a version with this md5."""
        try:
            return self.archive.version_exists(md5)
        except ClientError as error:
            raise map_client_error(error) from error

    def describe(
        self,
        fileobj: BinaryIO,
        filename: str,
        file_metadata: Mapping[str, Any] | None = None,
        required_headers: tuple[str, ...] | None = None,
        blacklist_headers: tuple[str, ...] | None = None,
    ) -> FileDescription:
        """Validate and derive the record of one file."""
        return describe_file(
            fileobj,
            filename,
            settings=self.settings,
            file_metadata=file_metadata,
            required_headers=required_headers,
            blacklist_headers=blacklist_headers,
            proposal_tags=self.proposal_tags,
        )

    def upload(self, fileobj: BinaryIO, description: FileDescription, md5: str) -> StoredObject:
        """Put the bytes in the store and check the checksum."""
        try:
            stored = self.storage.put(description.store_path, fileobj, md5=md5)
        except StorageConfigurationError as error:
            raise FileStoreSpecificationError(str(error)) from error
        except StorageError as error:
            raise FileStoreConnectionError(str(error)) from error
        if stored.md5 != md5:
            self._discard(stored, reason="checksum mismatch")
            raise BackoffRetryError("S3 md5 did not match ours")
        return stored

    def register(
        self,
        record: dict[str, Any],
        stored: StoredObject,
        extension: str,
        *,
        thumbnail: bool = False,
    ) -> dict[str, Any]:
        """POST the record with its version; map the archive's answers to ingester errors."""
        payload = dict(record)
        payload["version_set"] = [
            {"key": stored.key, "md5": stored.md5, "extension": extension, "path": stored.path}
        ]
        try:
            if thumbnail:
                answer = self.archive.register_thumbnail(payload)
                return {**answer, "id": answer["frame"]}
            return self.archive.register_frame(payload)
        except ClientRequestError as error:
            if "version with this md5 already exists" in str(error.body):
                raise NonFatalDoNotRetryError(DUPLICATE_MESSAGE) from error
            raise map_client_error(error) from error
        except ClientError as error:
            raise map_client_error(error) from error

    def _discard(self, stored: StoredObject, *, reason: str) -> str | None:
        """Delete an uploaded object after a failure; return a note when it stays orphaned."""
        try:
            self.storage.delete(stored.path, stored.key)
        except StorageError as error:
            note = (
                f"ORPHAN stored object {stored.path} (key {stored.key}, md5 {stored.md5}) "
                f"left after {reason}: {error}"
            )
            logger.error(note)
            return note
        logger.info("Deleted %s (key %s) after %s", stored.path, stored.key, reason)
        return None

    # -- the whole pipeline -----------------------------------------------------------------

    def ingest(
        self,
        fileobj: BinaryIO,
        filename: str,
        *,
        file_metadata: Mapping[str, Any] | None = None,
        required_headers: tuple[str, ...] | None = None,
        blacklist_headers: tuple[str, ...] | None = None,
        check_duplicate: bool = True,
    ) -> dict[str, Any]:
        """Ingest one file; return its record with ``frameid``, ``filename`` and ``url``."""
        md5, _size = md5_of(fileobj)
        if check_duplicate and self.exists(md5):
            raise NonFatalDoNotRetryError(DUPLICATE_MESSAGE)
        description = self.describe(
            fileobj, filename, file_metadata, required_headers, blacklist_headers
        )
        stored = self.upload(fileobj, description, md5)
        try:
            frame = self.register(
                description.record,
                stored,
                description.extension,
                thumbnail=description.is_thumbnail,
            )
        except NonFatalDoNotRetryError:
            # The same bytes are archived already. With md5-keyed stores this object *is* the
            # archived one, so it must not be deleted; versioned stores keep an extra version.
            if stored.key != stored.md5:
                self._discard(stored, reason="a duplicate registration")
            raise
        except IngesterError as error:
            note = self._discard(stored, reason=f"a failed registration ({error})")
            if note:
                error.add_note(note)
            raise
        result = dict(description.record)
        result["version_set"] = [
            {"key": stored.key, "md5": md5, "extension": description.extension}
        ]
        result["frameid"] = frame["id"]
        result["filename"] = f"{description.basename}{description.extension}"
        result["url"] = frame.get("url")
        return result

    def ingest_path(self, path: str | Path, **kwargs: Any) -> dict[str, Any]:
        """Ingest a file on disk."""
        location = Path(path)
        try:
            with location.open("rb") as fileobj:
                return self.ingest(fileobj, location.name, **kwargs)
        except FileNotFoundError as error:
            raise DoNotRetryError(f"No such file: {location}") from error


def map_client_error(error: ClientError) -> IngesterError:
    """The ingester error for a client error (every transport error is retryable, D23)."""
    if isinstance(error, ServiceUnavailableError):
        return BackoffRetryError(f"Archive unavailable: {error}")
    if isinstance(error, NotFoundError):
        return DoNotRetryError(f"Archive answered 404: {error}")
    if isinstance(error, ClientRequestError):
        return DoNotRetryError(f"Archive refused the record: {error.body}")
    if isinstance(error, ResponseFormatError):
        return BackoffRetryError(f"Unexpected archive answer: {error}")
    return BackoffRetryError(str(error))


def ingest_with_retries(
    ingester: Ingester,
    path: str | Path,
    *,
    attempts: int = 5,
    base_delay_s: float = 2.0,
    max_delay_s: float = 30.0,
    deadline_s: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """Ingest ``path``, retrying transient failures (timeouts, refused connections, 5xx: a
    ``retryable`` error) with exponential backoff from ``base_delay_s`` up to ``max_delay_s``:
    ``attempts`` times, or — with ``deadline_s`` — until that many seconds have passed.

    Never a duplicate: every attempt starts with the archive's md5 check. When a retry finds
    the file archived, an earlier attempt registered it and only its answer was lost (a
    registration that timed out on our side); the file's archived version is returned as the
    result (``frameid``, ``url``, ``filename``, ``recovered``) instead of a duplicate error.
    """
    started = clock()
    attempt = 0
    while True:
        try:
            return ingester.ingest_path(path)
        except NonFatalDoNotRetryError:
            if attempt == 0:
                raise
            recovered = _archived_by_an_earlier_attempt(ingester, Path(path))
            if recovered is None:
                raise
            return recovered
        except IngesterError as error:
            attempt += 1
            delay = min(base_delay_s * 2 ** (attempt - 1), max_delay_s) if error.backoff else 0.0
            if deadline_s is None:
                out_of_time = attempt >= attempts
            else:
                out_of_time = clock() - started + delay > deadline_s
            if not error.retryable or out_of_time:
                raise
            logger.warning("Retrying %s in %.1f s after: %s", path, delay, error)
            sleep(delay)


def _archived_by_an_earlier_attempt(ingester: Ingester, path: Path) -> dict[str, Any] | None:
    with path.open("rb") as fileobj:
        md5, _size = md5_of(fileobj)
    try:
        versions = ingester.archive.versions(md5)
    except ClientError as error:
        raise map_client_error(error) from error
    if not versions:
        return None
    version = versions[0]
    logger.info("%s was archived by an earlier attempt whose answer was lost", path)
    return {
        "frameid": version.get("frame"),
        "url": version.get("url"),
        "filename": path.name,
        "version_set": [{k: version.get(k) for k in ("key", "md5", "extension")}],
        "recovered": True,
    }
