"""File stores behind one small interface (no Django).

>>> from openocs.storage import StorageConfig, get_storage
>>> store = get_storage(StorageConfig(backend="local", root_dir="/tmp/x", signing_key="k"))

Backends register themselves by name with ``register_backend``; ``local`` (default) and ``s3``
are built in, ``dummy`` keeps objects in memory (tests and dry runs).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Mapping
from typing import BinaryIO

from openocs.env import env_choice, env_str
from openocs.storage.base import (
    Storage,
    StorageConfig,
    StoredObject,
    content_type_for,
    md5_of,
)
from openocs.storage.errors import (
    ObjectNotFound,
    StorageConfigurationError,
    StorageConnectionError,
    StorageError,
)

__all__ = [
    "MemoryStorage",
    "ObjectNotFound",
    "Storage",
    "StorageConfig",
    "StorageConfigurationError",
    "StorageConnectionError",
    "StorageError",
    "StoredObject",
    "config_from_env",
    "content_type_for",
    "get_storage",
    "md5_of",
    "register_backend",
]

BackendFactory = Callable[[StorageConfig], Storage]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make a backend available under ``name`` (replacing any earlier one)."""
    _BACKENDS[name] = factory


def get_storage(config: StorageConfig) -> Storage:
    """Build the store ``config.backend`` names."""
    factory = _BACKENDS.get(config.backend)
    if factory is None:
        raise StorageConfigurationError(
            f"Unknown file store {config.backend!r}; known: {', '.join(sorted(_BACKENDS))}"
        )
    return factory(config)


def config_from_env(
    environ: Mapping[str, str] | None = None, *, default_root: str = "var/archive-files"
) -> StorageConfig:
    """The store settings from the environment (``FILESTORE_TYPE``, ``BUCKET``, ``AWS_*``…)."""
    return StorageConfig(
        backend=env_choice("FILESTORE_TYPE", "local", sorted({"local", "s3", "dummy"}), environ),
        root_dir=env_str("FILESYSTEM_STORAGE_ROOT_DIR", default_root, environ),
        base_url=env_str("FILESYSTEM_STORAGE_BASE_URL", "", environ),
        bucket=env_str("BUCKET", "", environ),
        endpoint_url=env_str("S3_ENDPOINT_URL", "", environ),
        region=env_str("AWS_DEFAULT_REGION", "us-east-1", environ),
        access_key_id=env_str("AWS_ACCESS_KEY_ID", "", environ),
        secret_access_key=env_str("AWS_SECRET_ACCESS_KEY", "", environ),
        addressing_style=env_choice(
            "S3_ADDRESSING_STYLE", "auto", ["auto", "path", "virtual"], environ
        ),
    )


class MemoryStorage(Storage):
    """Objects kept in a dict (the ``dummy`` backend of spec §9.8, for tests and dry runs)."""

    name = "dummy"

    def __init__(self, config: StorageConfig | None = None) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}

    def put(self, path: str, fileobj: BinaryIO, *, md5: str | None = None) -> StoredObject:
        computed, size = md5_of(fileobj)
        fileobj.seek(0)
        self.objects[(path, computed)] = fileobj.read()
        return StoredObject(path=path, key=computed, md5=computed, size=size)

    def open(self, path: str, key: str) -> BinaryIO:
        try:
            return io.BytesIO(self.objects[(path, key)])
        except KeyError:
            raise ObjectNotFound(path, key) from None

    def exists(self, path: str, key: str) -> bool:
        return (path, key) in self.objects

    def size(self, path: str, key: str) -> int:
        try:
            return len(self.objects[(path, key)])
        except KeyError:
            raise ObjectNotFound(path, key) from None

    def delete(self, path: str, key: str) -> None:
        self.objects.pop((path, key), None)

    def url(self, path: str, key: str, *, expires_s: int, filename: str | None = None) -> str:
        return f"memory://{path}?key={key}&expires={int(time.time()) + expires_s}"


def _local(config: StorageConfig) -> Storage:
    from openocs.storage.local import LocalStorage

    return LocalStorage(config)


def _s3(config: StorageConfig) -> Storage:
    from openocs.storage.s3 import S3Storage

    return S3Storage(config)


register_backend("local", _local)
register_backend("s3", _s3)
register_backend("dummy", MemoryStorage)
