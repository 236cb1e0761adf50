"""The storage interface: put/get/exists/delete/url of versioned objects.

An object is addressed by its *path* (the store layout of spec §9.8, e.g.
``ogg/ep02/20210708/raw/ogg2m001-ep02-20210708-0132-e00.fits.fz``) and its *key* (the version:
the object store's version id, or the md5 for stores without versioning).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024

CONTENT_TYPES: dict[str, str] = {
    ".fits.fz": "image/fits",
    ".fits": "image/fits",
    ".tar.gz": "application/x-tar",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def content_type_for(filename: str) -> str:
    """The content type served for ``filename`` (by its extension after the first dot)."""
    name = filename.rsplit("/", 1)[-1]
    extension = name[name.find(".") :] if "." in name else ""
    return CONTENT_TYPES.get(extension.lower(), "application/octet-stream")


@dataclass(frozen=True)
class StoredObject:
    """What a store recorded for one upload."""

    path: str
    key: str
    md5: str
    size: int


@dataclass(frozen=True)
class StorageConfig:
    """Settings of a store, read by ``openocs.storage.config_from_env`` or given directly."""

    backend: str = "local"
    root_dir: str = "var/archive-files"
    base_url: str = ""
    signing_key: str = ""
    bucket: str = ""
    endpoint_url: str = ""
    region: str = "us-east-1"
    access_key_id: str = ""
    secret_access_key: str = ""
    addressing_style: str = "auto"


def md5_of(fileobj: BinaryIO) -> tuple[str, int]:
    """The hex md5 and size of a file object, read in chunks from its start (position restored)."""
    position = fileobj.tell()
    fileobj.seek(0)
    digest = hashlib.md5()  # noqa: S324 - a checksum, not a security measure
    size = 0
    while chunk := fileobj.read(CHUNK_SIZE):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(position)
    return digest.hexdigest(), size


class Storage(ABC):
    """A file store holding versioned objects."""

    name: str = ""

    @abstractmethod
    def put(self, path: str, fileobj: BinaryIO, *, md5: str | None = None) -> StoredObject:
        """Store the bytes of ``fileobj`` at ``path`` as a new version; return its key and md5."""

    @abstractmethod
    def open(self, path: str, key: str) -> BinaryIO:
        """A readable binary stream of one stored version (close it after use)."""

    @abstractmethod
    def exists(self, path: str, key: str) -> bool:
        """Whether that version is stored."""

    @abstractmethod
    def delete(self, path: str, key: str) -> None:
        """Delete that version (no error when it is already gone)."""

    @abstractmethod
    def url(self, path: str, key: str, *, expires_s: int, filename: str | None = None) -> str:
        """A signed URL that downloads that version without credentials until it expires."""

    @abstractmethod
    def size(self, path: str, key: str) -> int:
        """The size in bytes of one stored version."""

    def get(self, path: str, key: str) -> bytes:
        """The whole content of one version (for small objects)."""
        with self.open(path, key) as stream:
            return stream.read()

    def iter_chunks(self, path: str, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The content of one version in chunks."""
        with self.open(path, key) as stream:
            while chunk := stream.read(chunk_size):
                yield chunk
