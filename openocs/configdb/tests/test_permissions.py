"""Who may write (D15, spec §3.1): anonymous 401, non-staff 403, staff 201; the reference rule
with CONFIGDB_WRITE_PERMISSION=authenticated."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

pytestmark = pytest.mark.django_db

SITE = {"code": "new", "elevation": 10, "timezone": 0, "restart": "19:00:00", "tz": "Etc/UTC"}


def test_anonymous_reads(anonymous: APIClient) -> None:
    assert anonymous.get("/configdb/sites/").status_code == 200


def test_anonymous_write_gets_401_with_a_challenge(anonymous: APIClient) -> None:
    response = anonymous.post("/configdb/sites/", SITE, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"].startswith("Token")
    assert not m.Site.objects.exists()


def test_invalid_token_gets_401(anonymous: APIClient) -> None:
    anonymous.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = anonymous.post("/configdb/sites/", SITE, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_non_staff_write_gets_403(astronomer: APIClient) -> None:
    response = astronomer.post("/configdb/sites/", SITE, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert not m.Site.objects.exists()


def test_staff_write_gets_201(staff: APIClient) -> None:
    assert staff.post("/configdb/sites/", SITE, format="json").status_code == 201


def test_staff_token_is_accepted(db: Any) -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_user("op", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"token {Token.objects.create(user=user).key}")
    assert client.post("/configdb/sites/", SITE, format="json").status_code == 201


def test_reference_rule_lets_any_authenticated_user_write(
    astronomer: APIClient, anonymous: APIClient, settings: Any
) -> None:
    settings.CONFIGDB_WRITE_PERMISSION = "authenticated"
    assert astronomer.post("/configdb/sites/", SITE, format="json").status_code == 201
    assert anonymous.delete(f"/configdb/sites/{m.Site.objects.get().pk}/").status_code == 401


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_non_staff_cannot_change_or_delete(astronomer: APIClient, method: str) -> None:
    site = m.Site.objects.create(code="abc", elevation=0, timezone=0)
    response = getattr(astronomer, method)(
        f"/configdb/sites/{site.pk}/", {"name": "x"}, format="json"
    )
    assert response.status_code == 403
    site.refresh_from_db()
    assert site.name == ""
