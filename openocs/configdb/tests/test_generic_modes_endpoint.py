"""genericmodes/ and genericmodegroups/ (spec §4; schema validity, defaults in the group)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_mode_with_invalid_schema_is_refused(staff: APIClient, db: object) -> None:
    payload = {"name": "x", "code": "x", "validation_schema": {"test": "invalid"}}
    response = staff.post("/configdb/genericmodes/", payload, format="json")
    assert response.status_code == 400
    assert "SchemaError" in response.json()["validation_schema"][0]
    assert not m.GenericMode.objects.exists()


def test_mode_filters(anonymous: APIClient, network: Network) -> None:
    assert anonymous.get("/configdb/genericmodes/?code=ON").json()["count"] == 1
    assert anonymous.get("/configdb/genericmodes/?name=Full Frame").json()["count"] == 1
    assert anonymous.get("/configdb/genericmodes/?schedulable=false").json()["count"] == 0


def test_group_with_nested_modes_reuses_identical_modes(staff: APIClient, network: Network) -> None:
    modes = [{"name": "On", "code": "ON"}, {"name": "Off", "code": "OFF", "overhead": 0.0}]
    payload = {"instrument_type": network.instrument_type.pk, "type": "acquisition",
               "default": "OFF", "modes": modes}  # fmt: skip
    response = staff.post("/configdb/genericmodegroups/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["default"] == "OFF"
    assert "instrument_type" not in body
    assert body["modes"][0]["id"] == network.guide_on.pk
    assert m.GenericMode.objects.filter(code="ON").count() == 1


def test_group_default_outside_the_group_is_refused(staff: APIClient, network: Network) -> None:
    payload = {"instrument_type": network.instrument_type.pk, "type": "exposure",
               "default": "FAST", "mode_ids": [network.guide_on.pk]}  # fmt: skip
    response = staff.post("/configdb/genericmodegroups/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Default generic mode FAST must be a member of this groups modes"]
    }


def test_one_group_per_mode_type_and_instrument_type(staff: APIClient, network: Network) -> None:
    payload = {"instrument_type": network.instrument_type.pk, "type": "readout"}
    response = staff.post("/configdb/genericmodegroups/", payload, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_unknown_mode_type_is_refused(staff: APIClient, network: Network) -> None:
    payload = {"instrument_type": network.instrument_type.pk, "type": "focus"}
    response = staff.post("/configdb/genericmodegroups/", payload, format="json")
    assert response.status_code == 400
    assert "type" in response.json()


def test_a_mode_that_is_a_group_default_cannot_be_deleted(
    staff: APIClient, network: Network
) -> None:
    response = staff.delete(f"/configdb/genericmodes/{network.full_frame.pk}/")
    assert response.status_code == 400
    assert m.GenericMode.objects.filter(pk=network.full_frame.pk).exists()


def test_group_without_default_reads_an_empty_string(
    anonymous: APIClient, network: Network
) -> None:
    body = anonymous.get(f"/configdb/genericmodegroups/{network.guiding.pk}/").json()
    assert body["default"] == ""
    assert body["type"] == "guiding"
