"""Portal-token verification for split deployments, against a real HTTP server.

The portal's ``GET /api/profile/`` is being written concurrently, so the server here is a small
``http.server`` in a thread that answers with canned profiles (portal-api.md §18.3 shapes); the
client side (httpx, timeouts, error mapping) is the real one.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from openocs.web.exceptions import ServiceUnavailable
from openocs.web.portal_auth import PortalTokenAuthentication, token_cache_s

pytestmark = pytest.mark.django_db

PROFILES = {
    "staff-token": {"username": "operator", "email": "op@example.org", "is_staff": True,
                    "is_superuser": False, "profile": {"staff_view": True}, "proposals": []},
    "user-token": {"username": "jdoe", "email": "jdoe@example.org", "is_staff": False,
                   "is_superuser": False, "tokens": {"api_token": "user-token"}},
}  # fmt: skip


class FakePortal:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.profiles = json.loads(json.dumps(PROFILES))
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                portal.requests.append(self.path)
                auth = self.headers.get("Authorization", "")
                key = auth.removeprefix("Token ")
                if self.path == "/api/profile/" and key in portal.profiles:
                    status, body = 200, portal.profiles[key]
                else:
                    status, body = 401, {"detail": "Invalid token."}
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePortal:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def portal() -> Iterator[FakePortal]:
    cache.clear()
    with FakePortal() as server, override_settings(OCS_PORTAL_URL=server.url):
        yield server
    cache.clear()


def authenticate(key: str) -> tuple[Any, Any]:
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}"))
    result = PortalTokenAuthentication().authenticate(request)
    assert result is not None
    return result


def test_unknown_token_is_verified_with_the_portal_and_mapped_to_a_shadow_user(portal):
    user, auth = authenticate("staff-token")
    assert (user.username, user.email, user.is_staff, user.is_superuser) == (
        "operator", "op@example.org", True, False,
    )  # fmt: skip
    assert not user.has_usable_password()
    assert auth == "staff-token"
    assert portal.requests == ["/api/profile/"]


def test_the_answer_is_cached(portal):
    authenticate("user-token")
    authenticate("user-token")
    assert len(portal.requests) == 1


def test_staff_status_follows_the_portal_once_the_cache_expires(portal):
    assert authenticate("user-token")[0].is_staff is False
    portal.profiles["user-token"]["is_staff"] = True
    cache.clear()
    user = authenticate("user-token")[0]
    assert user.is_staff is True
    assert get_user_model().objects.filter(username="jdoe").count() == 1


def test_a_token_the_portal_refuses_is_invalid_and_the_refusal_is_cached(portal):
    for _ in range(2):
        with pytest.raises(exceptions.AuthenticationFailed, match=r"Invalid token\."):
            authenticate("forged")
    assert len(portal.requests) == 1


def test_local_tokens_do_not_ask_the_portal(portal):
    user = get_user_model().objects.create_user("local")
    token = Token.objects.create(user=user)
    assert authenticate(token.key)[0] == user
    assert portal.requests == []


def test_unreachable_portal_is_a_503():
    from openocs.clients.tests.test_http import closed_port_url

    cache.clear()
    with (
        override_settings(OCS_PORTAL_URL=closed_port_url()),
        pytest.raises(ServiceUnavailable),
    ):
        authenticate("staff-token")


@override_settings(OCS_PORTAL_URL="")
def test_without_a_portal_url_an_unknown_token_is_simply_invalid():
    with pytest.raises(exceptions.AuthenticationFailed, match=r"Invalid token\."):
        authenticate("staff-token")


@pytest.mark.parametrize(("configured", "effective"), [(60.0, 60.0), (7200.0, 3600.0)])
def test_cache_lifetime_is_at_most_one_hour(configured, effective):
    with override_settings(OCS_PORTAL_TOKEN_CACHE_S=configured):
        assert token_cache_s() == effective
