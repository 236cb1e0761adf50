"""ETag / Last-Modified with 304 on every list and detail (spec §9)."""

from __future__ import annotations

import pytest
from django.utils.http import http_date
from rest_framework.test import APIClient

from .conftest import Network

pytestmark = pytest.mark.django_db

RESOURCES = ["sites", "enclosures", "telescopes", "instruments", "cameras", "cameratypes",
             "opticalelements", "opticalelementgroups", "instrumenttypes", "instrumentcategories",
             "modetypes", "genericmodes", "genericmodegroups", "configurationtypes",
             "configurationtypeproperties"]  # fmt: skip


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_list_and_detail_revalidates_with_304(
    anonymous: APIClient, network: Network, resource: str
) -> None:
    listing = anonymous.get(f"/configdb/{resource}/")
    assert listing.status_code == 200
    etag = listing["ETag"]
    assert listing["Last-Modified"]
    again = anonymous.get(f"/configdb/{resource}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    first = listing.json()["results"][0]
    key = first.get("id", first.get("code"))
    detail = anonymous.get(f"/configdb/{resource}/{key}/")
    assert detail.status_code == 200
    assert detail["ETag"] != etag
    revalidated = anonymous.get(
        f"/configdb/{resource}/{key}/", HTTP_IF_MODIFIED_SINCE=detail["Last-Modified"]
    )
    assert revalidated.status_code == 304


def test_a_write_changes_the_etag(anonymous: APIClient, staff: APIClient, network: Network) -> None:
    before = anonymous.get("/configdb/sites/")
    staff.patch(
        f"/configdb/instruments/{network.instrument.pk}/", {"state": "STANDBY"}, format="json"
    )
    after = anonymous.get("/configdb/sites/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert (
        after.json()["results"][0]["enclosure_set"][0]["telescope_set"][0]["instrument_set"][0][
            "state"
        ]
        == "STANDBY"
    )


def test_an_old_if_modified_since_gets_the_document(anonymous: APIClient, network: Network) -> None:
    response = anonymous.get("/configdb/sites/", HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert response.status_code == 200


def test_different_queries_have_different_etags(anonymous: APIClient, network: Network) -> None:
    assert (
        anonymous.get("/configdb/sites/")["ETag"]
        != anonymous.get("/configdb/sites/?code=x")["ETag"]
    )


def test_head_and_options_are_answered(anonymous: APIClient, network: Network) -> None:
    head = anonymous.head("/configdb/sites")
    assert head.status_code == 200
    assert head["ETag"]
    assert anonymous.options("/configdb/instruments/").status_code == 200
