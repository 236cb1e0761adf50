"""The typed profile client other services use to verify portal tokens reads our profile."""

from __future__ import annotations

import pytest

from openocs.clients.errors import NotAuthorizedError
from openocs.clients.profile import fetch_profile
from openocs.portal.conftest import Persona
from openocs.web.inprocess import InProcessTransport

pytestmark = pytest.mark.django_db(transaction=True)


def test_profile_client_identifies_the_owner_of_a_token(staff_view_user: Persona) -> None:
    profile = fetch_profile(
        "http://portal/", token=staff_view_user.token, transport=InProcessTransport()
    )
    assert profile.username == "sasha"
    assert profile.is_staff is True
    assert profile.model_extra is not None
    assert profile.model_extra["profile"]["staff_view"] is True


def test_profile_client_accepts_the_archive_bearer_token(outsider: Persona) -> None:
    archive_token = outsider.client.get("/api/profile/").json()["tokens"]["archive"]
    profile = fetch_profile(
        "http://portal/", token=archive_token, auth_scheme="Bearer", transport=InProcessTransport()
    )
    assert profile.username == "olivia"


def test_profile_client_reports_a_refused_token(outsider: Persona) -> None:
    with pytest.raises(NotAuthorizedError):
        fetch_profile("http://portal/", token="not-a-token", transport=InProcessTransport())
