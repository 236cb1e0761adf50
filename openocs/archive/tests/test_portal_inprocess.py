"""Co-hosted: membership comes from the real portal's ``GET /api/profile/`` in-process.

The portal's models are reached through the app registry only to set up a proposal and a
membership (the archive itself only calls the portal's HTTP API, through the in-process
transport).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openocs.archive.tests.conftest import record

pytestmark = pytest.mark.skipif(
    not apps.is_installed("openocs.portal.proposals"), reason="the portal is not co-hosted"
)


def test_member_of_a_portal_proposal_sees_its_frames(
    settings: Any, db: Any, store_root: Any
) -> None:
    settings.OCS_PORTAL_URL = ""
    cache.clear()
    proposal_model = apps.get_model("proposals", "Proposal")
    membership_model = apps.get_model("proposals", "Membership")
    member = User.objects.create_user("pi")
    proposal = proposal_model.objects.create(id="LCO2030A-001", title="t")
    membership_model.objects.create(proposal=proposal, user=member, role="PI")
    outsider = User.objects.create_user("outsider")
    superuser = User.objects.create_user("ingester", is_staff=True, is_superuser=True)
    admin = APIClient()
    admin.force_authenticate(superuser)
    body = record("secret", proposal_id="LCO2030A-001", public_date="2099-01-01T00:00:00Z")
    assert admin.post("/archive/frames/", body, format="json").status_code == 201

    def seen_by(user: User) -> list[str]:
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
        response = client.get("/archive/frames/")
        assert response.status_code == 200, response.content
        return [f["basename"] for f in response.json()["results"]]

    assert seen_by(member) == ["secret"]
    assert seen_by(outsider) == []
