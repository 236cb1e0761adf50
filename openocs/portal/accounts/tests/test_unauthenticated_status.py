"""Deviation D1: 401 with a challenge for missing or invalid credentials; 403 on request."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "/api/profile/"),
    ("post", "/api/revoke_token/"),
    ("post", "/api/profile/accept_terms/"),
    ("post", "/api/account_removal_request/"),
    ("post", "/api/users-bulk/"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_missing_credentials_get_401_with_a_token_challenge(method: str, path: str) -> None:
    response = getattr(APIClient(), method)(path, {}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_an_invalid_token_gets_401(method: str, path: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = getattr(client, method)(path, {}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@override_settings(OCS_UNAUTHENTICATED_STATUS=403)
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_reference_status_403_can_be_restored(method: str, path: str) -> None:
    anonymous = getattr(APIClient(), method)(path, {}, format="json")
    assert anonymous.status_code == 403
    assert "WWW-Authenticate" not in anonymous
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    invalid = getattr(bad, method)(path, {}, format="json")
    assert invalid.status_code == 403
    assert invalid.json() == {"detail": "Invalid token."}


@override_settings(OCS_UNAUTHENTICATED_STATUS=403)
def test_authenticated_but_not_allowed_stays_403(outsider: Persona) -> None:
    response = outsider.client.post("/api/users-bulk/", {"users": []}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
