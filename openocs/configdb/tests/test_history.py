"""Change history: who, when, what (old and new values) for writes through the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_api_update_records_user_and_old_and_new_values(staff: APIClient, network: Network) -> None:
    staff.patch(
        f"/configdb/instruments/{network.instrument.pk}/", {"state": "MANUAL"}, format="json"
    )
    record = m.ChangeRecord.objects.filter(model="instrument").order_by("-id").first()
    assert record is not None
    assert record.action == "update"
    assert record.username == "operator"
    assert record.source == "api"
    assert record.changes == {"state": ["SCHEDULABLE", "MANUAL"]}
    assert record.object_repr == "tst.doma.1m0a.xx01"


def test_create_delete_and_many_to_many_changes_are_recorded(
    staff: APIClient, network: Network
) -> None:
    response = staff.post("/configdb/opticalelements/", {"name": "Bessell-B", "code": "B"})
    element_id = response.json()["id"]
    created = m.ChangeRecord.objects.get(model="opticalelement", object_id=str(element_id))
    assert created.changes["code"] == [None, "B"]
    staff.patch(
        f"/configdb/opticalelementgroups/{network.filters.pk}/",
        {"optical_element_ids": [network.rp.pk, element_id]},
        format="json",
    )
    m2m = m.ChangeRecord.objects.filter(model="opticalelementgroup").order_by("-id").first()
    assert m2m is not None
    assert m2m.changes["optical_elements"][1] == sorted([network.rp.pk, element_id])
    staff.patch(
        f"/configdb/opticalelementgroups/{network.filters.pk}/",
        {"optical_element_ids": [network.rp.pk]},
        format="json",
    )
    staff.delete(f"/configdb/opticalelements/{element_id}/")
    deleted = m.ChangeRecord.objects.get(model="opticalelement", action="delete")
    assert deleted.changes["code"] == ["B", None]


def test_a_refused_write_records_nothing(staff: APIClient, network: Network) -> None:
    before = m.ChangeRecord.objects.count()
    response = staff.patch(
        f"/configdb/instruments/{network.instrument.pk}/", {"state": "UNWELL"}, format="json"
    )
    assert response.status_code == 400
    assert m.ChangeRecord.objects.count() == before


def test_a_save_without_change_records_nothing(network: Network) -> None:
    before = m.ChangeRecord.objects.count()
    network.site.save()
    assert m.ChangeRecord.objects.count() == before


def test_reverse_many_to_many_changes_are_recorded_on_the_changed_object(
    network: Network,
) -> None:
    element = m.OpticalElement.objects.create(name="Bessell-B", code="B")
    element.groups.add(network.filters)
    record = m.ChangeRecord.objects.filter(model="opticalelement").order_by("-id").first()
    assert record is not None
    assert record.changes == {"groups": [[], [network.filters.pk]]}
