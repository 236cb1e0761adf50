"""A submitter on a proposal with time on the demo network, for the request-group tests.

The network is the demo configuration imported into the real co-hosted configdb through the
``ocs`` command line once per test session; its ``GET sites/`` answer is recorded and served to
the portal's configdb client in each test (importing anew for every test would cost seconds).
``live_network`` keeps the full path (import + in-process configdb) for the end-to-end tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from click.testing import CliRunner
from django.db import transaction
from django.test import Client

import openocs
from openocs.clients.configdb import ConfigDBClient
from openocs.portal.conftest import Persona, PersonaFactory
from openocs.portal.proposals import accounting, services
from openocs.portal.proposals.models import Membership, Proposal, Semester, TimeAllocation
from openocs.portal.requestgroups.visibility import clear_downtime_cache
from openocs.server.cli import main as ocs
from openocs.web.clients import install_client, reset_clients

DEMO_NETWORK = Path(openocs.__file__).parent / "configdb" / "demo" / "lco-network.json"
SINISTRO = "1M0-SCICAM-SINISTRO"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _import_demo_network() -> None:
    result = CliRunner().invoke(ocs, ["configdb", "import", str(DEMO_NETWORK)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def demo_sites_document(django_db_setup: Any, django_db_blocker: Any) -> bytes:
    """configdb's real ``sites/`` answer for the demo network (imported, read, rolled back)."""
    with django_db_blocker.unblock(), transaction.atomic():
        _import_demo_network()
        response = Client().get("/configdb/sites/")
        assert response.status_code == 200
        body: bytes = response.content
        transaction.set_rollback(True)
    return body


@pytest.fixture
def network(db: Any, demo_sites_document: bytes) -> Iterator[None]:
    """The portal's configdb client answers with the recorded demo document."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").endswith("sites"):
            return httpx.Response(
                200, content=demo_sites_document, headers={"Content-Type": "application/json"}
            )
        return httpx.Response(404, json={"detail": "Not found."})

    reset_clients()
    clear_downtime_cache()
    install_client(
        "configdb",
        ConfigDBClient("http://configdb.test/", transport=httpx.MockTransport(handler)),
    )
    yield
    reset_clients()


@pytest.fixture
def live_network(db: Any) -> Iterator[None]:
    """The demo network imported into the co-hosted configdb, read in-process."""
    _import_demo_network()
    reset_clients()
    clear_downtime_cache()
    yield
    reset_clients()


@pytest.fixture
def semester(db: Any) -> Semester:
    return services.semester_create(
        semester_id="2026B",
        start=datetime(2026, 8, 1, tzinfo=UTC),
        end=datetime(2027, 2, 1, tzinfo=UTC),
    )


@pytest.fixture
def proposal(semester: Semester) -> Proposal:
    return services.proposal_create(proposal_id="LCO2026B-001", title="Supernovae")


@pytest.fixture
def allocation(proposal: Proposal, semester: Semester) -> TimeAllocation:
    return accounting.allocation_create(
        proposal=proposal,
        semester=semester,
        instrument_types=[SINISTRO],
        std_allocation=50.0,
        rr_allocation=2.0,
        tc_allocation=5.0,
    )


@pytest.fixture
def submitter(
    make_persona: PersonaFactory,
    proposal: Proposal,
    allocation: TimeAllocation,
    network: None,
    frozen_now: datetime,
) -> Persona:
    persona = make_persona("carol")
    Membership.objects.create(proposal=proposal, user=persona.user, role=Membership.PI)
    return persona


def imaging_group(**changes: Any) -> dict[str, Any]:
    """A typical one-request imaging group the way TOM Toolkit writes it."""
    group: dict[str, Any] = {
        "name": "ngc1300-monitoring",
        "proposal": "LCO2026B-001",
        "ipp_value": 1.05,
        "operator": "SINGLE",
        "observation_type": "NORMAL",
        "requests": [
            {
                "configurations": [
                    {
                        "type": "EXPOSE",
                        "instrument_type": SINISTRO,
                        "target": {
                            "name": "ngc1300",
                            "type": "ICRS",
                            "ra": 49.921,
                            "dec": -19.411,
                            "proper_motion_ra": None,
                            "epoch": 2000,
                        },
                        "constraints": {"max_airmass": 2.0, "min_lunar_distance": 30},
                        "instrument_configs": [
                            {
                                "exposure_time": 30,
                                "exposure_count": "2",
                                "optical_elements": {"filter": "v"},
                            }
                        ],
                        "acquisition_config": {},
                        "guiding_config": {},
                    }
                ],
                "windows": [{"start": "2026-12-01T12:00:00", "end": "2026-12-08T12:00:00Z"}],
                "location": {"telescope_class": "1m0"},
            }
        ],
    }
    group.update(changes)
    return group


def submit_imaging_group(persona: Persona, **changes: Any) -> dict[str, Any]:
    """:func:`imaging_group` with ``changes``, submitted through the API by ``persona``: the
    created group as the API answers it."""
    response = persona.client.post("/api/requestgroups/", imaging_group(**changes), format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body
