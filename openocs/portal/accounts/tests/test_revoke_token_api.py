from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db


def test_anonymous_caller_gets_401(anonymous_client: APIClient) -> None:
    response = anonymous_client.post("/api/revoke_token/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("persona", ["outsider", "ci", "pi", "staff_user", "staff_view_user"])
def test_revoking_replaces_the_token_and_the_old_one_stops_working(
    persona: str, request: pytest.FixtureRequest
) -> None:
    caller: Persona = request.getfixturevalue(persona)
    response = caller.client.post("/api/revoke_token")
    assert response.status_code == 200
    assert response.json() == {"message": "API token revoked."}
    new_key = Token.objects.get(user=caller.user).key
    assert new_key != caller.token
    stale = caller.client.get("/api/profile/")
    assert stale.status_code == 401
    assert stale.json() == {"detail": "Invalid token."}
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"token {new_key}")  # keyword is case-insensitive
    assert fresh.get("/api/profile/").json()["tokens"]["api_token"] == new_key
