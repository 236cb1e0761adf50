"""configurationtypes/, instrumentcategories/, configurationtypeproperties/ (item 9) and
modetypes/ (item 7)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_duplicate_configuration_type_is_refused(staff: APIClient, network: Network) -> None:
    response = staff.post("/configdb/configurationtypes/", {"code": "EXPOSE", "name": "x"})
    assert response.status_code == 400
    assert response.json() == {"code": ["configuration type with this code already exists."]}


def test_duplicate_instrument_category_is_refused(staff: APIClient, network: Network) -> None:
    response = staff.post("/configdb/instrumentcategories/", {"code": "IMAGE"})
    assert response.status_code == 400
    assert response.json() == {"code": ["instrument category with this code already exists."]}


def test_duplicate_property_pair_is_refused(staff: APIClient, network: Network) -> None:
    payload = {"configuration_type": "EXPOSE", "instrument_type": network.instrument_type.pk}
    response = staff.post("/configdb/configurationtypeproperties/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "The fields instrument_type, configuration_type must make a unique set."
        ]
    }


def test_property_rows_are_created_and_read(
    staff: APIClient, anonymous: APIClient, network: Network
) -> None:
    m.ConfigurationType.objects.create(code="DARK", name="Dark")
    payload = {"configuration_type": "DARK", "instrument_type": network.instrument_type.pk,
               "requires_optical_elements": False, "config_change_overhead": 30}  # fmt: skip
    response = staff.post("/configdb/configurationtypeproperties/", payload, format="json")
    assert response.status_code == 201, response.content
    row = anonymous.get(f"/configdb/configurationtypeproperties/{response.json()['id']}/").json()
    assert row["configuration_type"] == "DARK"
    assert row["config_change_overhead"] == 30.0
    assert row["requires_optical_elements"] is False


def test_property_schema_is_checked(staff: APIClient, network: Network) -> None:
    url = f"/configdb/configurationtypeproperties/{network.expose_properties.pk}/"
    response = staff.patch(url, {"validation_schema": {"test": "invalid"}}, format="json")
    assert response.status_code == 400
    assert "SchemaError" in response.json()["validation_schema"][0]


def test_configuration_types_are_read_by_code(anonymous: APIClient, network: Network) -> None:
    response = anonymous.get("/configdb/configurationtypes/EXPOSE/")
    assert response.json() == {"code": "EXPOSE", "name": "Expose"}
    assert anonymous.get("/configdb/instrumentcategories/").json()["results"] == [{"code": "IMAGE"}]


def test_exactly_five_mode_types_are_seeded(anonymous: APIClient, db: object) -> None:
    body = anonymous.get("/configdb/modetypes/").json()
    assert body["count"] == 5
    assert {row["id"] for row in body["results"]} == {
        "readout", "guiding", "acquisition", "exposure", "rotator"
    }  # fmt: skip


def test_mode_types_are_read_only(staff: APIClient, db: object) -> None:
    assert staff.post("/configdb/modetypes/", {"id": "focus"}).status_code == 405
