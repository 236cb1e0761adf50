"""API tokens: an optional lifetime, and rotation through the API (docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openocs.portal.conftest import PERSONA_PASSWORD, PersonaFactory

pytestmark = pytest.mark.django_db

T0 = "2030-03-01T12:00:00Z"


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@override_settings(OCS_API_TOKEN_LIFETIME_DAYS=30)
def test_a_token_older_than_its_lifetime_is_refused_everywhere(
    make_persona: PersonaFactory,
) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        persona = make_persona("tess")
        traveller.shift(29 * 86400)
        assert persona.client.get("/api/profile/").status_code == 200
        traveller.shift(2 * 86400)
        for path in ["/api/profile/", "/api/requestgroups/", "/archive/frames/"]:
            refused = persona.client.get(path)
            assert refused.status_code == 401, path
            assert refused.json() == {"detail": "Token has expired."}


@override_settings(OCS_API_TOKEN_LIFETIME_DAYS=30)
def test_signing_in_again_gives_a_fresh_token(make_persona: PersonaFactory) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        persona = make_persona("tess")
        traveller.shift(31 * 86400)
        answer = APIClient().post(
            "/api/api-token-auth/", {"username": "tess", "password": PERSONA_PASSWORD}
        )
        fresh = answer.json()["token"]
        assert fresh != persona.token
        assert _client(fresh).get("/api/profile/").json()["tokens"]["api_token"] == fresh


def test_without_a_lifetime_tokens_never_expire(make_persona: PersonaFactory) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        persona = make_persona("tess")
        traveller.shift(10 * 365 * 86400)
        assert persona.client.get("/api/profile/").status_code == 200


@override_settings(OCS_API_TOKEN_LIFETIME_DAYS=90)
def test_rotating_answers_the_new_token_and_its_expiry(make_persona: PersonaFactory) -> None:
    with time_machine.travel(T0, tick=False):
        persona = make_persona("tess")
        rotated = persona.client.post("/api/rotate_token/")
        assert rotated.status_code == 200
        body: dict[str, Any] = rotated.json()
        assert body["expires"] == "2030-05-30T12:00:00Z"
        assert body["token"] == Token.objects.get(user=persona.user).key != persona.token
        assert persona.client.get("/api/profile/").status_code == 401
        assert _client(body["token"]).get("/api/profile/").status_code == 200


def test_rotating_without_a_lifetime_answers_no_expiry(make_persona: PersonaFactory) -> None:
    persona = make_persona("tess")
    assert persona.client.post("/api/rotate_token").json()["expires"] is None
    assert APIClient().post("/api/rotate_token/").status_code == 401
