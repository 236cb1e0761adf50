"""The ingester: validate a data file, derive its archive record, upload it and register it.

No Django. The functions keep the reference ingester's names and arguments (spec §9.1) so
pipelines can switch with an import change; :class:`Ingester` is the reusable, configured form
that the ``ocs ingest`` command uses.

>>> from openocs.ingester import Ingester
>>> ingester = Ingester.from_settings()          # doctest: +SKIP
>>> ingester.ingest_path("ogg2m001-ep02-20210708-0132-e00.fits.fz")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, BinaryIO

from openocs.clients.errors import ClientError
from openocs.ingester.errors import (
    BackoffRetryError,
    DoNotRetryError,
    FileSpecificationException,
    FileStoreConnectionError,
    FileStoreSpecificationError,
    IngesterError,
    MalformedHeaderError,
    MissingHeaderError,
    NonFatalDoNotRetryError,
    RetryError,
)
from openocs.ingester.settings import HeaderKeys, IngesterSettings
from openocs.storage import md5_of

if TYPE_CHECKING:
    from openocs.ingester.pipeline import Ingester, ingest_with_retries
    from openocs.ingester.record import FileDescription, describe_file, split_filename

# The pipeline reads FITS files with astropy (about a second to import): it is loaded on first
# use, so that ``ocs ingest --help`` and the error classes stay cheap to import.
_LAZY = {
    "Ingester": "openocs.ingester.pipeline",
    "ingest_with_retries": "openocs.ingester.pipeline",
    "FileDescription": "openocs.ingester.record",
    "describe_file": "openocs.ingester.record",
    "split_filename": "openocs.ingester.record",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "BackoffRetryError",
    "DoNotRetryError",
    "FileDescription",
    "FileSpecificationException",
    "FileStoreConnectionError",
    "FileStoreSpecificationError",
    "HeaderKeys",
    "Ingester",
    "IngesterError",
    "IngesterSettings",
    "MalformedHeaderError",
    "MissingHeaderError",
    "NonFatalDoNotRetryError",
    "RetryError",
    "describe_file",
    "frame_exists",
    "ingest_archive_record",
    "ingest_with_retries",
    "split_filename",
    "upload_file_and_ingest_to_archive",
    "upload_file_to_file_store",
    "validate_fits_and_create_archive_record",
]


def _filename(fileobj: BinaryIO, path: str | None) -> str:
    name = path or getattr(fileobj, "name", None)
    if not isinstance(name, str) or not name:
        raise DoNotRetryError("The file has no name: pass path=")
    return name


def _settings(api_root: str | None, auth_token: str | None) -> IngesterSettings:
    settings = IngesterSettings.from_env()
    if api_root:
        settings = replace(settings, api_root=api_root)
    if auth_token:
        settings = replace(settings, auth_token=auth_token)
    return settings


def frame_exists(
    fileobj: BinaryIO, api_root: str | None = None, auth_token: str | None = None
) -> bool:
    """Whether a file with the same md5 is archived already."""
    from openocs.ingester.pipeline import Ingester

    md5, _ = md5_of(fileobj)
    return Ingester.from_settings(_settings(api_root, auth_token)).exists(md5)


def validate_fits_and_create_archive_record(
    fileobj: BinaryIO,
    path: str | None = None,
    file_metadata: Mapping[str, Any] | None = None,
    required_headers: tuple[str, ...] | None = None,
    blacklist_headers: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The archive record of a file (no upload, no network unless portal tags are configured)."""
    from openocs.ingester.record import describe_file

    description = describe_file(
        fileobj,
        _filename(fileobj, path),
        settings=IngesterSettings.from_env(),
        file_metadata=file_metadata,
        required_headers=required_headers,
        blacklist_headers=blacklist_headers,
    )
    return dict(description.record)


def upload_file_to_file_store(
    fileobj: BinaryIO, path: str | None = None, file_metadata: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Store the bytes at their §9.8 path; returns ``{"key", "md5", "extension"}``."""
    from openocs.ingester.pipeline import Ingester

    ingester = Ingester.from_settings()
    md5, _ = md5_of(fileobj)
    description = ingester.describe(fileobj, _filename(fileobj, path), file_metadata)
    stored = ingester.upload(fileobj, description, md5)
    return {"key": stored.key, "md5": stored.md5, "extension": description.extension}


def ingest_archive_record(
    version: Mapping[str, Any],
    record: dict[str, Any],
    api_root: str | None = None,
    auth_token: str | None = None,
) -> dict[str, Any]:
    """POST ``record`` with ``version`` to the archive."""
    from openocs.clients.archive import ArchiveClient
    from openocs.ingester.pipeline import map_client_error

    settings = _settings(api_root, auth_token)
    record = {**record, "version_set": [dict(version)]}
    with ArchiveClient(settings.api_root, token=settings.auth_token or None) as archive:
        try:
            return archive.register_frame(record)
        except ClientError as error:
            raise map_client_error(error) from error


def upload_file_and_ingest_to_archive(
    fileobj: BinaryIO,
    path: str | None = None,
    file_metadata: Mapping[str, Any] | None = None,
    required_headers: tuple[str, ...] | None = None,
    blacklist_headers: tuple[str, ...] | None = None,
    api_root: str | None = None,
    auth_token: str | None = None,
    bucket: str | None = None,
) -> dict[str, Any]:
    """The whole pipeline for one file (spec §9.6)."""
    from openocs.ingester.pipeline import Ingester

    ingester = Ingester.from_settings(_settings(api_root, auth_token), bucket=bucket)
    try:
        return ingester.ingest(
            fileobj,
            _filename(fileobj, path),
            file_metadata=file_metadata,
            required_headers=required_headers,
            blacklist_headers=blacklist_headers,
        )
    finally:
        ingester.archive.close()
