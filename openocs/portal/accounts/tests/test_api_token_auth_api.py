from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openocs.portal.conftest import PERSONA_PASSWORD, Persona

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["outsider", "ci", "pi", "staff_user", "staff_view_user"])
def test_every_persona_gets_its_existing_token(
    persona: str, request: pytest.FixtureRequest
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    response = APIClient().post(
        "/api/api-token-auth/",
        {"username": caller.user.username, "password": PERSONA_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"token": caller.token}


def test_accepts_the_email_address_as_username(outsider: Persona) -> None:
    response = APIClient().post(
        "/api/api-token-auth",
        {"username": outsider.user.email.upper(), "password": PERSONA_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"token": outsider.token}


def test_accepts_a_form_encoded_body(outsider: Persona) -> None:
    response = APIClient().post(
        "/api/api-token-auth/", {"username": "olivia", "password": PERSONA_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token"] == outsider.token


def test_creates_the_token_when_the_user_has_none(outsider: Persona) -> None:
    Token.objects.filter(user=outsider.user).delete()
    response = APIClient().post(
        "/api/api-token-auth/", {"username": "olivia", "password": PERSONA_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=outsider.user).key


def test_wrong_password_gives_the_reference_error(outsider: Persona) -> None:
    response = APIClient().post(
        "/api/api-token-auth/", {"username": "olivia", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_inactive_user_cannot_get_a_token(outsider: Persona) -> None:
    outsider.user.is_active = False
    outsider.user.save()
    response = APIClient().post(
        "/api/api-token-auth/", {"username": "olivia", "password": PERSONA_PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_missing_username_names_the_field(anonymous_client: APIClient) -> None:
    response = anonymous_client.post("/api/api-token-auth/", {"password": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["This field is required."]}


def test_a_stale_authorization_header_does_not_block_logging_in(outsider: Persona) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-valid-key")
    response = client.post(
        "/api/api-token-auth/", {"username": "olivia", "password": PERSONA_PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_get_is_not_allowed(anonymous_client: APIClient) -> None:
    assert anonymous_client.get("/api/api-token-auth/").status_code == 405
