"""End to end with the portal (issue 8, "Done means"): a request group submitted through
``POST /api/requestgroups/`` becomes a PENDING observation after one daemon cycle, with nobody
calling the scheduler by hand. The daemon reads the real portal, configdb (the demo network
imported through ``ocs configdb import``) and downtime services through the in-process
transport, exactly as ``ocs scheduler run`` does over the network."""

# ruff: noqa: F811  (pytest fixtures imported from the portal test suites)

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from openocs.clients.configdb import ConfigDBClient
from openocs.clients.downtime import DowntimeClient
from openocs.clients.scheduling import PortalSchedulingClient
from openocs.portal.conftest import Persona, PersonaFactory, make_persona  # noqa: F401
from openocs.portal.requestgroups.tests.conftest import (  # noqa: F401  (fixtures)
    DEMO_NETWORK,
    SINISTRO,
    allocation,
    demo_sites_document,
    frozen_now,
    imaging_group,
    live_network,
    network,
    proposal,
    semester,
    submitter,
)
from openocs.scheduler.daemon import DaemonConfig, SchedulerDaemon
from openocs.scheduler.sources import HttpDataSource
from openocs.web.inprocess import INPROCESS_BASE_URL, InProcessTransport

pytestmark = pytest.mark.django_db


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def scheduler_account(make_persona: PersonaFactory) -> Persona:
    return make_persona("scheduler", is_staff=True, staff_view=True)


@pytest.fixture
def source(live_network: None, scheduler_account: Persona) -> Iterator[HttpDataSource]:
    transport = InProcessTransport()
    portal = PortalSchedulingClient(
        INPROCESS_BASE_URL, token=scheduler_account.token, transport=transport
    )
    configdb = ConfigDBClient(INPROCESS_BASE_URL + "configdb/", transport=transport)
    downtime = DowntimeClient(INPROCESS_BASE_URL + "downtime/", transport=transport)
    yield HttpDataSource(
        portal=portal, configdb=configdb, downtime=downtime, telescope_classes=["1m0"]
    )
    for client in (portal, configdb, downtime):
        client.close()


def _daemon(source: HttpDataSource, now: datetime) -> SchedulerDaemon:
    config = DaemonConfig(time_limit_s=10.0, rapid_response_time_limit_s=5.0, horizon_s=7 * 86400)
    return SchedulerDaemon(source, config=config, clock=lambda: now, sleep=lambda _s: None)


def _configdb_telescopes(client: ConfigDBClient) -> dict[tuple[str, str, str], Any]:
    return {
        (location.site.code, location.enclosure.code, location.telescope.code): location.telescope
        for location in client.network().telescopes
    }


def test_a_submitted_request_is_scheduled_by_one_daemon_cycle(
    submitter: Persona,
    scheduler_account: Persona,
    source: HttpDataSource,
    frozen_now: datetime,
) -> None:
    submitted = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert submitted.status_code == 201, submitted.json()
    request = submitted.json()["requests"][0]

    report = _daemon(source, frozen_now).run_cycle("first run")

    assert report.ok, report.error
    assert report.created == 1
    listing = scheduler_account.client.get(
        f"/api/observations/?request_id={request['id']}&state=PENDING"
    ).json()
    observations = [o for o in listing["results"] if o["request"]["id"] == request["id"]]
    assert len(observations) == 1
    observation = observations[0]
    start, end = _parse(observation["start"]), _parse(observation["end"])
    window = request["windows"][0]
    assert _parse(window["start"]) <= start
    assert end <= _parse(window["end"])
    assert start >= frozen_now
    assert (end - start).total_seconds() == pytest.approx(request["duration"], abs=1)
    telescope = _configdb_telescopes(source.configdb)[
        (observation["site"], observation["enclosure"], observation["telescope"])
    ]
    assert telescope.aperture == pytest.approx(1.0)  # class 1m0
    configurations = observation["request"]["configurations"]
    assert [c["id"] for c in configurations] == [c["id"] for c in request["configurations"]]
    for configuration in configurations:
        assert configuration["configuration_status"]
        assert configuration["instrument_name"]
        assert configuration["state"] == "PENDING"
    instrument_types = {i.code: i.instrument_type.code for i in telescope.instrument_set}
    assert instrument_types[configurations[0]["instrument_name"]] == SINISTRO


