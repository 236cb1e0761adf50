"""instruments/: filters by codes and states, writes through *_id fields (spec §3, §4, §11)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def _codes(client: APIClient, query: str) -> list[str]:
    response = client.get(f"/configdb/instruments/{query}")
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def second(network: Network) -> m.Instrument:
    camera = m.Camera.objects.create(code="xx02", camera_type=network.guider_type)
    instrument = m.Instrument.objects.create(
        code="xx02", state="MANUAL", telescope=network.telescope,
        instrument_type=network.instrument_type, autoguider_camera=camera,
    )  # fmt: skip
    instrument.science_cameras.set([camera])
    return instrument


def test_state_filter_is_repeatable_and_ors_the_values(
    anonymous: APIClient, network: Network, second: m.Instrument
) -> None:
    assert _codes(anonymous, "?state=SCHEDULABLE") == ["xx01"]
    assert _codes(anonymous, "?state=DISABLED&state=SCHEDULABLE") == ["xx01"]
    assert _codes(anonymous, "?state=MANUAL&state=SCHEDULABLE") == ["xx01", "xx02"]


def test_invalid_state_filter_is_refused(anonymous: APIClient, network: Network) -> None:
    response = anonymous.get("/configdb/instruments/?state=BOGUS")
    assert response.status_code == 400
    assert response.json() == {
        "state": ["Select a valid choice. BOGUS is not one of the available choices."]
    }


def test_location_filters_take_codes(anonymous: APIClient, network: Network) -> None:
    assert _codes(anonymous, "?site=tst&enclosure=doma&telescope=1m0a") == ["xx01"]
    assert _codes(anonymous, "?site=ogg") == []
    assert _codes(anonymous, "?instrument_type=1M0-SCICAM-SINISTRO") == ["xx01"]
    assert _codes(anonymous, "?camera_type=1m0-SciCam-Sinistro") == ["xx01"]


def test_camera_filters_take_ids(
    anonymous: APIClient, network: Network, second: m.Instrument
) -> None:
    assert _codes(anonymous, f"?science_cameras={network.camera.pk}") == ["xx01"]
    assert _codes(anonymous, f"?autoguider_camera={network.guider.pk}") == ["xx01"]
    response = anonymous.get("/configdb/instruments/?autoguider_camera=abc")
    assert response.status_code == 400
    assert "autoguider_camera" in response.json()


def test_ordering(anonymous: APIClient, network: Network, second: m.Instrument) -> None:
    assert _codes(anonymous, "?ordering=-code") == ["xx02", "xx01"]
    assert _codes(anonymous, "?ordering=code") == ["xx01", "xx02"]


def test_str_locates_the_instrument(anonymous: APIClient, network: Network) -> None:
    body = anonymous.get(f"/configdb/instruments/{network.instrument.pk}").json()
    assert body["__str__"] == "tst.doma.1m0a.xx01"
    assert body["autoguider_type"] == "OffAxis"


def test_post_links_every_relation(staff: APIClient, network: Network) -> None:
    payload = {
        "code": "new01", "state": "COMMISSIONING", "telescope_id": network.telescope.pk,
        "instrument_type_id": network.instrument_type.pk,
        "autoguider_camera_id": network.guider.pk,
        "science_cameras_ids": [network.camera.pk, network.guider.pk],
    }  # fmt: skip
    response = staff.post("/configdb/instruments/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["__str__"] == "tst.doma.1m0a.new01"
    assert [c["code"] for c in body["science_cameras"]] == ["xx01", "ef01"]
    instrument = m.Instrument.objects.get(code="new01")
    assert instrument.telescope == network.telescope
    assert instrument.instrument_type == network.instrument_type
    assert instrument.autoguider_camera == network.guider
    assert set(instrument.science_cameras.all()) == {network.camera, network.guider}


def test_patch_state_persists_and_an_invalid_state_changes_nothing(
    staff: APIClient, network: Network
) -> None:
    url = f"/configdb/instruments/{network.instrument.pk}/"
    assert staff.patch(url, {"state": "MANUAL"}, format="json").status_code == 200
    network.instrument.refresh_from_db()
    assert network.instrument.state == "MANUAL"
    response = staff.patch(url, {"state": "UNWELL", "code": "renamed"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"state": ['"UNWELL" is not a valid choice.']}
    network.instrument.refresh_from_db()
    assert (network.instrument.state, network.instrument.code) == ("MANUAL", "xx01")


@pytest.mark.parametrize(
    ("field", "value"),
    [("telescope_id", 999), ("science_cameras_ids", [999]), ("autoguider_camera_id", "x"),
     ("instrument_type_id", None), ("science_cameras_ids", [])],
)  # fmt: skip
def test_unknown_ids_are_refused_naming_the_field(
    staff: APIClient, network: Network, field: str, value: Any
) -> None:
    payload: dict[str, Any] = {
        "code": "bad", "telescope_id": network.telescope.pk,
        "instrument_type_id": network.instrument_type.pk,
        "autoguider_camera_id": network.guider.pk, "science_cameras_ids": [network.camera.pk],
    }  # fmt: skip
    payload[field] = value
    response = staff.post("/configdb/instruments/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not m.Instrument.objects.filter(code="bad").exists()


def test_duplicate_code_on_the_same_telescope_is_refused(
    staff: APIClient, network: Network
) -> None:
    payload = {
        "code": "xx01", "telescope_id": network.telescope.pk,
        "instrument_type_id": network.instrument_type.pk,
        "autoguider_camera_id": network.guider.pk, "science_cameras_ids": [network.camera.pk],
    }  # fmt: skip
    response = staff.post("/configdb/instruments/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": ["instrument with this code already exists."]}


def test_delete_removes_the_instrument(staff: APIClient, network: Network) -> None:
    assert staff.delete(f"/configdb/instruments/{network.instrument.pk}").status_code == 204
    assert not m.Instrument.objects.exists()


def test_list_is_built_in_a_constant_number_of_queries(
    anonymous: APIClient, network: Network, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        instrument = m.Instrument.objects.create(
            code=f"extra{n}", telescope=network.telescope,
            instrument_type=network.instrument_type, autoguider_camera=network.guider,
        )  # fmt: skip
        instrument.science_cameras.set([network.camera])
    with django_assert_max_num_queries(14):
        response = anonymous.get("/configdb/instruments/")
    assert response.json()["count"] == 11
