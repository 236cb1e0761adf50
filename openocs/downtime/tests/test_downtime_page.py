"""``GET /`` (co-hosted: ``/downtime/``): the HTML list with its filter form."""

from __future__ import annotations

import pytest
import time_machine

from openocs.downtime.tests.factories import make_downtime, utc

pytestmark = pytest.mark.django_db


def test_without_parameters_shows_what_has_not_ended(client, configdb):
    make_downtime(reason="Long ago", start=utc(2020, 1, 1), end=utc(2020, 1, 2))
    make_downtime(reason="Coming up", start=utc(2030, 1, 1), end=utc(2030, 1, 2))
    with time_machine.travel(utc(2029, 1, 1), tick=False):
        response = client.get("/downtime/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Coming up" in page and "Long ago" not in page
    assert "coj.doma.1m0a" in page


def test_filters_apply_and_bad_values_are_explained(client, configdb):
    make_downtime(reason="At coj")
    make_downtime(reason="At lsc", site="lsc")
    page = client.get("/downtime/", {"site": "lsc", "ends_after": "2000-01-01"}).content.decode()
    assert "At lsc" in page and "At coj" not in page
    bad = client.get("/downtime/", {"site": "nop"}).content.decode()
    assert "Select a valid choice. nop is not one of the available choices." in bad
