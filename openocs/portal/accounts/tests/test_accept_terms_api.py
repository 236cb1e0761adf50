from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db


def test_anonymous_caller_gets_401(anonymous_client: APIClient) -> None:
    assert anonymous_client.post("/api/profile/accept_terms/").status_code == 401


@pytest.mark.parametrize("persona", ["outsider", "ci", "pi", "staff_user", "staff_view_user"])
def test_accepting_records_the_time(persona: str, request: pytest.FixtureRequest) -> None:
    caller: Persona = request.getfixturevalue(persona)
    with time_machine.travel(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC), tick=False):
        response = caller.client.post("/api/profile/accept_terms")
    assert response.status_code == 200
    assert response.json() == {"message": "Terms accepted"}
    assert caller.profile.terms_accepted == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    profile = caller.client.get("/api/profile/").json()["profile"]
    assert profile["terms_accepted"] == "2030-01-02T03:04:05Z"
