from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.portal.accounts.models import Profile
from openocs.portal.conftest import PERSONA_PASSWORD, Persona

pytestmark = pytest.mark.django_db


def test_session_login_then_the_api_answers_with_the_session(outsider: Persona) -> None:
    client = APIClient()
    response = client.post(
        "/accounts/api-login/", {"username": "olivia", "password": PERSONA_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert client.get("/api/profile/").json()["username"] == "olivia"


def test_login_by_email_without_trailing_slash(outsider: Persona) -> None:
    client = APIClient()
    response = client.post(
        "/accounts/api-login",
        {"username": "olivia@example.org", "password": PERSONA_PASSWORD},
        format="json",
    )
    assert response.status_code == 200


def test_wrong_password_is_refused(outsider: Persona) -> None:
    response = APIClient().post(
        "/accounts/api-login/", {"username": "olivia", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_expired_password_gives_401_and_no_session(outsider: Persona) -> None:
    Profile.objects.filter(user=outsider.user).update(password_expiration="2000-01-01T00:00:00Z")
    client = APIClient()
    response = client.post(
        "/accounts/api-login/", {"username": "olivia", "password": PERSONA_PASSWORD}, format="json"
    )
    assert response.status_code == 401
    assert response.json() == {"message": "Password expired"}
    assert client.get("/api/profile/").status_code == 401


def test_missing_password_names_the_field(anonymous_client: APIClient) -> None:
    response = anonymous_client.post("/accounts/api-login/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}
