"""OAuth2 tokens are stored hashed (RFC 9700 §4; docs/security.md "Token storage"): the database
holds no usable access or refresh token, and the profile's archive token is read back from a
seal that only ``SECRET_KEY`` opens."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken
from rest_framework.test import APIClient

from openocs.portal.accounts import conf, sealing
from openocs.portal.accounts.models import SealedArchiveToken
from openocs.portal.accounts.tests.test_oauth2_bearer import (  # noqa: F401 (fixture)
    CLIENT_SECRET,
    _authorization_code_flow,
    _form_post,
    application,
)
from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db

migration = importlib.import_module("openocs.portal.accounts.migrations.0002_sealed_archive_token")


def _bearer_user(token: str) -> str | None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/profile/")
    return response.json()["username"] if response.status_code == 200 else None


def test_the_archive_token_is_stored_hashed_and_sealed_and_still_shown_again(
    outsider: Persona,
) -> None:
    first = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    assert outsider.client.get("/api/profile/").json()["tokens"]["archive"] == first
    row = AccessToken.objects.get(user=outsider.user)
    assert row.token == ""  # only the checksum is stored
    seal = SealedArchiveToken.objects.get(access_token=row)
    assert first not in seal.sealed
    assert _bearer_user(first) == outsider.user.username


def test_a_seal_the_secret_key_cannot_open_gives_a_new_token(outsider: Persona) -> None:
    first = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    with override_settings(SECRET_KEY="another-" + "k" * 60, SECRET_KEY_FALLBACKS=[]):
        assert sealing.unseal(SealedArchiveToken.objects.get().sealed) is None
        second = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
        assert second != first
        assert outsider.client.get("/api/profile/").json()["tokens"]["archive"] == second
    assert _bearer_user(first) == outsider.user.username  # the old one stays valid until expiry


def test_a_rotated_secret_key_still_opens_seals_through_its_fallbacks(outsider: Persona) -> None:
    from django.conf import settings

    first = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    old_key = settings.SECRET_KEY
    with override_settings(SECRET_KEY="rotated-" + "r" * 60, SECRET_KEY_FALLBACKS=[old_key]):
        assert outsider.client.get("/api/profile/").json()["tokens"]["archive"] == first


def test_tokens_of_the_oauth2_flow_are_stored_hashed(
    application: Application,  # noqa: F811
    staff_view_user: Persona,
) -> None:
    grant = _authorization_code_flow(application, staff_view_user, "/o/token/")
    assert grant.status_code == 200, grant.content
    tokens = grant.json()
    assert set(AccessToken.objects.values_list("token", flat=True)) == {""}
    assert set(RefreshToken.objects.values_list("token", flat=True)) == {""}
    assert _bearer_user(tokens["access_token"]) == staff_view_user.user.username
    refreshed = _form_post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": application.client_id,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    assert _bearer_user(refreshed.json()["access_token"]) == staff_view_user.user.username
    assert set(AccessToken.objects.values_list("token", flat=True)) == {""}


def test_the_migration_seals_archive_tokens_and_blanks_every_stored_token(
    outsider: Persona,
) -> None:
    archive = Application.objects.create(
        name=conf.ARCHIVE_OAUTH_APPLICATION,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    )
    other = Application.objects.create(
        name="Other",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    later = timezone.now() + timedelta(days=20)
    # Rows as a release storing tokens in clear left them (objects.create keeps `token`).
    AccessToken.objects.create(
        user=outsider.user, application=archive, token="clear-archive", expires=later
    )
    other_token = AccessToken.objects.create(
        user=outsider.user, application=other, token="clear-other", expires=later
    )
    RefreshToken.objects.create(
        user=outsider.user, application=other, token="clear-refresh", access_token=other_token
    )
    assert AccessToken.objects.filter(token="clear-archive").exists()

    migration.seal_and_redact(apps, None)

    assert set(AccessToken.objects.values_list("token", flat=True)) == {""}
    assert set(RefreshToken.objects.values_list("token", flat=True)) == {""}
    assert _bearer_user("clear-archive") == outsider.user.username
    assert _bearer_user("clear-other") == outsider.user.username
    # The profile shows the archive token the user already had, read from its seal.
    assert outsider.client.get("/api/profile/").json()["tokens"]["archive"] == "clear-archive"
    assert SealedArchiveToken.objects.count() == 1
