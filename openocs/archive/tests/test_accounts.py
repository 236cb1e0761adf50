"""Account routes: token login, revoke, and the portal's account push (spec §2.4)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def test_token_login_returns_the_users_token(db: Any, store_root: Any) -> None:
    user = User.objects.create_user("alice", password="pw-long-enough-1")
    response = APIClient().post(
        "/archive/api-token-auth/",
        {"username": "alice", "password": "pw-long-enough-1"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_revoke_rotates_the_token(member: Any) -> None:
    old = member.token
    response = member.client.post("/archive/revoke_token/")
    assert response.json() == {"message": "API token revoked."}
    assert Token.objects.get(user=member.user).key != old
    assert APIClient().post("/archive/revoke_token/").status_code == 401


def test_portal_pushes_an_account_with_its_token(db: Any, settings: Any, store_root: Any) -> None:
    settings.OAUTH_SERVER_KEY = "server-key"
    body = {
        "username": "bob", "first_name": "B", "last_name": "O", "email": "b@example.org",
        "tokens": {"api_token": "portal-token-of-bob"}, "is_staff": True, "is_superuser": False,
        "profile": {"staff_view": False},
    }  # fmt: skip
    client = APIClient()
    assert (
        client.post("/archive/authprofile/addupdateuser/", body, format="json").status_code == 403
    )
    client.credentials(HTTP_AUTHORIZATION="Server server-key")
    assert (
        client.post("/archive/authprofile/addupdateuser/", body, format="json").status_code == 200
    )
    user = User.objects.get(username="bob")
    assert user.is_staff
    assert Token.objects.get(user=user).key == "portal-token-of-bob"
    body["is_staff"] = False
    client.post("/archive/authprofile/addupdateuser", body, format="json")
    assert not User.objects.get(username="bob").is_staff
