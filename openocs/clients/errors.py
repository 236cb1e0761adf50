"""Errors raised by the OpenOCS HTTP clients.

::

    ClientError                      base; ``url`` and ``retryable`` tell the caller what to do
    ├── ServiceUnavailableError      connection refused/reset, timeout, 5xx (retryable)
    ├── ClientRequestError           4xx: the request itself is wrong; ``status_code``, ``body``
    │   ├── NotAuthorizedError       401/403
    │   └── NotFoundError            404
    └── ResponseFormatError          the service answered 2xx with a body we cannot parse
"""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """Base class of every client error."""

    retryable: bool = False

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class ServiceUnavailableError(ClientError):
    """The service could not be reached or failed (connection error, timeout, 5xx).

    Retrying later may help. ``status_code`` is ``None`` when no response arrived.
    """

    retryable = True

    def __init__(self, message: str, *, url: str, status_code: int | None = None) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class ClientRequestError(ClientError):
    """The service refused the request (4xx); ``body`` is the decoded JSON body or the text."""

    def __init__(self, message: str, *, url: str, status_code: int, body: Any) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code
        self.body = body


class NotAuthorizedError(ClientRequestError):
    """Missing or invalid credentials (401) or not allowed (403)."""


class NotFoundError(ClientRequestError):
    """The object or route does not exist (404)."""


class ResponseFormatError(ClientError):
    """The service answered successfully but the body does not have the documented shape."""

    def __init__(self, message: str, *, url: str, detail: str) -> None:
        super().__init__(message, url=url)
        self.detail = detail
