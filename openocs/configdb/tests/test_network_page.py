"""``GET network/``: the network at a glance for staff, each object linked to its admin page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def signed_in(*, staff: bool) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user("someone", is_staff=staff))
    return client


def test_staff_see_every_object_its_state_and_its_admin_link(network: Network) -> None:
    response = signed_in(staff=True).get("/configdb/network/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "tst.doma.1m0a" in page and "Test Site" in page
    assert 'data-state="SCHEDULABLE"' in page
    assert "filters: V, rp" in page or "filters: rp, V" in page
    assert "<strong>readout</strong>: full_frame" in page
    assert "EXPOSE" in page
    for model, pk in [
        ("site", network.site.pk),
        ("enclosure", network.enclosure.pk),
        ("telescope", network.telescope.pk),
        ("instrument", network.instrument.pk),
        ("instrumenttype", network.instrument_type.pk),
    ]:
        assert f'href="/admin/configdb/{model}/{pk}/change/"' in page


def test_the_page_costs_the_same_queries_however_large_the_network(network: Network) -> None:
    client = signed_in(staff=True)
    client.get("/configdb/network/")
    with CaptureQueriesContext(connection) as small:
        client.get("/configdb/network/")
    second = m.Telescope.objects.get(pk=network.telescope.pk)
    second.pk = None
    second.code = "1m0b"
    second.save()
    m.Instrument.objects.create(
        code="xx02",
        state="DISABLED",
        telescope=second,
        instrument_type=network.instrument_type,
        autoguider_camera=network.guider,
    ).science_cameras.set([network.camera])
    with CaptureQueriesContext(connection) as large:
        page = client.get("/configdb/network/").content.decode()
    assert 'data-state="DISABLED"' in page
    assert len(large) == len(small)


def test_others_do_not_find_it_and_visitors_are_asked_to_sign_in(network: Network) -> None:
    refused = signed_in(staff=False).get("/configdb/network/")
    assert refused.status_code == 404
    assert "<h1>Not found</h1>" in refused.content.decode()  # a page, not the APIs' JSON
    visitor = Client().get("/configdb/network/")
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/login/")
