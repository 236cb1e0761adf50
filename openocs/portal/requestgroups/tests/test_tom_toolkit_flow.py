"""A submission end to end through the HTTP API, the way TOM Toolkit drives it (issue 5):
instruments → profile → validate → submit → status → cancel, against the real co-hosted
configdb and downtime components."""

from __future__ import annotations

import pytest

from openocs.portal.conftest import PersonaFactory
from openocs.portal.proposals.models import Membership, Proposal
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group

pytestmark = pytest.mark.django_db


def test_tom_toolkit_flow(
    make_persona: PersonaFactory,
    proposal: Proposal,
    allocation: object,
    live_network: None,
    frozen_now: object,
) -> None:
    astronomer = make_persona("tom")
    Membership.objects.create(proposal=proposal, user=astronomer.user, role=Membership.PI)
    client = astronomer.client

    instruments = client.get("/api/instruments/").json()
    assert SINISTRO in instruments
    profile = client.get("/api/profile/").json()
    assert profile["username"] == "tom"

    payload = imaging_group()
    validation = client.post("/api/requestgroups/validate/", payload, format="json").json()
    assert validation["errors"] == {}
    created = client.post("/api/requestgroups/", payload, format="json")
    assert created.status_code == 201, created.json()
    request_id = created.json()["requests"][0]["id"]
    assert client.get(f"/api/requests/{request_id}").json()["state"] == "PENDING"

    lookup = client.get(f"/api/requestgroups?request_id={request_id}").json()
    group_id = lookup["results"][0]["id"]
    cancelled = client.post(f"/api/requestgroups/{group_id}/cancel/")
    assert cancelled.json()["state"] == "CANCELED"
    assert client.get(f"/api/requests/{request_id}").json()["state"] == "CANCELED"
