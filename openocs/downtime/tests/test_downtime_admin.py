"""The admin: list with search and filters; saving runs the API's validation."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from openocs.downtime.models import Downtime
from openocs.downtime.tests.factories import make_downtime

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def test_changelist_searches_and_filters(admin_client, configdb):
    make_downtime(reason="Mirror cleaning")
    make_downtime(reason="Dome motor", site="lsc")
    response = admin_client.get("/admin/downtime/downtime/", {"q": "mirror", "site": "coj"})
    assert response.status_code == 200
    assert b"Mirror cleaning" in response.content
    assert b"Dome motor" not in response.content


def form(**changes: str) -> dict[str, str]:
    data = {
        "start_0": "2030-01-01",
        "start_1": "00:00:00",
        "end_0": "2030-01-01",
        "end_1": "02:00:00",
        "site": "coj",
        "enclosure": "doma",
        "telescope": "1m0a",
        "instrument_type": "",
        "reason": "From the admin",
        "category": "",
    }
    data.update(changes)
    return data


def test_adding_a_valid_downtime(admin_client, configdb):
    response = admin_client.post("/admin/downtime/downtime/add/", form())
    assert response.status_code == 302
    assert Downtime.objects.get().reason == "From the admin"


def test_adding_an_unknown_code_shows_the_api_message(admin_client, configdb):
    response = admin_client.post("/admin/downtime/downtime/add/", form(site="nop"))
    assert response.status_code == 200
    assert "&quot;nop&quot; is not a valid choice." in response.content.decode()
    assert not Downtime.objects.exists()


def test_adding_while_configdb_is_down_explains_why(admin_client, configdb_down):
    response = admin_client.post("/admin/downtime/downtime/add/", form())
    assert "ConfigDB connection is currently down" in response.content.decode()
    assert not Downtime.objects.exists()
