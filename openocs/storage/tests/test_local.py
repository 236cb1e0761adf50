"""The local file-system store and its signed URLs (deviation D20)."""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from openocs.storage import ObjectNotFound, StorageConfig, get_storage
from openocs.storage.local import verify_signature

PATH = "ogg/ep02/20210708/raw/ogg2m001-ep02-20210708-0132-e00.fits.fz"


@pytest.fixture
def store(tmp_path):
    return get_storage(
        StorageConfig(
            backend="local", root_dir=str(tmp_path), base_url="http://h/files/", signing_key="k"
        )
    )


def test_put_then_get_returns_the_same_bytes(store):
    stored = store.put(PATH, io.BytesIO(b"abc"))
    assert stored.md5 == "900150983cd24fb0d6963f7d28e17f72"
    assert stored.key == stored.md5
    assert stored.size == 3
    assert store.get(PATH, stored.key) == b"abc"
    assert store.exists(PATH, stored.key)


def test_versions_of_one_path_do_not_overwrite_each_other(store):
    first = store.put(PATH, io.BytesIO(b"one"))
    second = store.put(PATH, io.BytesIO(b"two"))
    assert store.get(PATH, first.key) == b"one"
    assert store.get(PATH, second.key) == b"two"


def test_delete_removes_one_version(store):
    stored = store.put(PATH, io.BytesIO(b"abc"))
    store.delete(PATH, stored.key)
    assert not store.exists(PATH, stored.key)
    with pytest.raises(ObjectNotFound):
        store.open(PATH, stored.key)
    store.delete(PATH, stored.key)  # deleting again is fine


def test_url_is_signed_and_expires(store):
    stored = store.put(PATH, io.BytesIO(b"abc"))
    url = store.url(PATH, stored.key, expires_s=60)
    parts = urlsplit(url)
    assert parts.path == "/files/" + PATH
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    expires = int(query["expires"])
    assert verify_signature("k", PATH, query["key"], expires, query["signature"])
    assert not verify_signature("other", PATH, query["key"], expires, query["signature"])
    assert not verify_signature("k", "other/path", query["key"], expires, query["signature"])
    assert not verify_signature(
        "k", PATH, query["key"], expires, query["signature"], now=time.time() + 61
    )


def test_paths_cannot_escape_the_root(store):
    from openocs.storage import StorageConfigurationError

    with pytest.raises(StorageConfigurationError):
        store.put("../escape.fits", io.BytesIO(b"x"))


def test_a_file_the_reference_ingester_wrote_flat_is_read(store, tmp_path):
    """The reference's local store writes ``<dir>/<file name>``, without the key folder."""
    flat = tmp_path / PATH
    flat.parent.mkdir(parents=True)
    flat.write_bytes(b"reference bytes")
    key = "0123456789abcdef0123456789abcdef"
    assert store.exists(PATH, key)
    assert store.get(PATH, key) == b"reference bytes"
    assert store.size(PATH, key) == len(b"reference bytes")


def test_our_own_version_wins_over_a_flat_file(store, tmp_path):
    stored = store.put(PATH, io.BytesIO(b"ours"))
    (tmp_path / PATH).write_bytes(b"flat")
    assert store.get(PATH, stored.key) == b"ours"
