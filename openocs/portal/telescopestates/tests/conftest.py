"""A small network served to the portal's configdb client, personas, and provider switches.

LSC: ``lsc.doma.1m0a``, ``lsc.domb.1m0a`` (1 m) and ``lsc.aqwa.0m4a`` (0.4 m); COJ:
``coj.doma.1m0a`` and ``coj.clma.2m0a``. LSC's coordinates are those of docs/visibility.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import httpx
import pytest

from openocs.clients.configdb import ConfigDBClient
from openocs.portal.telescopestates.errors import ProviderUnavailable
from openocs.portal.telescopestates.providers import register_provider
from openocs.portal.telescopestates.states import StateInterval
from openocs.web.clients import install_client, reset_clients

LSC = {"lat": -30.1673472222, "long": -70.8046722222, "elevation": 2198.0}
COJ = {"lat": -31.272932, "long": 149.070648, "elevation": 1116.0}


def _telescope(code: str, aperture: float, place: dict[str, float]) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "aperture": aperture,
        "lat": place["lat"],
        "long": place["long"],
        "horizon": 15.0,
        "ha_limit_neg": -4.6,
        "ha_limit_pos": 4.6,
        "instrument_set": [],
    }


def _site(code: str, place: dict[str, float], enclosures: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "code": code,
        "name": code.upper(),
        **place,
        "enclosure_set": [
            {"code": enclosure, "site": code, "telescope_set": telescopes}
            for enclosure, telescopes in enclosures.items()
        ],
    }


SITES = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [
        _site(
            "lsc",
            LSC,
            {
                "doma": [_telescope("1m0a", 1.0, LSC)],
                "domb": [_telescope("1m0a", 1.0, LSC)],
                "aqwa": [_telescope("0m4a", 0.4, LSC)],
            },
        ),
        _site(
            "coj",
            COJ,
            {"doma": [_telescope("1m0a", 1.0, COJ)], "clma": [_telescope("2m0a", 2.0, COJ)]},
        ),
    ],
}
ALL_TELESCOPES = [
    "lsc.doma.1m0a",
    "lsc.domb.1m0a",
    "lsc.aqwa.0m4a",
    "coj.doma.1m0a",
    "coj.clma.2m0a",
]


@pytest.fixture
def network(db: Any) -> Iterator[None]:
    """The portal's configdb client answers with :data:`SITES`."""

    def handler(request: httpx.Request) -> httpx.Response:
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
def configdb_down(db: Any) -> Iterator[None]:
    """configdb refuses connections and the client has no cached copy."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    reset_clients()
    install_client(
        "configdb", ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(handler))
    )
    yield
    reset_clients()


@pytest.fixture
def database_provider(settings: Any) -> None:
    settings.OCS_TELESCOPE_STATES_PROVIDER = "database"


class UnreachableProvider:
    """A provider whose source is down."""

    def states(
        self, *, telescopes: Sequence[str], start: datetime, end: datetime, now: datetime
    ) -> dict[str, list[StateInterval]]:
        raise ProviderUnavailable("telemetry index unreachable", provider="unreachable")


@pytest.fixture
def unreachable_provider(settings: Any) -> None:
    register_provider("unreachable", UnreachableProvider)
    settings.OCS_TELESCOPE_STATES_PROVIDER = "unreachable"
