"""The shared HTTP layer: URLs, auth header, paging, conditional GETs and typed errors."""

from __future__ import annotations

import socket

import httpx
import pytest

from openocs.clients.errors import (
    ClientRequestError,
    NotAuthorizedError,
    NotFoundError,
    ResponseFormatError,
    ServiceUnavailableError,
)
from openocs.clients.http import HttpClient


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (the port was just released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def test_refuses_base_url_without_trailing_slash():
    with pytest.raises(ValueError, match="must end with '/'"):
        HttpClient("http://example.org/configdb")


def test_sends_token_and_joins_paths_onto_the_base_url():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client = HttpClient(
        "http://example.org/configdb/", token="abc", transport=httpx.MockTransport(handler)
    )
    assert client.get_json("sites/", params={"site": ["a", "b"], "x": None}) == {"ok": True}
    assert str(seen[0].url) == "http://example.org/configdb/sites/?site=a&site=b"
    assert seen[0].headers["Authorization"] == "Token abc"


def test_follows_next_links_across_pages():
    pages = {
        "/api/": {"count": 3, "next": "http://h/api/?offset=2", "results": [1, 2]},
        "/api/?offset=2": {"count": 3, "next": None, "results": [3]},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        key = request.url.raw_path.decode()
        return httpx.Response(200, json=pages[key])

    client = HttpClient("http://h/", transport=httpx.MockTransport(handler))
    assert client.get_all("api/") == [1, 2, 3]


def test_stops_a_pagination_loop():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"next": "http://h/api/?offset=1", "results": [1]})

    client = HttpClient("http://h/", transport=httpx.MockTransport(handler))
    with pytest.raises(ResponseFormatError):
        client.get_all("api/")


def test_connection_refused_is_a_retryable_service_unavailable_error():
    client = HttpClient(closed_port_url(), timeout_s=2.0)
    with pytest.raises(ServiceUnavailableError) as caught:
        client.get_json("sites/")
    assert caught.value.retryable is True
    assert caught.value.status_code is None


def test_timeout_is_a_service_unavailable_error():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("too slow", request=request)

    client = HttpClient("http://h/", transport=httpx.MockTransport(handler))
    with pytest.raises(ServiceUnavailableError, match="timed out"):
        client.get_json("sites/")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_service_unavailable(status):
    client = HttpClient(
        "http://h/", transport=httpx.MockTransport(lambda r: httpx.Response(status, text="boom"))
    )
    with pytest.raises(ServiceUnavailableError) as caught:
        client.get_json("x/")
    assert caught.value.status_code == status


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, ClientRequestError),
        (401, NotAuthorizedError),
        (403, NotAuthorizedError),
        (404, NotFoundError),
    ],
)
def test_client_errors_carry_status_and_decoded_body(status, error_class):
    body = {"site": ['"nop" is not a valid choice.']}
    client = HttpClient(
        "http://h/", transport=httpx.MockTransport(lambda r: httpx.Response(status, json=body))
    )
    with pytest.raises(error_class) as caught:
        client.request("POST", "api/", json={})
    assert caught.value.status_code == status
    assert caught.value.body == body
    assert caught.value.retryable is False


def test_conditional_get_sends_if_none_match_and_reports_not_modified():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, json={"results": []}, headers={"ETag": '"v1"'})

    client = HttpClient("http://h/", transport=httpx.MockTransport(handler))
    first = client.get_conditional("sites/", etag=None)
    assert (first.modified, first.etag) == (True, '"v1"')
    second = client.get_conditional("sites/", etag=first.etag)
    assert (second.modified, second.data) == (False, None)


def test_non_json_success_body_is_a_format_error():
    client = HttpClient(
        "http://h/", transport=httpx.MockTransport(lambda r: httpx.Response(200, text="<html>"))
    )
    with pytest.raises(ResponseFormatError):
        client.get_json("sites/")
