"""The admin lists request groups, requests and observations for staff, read-only, without N+1."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openocs.portal.observations.models import Observation
from openocs.portal.observations.tests.helpers import make_observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


LISTS = [
    "/admin/requestgroups/requestgroup/",
    "/admin/requestgroups/request/",
    "/admin/observations/observation/",
]


@pytest.mark.parametrize("url", LISTS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, proposal, url):
    user = admin_client.get("/admin/").wsgi_request.user
    make_observation(proposal, user, "first")
    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    for index in range(4):
        make_observation(proposal, user, f"more {index}")
    with CaptureQueriesContext(connection) as five_rows:
        page = admin_client.get(url)
    assert page.status_code == 200
    assert len(five_rows) == len(one_row)


def test_change_pages_are_read_only(admin_client, proposal):
    user = admin_client.get("/admin/").wsgi_request.user
    observation = make_observation(proposal, user, "Supernova follow-up")
    request = observation.request
    for url in (
        f"/admin/requestgroups/requestgroup/{request.request_group_id}/change/",
        f"/admin/requestgroups/request/{request.id}/change/",
        f"/admin/observations/observation/{observation.id}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/observations/observation/add/").status_code == 403


def test_search_and_filters(admin_client, proposal):
    user = admin_client.get("/admin/").wsgi_request.user
    kept = make_observation(proposal, user, "Supernova follow-up")
    make_observation(proposal, user, "Asteroid")
    Observation.objects.exclude(pk=kept.pk).update(state="FAILED")
    page = admin_client.get(
        "/admin/observations/observation/", {"q": "supernova", "state": "PENDING"}
    ).content.decode()
    assert f"/admin/observations/observation/{kept.id}/change/" in page
    assert len(re.findall(r"/admin/observations/observation/\d+/change/", page)) == 1
    groups = admin_client.get("/admin/requestgroups/requestgroup/", {"q": "asteroid"})
    assert "Asteroid" in groups.content.decode()
    assert "Supernova follow-up" not in groups.content.decode()
    requests = admin_client.get("/admin/requestgroups/request/", {"q": "LCO2026B-001"})
    assert (
        len(re.findall(r"/admin/requestgroups/request/\d+/change/", requests.content.decode())) == 2
    )


def test_plain_users_are_sent_to_the_login(client, django_user_model):
    user = django_user_model.objects.create_user("dora", "dora@example.org", "pw")
    client.force_login(user)
    response = client.get("/admin/observations/observation/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
