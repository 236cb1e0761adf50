"""instrumenttypes/ with nested configuration types (acceptance item 8) and schema checks."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def bias(network: Network) -> m.ConfigurationType:
    return m.ConfigurationType.objects.create(code="BIAS", name="Bias")


def _payload(**extra: Any) -> dict[str, Any]:
    return {"code": "2M0-SCICAM-NEW", "name": "New imager", "instrument_category": "IMAGE",
            "default_configuration_type": "EXPOSE", **extra}  # fmt: skip


def test_nested_configuration_types_create_the_link_rows(
    staff: APIClient, network: Network, bias: m.ConfigurationType
) -> None:
    rows = [
        {"configuration_type": "EXPOSE", "config_change_overhead": 5.0},
        {"configuration_type": "BIAS", "requires_optical_elements": False,
         "force_acquisition_off": True, "schedulable": False},
    ]  # fmt: skip
    response = staff.post(
        "/configdb/instrumenttypes/", _payload(configuration_types=rows), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [c["code"] for c in body["configuration_types"]] == ["EXPOSE", "BIAS"]
    assert body["configuration_types"][1]["name"] == "Bias"
    assert body["configuration_types"][0]["config_change_overhead"] == 5.0
    instrument_type = m.InstrumentType.objects.get(code="2M0-SCICAM-NEW")
    assert instrument_type.configuration_type_properties.count() == 2
    assert body["instrument_category"] == "IMAGE"
    assert body["default_configuration_type"] == "EXPOSE"
    assert body["fixed_overhead_per_exposure"] == 1.0
    assert body["observation_front_padding"] == 90.0


def test_patch_with_a_new_list_replaces_the_set(
    staff: APIClient, network: Network, bias: m.ConfigurationType
) -> None:
    url = f"/configdb/instrumenttypes/{network.instrument_type.pk}/"
    response = staff.patch(
        url, {"configuration_types": [{"configuration_type": "BIAS"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [c["code"] for c in response.json()["configuration_types"]] == ["BIAS"]
    assert list(
        network.instrument_type.configuration_type_properties.values_list(
            "configuration_type", flat=True
        )
    ) == ["BIAS"]


def test_patch_without_the_list_keeps_it(staff: APIClient, network: Network) -> None:
    url = f"/configdb/instrumenttypes/{network.instrument_type.pk}/"
    response = staff.patch(url, {"config_front_padding": 10.0}, format="json")
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["configuration_types"]] == ["EXPOSE"]


def test_unknown_configuration_type_is_refused_and_nothing_is_written(
    staff: APIClient, network: Network
) -> None:
    rows = [{"configuration_type": "EXPOSE"}, {"configuration_type": "NOPE"}]
    response = staff.post(
        "/configdb/instrumenttypes/", _payload(configuration_types=rows), format="json"
    )
    assert response.status_code == 400
    assert response.json()["configuration_types"][0] == {}
    assert "configuration_type" in response.json()["configuration_types"][1]
    assert not m.InstrumentType.objects.filter(code="2M0-SCICAM-NEW").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("default_acceptability_threshold", 101), ("fixed_overhead_per_exposure", -1),
     ("config_front_padding", "lots"), ("instrument_category", "NOPE"),
     ("allow_self_guiding", "maybe")],
)  # fmt: skip
def test_bad_values_are_refused_naming_the_field(
    staff: APIClient, network: Network, field: str, value: Any
) -> None:
    response = staff.post("/configdb/instrumenttypes/", _payload(**{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_invalid_validation_schema_is_refused_with_schema_error(
    staff: APIClient, network: Network
) -> None:
    response = staff.post(
        "/configdb/instrumenttypes/", _payload(validation_schema={"test": "invalid"}), format="json"
    )
    assert response.status_code == 400
    message = response.json()["validation_schema"][0]
    assert message.startswith("Invalid cerberus validation_schema: SchemaError(")


def test_ui_hint_rules_are_accepted(staff: APIClient, network: Network) -> None:
    schema = {"extra_params": {"type": "dict", "schema": {"defocus": {
        "type": "float", "min": -5.0, "max": 5.0, "description": "mm", "label": "Defocus",
        "show": True}}}}  # fmt: skip
    response = staff.post(
        "/configdb/instrumenttypes/", _payload(validation_schema=schema), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["validation_schema"] == schema


def test_filters(anonymous: APIClient, network: Network) -> None:
    assert (
        anonymous.get("/configdb/instrumenttypes/?instrument_category=IMAGE").json()["count"] == 1
    )
    assert anonymous.get("/configdb/instrumenttypes/?code=NOPE").json()["count"] == 0
    assert anonymous.get("/configdb/instrumenttypes/?name=1.0 meter Sinistro").json()["count"] == 1


def test_an_instrument_type_in_use_cannot_be_deleted(staff: APIClient, network: Network) -> None:
    response = staff.delete(f"/configdb/instrumenttypes/{network.instrument_type.pk}/")
    assert response.status_code == 400
    assert m.Instrument.objects.filter(pk=network.instrument.pk).exists()
