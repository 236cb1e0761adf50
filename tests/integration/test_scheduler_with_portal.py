"""End to end with the portal (issue 8, "Done means"): a request group submitted through
``POST /api/requestgroups/`` becomes a PENDING observation after one daemon cycle, with nobody
calling the scheduler by hand. The daemon reads the real portal, configdb (the demo network
imported through ``ocs configdb import``) and downtime services through the in-process
transport, exactly as ``ocs scheduler run`` does over the network. A rapid-response submission
wakes the daemon through the portal's change events, and one submitted while the normal pass
solves is written at once while that normal pass is dropped unwritten."""

# ruff: noqa: F811  (pytest fixtures imported from the portal test suites)

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
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
from openocs.scheduler.daemon import ChangeNotice, DaemonConfig, SchedulerDaemon
from openocs.scheduler.sources import HttpDataSource
from openocs.scheduler.tests.gate import gate_kernel
from openocs.web.inprocess import INPROCESS_BASE_URL, InProcessTransport
from tests.integration.scheduling import in_process_source, scheduler_account  # noqa: F401

pytestmark = pytest.mark.django_db


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class _WaitingSource(HttpDataSource):
    """``HttpDataSource`` that lets the test act (submit a request) before each wait."""

    before_wait: Callable[[float], None] = staticmethod(lambda _timeout_s: None)

    def wait_for_change(self, timeout_s: float) -> ChangeNotice | None:
        self.before_wait(timeout_s)
        return super().wait_for_change(timeout_s)


@pytest.fixture
def source(live_network: None, scheduler_account: Persona) -> Iterator[_WaitingSource]:
    with in_process_source(scheduler_account.token, _WaitingSource) as found:
        yield found


def _daemon(source: HttpDataSource, now: datetime, **config: Any) -> SchedulerDaemon:
    settings: dict[str, Any] = {
        "time_limit_s": 10.0,
        "rapid_response_time_limit_s": 5.0,
        "horizon_s": 7 * 86400,
        "loop_sleep_s": 0.0,
        **config,
    }
    return SchedulerDaemon(
        source, config=DaemonConfig(**settings), clock=lambda: now, sleep=lambda _s: None
    )


def _rapid_response_group(now: datetime) -> dict[str, Any]:
    """An RR group (§7.2: its window starts now and ends within 24 h + its duration)."""
    group = imaging_group(name="grb-followup", observation_type="RAPID_RESPONSE")
    group["requests"][0]["windows"] = [
        {
            "start": (now - timedelta(minutes=1)).isoformat(),
            "end": (now + timedelta(hours=20)).isoformat(),
        }
    ]
    return group


def _pending_by_request(persona: Persona) -> dict[int, list[dict[str, Any]]]:
    listing = persona.client.get("/api/observations/?state=PENDING&limit=1000").json()
    by_request: dict[int, list[dict[str, Any]]] = {}
    for observation in listing["results"]:
        by_request.setdefault(observation["request"]["id"], []).append(observation)
    return by_request


def _assert_no_overlap(observations: list[dict[str, Any]]) -> None:
    by_telescope: dict[tuple[str, str, str], list[tuple[datetime, datetime]]] = {}
    for o in observations:
        key = (o["site"], o["enclosure"], o["telescope"])
        by_telescope.setdefault(key, []).append((_parse(o["start"]), _parse(o["end"])))
    for spans in by_telescope.values():
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            assert end <= start


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


def test_a_rapid_response_submission_wakes_the_daemon_through_change_events(
    submitter: Persona,
    scheduler_account: Persona,
    source: _WaitingSource,
    frozen_now: datetime,
) -> None:
    normal = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert normal.status_code == 201, normal.json()
    daemon = _daemon(source, frozen_now)
    daemon.run(max_cycles=1)
    rapid = submitter.client.post(
        "/api/requestgroups/", _rapid_response_group(frozen_now), format="json"
    )
    assert rapid.status_code == 201, rapid.json()

    daemon.run(max_cycles=2)  # nothing polled has moved (the clock is frozen): only the event

    assert daemon.uses_change_events
    assert [r.reason for r in daemon.state.history] == [
        "first run",
        "rapid-response change event (requestgroup.submitted)",
    ]
    assert all(r.ok for r in daemon.state.history)
    pending = _pending_by_request(scheduler_account)
    rapid_request = rapid.json()["requests"][0]["id"]
    normal_request = normal.json()["requests"][0]["id"]
    assert len(pending[rapid_request]) == 1
    assert len(pending[normal_request]) == 1  # kept, or preempted and placed again
    _assert_no_overlap([o for group in pending.values() for o in group])


def test_a_moved_rapid_response_observation_replaces_the_old_one(
    submitter: Persona,
    scheduler_account: Persona,
    source: _WaitingSource,
    frozen_now: datetime,
) -> None:
    rapid = submitter.client.post(
        "/api/requestgroups/", _rapid_response_group(frozen_now), format="json"
    )
    assert rapid.status_code == 201, rapid.json()
    rapid_request = rapid.json()["requests"][0]["id"]
    daemon = _daemon(source, frozen_now)
    assert daemon.run_cycle("first run").ok
    [first] = _pending_by_request(scheduler_account)[rapid_request]

    again = daemon.run_cycle("periodic replan")  # a shorter pass estimate: it starts earlier

    assert again.ok, again.error
    [moved] = _pending_by_request(scheduler_account)[rapid_request]
    assert _parse(moved["start"]) < _parse(first["start"])


