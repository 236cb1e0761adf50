"""Contention (§17.5) and pressure (§17.6) over pending requests."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group

pytestmark = pytest.mark.django_db


def test_contention_bins_pending_work_by_ra_hour(
    submitter: Persona, anonymous_client: APIClient, staff_user: Persona
) -> None:
    assert (
        submitter.client.post("/api/requestgroups/", imaging_group(), format="json").status_code
        == 201
    )
    body = anonymous_client.get(f"/api/contention/{SINISTRO}/").json()
    assert body["ra_hours"] == list(range(24))
    assert len(body["contention_data"]) == 24
    hour = int(49.921 // 15)  # the target's RA hour
    assert body["contention_data"][hour]["All Proposals"] == pytest.approx(132.0)
    staff = staff_user.client.get(f"/api/contention/{SINISTRO}").json()
    assert staff["contention_data"][hour] == {"LCO2026B-001": pytest.approx(132.0)}


def test_pressure_spreads_each_request_over_its_visible_bins(
    submitter: Persona, anonymous_client: APIClient
) -> None:
    response = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    duration = response.json()["requests"][0]["duration"]
    body = anonymous_client.get(f"/api/pressure/?instrument={SINISTRO}").json()
    assert len(body["time_bins"]) == len(body["pressure_data"]) == 96
    assert body["instrument_type"] == SINISTRO and body["site"] == "all"
    assert body["site_nights"]
    total = sum(b.get("All Proposals", 0.0) for b in body["pressure_data"])
    # the request's duration is spread over its visible seconds, divided among able telescopes
    assert 0 < total <= duration + 1e-6
