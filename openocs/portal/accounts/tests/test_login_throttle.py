"""Failed logins are throttled per account and per address, on every way in (docs/security.md)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from oauth2_provider.models import Application
from rest_framework.test import APIClient

from openocs.portal.accounts import login_throttle
from openocs.portal.conftest import PERSONA_PASSWORD, Persona, PersonaFactory

pytestmark = pytest.mark.django_db

LIMITS = {
    "OCS_LOGIN_FAILURES_PER_ACCOUNT": 3,
    "OCS_LOGIN_FAILURES_PER_ADDRESS": 5,
    "OCS_LOGIN_FAILURE_WINDOW_S": 600,
}


@pytest.fixture(autouse=True)
def low_limits() -> Iterator[None]:
    cache.clear()
    with override_settings(**LIMITS):
        yield
    cache.clear()


def _token_auth(username: str, password: str, address: str = "203.0.113.7") -> Any:
    return APIClient(REMOTE_ADDR=address).post(
        "/api/api-token-auth/", {"username": username, "password": password}, format="json"
    )


def test_an_account_is_refused_after_its_limit_even_with_the_right_password(
    outsider: Persona, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="openocs.security"):
        for _ in range(3):
            assert _token_auth("olivia", "wrong").status_code == 400
    refused = _token_auth("olivia", PERSONA_PASSWORD, address="198.51.100.9")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many failed login attempts; try again in")
    assert 1 <= int(refused["Retry-After"]) <= 600
    (record,) = [
        r for r in caplog.records if r.name == "openocs.security" and r.levelno == logging.WARNING
    ]
    assert "3 failed attempts of account olivia" in record.getMessage()


def test_the_refusal_ends_with_the_window(outsider: Persona) -> None:
    with time_machine.travel("2030-01-01T00:00:00Z", tick=False) as traveller:
        for _ in range(3):
            _token_auth("olivia", "wrong")
        assert _token_auth("olivia", PERSONA_PASSWORD).status_code == 429
        traveller.shift(601)
        assert _token_auth("olivia", PERSONA_PASSWORD).status_code == 200


def test_a_success_clears_the_account_failures(outsider: Persona) -> None:
    for _ in range(2):
        _token_auth("olivia", "wrong")
    assert _token_auth("olivia", PERSONA_PASSWORD).status_code == 200
    for _ in range(2):
        _token_auth("olivia", "wrong")
    assert _token_auth("olivia", PERSONA_PASSWORD).status_code == 200


def test_an_address_is_refused_after_failing_on_many_accounts(
    make_persona: PersonaFactory,
) -> None:
    make_persona("victim")
    for index in range(5):
        assert _token_auth(f"guess{index}", "wrong").status_code == 400
    assert _token_auth("victim", PERSONA_PASSWORD).status_code == 429
    assert _token_auth("victim", PERSONA_PASSWORD, address="192.0.2.44").status_code == 200


def test_the_login_page_answers_an_html_429(outsider: Persona) -> None:
    browser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        page = browser.post("/accounts/login/", {"username": "olivia", "password": "wrong"})
        assert page.status_code == 200  # the form again, with its error
    page = browser.post("/accounts/login/", {"username": "olivia", "password": PERSONA_PASSWORD})
    assert page.status_code == 429
    assert page["Content-Type"].startswith("text/html")
    assert b"Too many failed sign-in attempts" in page.content
    assert "_auth_user_id" not in browser.session


def test_the_admin_login_is_throttled_too(outsider: Persona) -> None:
    for _ in range(3):
        Client().post("/admin/login/", {"username": "olivia", "password": "wrong"})
    assert (
        Client().post("/admin/login/", {"username": "olivia", "password": "x"}).status_code == 429
    )


def test_http_basic_authentication_is_throttled(outsider: Persona) -> None:
    def basic(password: str) -> Any:
        credentials = base64.b64encode(f"olivia:{password}".encode()).decode()
        return APIClient().get("/api/profile/", HTTP_AUTHORIZATION=f"Basic {credentials}")

    for _ in range(3):
        assert basic("wrong").status_code == 401
    refused = basic(PERSONA_PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed login attempts" in refused.json()["detail"]


def test_the_session_api_login_is_throttled(outsider: Persona) -> None:
    for _ in range(3):
        APIClient().post("/accounts/api-login/", {"username": "olivia", "password": "wrong"})
    answer = APIClient().post(
        "/accounts/api-login/", {"username": "olivia", "password": PERSONA_PASSWORD}
    )
    assert answer.status_code == 429


def test_the_oauth2_token_endpoint_throttles_a_client_with_wrong_secrets(db: Any) -> None:
    app = Application(
        name="Guessed",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret="the-real-secret",
    )
    app.save()

    def token(secret: str) -> Any:
        body = {"grant_type": "client_credentials", "client_id": app.client_id}
        body["client_secret"] = secret
        return Client().post(
            "/o/token/", urlencode(body), content_type="application/x-www-form-urlencoded"
        )

    for _ in range(3):
        assert token("wrong").status_code == 401
    refused = token("the-real-secret")
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_attempts"
    assert int(refused["Retry-After"]) >= 1


def test_a_proxy_address_is_used_only_when_proxy_headers_are_trusted() -> None:
    class Request:
        META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5"}

    assert login_throttle.client_address(Request()) == "10.0.0.2"
    with override_settings(USE_X_FORWARDED_HOST=True):
        assert login_throttle.client_address(Request()) == "203.0.113.5"


@pytest.mark.parametrize("backend", ["file", "database", "redis"])
def test_counters_work_with_every_shared_cache(backend: str, tmp_path: Any) -> None:
    caches = {
        "file": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "openocs_test_cache",
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/5",
            "KEY_PREFIX": "openocs-test-login-throttle",
        },
    }
    with override_settings(CACHES={"default": caches[backend]}):
        if backend == "database":
            call_command("createcachetable", verbosity=0)
        if backend == "redis":
            try:
                cache.clear()
            except Exception as error:
                pytest.skip(f"no Redis at 127.0.0.1:6379: {error}")
        with time_machine.travel("2030-01-01T00:00:00Z", tick=False) as traveller:
            for _ in range(3):
                login_throttle.login_check_allowed(account="olivia", address="")
                login_throttle.login_failure_record(account="olivia", address="")
            with pytest.raises(login_throttle.LoginThrottled):
                login_throttle.login_check_allowed(account="olivia", address="")
            if backend != "redis":  # Redis expires keys on its own clock
                traveller.shift(601)
                login_throttle.login_check_allowed(account="olivia", address="")
        cache.clear()
