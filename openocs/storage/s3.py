"""S3-compatible store (AWS, MinIO, Ceph, moto) through boto3, with presigned URLs.

The bucket must have versioning enabled; the key of a stored object is its version id (or the
md5 when the store reports none). The md5 is computed by us and checked against the store's
ETag for single-part uploads.
"""

from __future__ import annotations

from typing import Any, BinaryIO, cast

import boto3
from botocore.client import Config
from botocore.exceptions import BotoCoreError, ClientError

from openocs.storage.base import Storage, StorageConfig, StoredObject, content_type_for, md5_of
from openocs.storage.errors import (
    ObjectNotFound,
    StorageConfigurationError,
    StorageConnectionError,
)

NOT_FOUND_CODES = {"NoSuchKey", "NoSuchVersion", "404", "InvalidArgument", "NotFound"}


class S3Storage(Storage):
    """Objects in one versioned bucket."""

    name = "s3"

    def __init__(self, config: StorageConfig) -> None:
        if not config.bucket:
            raise StorageConfigurationError("The s3 store needs BUCKET")
        if config.addressing_style not in {"auto", "path", "virtual"}:
            raise StorageConfigurationError(
                "S3_ADDRESSING_STYLE must be auto, path or virtual, "
                f"not {config.addressing_style!r}"
            )
        self.bucket = config.bucket
        s3_options: Any = {"addressing_style": config.addressing_style}
        kwargs: dict[str, Any] = {
            "region_name": config.region or "us-east-1",
            "config": Config(
                signature_version="s3v4",
                s3=s3_options,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        }
        if config.endpoint_url:
            kwargs["endpoint_url"] = config.endpoint_url
        if config.access_key_id:
            kwargs["aws_access_key_id"] = config.access_key_id
            kwargs["aws_secret_access_key"] = config.secret_access_key
        self.client: Any = boto3.client("s3", **kwargs)

    def put(self, path: str, fileobj: BinaryIO, *, md5: str | None = None) -> StoredObject:
        computed, size = md5_of(fileobj)
        name = path.rsplit("/", 1)[-1]
        fileobj.seek(0)
        try:
            answer = self.client.put_object(
                Bucket=self.bucket,
                Key=path,
                Body=fileobj,
                ContentType=content_type_for(name),
                ContentDisposition=f"attachment; filename={name}",
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageConnectionError(f"Upload of {path} failed: {error}") from error
        etag = str(answer.get("ETag", "")).strip('"')
        if etag and "-" not in etag and etag != computed:
            raise StorageConnectionError(f"S3 md5 did not match ours for {path}")
        version = answer.get("VersionId")
        key = version if version and version != "null" else computed
        return StoredObject(path=path, key=cast(str, key), md5=computed, size=size)

    def _version_args(self, path: str, key: str) -> dict[str, str]:
        args = {"Bucket": self.bucket, "Key": path}
        if len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
            args["VersionId"] = key
        return args

    def open(self, path: str, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(**self._version_args(path, key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND_CODES:
                raise ObjectNotFound(path, key) from None
            raise StorageConnectionError(f"Download of {path} failed: {error}") from error
        except BotoCoreError as error:
            raise StorageConnectionError(f"Download of {path} failed: {error}") from error
        return cast(BinaryIO, answer["Body"])

    def size(self, path: str, key: str) -> int:
        try:
            answer = self.client.head_object(**self._version_args(path, key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND_CODES:
                raise ObjectNotFound(path, key) from None
            raise StorageConnectionError(f"Could not check {path}: {error}") from error
        except BotoCoreError as error:
            raise StorageConnectionError(f"Could not check {path}: {error}") from error
        return int(answer.get("ContentLength", 0))

    def exists(self, path: str, key: str) -> bool:
        try:
            self.client.head_object(**self._version_args(path, key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND_CODES:
                return False
            raise StorageConnectionError(f"Could not check {path}: {error}") from error
        except BotoCoreError as error:
            raise StorageConnectionError(f"Could not check {path}: {error}") from error
        return True

    def delete(self, path: str, key: str) -> None:
        try:
            self.client.delete_object(**self._version_args(path, key))
        except (BotoCoreError, ClientError) as error:
            raise StorageConnectionError(f"Could not delete {path}: {error}") from error

    def url(self, path: str, key: str, *, expires_s: int, filename: str | None = None) -> str:
        params = self._version_args(path, key)
        name = filename or path.rsplit("/", 1)[-1]
        params["ResponseContentDisposition"] = f"attachment; filename={name}"
        params["ResponseContentType"] = content_type_for(name)
        return cast(
            str,
            self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s),
        )
