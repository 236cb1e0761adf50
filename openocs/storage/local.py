"""Local file-system store with HMAC-signed, expiring URLs (deviation D20).

Each version lives at ``<root>/<dir of path>/<key>/<file name>`` where the key is the md5, so
versions of one path never overwrite each other and the layout stays browsable. Files written by
the reference ingester's local store sit at ``<root>/<path>`` (no key folder): reads fall back
to that place, so they download too. URLs are
``<base_url><path>?key=<key>&expires=<unix time>&signature=<hex HMAC-SHA256>``; the archive's
file view checks them with ``verify_signature``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
import time
from hashlib import sha256
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import quote, urlencode

from openocs.storage.base import CHUNK_SIZE, Storage, StorageConfig, StoredObject
from openocs.storage.errors import (
    ObjectNotFound,
    StorageConfigurationError,
    StorageConnectionError,
)


def _signature(signing_key: str, path: str, key: str, expires: int) -> str:
    message = f"{path}\n{key}\n{expires}".encode()
    return hmac.new(signing_key.encode(), message, sha256).hexdigest()


def sign(signing_key: str, path: str, key: str, expires: int) -> str:
    """The HMAC signature of a local download URL."""
    return _signature(signing_key, path, key, expires)


def verify_signature(
    signing_key: str, path: str, key: str, expires: int, signature: str, *, now: float | None = None
) -> bool:
    """True when ``signature`` is valid for this path, key and expiry and has not expired."""
    if (now if now is not None else time.time()) > expires:
        return False
    return hmac.compare_digest(_signature(signing_key, path, key, expires), signature)


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise StorageConfigurationError(f"Invalid store path {path!r}")
    return relative


class LocalStorage(Storage):
    """Files under a root directory; the version key is the md5 of the content."""

    name = "local"

    def __init__(self, config: StorageConfig) -> None:
        if not config.root_dir:
            raise StorageConfigurationError("The local store needs FILESYSTEM_STORAGE_ROOT_DIR")
        self.root = Path(config.root_dir)
        self.base_url = config.base_url
        self.signing_key = config.signing_key

    def location(self, path: str, key: str) -> Path:
        """Where one version lives on disk."""
        relative = _safe_relative(path)
        if not key or "/" in key or key in {".", ".."}:
            raise StorageConfigurationError(f"Invalid version key {key!r}")
        return self.root / relative.parent / key / relative.name

    def put(self, path: str, fileobj: BinaryIO, *, md5: str | None = None) -> StoredObject:
        """Copy the bytes in one pass, computing the md5 of what was written."""
        folder = self.root / _safe_relative(path).parent
        digest = hashlib.md5()  # noqa: S324 - a checksum, not a security measure
        size = 0
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fileobj.seek(0)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as temporary:
                try:
                    while chunk := fileobj.read(CHUNK_SIZE):
                        digest.update(chunk)
                        temporary.write(chunk)
                        size += len(chunk)
                    computed = digest.hexdigest()
                    target = self.location(path, computed)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(temporary.name, target)
                except BaseException:
                    Path(temporary.name).unlink(missing_ok=True)  # no half-written leftovers
                    raise
        except OSError as error:
            raise StorageConnectionError(f"Could not write {path}: {error}") from error
        return StoredObject(path=path, key=computed, md5=computed, size=size)

    def stored_file(self, path: str, key: str) -> Path:
        """The file of one version: ours (``<dir>/<key>/<name>``) or, failing that, the
        reference ingester's (``<dir>/<name>``)."""
        ours = self.location(path, key)
        if ours.is_file():
            return ours
        flat = self.root / _safe_relative(path)
        return flat if flat.is_file() else ours

    def open(self, path: str, key: str) -> BinaryIO:
        try:
            return self.stored_file(path, key).open("rb")
        except FileNotFoundError:
            raise ObjectNotFound(path, key) from None
        except OSError as error:
            raise StorageConnectionError(f"Could not read {path}: {error}") from error

    def size(self, path: str, key: str) -> int:
        try:
            return self.stored_file(path, key).stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound(path, key) from None

    def exists(self, path: str, key: str) -> bool:
        return self.stored_file(path, key).is_file()

    def delete(self, path: str, key: str) -> None:
        target = self.location(path, key)
        try:
            target.unlink(missing_ok=True)
            target.parent.rmdir()
        except OSError:
            pass  # the version directory still holds something: leave it

    def url(self, path: str, key: str, *, expires_s: int, filename: str | None = None) -> str:
        if not self.signing_key:
            raise StorageConfigurationError("The local store needs a signing key to make URLs")
        expires = int(time.time()) + expires_s
        query = urlencode(
            {
                "key": key,
                "expires": expires,
                "signature": sign(self.signing_key, path, key, expires),
            }
        )
        return f"{self.base_url}{quote(path)}?{query}"
