"""GET / (the component root) and the admin pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_root_names_the_product_and_counts_objects(client: Client, network: Network) -> None:
    response = client.get("/configdb/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "OpenOCS" in text
    assert "instruments/" in text
    assert 'href="/configdb/instruments/"' in text
    assert client.get("/configdb").status_code == 200
    as_json = client.get("/configdb/?format=json").json()
    assert "OpenOCS" in as_json["name"]
    assert as_json["counts"]["instruments"] == 1
    assert as_json["counts"]["sites"] == 1


@pytest.fixture
def admin_client_(db: Any) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["site", "enclosure", "telescope", "instrument", "camera", "instrumenttype",
              "opticalelementgroup", "genericmodegroup", "changerecord"],
)  # fmt: skip
def test_admin_lists_search_and_change_pages_render(
    admin_client_: Client, network: Network, model: str
) -> None:
    assert admin_client_.get(f"/admin/configdb/{model}/?q=tst").status_code == 200
    obj = getattr(m, {"changerecord": "ChangeRecord"}.get(model, "")
                  or next(c for c in dir(m) if c.lower() == model)).objects.first()  # fmt: skip
    assert admin_client_.get(f"/admin/configdb/{model}/{obj.pk}/change/").status_code == 200


def test_admin_edit_is_recorded_with_the_user(admin_client_: Client, network: Network) -> None:
    url = "/admin/configdb/instrument/?state__exact=SCHEDULABLE"
    assert admin_client_.get(url).status_code == 200
    page = admin_client_.get(f"/admin/configdb/site/{network.site.pk}/change/")
    assert "Recent changes" in page.content.decode()
    network_site = m.Site.objects.get()
    data = {
        "code": "tst", "name": "Renamed", "active": "on", "lat": "0", "long": "0",
        "elevation": "2000", "timezone": "-7", "tz": "America/Phoenix", "restart": "00:00:00",
        "enclosure_set-TOTAL_FORMS": "1", "enclosure_set-INITIAL_FORMS": "1",
        "enclosure_set-MIN_NUM_FORMS": "0", "enclosure_set-MAX_NUM_FORMS": "1000",
        "enclosure_set-0-id": str(network.enclosure.pk),
        "enclosure_set-0-site": str(network_site.pk),
        "enclosure_set-0-code": "doma", "enclosure_set-0-name": "Dome A",
        "enclosure_set-0-active": "on",
    }  # fmt: skip
    response = admin_client_.post(f"/admin/configdb/site/{network_site.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = m.ChangeRecord.objects.filter(model="site").order_by("-id").first()
    assert record is not None
    assert (record.username, record.source) == ("root", "admin")
    assert record.changes["name"] == ["Test Site", "Renamed"]


def test_admin_refuses_to_delete_a_science_camera_in_use(
    admin_client_: Client, network: Network
) -> None:
    response = admin_client_.post(
        f"/admin/configdb/camera/{network.camera.pk}/delete/", {"post": "yes"}
    )
    assert m.Camera.objects.filter(pk=network.camera.pk).exists()
    assert response.status_code in (200, 403)


def test_openapi_schema_describes_the_routes_without_warnings(
    client: Client, db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    response = client.get("/configdb/openapi/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/sites/" in paths
    assert any("availability_history" in path for path in paths)
    captured = capsys.readouterr()
    assert "Warning" not in captured.err
    assert "Error" not in captured.err


def _revert(client: Client, record: m.ChangeRecord) -> None:
    response = client.post(
        "/admin/configdb/changerecord/",
        {"action": "revert", "_selected_action": [str(record.pk)]},
    )
    assert response.status_code == 302


def test_admin_reverts_an_update(admin_client_: Client, network: Network) -> None:
    network.instrument.state = "MANUAL"
    network.instrument.save()
    record = m.ChangeRecord.objects.filter(model="instrument").order_by("-id").first()
    assert record is not None
    _revert(admin_client_, record)
    network.instrument.refresh_from_db()
    assert network.instrument.state == "SCHEDULABLE"
    latest = m.ChangeRecord.objects.order_by("-id").first()
    assert latest is not None
    assert (latest.username, latest.changes) == ("root", {"state": ["MANUAL", "SCHEDULABLE"]})


def test_admin_reverts_a_deletion_and_a_membership_change(
    admin_client_: Client, network: Network
) -> None:
    element = m.OpticalElement.objects.create(name="Bessell-B", code="B")
    network.filters.optical_elements.add(element)
    membership = m.ChangeRecord.objects.filter(model="opticalelementgroup").order_by("-id").first()
    assert membership is not None
    _revert(admin_client_, membership)
    assert list(network.filters.optical_elements.order_by("id")) == [network.rp, network.v]
    pk = element.pk
    element.delete()
    deletion = m.ChangeRecord.objects.get(model="opticalelement", action="delete")
    _revert(admin_client_, deletion)
    assert m.OpticalElement.objects.get(pk=pk).code == "B"


def test_admin_refuses_a_group_default_outside_the_group(
    admin_client_: Client, network: Network
) -> None:
    data = {
        "name": "1m0 filters", "type": "filters", "element_change_overhead": "2.0",
        "optical_elements": [str(network.v.pk)], "default": str(network.rp.pk),
    }  # fmt: skip
    response = admin_client_.post(
        f"/admin/configdb/opticalelementgroup/{network.filters.pk}/change/", data
    )
    assert response.status_code == 200
    assert "must be a member of this groups optical elements" in response.content.decode()
    assert network.filters.optical_elements.count() == 2
