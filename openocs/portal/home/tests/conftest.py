"""A small network for the front page, served to the portal's configdb client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from openocs.clients.configdb import ConfigDBClient
from openocs.web.clients import install_client, reset_clients

_TYPE = {"code": "1M0-SCICAM-SINISTRO", "name": "1.0 meter Sinistro"}
SITES = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "code": "lsc",
            "name": "Cerro Tololo",
            "lat": -30.17,
            "long": -70.80,
            "elevation": 2198.0,
            "enclosure_set": [
                {
                    "code": "doma",
                    "site": "lsc",
                    "telescope_set": [
                        {
                            "code": "1m0a",
                            "name": "1 Meter A",
                            "aperture": 1.0,
                            "lat": -30.17,
                            "long": -70.80,
                            "instrument_set": [
                                {"code": "fa15", "state": "SCHEDULABLE", "instrument_type": _TYPE}
                            ],
                        }
                    ],
                }
            ],
        }
    ],
}


def _serve(status: int) -> Iterator[None]:
    def handler(request: httpx.Request) -> httpx.Response:
        if status != 200:
            return httpx.Response(status, json={"detail": "down"})
        if request.url.path.rstrip("/").endswith("sites"):
            return httpx.Response(200, json=SITES)
        return httpx.Response(404, json={"detail": "Not found."})

    reset_clients()
    install_client(
        "configdb", ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(handler))
    )
    yield
    reset_clients()


@pytest.fixture
def network(db: Any) -> Iterator[None]:
    yield from _serve(200)


@pytest.fixture
def network_down(db: Any) -> Iterator[None]:
    yield from _serve(503)
