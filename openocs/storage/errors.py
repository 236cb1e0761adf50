"""Errors of the storage layer.

``StorageConfigurationError`` is permanent (fix the settings); ``StorageConnectionError`` is
transient (retrying may help); ``ObjectNotFound`` means the object or version is absent.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class: something went wrong talking to a file store."""

    retryable: bool = False


class StorageConfigurationError(StorageError):
    """The store is configured wrongly (unknown backend, missing bucket, bad root)."""

    retryable = False


class StorageConnectionError(StorageError):
    """The store could not be reached or answered with an error; retrying may help."""

    retryable = True


class ObjectNotFound(StorageError):
    """No object exists at ``path`` with version ``key``."""

    retryable = False

    def __init__(self, path: str, key: str) -> None:
        super().__init__(f"No stored object {path!r} with key {key!r}")
        self.path = path
        self.key = key
