"""The in-process transport: a client call served by this deployment's views, in the caller's
thread and transaction, with the caller's Authorization header."""

from __future__ import annotations

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from openocs.web.inprocess import InProcessTransport

pytestmark = pytest.mark.django_db


def client(**headers: str) -> httpx.Client:
    return httpx.Client(
        base_url="http://inprocess/svc/",
        transport=InProcessTransport(urlconf="openocs.web.tests.inprocess_urls"),
        headers=headers,
    )


def test_passes_the_authorization_header_to_the_view():
    user = get_user_model().objects.create_user(username="alice")
    token = Token.objects.create(user=user)
    response = client(Authorization=f"Token {token.key}").get("whoami/")
    assert response.status_code == 200
    assert response.json() == {"username": "alice"}


def test_missing_credentials_get_the_views_401():
    response = client().get("whoami/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_sees_and_joins_the_callers_open_transaction():
    with transaction.atomic():
        get_user_model().objects.create_user(username="uncommitted")
        response = client().get("users/", params={"q": ["a", "b"]})
        assert response.json() == {"usernames": ["uncommitted"], "query": ["a", "b"]}
        created = client().post("users/", json={"username": "bob"})
        assert created.status_code == 201
        assert created.json()["host"] == "inprocess"
        # The caller's connection is still open and still inside its transaction.
        assert connection.connection is not None
        assert connection.in_atomic_block
        assert get_user_model().objects.filter(username="bob").exists()


def test_writes_made_by_the_view_roll_back_with_the_caller():
    with pytest.raises(RuntimeError), transaction.atomic():
        client().post("users/", json={"username": "carol"})
        raise RuntimeError("caller fails after the call")
    assert not get_user_model().objects.filter(username="carol").exists()


def test_unknown_path_is_a_404():
    response = client().get("nowhere/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_http404_raised_by_a_view_becomes_a_404_response():
    assert client().get("missing/").status_code == 404


def test_sends_no_request_signals_that_would_close_the_callers_connection():
    from django.core.signals import request_finished, request_started

    sent: list[object] = []

    def record(sender: object, **kwargs: object) -> None:
        sent.append(sender)

    request_started.connect(record)
    request_finished.connect(record)
    try:
        assert client().get("users/").status_code == 200
        assert client().get("nowhere/").status_code == 404
    finally:
        request_started.disconnect(record)
        request_finished.disconnect(record)
    assert sent == []


def test_passes_url_parameters_to_the_view():
    response = client().patch("echo/a%20b/42/", json={})
    assert response.json() == {"name": "a b", "number": 42, "method": "PATCH"}
