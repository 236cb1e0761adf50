"""The S3 store against a real S3 protocol server (moto's server mode on 127.0.0.1)."""

from __future__ import annotations

import io
import socket

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from openocs.storage import ObjectNotFound, StorageConfig, StorageConnectionError, get_storage

PATH = "ogg/ep02/20210708/raw/ogg2m001-ep02-20210708-0132-e00.fits.fz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def store(s3_endpoint, request):
    bucket = f"frames-{request.node.name.replace('_', '-')[:40]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return get_storage(
        StorageConfig(
            backend="s3", bucket=bucket, endpoint_url=s3_endpoint, access_key_id="testing",
            secret_access_key="testing", addressing_style="path",
        )
    )  # fmt: skip


def test_put_returns_the_version_id_as_key(store):
    stored = store.put(PATH, io.BytesIO(b"abc"))
    assert stored.md5 == "900150983cd24fb0d6963f7d28e17f72"
    assert stored.key != stored.md5
    assert store.get(PATH, stored.key) == b"abc"
    assert store.exists(PATH, stored.key)


def test_each_version_stays_readable(store):
    first = store.put(PATH, io.BytesIO(b"one"))
    second = store.put(PATH, io.BytesIO(b"two"))
    assert store.get(PATH, first.key) == b"one"
    assert store.get(PATH, second.key) == b"two"


def test_presigned_url_downloads_without_credentials(store):
    stored = store.put(PATH, io.BytesIO(b"fits bytes"))
    url = store.url(PATH, stored.key, expires_s=600, filename="frame.fits.fz")
    assert "Signature=" in url or "X-Amz-Signature=" in url
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == b"fits bytes"
    assert response.headers["content-disposition"] == "attachment; filename=frame.fits.fz"


def test_delete_removes_the_version(store):
    stored = store.put(PATH, io.BytesIO(b"abc"))
    store.delete(PATH, stored.key)
    assert not store.exists(PATH, stored.key)
    with pytest.raises(ObjectNotFound):
        store.open(PATH, stored.key)


def test_unreachable_store_is_a_connection_error():
    store = get_storage(
        StorageConfig(
            backend="s3", bucket="b", endpoint_url=f"http://127.0.0.1:{free_port()}",
            access_key_id="x", secret_access_key="y",
        )
    )  # fmt: skip
    with pytest.raises(StorageConnectionError):
        store.put(PATH, io.BytesIO(b"abc"))
