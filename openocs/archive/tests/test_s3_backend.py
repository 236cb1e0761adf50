"""The archive on an S3 store: ingest, then download through a presigned URL (moto server)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from openocs.archive import files
from openocs.archive.tests.conftest import FULL_FRAME, ingest
from openocs.clients.archive import ArchiveClient
from openocs.ingester import Ingester, IngesterSettings
from openocs.storage import StorageConfig
from openocs.web.inprocess import InProcessTransport


@pytest.fixture
def s3_store(settings: Any) -> Iterator[StorageConfig]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
    )
    client.create_bucket(Bucket="archive")
    client.put_bucket_versioning(Bucket="archive", VersioningConfiguration={"Status": "Enabled"})
    config = StorageConfig(
        backend="s3",
        bucket="archive",
        endpoint_url=endpoint,
        access_key_id="a",
        secret_access_key="b",
        addressing_style="path",
    )
    settings.ARCHIVE_STORAGE = config
    settings.ARCHIVE_THUMBNAILS = False
    yield config
    server.stop()


def test_ingest_and_download_through_a_presigned_url(
    s3_store: StorageConfig, ingest_user: Any, anonymous: Any, outsider: Any
) -> None:
    archive = ArchiveClient(
        "http://testserver/archive/", token=ingest_user.token, transport=InProcessTransport()
    )
    ingester = Ingester.from_settings(IngesterSettings(), storage=files.storage(), archive=archive)
    result = ingest(ingester, FULL_FRAME, PROPID="PRIVATE-1", L1PUBDAT="2099-01-01T00:00:00")
    version = result["version_set"][0]
    assert version["key"] != version["md5"]  # the S3 version id
    assert anonymous.get(f"/archive/frames/{result['frameid']}/").status_code == 404
    assert outsider.client.get(f"/archive/frames/{result['frameid']}/download/").status_code == 404
    staff_view = ingest_user.client.get(f"/archive/frames/{result['frameid']}/").json()
    assert "X-Amz-Signature=" in staff_view["url"]
    response = httpx.get(staff_view["url"])
    assert response.status_code == 200
    assert response.content == FULL_FRAME.read_bytes()
    archive.close()
