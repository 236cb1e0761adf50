"""The small HTTP layer every OpenOCS client is built on.

It fixes the conventions of the OpenOCS APIs in one place: a base URL that ends in ``/`` with
paths relative to it, explicit timeouts, ``Authorization: Token <key>``, paging through ``next``
links, conditional GETs with ``If-None-Match``, and typed errors (:mod:`openocs.clients.errors`).
Any ``httpx.BaseTransport`` can be plugged in, so co-hosted components call each other in-process
through exactly the same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from pydantic import AfterValidator

from openocs.clients.errors import (
    ClientRequestError,
    NotAuthorizedError,
    NotFoundError,
    ResponseFormatError,
    ServiceUnavailableError,
)

DEFAULT_TIMEOUT_S = 10.0
#: A scalar query value, or a sequence of them for a repeatable parameter (``?site=a&site=b``).
QueryValue = str | int | float | bool | None | Sequence[str | int | float | bool]
Query = Mapping[str, QueryValue]


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive value is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""A datetime field of the services' JSON, always aware UTC in the parsed model."""


def format_datetime(value: datetime) -> str:
    """ISO-8601 UTC with ``Z`` (a naive value is taken as UTC), as the services expect."""
    return as_utc(value).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ConditionalResult:
    """The outcome of a conditional GET: ``modified`` is False for a 304 (``data`` is None)."""

    modified: bool
    data: Any
    etag: str | None


def _query_params(params: Query | None) -> list[tuple[str, str | int | float | bool | None]]:
    items: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, str | int | float | bool):
            items.append((name, value))
        else:
            items.extend((name, element) for element in value)
    return items


def _decode_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


class HttpClient:
    """A thin, typed wrapper around :class:`httpx.Client` for one service.

    ``base_url`` must end in ``/``; ``token`` is sent as ``Authorization: <auth_scheme> <token>``.
    ``timeout_s`` bounds each read, write and pool wait; ``connect_timeout_s`` (default the
    same) the TCP connection alone.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        auth_scheme: str = "Token",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
        connect_timeout_s: float | None = None,
    ) -> None:
        if not base_url.endswith("/"):
            raise ValueError(f"base URL must end with '/': {base_url!r}")
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"{auth_scheme} {token}"
        self.base_url = base_url
        self._client = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s or timeout_s),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Query | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request; return the response for 2xx/3xx, raise a typed error otherwise.

        ``path`` is relative to the base URL (no leading slash) or an absolute URL (``next``).
        """
        url = str(self._client.base_url.join(path)) if "://" not in path else path
        try:
            query = _query_params(params)
            response = self._client.request(
                method, url, params=query or None, json=json, headers=headers
            )
        except httpx.TimeoutException as error:
            raise ServiceUnavailableError(f"{method} {url} timed out: {error}", url=url) from error
        except httpx.TransportError as error:
            raise ServiceUnavailableError(
                f"{method} {url} could not be sent: {error}", url=url
            ) from error
        status = response.status_code
        if status >= 500:
            raise ServiceUnavailableError(
                f"{method} {url} failed with HTTP {status}", url=url, status_code=status
            )
        if status >= 400:
            error_class: type[ClientRequestError] = ClientRequestError
            if status in (401, 403):
                error_class = NotAuthorizedError
            elif status == 404:
                error_class = NotFoundError
            body = _decode_body(response)
            raise error_class(
                f"{method} {url} was refused with HTTP {status}: {body}",
                url=url,
                status_code=status,
                body=body,
            )
        return response

    def json(self, response: httpx.Response) -> Any:
        """Decode a JSON body, raising :class:`ResponseFormatError` if it is not JSON."""
        try:
            return response.json()
        except ValueError as error:
            raise ResponseFormatError(
                "response is not JSON", url=str(response.request.url), detail=str(error)
            ) from error

    def get_json(self, path: str, *, params: Query | None = None) -> Any:
        """GET ``path`` and return the decoded JSON body."""
        return self.json(self.request("GET", path, params=params))

    def get_conditional(
        self, path: str, *, etag: str | None, params: Query | None = None
    ) -> ConditionalResult:
        """GET with ``If-None-Match``; a 304 returns ``modified=False`` and no data."""
        headers = {"If-None-Match": etag} if etag else None
        response = self.request("GET", path, params=params, headers=headers)
        if response.status_code == 304:
            return ConditionalResult(modified=False, data=None, etag=etag)
        return ConditionalResult(
            modified=True, data=self.json(response), etag=response.headers.get("ETag")
        )

    def iter_pages(self, path: str, *, params: Query | None = None) -> Iterator[list[Any]]:
        """Yield the ``results`` of every page of a paginated list, following ``next`` links."""
        yield from self.pages_from(self.get_json(path, params=params), path=path)

    def pages_from(self, first_page: Any, *, path: str) -> Iterator[list[Any]]:
        """Yield the results of ``first_page`` (already fetched) and of the pages after it."""
        page = first_page
        seen: set[str] = set()
        while True:
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise ResponseFormatError(
                    "expected a paginated list", url=path, detail=f"got {type(page).__name__}"
                )
            yield page["results"]
            next_url = page.get("next")
            if not next_url:
                return
            if next_url in seen:  # a broken server must not loop us forever
                raise ResponseFormatError("pagination loops", url=next_url, detail=next_url)
            seen.add(next_url)
            page = self.get_json(str(next_url))

    def get_all(self, path: str, *, params: Query | None = None) -> list[Any]:
        """Every result of a paginated list, all pages concatenated."""
        results: list[Any] = []
        for page in self.iter_pages(path, params=params):
            results.extend(page)
        return results
