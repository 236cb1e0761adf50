"""opticalelements/ and opticalelementgroups/ (spec §4, acceptance items 6 and 10)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db


def test_duplicate_optical_element_code_is_refused(staff: APIClient, network: Network) -> None:
    response = staff.post("/configdb/opticalelements/", {"name": "again", "code": "rp"})
    assert response.status_code == 400
    assert response.json() == {"code": ["optical element with this code already exists."]}


def test_element_filters(anonymous: APIClient, network: Network) -> None:
    def codes(query: str) -> list[str]:
        return [
            e["code"] for e in anonymous.get(f"/configdb/opticalelements/{query}").json()["results"]
        ]

    assert codes("?code=V") == ["V"]
    assert codes("?name=SDSS-rp") == ["rp"]
    assert codes(f"?id={network.v.pk}") == ["V"]
    assert codes("?schedulable=false") == []


def test_group_with_nested_elements_creates_them_once(staff: APIClient, db: object) -> None:
    payload = {
        "name": "MuSCAT g", "type": "narrowband_g_positions", "default": "out",
        "optical_elements": [{"code": "in", "name": "In"}, {"code": "out", "name": "Out"}],
    }  # fmt: skip
    first = staff.post("/configdb/opticalelementgroups/", payload, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["default"] == "out"
    payload = {**payload, "name": "MuSCAT r", "type": "narrowband_r_positions"}
    second = staff.post("/configdb/opticalelementgroups/", payload, format="json")
    assert second.status_code == 201
    assert m.OpticalElement.objects.filter(code__in=["in", "out"]).count() == 2
    assert [e["id"] for e in first.json()["optical_elements"]] == [
        e["id"] for e in second.json()["optical_elements"]
    ]


def test_group_by_ids_and_default_outside_the_group_is_refused(
    staff: APIClient, network: Network
) -> None:
    payload = {
        "name": "f",
        "type": "filters",
        "optical_element_ids": [network.v.pk],
        "default": "rp",
    }
    response = staff.post("/configdb/opticalelementgroups/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "Default optical element rp must be a member of this groups optical elements"
        ]
    }
    assert not m.OpticalElementGroup.objects.filter(name="f").exists()


def test_group_default_is_settable_by_code(staff: APIClient, network: Network) -> None:
    url = f"/configdb/opticalelementgroups/{network.filters.pk}/"
    response = staff.patch(url, {"default": "V"}, format="json")
    assert response.status_code == 200, response.content
    network.filters.refresh_from_db()
    assert network.filters.default == network.v
    assert staff.patch(url, {"default": "zz"}, format="json").status_code == 400


def test_supplying_elements_on_update_replaces_the_set(staff: APIClient, network: Network) -> None:
    url = f"/configdb/opticalelementgroups/{network.filters.pk}/"
    response = staff.patch(
        url, {"optical_element_ids": [network.rp.pk], "default": "rp"}, format="json"
    )
    assert response.status_code == 200
    assert [e["code"] for e in response.json()["optical_elements"]] == ["rp"]


def test_group_without_default_serialises_an_empty_string(
    anonymous: APIClient, staff: APIClient, network: Network
) -> None:
    response = staff.post(
        "/configdb/opticalelementgroups/", {"name": "none", "type": "slits"}, format="json"
    )
    assert response.status_code == 201
    body = anonymous.get(f"/configdb/opticalelementgroups/{response.json()['id']}").json()
    assert body["default"] == ""


def test_group_filters(anonymous: APIClient, network: Network) -> None:
    def names(query: str) -> list[str]:
        rows = anonymous.get(f"/configdb/opticalelementgroups/{query}").json()["results"]
        return [g["name"] for g in rows]

    assert names("?type=filters") == ["1m0 filters"]
    assert names("?name=nope") == []
    assert names(f"?optical_elements={network.v.pk}") == ["1m0 filters"]


def test_an_element_that_is_a_group_default_cannot_be_deleted(
    staff: APIClient, network: Network
) -> None:
    response = staff.delete(f"/configdb/opticalelements/{network.rp.pk}/")
    assert response.status_code == 400
    assert "1m0 filters" in response.json()["detail"]
    assert m.OpticalElement.objects.filter(pk=network.rp.pk).exists()


def test_a_refused_nested_group_creates_no_element(staff: APIClient, db: object) -> None:
    payload = {
        "name": "bad", "type": "filters",
        "optical_elements": [{"code": "ok", "name": "fine"}, {"name": "no code"}],
    }  # fmt: skip
    response = staff.post("/configdb/opticalelementgroups/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"optical_elements": [{}, {"code": ["This field is required."]}]}
    assert not m.OpticalElement.objects.filter(code="ok").exists()
    assert not m.OpticalElementGroup.objects.exists()


@pytest.mark.parametrize("value", [None, ""])
def test_a_null_or_empty_default_clears_it(
    staff: APIClient, network: Network, value: object
) -> None:
    url = f"/configdb/opticalelementgroups/{network.filters.pk}/"
    response = staff.patch(url, {"default": value}, format="json")
    assert response.status_code == 200
    assert response.json()["default"] == ""
    network.filters.refresh_from_db()
    assert network.filters.default is None
