"""enclosures/ and telescopes/: filters, write shapes, D31 uniqueness, ranges."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from openocs.configdb import models as m

from .conftest import Network

pytestmark = pytest.mark.django_db

TELESCOPE = {"code": "0m4a", "name": "0.4 Meter", "aperture": 0.4, "lat": 31.0, "long": -110.0,
             "horizon": 15.0, "ha_limit_neg": -4.5, "ha_limit_pos": 4.5}  # fmt: skip


def test_enclosure_filters_take_site_ids(anonymous: APIClient, network: Network) -> None:
    assert anonymous.get(f"/configdb/enclosures/?site={network.site.pk}").json()["count"] == 1
    assert anonymous.get("/configdb/enclosures/?code=domb").json()["count"] == 0
    response = anonymous.get("/configdb/enclosures/?site=tst")
    assert response.status_code == 400
    assert "site" in response.json()


def test_enclosure_read_shape(anonymous: APIClient, network: Network) -> None:
    body = anonymous.get(f"/configdb/enclosures/{network.enclosure.pk}").json()
    assert body["site"].endswith(f"/configdb/sites/{network.site.pk}/")
    assert body["telescope_set"][0]["code"] == "1m0a"
    assert body["__str__"] == "tst.doma"


def test_enclosure_write_and_duplicate(staff: APIClient, network: Network) -> None:
    payload = {"code": "domb", "name": "Dome B", "site_id": network.site.pk}
    assert staff.post("/configdb/enclosures/", payload, format="json").status_code == 201
    response = staff.post("/configdb/enclosures/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": ["enclosure with this code already exists."]}
    other = m.Site.objects.create(code="oth", elevation=0, timezone=0)
    payload["site_id"] = other.pk
    assert staff.post("/configdb/enclosures/", payload, format="json").status_code == 201


def test_telescope_filters(anonymous: APIClient, network: Network) -> None:
    def count(query: str) -> int:
        response = anonymous.get(f"/configdb/telescopes/{query}")
        assert response.status_code == 200
        return int(response.json()["count"])

    assert count(f"?enclosure={network.enclosure.pk}") == 1
    assert count("?aperture=1.0&horizon=15&lat=31&long=-110") == 1
    assert count("?code=2m0a") == 0
    assert count("?name=1 Meter") == 1
    assert anonymous.get("/configdb/telescopes/?enclosure=doma").status_code == 400


def test_telescope_write_with_defaults(staff: APIClient, network: Network) -> None:
    payload = {**TELESCOPE, "enclosure_id": network.enclosure.pk}
    response = staff.post("/configdb/telescopes/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["telescope_front_padding"] == 90.0
    assert body["maximum_slew_overhead"] == 0.0
    assert body["__str__"] == "tst.doma.0m4a"
    assert body["instrument_set"] == []


def test_telescope_code_unique_within_enclosure(staff: APIClient, network: Network) -> None:
    payload = {**TELESCOPE, "code": "1m0a", "enclosure_id": network.enclosure.pk}
    response = staff.post("/configdb/telescopes/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": ["telescope with this code already exists."]}


@pytest.mark.parametrize(
    ("field", "value"),
    [("horizon", 91), ("ha_limit_neg", 1), ("ha_limit_pos", 13), ("zenith_blind_spot", 181),
     ("aperture", -1), ("slew_rate", "fast"), ("enclosure_id", 999), ("lat", None)],
)  # fmt: skip
def test_telescope_bad_values_are_refused(
    staff: APIClient, network: Network, field: str, value: Any
) -> None:
    payload = {**TELESCOPE, "enclosure_id": network.enclosure.pk, field: value}
    response = staff.post("/configdb/telescopes/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_numbers_as_strings_are_accepted(staff: APIClient, network: Network) -> None:
    url = f"/configdb/telescopes/{network.telescope.pk}/"
    response = staff.patch(url, {"horizon": "20.5"}, format="json")
    assert response.status_code == 200
    assert response.json()["horizon"] == 20.5


def test_deleting_a_site_removes_its_hierarchy(staff: APIClient, network: Network) -> None:
    assert staff.delete(f"/configdb/sites/{network.site.pk}/").status_code == 204
    assert not m.Instrument.objects.exists()
    assert m.Camera.objects.count() == 2  # cameras are not part of the site


def test_null_for_an_optional_field_means_the_default(staff: APIClient, network: Network) -> None:
    payload = {**TELESCOPE, "enclosure_id": network.enclosure.pk, "zenith_blind_spot": None,
               "telescope_front_padding": None, "name": None}  # fmt: skip
    response = staff.post("/configdb/telescopes/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["zenith_blind_spot"] == 0.0
    assert response.json()["telescope_front_padding"] == 90.0
    assert response.json()["name"] == ""
    response = staff.post("/configdb/telescopes/", {**payload, "code": "0m4b", "horizon": None})
    assert response.status_code == 400
    assert "horizon" in response.json()
