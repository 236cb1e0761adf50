"""A date-time whose UTC offset carries it past year 9999 (or before year 1) in UTC is a bad
value, not a crash: every query parser answers 400 (issue 14; the archive's and the request
lists' filters had the same OverflowError)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from openocs.portal.conftest import (  # noqa: F401  (fixtures)
    Persona,
    make_persona,
    staff_view_user,
)

pytestmark = pytest.mark.django_db

LATE = "9999-12-31T23:00:00-05:00"
EARLY = "0001-01-01T01:00:00+05:00"

ROUTES = [
    "/api/telescope_states/?start={}",
    "/api/semesters/?semester_contains={}",
    "/configdb/api/availability_history/?instrument_id=xx01&start={}",
    "/downtime/api/?starts_after={}",
]


@pytest.mark.parametrize("moment", [LATE, EARLY], ids=["late", "early"])
@pytest.mark.parametrize("route", ROUTES)
def test_an_out_of_range_moment_is_a_400(route: str, moment: str) -> None:
    response = APIClient().get(route.format(moment.replace("+", "%2B")))
    assert response.status_code == 400, (response.status_code, response.content[:200])


@pytest.mark.parametrize("moment", [LATE, EARLY], ids=["late", "early"])
def test_the_network_page_names_an_out_of_range_start(
    staff_view_user: Persona,  # noqa: F811  (the fixture)
    moment: Any,
) -> None:
    browser = Client()
    browser.force_login(staff_view_user.user)
    response = browser.get("/network/", {"start": moment})
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert b"start" in response.content
