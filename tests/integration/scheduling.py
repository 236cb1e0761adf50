"""What the scheduler integration tests share: the scheduler's account and a data source that
reaches the in-process portal, configdb and downtime over HTTP through the clients."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from openocs.clients.configdb import ConfigDBClient
from openocs.clients.downtime import DowntimeClient
from openocs.clients.scheduling import PortalSchedulingClient
from openocs.portal.conftest import Persona, PersonaFactory
from openocs.scheduler.sources import HttpDataSource
from openocs.web.inprocess import INPROCESS_BASE_URL, InProcessTransport

Source = TypeVar("Source", bound=HttpDataSource)


@pytest.fixture
def scheduler_account(make_persona: PersonaFactory) -> Persona:
    return make_persona("scheduler", is_staff=True, staff_view=True)


@contextmanager
def in_process_source(token: str, source_class: type[Source]) -> Iterator[Source]:
    """A 1-metre scheduler's data source on the in-process deployment; clients closed after."""
    transport = InProcessTransport()
    portal = PortalSchedulingClient(INPROCESS_BASE_URL, token=token, transport=transport)
    configdb = ConfigDBClient(INPROCESS_BASE_URL + "configdb/", transport=transport)
    downtime = DowntimeClient(INPROCESS_BASE_URL + "downtime/", transport=transport)
    try:
        yield source_class(
            portal=portal, configdb=configdb, downtime=downtime, telescope_classes=["1m0"]
        )
    finally:
        for client in (portal, configdb, downtime):
            client.close()
