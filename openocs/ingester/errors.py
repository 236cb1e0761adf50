"""The ingester's error tree (spec §9.7). Every error says whether retrying can help.

``retryable`` is False for permanent problems and True for transient ones; ``backoff`` tells a
retrying caller to wait with exponential backoff rather than retry at once.
"""

from __future__ import annotations


class IngesterError(Exception):
    """Base class of every error the ingester raises."""

    retryable: bool = False
    backoff: bool = False


class DoNotRetryError(IngesterError):
    """Permanent: invalid file, missing headers, unknown type, a 4xx answer from the archive."""


class NonFatalDoNotRetryError(DoNotRetryError):
    """The file is already archived (same md5): treat as success."""


class MissingHeaderError(DoNotRetryError):
    """Required keywords are absent; ``keywords`` lists them."""

    def __init__(self, keywords: list[str]) -> None:
        super().__init__(
            "Could not find required keywords in headers! Missing: " + ", ".join(keywords)
        )
        self.keywords = keywords


class MalformedHeaderError(DoNotRetryError):
    """A keyword has a value that cannot be used; ``keyword`` and ``value`` say which."""

    def __init__(self, keyword: str, value: object, expected: str) -> None:
        super().__init__(f"Header {keyword} has a malformed value {value!r}: expected {expected}")
        self.keyword = keyword
        self.value = value
        self.expected = expected


class BackoffRetryError(IngesterError):
    """Transient: connection refused/reset/timeout, 5xx, store errors, checksum mismatch."""

    retryable = True
    backoff = True


class RetryError(IngesterError):
    """Transient: retry at once."""

    retryable = True


class FileSpecificationException(DoNotRetryError):
    """The file type is not supported (or a handler override is invalid)."""


class FileStoreSpecificationError(DoNotRetryError):
    """The file store is configured wrongly."""


class FileStoreConnectionError(BackoffRetryError):
    """The file store cannot be reached."""
