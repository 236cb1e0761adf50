"""The scheduler's feed reads its ``start``/``end`` in UTC: PostgreSQL refuses UTC offsets beyond
±15:59 that Python accepts (the same 500 the list filters had), and an offset that carries a
time out of years 1–9999 in UTC is a 400 naming the field."""

from __future__ import annotations

import pytest

from openocs.portal.conftest import Persona

pytestmark = pytest.mark.django_db

FEED = "/api/requestgroups/schedulable_requests/"


def test_offsets_beyond_sixteen_hours_are_read_in_utc(staff_view_user: Persona) -> None:
    response = staff_view_user.client.get(
        FEED, {"start": "2030-01-01T00:00:00+20:00", "end": "2030-01-02T00:00:00-20:00"}
    )
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-05:00", "0001-01-01T01:00:00+05:00"])
def test_an_out_of_range_moment_is_a_400_naming_it(staff_view_user: Persona, moment: str) -> None:
    response = staff_view_user.client.get(FEED, {"start": moment})
    assert response.status_code == 400, response.content[:300]
    assert "start" in response.json()
