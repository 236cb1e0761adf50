"""The archive's file store and the signed download URLs of versions and thumbnails."""

from __future__ import annotations

import threading
from typing import Any

from django.urls import reverse
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
        prefix = reverse("archive-file", kwargs={"path": "x"})[: -len("x")]
        url = request.build_absolute_uri(prefix + url) if request is not None else prefix + url
    return url
