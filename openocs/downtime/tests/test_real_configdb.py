"""The whole path with the REAL configdb app: the client factory, the in-process transport and
configdb's own ``sites/`` view (with its ETag), inside the test's database transaction."""

from __future__ import annotations

import httpx
import pytest
from django.test import override_settings

from openocs.clients.configdb import ConfigDBClient
from openocs.downtime.models import Downtime
from openocs.downtime.tests.conftest import closed_port_url, import_demo_network
from openocs.web.clients import configdb_client
from openocs.web.inprocess import InProcessTransport

pytestmark = pytest.mark.django_db

URL = "/downtime/api/"


def test_validates_against_the_cohosted_configdb_through_the_inprocess_transport(staff):
    import_demo_network()
    client = configdb_client()
    assert client.base_url == "http://inprocess/configdb/"
    assert "coj.doma.1m0a" in client.telescope_keys()
    assert "2M0-FLOYDS-SCICAM" in client.instrument_types_by_telescope()["ogg.clma.2m0a"]

    created = staff.post(
        URL,
        {"start": "2030-01-01T00:00:00Z", "end": "2030-01-01T02:00:00Z", "site": "ogg",
         "enclosure": "clma", "telescope": "2m0a", "instrument_type": "2M0-FLOYDS-SCICAM"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    refused = staff.post(
        URL,
        {"start": "2030-01-01T00:00:00Z", "end": "2030-01-01T02:00:00Z", "site": "coj",
         "enclosure": "doma", "telescope": "1m0a", "instrument_type": "2M0-FLOYDS-SCICAM"},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "combination does not exist" in refused.json()["non_field_errors"][0]


def test_revalidates_the_real_configdb_document_with_its_etag():
    import_demo_network()
    statuses: list[int] = []
    inner = InProcessTransport()

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = inner.handle_request(request)
            statuses.append(response.status_code)
            return response

    client = ConfigDBClient("http://inprocess/configdb/", transport=Recording())
    first = client.telescope_keys()
    client.invalidate()
    assert client.telescope_keys() == first
    assert statuses == [200, 304]


def test_configured_but_unreachable_configdb_refuses_writes_and_serves_reads(staff, anonymous):
    with override_settings(OCS_CONFIGDB_URL=closed_port_url()):
        response = staff.post(
            URL,
            {"start": "2030-01-01T00:00:00Z", "end": "2030-01-01T02:00:00Z", "site": "coj",
             "enclosure": "doma", "telescope": "1m0a"},
            format="json",
        )  # fmt: skip
        assert response.status_code == 503
        assert response.json()["detail"].startswith("ConfigDB connection is currently down")
        assert anonymous.get(URL, {"site": "coj"}).status_code == 200
    assert not Downtime.objects.exists()