def test_a_rapid_response_submitted_while_the_normal_pass_solves_is_written_first(
    submitter: Persona,
    scheduler_account: Persona,
    source: _WaitingSource,
    frozen_now: datetime,
) -> None:
    normal = submitter.client.post("/api/requestgroups/", imaging_group(), format="json")
    assert normal.status_code == 201, normal.json()
    submitted: list[Any] = []

    with gate_kernel() as gate:

        def submit_while_solving(timeout_s: float) -> None:
            if gate.waiting.is_set() and not submitted:
                submitted.append(
                    submitter.client.post(
                        "/api/requestgroups/", _rapid_response_group(frozen_now), format="json"
                    )
                )

        source.before_wait = submit_while_solving
        gate.close()
        daemon = _daemon(source, frozen_now, kernel="gate", solve_poll_s=0.05)

        daemon.run(max_cycles=2)

    first, second = daemon.state.history
    assert first.ok and first.superseded and first.created == 0  # the stale pass wrote nothing
    assert gate.stopped_passes == 1
    assert second.reason == "rapid-response change event (requestgroup.submitted)"
    assert second.ok and not second.superseded
    assert second.created == 2  # the rapid-response observation, then the normal one
    pending = _pending_by_request(scheduler_account)
    assert len(pending[submitted[0].json()["requests"][0]["id"]]) == 1
    assert len(pending[normal.json()["requests"][0]["id"]]) == 1
    _assert_no_overlap([o for group in pending.values() for o in group])


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
    monkeypatch.setattr(server_cli, "_supervise", lambda processes, **banner: None)
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


def test_the_infrastructure_fingerprint_follows_downtime_and_configdb(
    source: _WaitingSource, scheduler_account: Persona
) -> None:
    """A telescope failing (a new downtime, an instrument leaving SCHEDULABLE) changes the
    fingerprint the daemon checks between cycles; reading it twice changes nothing."""
    first = source.infrastructure_fingerprint()
    assert source.infrastructure_fingerprint() == first
    staff = scheduler_account.client
    now = datetime.now(UTC)
    created = staff.post(
        "/downtime/api/",
        {
            "start": (now + timedelta(hours=1)).isoformat(),
            "end": (now + timedelta(hours=5)).isoformat(),
            "site": "lsc",
            "enclosure": "doma",
            "telescope": "1m0a",
            "reason": "Enclosure fault",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    after_downtime = source.infrastructure_fingerprint()
    assert after_downtime != first
    instruments = staff.get("/configdb/instruments/?state=SCHEDULABLE&limit=500").json()
    ours = {i.code for info in source._telescope_infos() for i in info.instruments}
    sinistro = next(i for i in instruments["results"] if i["code"] in ours)
    patched = staff.patch(
        f"/configdb/instruments/{sinistro['id']}/", {"state": "MANUAL"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    source.configdb.invalidate()  # the daemon's copy is revalidated on its own schedule
    assert source.infrastructure_fingerprint() != after_downtime


def test_a_telescope_not_ok_to_open_takes_no_new_observations(
    source: _WaitingSource,
    scheduler_account: Persona,
    submitter: Persona,
    frozen_now: datetime,
    settings: Any,
) -> None:
    """Availability events (contract §2.4, §5.1 item 2) from the portal's telescope states: a
    telescope whose site agent reports NOT_OK_TO_OPEN is offline for the next cycle, and the
    change of the unavailable set changes the fingerprint the daemon checks."""
    settings.OCS_TELESCOPE_STATES_PROVIDER = "database"
    staff = scheduler_account.client
    keys = sorted(
        f"{site}.{enclosure}.{telescope}"
        for (site, enclosure, telescope), t in _configdb_telescopes(source.configdb).items()
        if telescope.startswith("1m0")
    )
    closed = keys[0]
    reports = [
        {
            "telescope": key,
            "event_type": "NOT_OK_TO_OPEN" if key == closed else "AVAILABLE",
            "event_reason": "Weather: High humidity" if key == closed else "Available",
            "start": (frozen_now - timedelta(minutes=5)).isoformat(),
        }
        for key in keys
    ]
    assert staff.post("/api/telescope_states/", reports, format="json").status_code == 201
    site, enclosure, telescope = closed.split(".")
    scheduler_key = f"{telescope}.{enclosure}.{site}"
    assert source.unavailable_telescopes() == {scheduler_key}
    before = source.infrastructure_fingerprint()
    telescopes = source.telescopes(epoch=frozen_now, end=frozen_now + timedelta(days=1))
    offline = {t.key for t in telescopes if not t.online}
    assert offline == {scheduler_key}

    group = imaging_group()
    group["requests"][0]["location"] = {"telescope_class": "1m0", "site": site}
    assert submitter.client.post("/api/requestgroups/", group, format="json").status_code == 201
    report = _daemon(source, frozen_now).run_cycle("test")
    assert report.ok
    observations = [o for rows in _pending_by_request(scheduler_account).values() for o in rows]
    assert observations
    assert all(f"{o['site']}.{o['enclosure']}.{o['telescope']}" != closed for o in observations)

    reopened = {**reports[0], "event_type": "AVAILABLE", "event_reason": "Available",
                "start": frozen_now.isoformat()}  # fmt: skip
    reopened["telescope"] = closed
    assert staff.post("/api/telescope_states/", reopened, format="json").status_code == 201
    assert source.unavailable_telescopes() == frozenset()
    assert source.infrastructure_fingerprint() != before
