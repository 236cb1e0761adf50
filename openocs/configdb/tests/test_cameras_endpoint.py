"""cameras/ and cameratypes/ (spec §3, §4; D33 on deletion)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_camera_filters(anonymous: APIClient, network: Network) -> None:
    rows = anonymous.get(f"/configdb/cameras/?camera_type={network.guider_type.pk}").json()
    assert [c["code"] for c in rows["results"]] == ["ef01"]
    assert anonymous.get("/configdb/cameras/?code=xx01").json()["count"] == 1
    assert anonymous.get("/configdb/cameras/?camera_type=ab").status_code == 400


def test_camera_type_filters(anonymous: APIClient, network: Network) -> None:
    assert anonymous.get("/configdb/cameratypes/?pscale=0.389").json()["count"] == 1
    assert anonymous.get("/configdb/cameratypes/?name=1m0 autoguider").json()["count"] == 1


def test_staff_creates_a_camera_with_groups(staff: APIClient, network: Network) -> None:
    payload = {"code": "fa99", "orientation": 90.0, "host": "inst.tst",
               "camera_type_id": network.science_type.pk,
               "optical_element_group_ids": [network.filters.pk]}  # fmt: skip
    response = staff.post("/configdb/cameras/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["camera_type"]["code"] == "1m0-SciCam-Sinistro"
    assert body["optical_elements"] == {"filters": "rp,V"}


def test_two_groups_of_one_type_on_a_camera_are_refused(staff: APIClient, network: Network) -> None:
    other = m.OpticalElementGroup.objects.create(name="other filters", type="filters")
    payload = {"code": "fa98", "camera_type_id": network.science_type.pk,
               "optical_element_group_ids": [network.filters.pk, other.pk]}  # fmt: skip
    response = staff.post("/configdb/cameras/", payload, format="json")
    assert response.status_code == 400
    assert "optical_element_group_ids" in response.json()


def test_orientation_out_of_range_is_refused(staff: APIClient, network: Network) -> None:
    payload = {"code": "fa97", "camera_type_id": network.science_type.pk, "orientation": 361}
    response = staff.post("/configdb/cameras/", payload, format="json")
    assert response.status_code == 400
    assert "orientation" in response.json()


@pytest.mark.parametrize("camera", ["guider", "camera"])
def test_a_camera_used_by_an_instrument_cannot_be_deleted(
    staff: APIClient, network: Network, camera: str
) -> None:
    target = getattr(network, camera)
    response = staff.delete(f"/configdb/cameras/{target.pk}/")
    assert response.status_code == 400
    assert "tst.doma.1m0a.xx01" in response.json()["detail"]
    assert m.Instrument.objects.filter(pk=network.instrument.pk).exists()
    assert m.Camera.objects.filter(pk=target.pk).exists()


def test_an_unused_camera_is_deleted(staff: APIClient, network: Network) -> None:
    spare = m.Camera.objects.create(code="spare", camera_type=network.guider_type)
    assert staff.delete(f"/configdb/cameras/{spare.pk}").status_code == 204


def test_camera_type_names_are_unique(staff: APIClient, network: Network) -> None:
    response = staff.post("/configdb/cameratypes/", {"name": "1m0 Sinistro", "code": "x"})
    assert response.status_code == 400
    assert "name" in response.json()
