"""The archive's file store and the signed download URLs of versions and thumbnails."""

from __future__ import annotations

import threading
from typing import Any

from django.urls import get_script_prefix
from rest_framework.request import Request

from openocs.archive import conf
from openocs.storage import Storage, StorageConfig, get_storage

_lock = threading.Lock()
_cache: dict[StorageConfig, Storage] = {}


def storage() -> Storage:
    """The store configured for this archive (built once per configuration)."""
    config = conf.storage_config()
    with _lock:
        store = _cache.get(config)
        if store is None:
            store = _cache[config] = get_storage(config)
        return store


def files_route_prefix() -> str:
    """The absolute path of the archive's ``files/`` route (``/archive/files/`` co-hosted)."""
    from django.conf import settings

    from openocs.server.components import mount_prefix

    return f"{get_script_prefix()}{mount_prefix('archive', list(settings.OCS_COMPONENTS))}files/"


def download_url(
    request: Request | Any, path: str, key: str, *, expires_s: int | None = None
) -> str:
    """A signed URL of one stored object, absolute for the caller (spec §6.1)."""
    store = storage()
    expires = expires_s if expires_s is not None else conf.url_expiry_s()
    name = path.rsplit("/", 1)[-1]
    url = store.url(path, key, expires_s=expires, filename=name)
    if store.name == "local" and not conf.storage_config().base_url:
        # The archive serves local files itself through its ``files/`` route.
        prefix = files_route_prefix()
        url = request.build_absolute_uri(prefix + url) if request is not None else prefix + url
    return url