def test_a_second_cycle_replaces_the_schedule_without_duplicating_it(
    submitter: Persona,
    scheduler_account: Persona,
    source: HttpDataSource,
    frozen_now: datetime,
) -> None:
    submitted = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert submitted.status_code == 201, submitted.json()
    daemon = _daemon(source, frozen_now)
    assert daemon.run_cycle("first run").created == 1

    again = daemon.run_cycle("periodic replan")

    assert again.ok, again.error
    # the second pass may start earlier (a shorter pass estimate) and then moves the observation
    assert again.created == again.cancelled
    listing = scheduler_account.client.get("/api/observations/?state=PENDING").json()
    assert listing["count"] == 1


def test_a_portal_outage_writes_nothing_and_the_daemon_retries(
    submitter: Persona,
    scheduler_account: Persona,
    live_network: None,
    frozen_now: datetime,
) -> None:
    submitted = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert submitted.status_code == 201
    transport = InProcessTransport()
    down = PortalSchedulingClient("http://127.0.0.1:9/", token=scheduler_account.token)
    source = HttpDataSource(
        portal=down,
        configdb=ConfigDBClient(INPROCESS_BASE_URL + "configdb/", transport=transport),
        downtime=DowntimeClient(INPROCESS_BASE_URL + "downtime/", transport=transport),
        compute_visibility=False,
    )
    daemon = _daemon(source, frozen_now)

    report = daemon.run_cycle("first run")

    assert not report.ok
    assert "portal" in report.error
    assert daemon.should_plan() == (True, "previous run failed")
    assert scheduler_account.client.get("/api/observations/").json()["count"] == 0


@pytest.mark.django_db(transaction=True)
def test_ocs_scheduler_run_once_schedules_through_a_real_server(
    submitter: Persona,
    live_server: Any,
    frozen_now: datetime,
) -> None:
    """``ocs scheduler run --once`` over real HTTP, authenticated as the service account that
    ``ocs up`` creates; the configdb demo network is imported in the live database."""
    from click.testing import CliRunner

    from openocs.server.cli import ensure_scheduler_account
    from openocs.server.cli import main as ocs

    CliRunner().invoke(ocs, ["configdb", "import", str(DEMO_NETWORK)])
    submitted = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert submitted.status_code == 201, submitted.json()
    token = ensure_scheduler_account()
    assert ensure_scheduler_account() == token  # idempotent

    result = CliRunner().invoke(
        ocs,
        ["scheduler", "run", "--once", "--time-limit", "10", "--telescope-class", "1m0"],
        env={"OCS_PORTAL_URL": live_server.url + "/", "OCS_SCHEDULER_TOKEN": token},
    )

    assert result.exit_code == 0, result.output
    assert "created 1" in result.output
    request_id = submitted.json()["requests"][0]["id"]
    listing = submitter.client.get(f"/api/observations/?request_id={request_id}").json()
    assert [o["state"] for o in listing["results"]] == ["PENDING"]


def test_ocs_scheduler_run_refuses_to_start_without_a_token() -> None:
    from click.testing import CliRunner

    from openocs.scheduler.cli import scheduler_group

    result = CliRunner().invoke(scheduler_group, ["run", "--once"], env={"OCS_SCHEDULER_TOKEN": ""})

    assert result.exit_code == 2
    assert "OCS_SCHEDULER_TOKEN" in result.output


def test_ocs_up_starts_the_daemon_with_the_scheduler_account_token(
    monkeypatch: pytest.MonkeyPatch, live_network: None
) -> None:
    """``ocs up`` (``make run``) starts ``ocs scheduler run`` against its own address with the
    token of the ``scheduler`` service account, which may read the feed (staff_view)."""
    from click.testing import CliRunner
    from rest_framework.test import APIClient

    import openocs.server.cli as server_cli

    started: list[tuple[list[str], dict[str, str] | None]] = []

    class _Process:
        def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
            started.append((argv, env))

    monkeypatch.setattr("openocs.server.cli.subprocess.Popen", _Process)
    monkeypatch.setattr(server_cli, "_supervise", lambda processes: None)
    monkeypatch.delenv("OCS_SCHEDULER_TOKEN", raising=False)

    result = CliRunner().invoke(
        server_cli.main,
        ["up", "--no-demo", "--no-worker", "--host", "0.0.0.0", "--port", "8123"],  # noqa: S104
    )

    assert result.exit_code == 0, result.output
    [(argv, env)] = [(a, e) for a, e in started if "scheduler" in a]
    assert argv[-4:] == ["scheduler", "run", "--portal-url", "http://127.0.0.1:8123/"]
    assert env is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {env['OCS_SCHEDULER_TOKEN']}")
    assert client.get("/api/requestgroups/schedulable_requests/").status_code == 200
    assert client.get("/api/last_changed/").status_code == 200
