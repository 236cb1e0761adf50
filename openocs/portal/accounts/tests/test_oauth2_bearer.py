from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from openocs.portal.accounts.tasks import clear_expired_oauth_tokens
from openocs.portal.conftest import PERSONA_PASSWORD, Persona

pytestmark = pytest.mark.django_db

CLIENT_SECRET = "a-third-party-client-secret"


REDIRECT_URI = "https://tom.example/callback"


@pytest.fixture
def application(db: Any) -> Application:
    app = Application(
        name="Third-party TOM",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
        client_secret=CLIENT_SECRET,
        skip_authorization=True,
    )
    app.save()
    return app


def _form_post(path: str, data: dict[str, str]) -> Any:
    """OAuth2 token requests are form-encoded (RFC 6749 §4.1.3)."""
    return Client().post(path, urlencode(data), content_type="application/x-www-form-urlencoded")


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _authorization_code_flow(application: Application, persona: Persona, token_path: str) -> Any:
    browser = Client()
    login = browser.post(
        "/accounts/login/", {"username": persona.user.username, "password": PERSONA_PASSWORD}
    )
    assert login.status_code == 302
    verifier, challenge = _pkce_pair()
    authorize = browser.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "read write",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert authorize.status_code == 302, authorize.content
    location = urlsplit(authorize["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    code = parse_qs(location.query)["code"][0]
    return _form_post(
        token_path,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id,
            "client_secret": CLIENT_SECRET,
            "code_verifier": verifier,
        },
    )


def test_authorization_code_flow_issues_a_bearer_token_the_api_accepts(
    application: Application, outsider: Persona
) -> None:
    grant = _authorization_code_flow(application, outsider, "/o/token/")
    assert grant.status_code == 200, grant.content
    body = grant.json()
    assert body["token_type"] == "Bearer"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    response = client.get("/api/profile/")
    assert response.status_code == 200
    assert response.json()["username"] == "olivia"


def test_token_endpoint_answers_without_trailing_slash(
    application: Application, outsider: Persona
) -> None:
    grant = _authorization_code_flow(application, outsider, "/o/token")
    assert grant.status_code == 200, grant.content


def test_password_grant_is_refused_even_for_an_application_registered_for_it(
    outsider: Persona, db: Any
) -> None:
    app = Application(
        name="Legacy script",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
        client_secret=CLIENT_SECRET,
    )
    app.save()
    grant = _form_post(
        "/o/token/",
        {
            "grant_type": "password",
            "username": "olivia@example.org",
            "password": PERSONA_PASSWORD,
            "client_id": app.client_id,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert grant.status_code in (400, 401), grant.content
    assert "access_token" not in grant.json()
    assert not AccessToken.objects.filter(application=app).exists()


def test_implicit_grant_is_refused(application: Application, outsider: Persona) -> None:
    application.authorization_grant_type = Application.GRANT_IMPLICIT
    application.save()
    browser = Client()
    browser.post(
        "/accounts/login/", {"username": outsider.user.username, "password": PERSONA_PASSWORD}
    )
    response = browser.get(
        "/o/authorize/",
        {
            "response_type": "token",
            "client_id": application.client_id,
            "redirect_uri": REDIRECT_URI,
        },
    )
    assert "access_token" not in response.get("Location", "")
    assert not AccessToken.objects.filter(application=application).exists()


def test_plain_pkce_is_refused(application: Application, outsider: Persona) -> None:
    browser = Client()
    browser.post(
        "/accounts/login/", {"username": outsider.user.username, "password": PERSONA_PASSWORD}
    )
    response = browser.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": REDIRECT_URI,
            "code_challenge": "a-plain-challenge-that-is-long-enough-to-be-a-valid-verifier-x",
            "code_challenge_method": "plain",
        },
    )
    assert "code=" not in response.get("Location", "")


def test_a_bearer_token_in_the_query_string_is_not_accepted(
    application: Application, outsider: Persona
) -> None:
    token = AccessToken.objects.create(
        user=outsider.user,
        application=application,
        token="query-string-token",
        expires=timezone.now() + timedelta(hours=1),
        scope="read write",
    )
    response = APIClient().get("/api/profile/", {"access_token": token.token})
    assert response.status_code in (400, 401)
    header = APIClient()
    header.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    assert header.get("/api/profile/").status_code == 200


def test_wrong_client_secret_gets_no_token(application: Application, outsider: Persona) -> None:
    response = _form_post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": "whatever",
            "redirect_uri": REDIRECT_URI,
            "client_id": application.client_id,
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_unknown_or_expired_bearer_tokens_get_401(
    application: Application, outsider: Persona
) -> None:
    expired = AccessToken.objects.create(
        user=outsider.user,
        application=application,
        token="expired-token-value",
        expires=timezone.now() - timedelta(seconds=1),
        scope="read write",
    )
    for value in ("no-such-token", expired.token):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
        response = client.get("/api/profile/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_daily_job_deletes_expired_tokens_only(application: Application, outsider: Persona) -> None:
    now = timezone.now()
    AccessToken.objects.create(
        user=outsider.user, application=application, token="old", expires=now - timedelta(days=2)
    )
    AccessToken.objects.create(
        user=outsider.user, application=application, token="new", expires=now + timedelta(days=2)
    )
    clear_expired_oauth_tokens.call_local()
    assert list(AccessToken.objects.values_list("token", flat=True)) == ["new"]


def test_authorization_endpoint_sends_anonymous_browsers_to_the_login_page(
    application: Application,
) -> None:
    response = APIClient().get(
        "/o/authorize/",
        {"response_type": "code", "client_id": application.client_id},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
