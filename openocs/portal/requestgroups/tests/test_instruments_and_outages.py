"""GET /api/instruments/ (§17.1) and the configdb-down deviation (D4)."""

from __future__ import annotations

import httpx
import pytest
from rest_framework.test import APIClient

from openocs.clients.configdb import ConfigDBClient
from openocs.portal.conftest import Persona
from openocs.portal.requestgroups.configuration import CONFIGDB_DOWN_MESSAGE
from openocs.portal.requestgroups.models import RequestGroup
from openocs.portal.requestgroups.tests.conftest import SINISTRO, imaging_group
from openocs.web.clients import install_client, reset_clients

pytestmark = pytest.mark.django_db


def test_anonymous_digest_lists_schedulable_types_with_the_compatible_shape(
    anonymous_client: APIClient, network: None
) -> None:
    body = anonymous_client.get("/api/instruments").json()
    entry = body[SINISTRO]
    assert entry["type"] == "IMAGE"
    assert entry["class"] == "1m0"
    assert {e["code"] for e in entry["optical_elements"]["filters"]} >= {"V", "rp", "gp"}
    assert entry["modes"]["readout"]["default"] == "full_frame"
    assert "EXPOSE" in entry["configuration_types"]
    assert entry["camera_type"]["pixels_x"] == 4096


def test_unknown_site_gives_an_empty_digest(anonymous_client: APIClient, network: None) -> None:
    assert anonymous_client.get("/api/instruments/?site=idontexist").json() == {}


def test_only_schedulable_false_is_a_boolean_for_staff(
    staff_user: Persona, anonymous_client: APIClient, network: None
) -> None:
    everyone = set(anonymous_client.get("/api/instruments/?only_schedulable=false").json())
    staff = set(staff_user.client.get("/api/instruments/").json())
    staff_schedulable = set(staff_user.client.get("/api/instruments/?only_schedulable=true").json())
    assert staff_schedulable == everyone
    assert staff >= everyone


def _configdb_down() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    reset_clients()
    install_client(
        "configdb", ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(refuse))
    )


def test_submission_answers_503_when_configdb_is_down(submitter: Persona) -> None:
    _configdb_down()
    response = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert response.status_code == 503
    assert response.json() == {"detail": CONFIGDB_DOWN_MESSAGE}
    assert RequestGroup.objects.count() == 0
    validate = submitter.client.post("/api/requestgroups/validate/", imaging_group(), format="json")
    assert validate.status_code == 503
    assert submitter.client.get("/api/instruments/").status_code == 503
    reset_clients()
