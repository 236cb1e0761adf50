"""The simulated site against the real portal and archive through the in-process transport
(the same HTTP calls as over the network, with the clock frozen): execution, weather, faults,
cancellation at an exposure boundary, outages and idempotent ingest."""

# ruff: noqa: F811  (pytest fixtures imported from the portal test suites)

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from openocs.archive import files
from openocs.clients.archive import ArchiveClient
from openocs.clients.configdb import ConfigDBClient, Network
from openocs.clients.site import PortalSiteClient, SiteObservation
from openocs.ingester import Ingester, IngesterSettings
from openocs.portal.conftest import Persona, PersonaFactory, make_persona  # noqa: F401
from openocs.portal.requestgroups.tests.conftest import (  # noqa: F401  (fixtures)
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
from openocs.simulator.network import site_telescopes
from openocs.simulator.retry import Backoff
from openocs.simulator.site import SimulatorSettings, SiteSimulator
from openocs.simulator.weather import WeatherModel
from openocs.storage import StorageConfig
from openocs.web.inprocess import INPROCESS_BASE_URL, InProcessTransport

pytestmark = pytest.mark.django_db
FAST = Backoff(base_delay_s=0.001, max_delay_s=0.002, deadline_s=0.02)


class FlakyTransport(httpx.BaseTransport):
    """The in-process transport, failing the first ``failures`` requests that ``matches``;
    ``lose_answer`` sends those requests through and then loses their answers."""

    def __init__(
        self, matches: Callable[[httpx.Request], bool], failures: int, *, lose_answer: bool = False
    ) -> None:
        self.inner = InProcessTransport()
        self.matches = matches
        self.failures = failures
        self.lose_answer = lose_answer
        self.failed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.failed < self.failures and self.matches(request):
            self.failed += 1
            if self.lose_answer:
                self.inner.handle_request(request)
            raise httpx.ReadError("connection reset by peer", request=request)
        return self.inner.handle_request(request)


@dataclass
class Site:
    simulator: SiteSimulator
    observation: SiteObservation
    request_id: int
    staff: Persona


@pytest.fixture
def site_account(make_persona: PersonaFactory) -> Persona:
    persona = make_persona("site", is_staff=True, staff_view=True)
    persona.user.user_permissions.add(Permission.objects.get(codename="ingest"))
    return persona


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "archive-files"
    settings.ARCHIVE_STORAGE = StorageConfig(
        backend="local", root_dir=str(root), signing_key="test-signing-key"
    )
    settings.ARCHIVE_THUMBNAILS = False
    settings.OCS_TELESCOPE_STATES_PROVIDER = "database"
    cache.clear()  # the archive caches users' proposals by name: earlier tests had a "carol"
    return root


def _network() -> Network:
    client = ConfigDBClient(INPROCESS_BASE_URL + "configdb/", transport=InProcessTransport())
    try:
        return client.network()
    finally:
        client.close()


def _sinistro_telescope(network: Network) -> tuple[str, str, str, str]:
    for location in network.telescopes:
        for instrument in location.telescope.instrument_set:
            if instrument.instrument_type.code == SINISTRO and instrument.state == "SCHEDULABLE":
                return (
                    location.site.code,
                    location.enclosure.code,
                    location.telescope.code,
                    instrument.code,
                )
    raise AssertionError("no Sinistro in the demo network")


@pytest.fixture
def make_site(
    submitter: Persona,
    site_account: Persona,
    live_network: None,
    store: Path,
    tmp_path: Path,
    frozen_now: datetime,
) -> Iterator[Callable[..., Site]]:
    """A submitted imaging request (2 × 30 s) placed on a Sinistro telescope now, and a site
    simulator for that telescope's site talking to the portal and archive in-process."""
    clients: list[Any] = []

    def make(
        *,
        weather: WeatherModel | None = None,
        portal_transport: httpx.BaseTransport | None = None,
        archive_transport: httpx.BaseTransport | None = None,
        backoff: Backoff = FAST,
        group: dict[str, Any] | None = None,
    ) -> Site:
        network = _network()
        site, enclosure, telescope, instrument = _sinistro_telescope(network)
        submitted = submitter.client.post(
            "/api/requestgroups/", group or imaging_group(), format="json"
        )
        assert submitted.status_code == 201, submitted.json()
        request = submitted.json()["requests"][0]
        created = site_account.client.post(
            "/api/observations/",
            [
                {
                    "request": request["id"],
                    "site": site,
                    "enclosure": enclosure,
                    "telescope": telescope,
                    "start": frozen_now.isoformat(),
                    "end": (frozen_now + timedelta(minutes=20)).isoformat(),
                    "configuration_statuses": [
                        {"configuration": c["id"], "instrument_name": instrument}
                        for c in request["configurations"]
                    ],
                }
            ],
            format="json",
        )
        assert created.json()["num_created"] == 1, created.json()
        portal = PortalSiteClient(
            INPROCESS_BASE_URL,
            token=site_account.token,
            transport=portal_transport or InProcessTransport(),
        )
        archive = ArchiveClient(
            INPROCESS_BASE_URL + "archive/",
            token=site_account.token,
            transport=archive_transport or InProcessTransport(),
        )
        clients.extend([portal, archive])
        simulator = SiteSimulator(
            site=site,
            network=network,
            portal=portal,
            ingester=Ingester.from_settings(
                IngesterSettings(api_root=INPROCESS_BASE_URL + "archive/"),
                storage=files.storage(),
                archive=archive,
            ),
            weather=weather or WeatherModel(),
            spool_dir=tmp_path / "spool",
            settings=SimulatorSettings(exposure_scale=0.0, frame_size_px=64, backoff=backoff),
            proposal_tags=lambda _proposal: ["supernovae"],
            clock=lambda: frozen_now,
        )
        [due] = simulator.step()
        return Site(simulator, due, request["id"], site_account)

    yield make
    for client in clients:
        client.close()


def _request(persona: Persona, request_id: int) -> dict[str, Any]:
    answer: dict[str, Any] = persona.client.get(f"/api/requests/{request_id}/").json()
    return answer


def _observations(persona: Persona, request_id: int) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = persona.client.get(
        f"/api/requests/{request_id}/observations/"
    ).json()
    return answer


def _frames(persona: Persona, request_id: int) -> list[dict[str, Any]]:
    answer = persona.client.get(f"/archive/frames/?request_id={request_id}").json()
    return list(answer["results"])


def test_an_observation_is_exposed_archived_and_completed(
    make_site: Callable[..., Site], submitter: Persona, frozen_now: datetime
) -> None:
    site = make_site()

    report = site.simulator.execute(site.observation)

    assert not report.cancelled and not report.abandoned
    assert [c.state for c in report.configurations] == ["COMPLETED"]
    [observation] = _observations(submitter, site.request_id)
    assert observation["state"] == "COMPLETED"
    [status] = observation["configuration_statuses"]
    summary = status["summary"]
    assert summary["state"] == "COMPLETED"
    assert summary["time_completed"] == 60.0
    assert len(summary["events"]["exposures"]) == 2
    assert _request(submitter, site.request_id)["state"] == "COMPLETED"
    frames = _frames(submitter, site.request_id)
    assert sorted(f["basename"] for f in frames) == sorted(report.frames)
    assert {f["observation_id"] for f in frames} == {site.observation.id}
    assert {f["public_date"][:10] for f in frames} == {"2027-12-01"}  # a year's proprietary
    assert site.simulator.step() == []  # started once only
    assert not list((site.simulator.frames_dir).glob("*.fits.fz"))  # spool emptied


def test_a_repeat_expose_configuration_repeats_for_its_repeat_duration(
    make_site: Callable[..., Site], submitter: Persona, live_network: None
) -> None:
    network = _network()
    site_code, enclosure, telescope, instrument_code = _sinistro_telescope(network)
    [info] = [
        t
        for t in site_telescopes(network, site_code)
        if (t.enclosure, t.telescope) == (enclosure, telescope)
    ]
    duration_s = info.instruments[instrument_code].exposure_duration_s(30.0, None)
    assert duration_s > 30.0  # readout and per-exposure overheads count
    group = imaging_group()
    configuration = group["requests"][0]["configurations"][0]
    configuration.update(type="REPEAT_EXPOSE", repeat_duration=5.5 * duration_s)
    configuration["instrument_configs"][0]["exposure_count"] = 1
    site = make_site(group=group)

    report = site.simulator.execute(site.observation)

    [outcome] = report.configurations
    assert outcome.state == "COMPLETED"
    assert len(outcome.frames) == 5  # the sixth would end after the repeat duration
    [observation] = _observations(submitter, site.request_id)
    assert observation["state"] == "COMPLETED"
    [status] = observation["configuration_statuses"]
    summary = status["summary"]
    assert summary["time_completed"] == 150.0  # 5 × 30 s of exposure
    assert [e["repeat"] for e in summary["events"]["exposures"]] == [1, 2, 3, 4, 5]
    assert summary["events"]["repeat"] == {
        "repeat_duration": 5.5 * duration_s,
        "duration_used": round(5 * duration_s, 3),
        "repeats_completed": 5,
        "exposures_per_repeat": 1,
        "exposures_planned": 5,
    }
    assert _request(submitter, site.request_id)["state"] == "COMPLETED"
    frames = _frames(submitter, site.request_id)
    assert sorted(f["basename"] for f in frames) == sorted(outcome.frames)
    assert {f["configuration_type"] for f in frames} == {"EXPOSE"}


def test_the_telescopes_states_are_reported(
    make_site: Callable[..., Site], frozen_now: datetime
) -> None:
    site = make_site(weather=WeatherModel(cloudy_night_probability=1.0))

    assert site.simulator.report_states(frozen_now, force=True)
    assert not site.simulator.report_states(frozen_now)  # unchanged, no heartbeat due

    states = site.staff.client.get(f"/api/telescope_states/?site={site.simulator.site}").json()
    assert set(states) == set(site.simulator.telescopes)
    assert {rows[0]["event_type"] for rows in states.values()} == {"NOT_OK_TO_OPEN"}


def test_a_closed_telescope_reports_not_attempted(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    site = make_site(weather=WeatherModel(cloudy_night_probability=1.0))

    report = site.simulator.execute(site.observation)

    assert [c.state for c in report.configurations] == ["NOT_ATTEMPTED"]
    [observation] = _observations(submitter, site.request_id)
    assert observation["state"] == "NOT_ATTEMPTED"
    assert observation["configuration_statuses"][0]["summary"]["reason"].startswith("Weather")
    assert _request(submitter, site.request_id)["state"] == "PENDING"
    assert _frames(submitter, site.request_id) == []


def test_clouds_coming_over_stop_the_configuration_at_the_next_exposure(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    """A cloudy spell starting during an observation: the frame taken is archived, the
    configuration FAILED with the reason, and the request back to PENDING for re-placing."""

    @dataclass
    class Clouding(WeatherModel):
        clouded: bool = False

        def sky(self, site: str, moment: datetime, longitude_deg: float) -> str:
            return "cloudy spell" if self.clouded else "clear"

    weather = Clouding()
    site = make_site(weather=weather)
    ingest = site.simulator.ingest

    def ingest_then_clouds(identity: str, spec: Any) -> None:
        ingest(identity, spec)
        weather.clouded = True

    site.simulator.ingest = ingest_then_clouds  # type: ignore[method-assign]
    report = site.simulator.execute(site.observation)

    [outcome] = report.configurations
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith("Weather: clouds came over after 1 of 2 exposures")
    assert len(outcome.frames) == 1
    [observation] = _observations(submitter, site.request_id)
    assert observation["state"] == "FAILED"
    assert _request(submitter, site.request_id)["state"] == "PENDING"
    assert [f["basename"] for f in _frames(submitter, site.request_id)] == outcome.frames


def test_a_fault_fails_the_configuration_with_its_reason(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    site = make_site(weather=WeatherModel(inject_failures=1))

    report = site.simulator.execute(site.observation)

    assert [c.state for c in report.configurations] == ["FAILED"]
    [observation] = _observations(submitter, site.request_id)
    assert observation["state"] == "FAILED"
    summary = observation["configuration_statuses"][0]["summary"]
    assert summary["reason"] == "Simulated fault: injected failure"
    assert _request(submitter, site.request_id)["state"] == "PENDING"  # to be re-placed


def test_a_cancelled_observation_stops_at_the_next_exposure_and_reports_what_was_done(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    site = make_site()
    original = site.simulator.ingest

    def ingest_then_cancel(identity: str, spec: Any) -> None:
        original(identity, spec)
        cancelled = site.staff.client.post(
            "/api/observations/cancel/",
            {"ids": [site.observation.id], "preemption_enabled": True},
            format="json",
        )
        assert cancelled.status_code == 200, cancelled.json()

    site.simulator.ingest = ingest_then_cancel  # type: ignore[method-assign]

    report = site.simulator.execute(site.observation)

    assert report.cancelled
    [outcome] = report.configurations
    assert outcome.state == "FAILED"
    assert outcome.reason == "Observation cancelled: stopped after 1 of 2 exposures"
    assert len(outcome.frames) == 1
    [observation] = _observations(submitter, site.request_id)
    assert observation["state"] == "ABORTED"
    summary = observation["configuration_statuses"][0]["summary"]
    assert summary["time_completed"] == 30.0
    assert len(_frames(submitter, site.request_id)) == 1


def test_an_observation_cancelled_before_its_start_is_not_executed(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    site = make_site()
    site.staff.client.post(
        "/api/observations/cancel/",
        {"ids": [site.observation.id], "preemption_enabled": True},
        format="json",
    )

    report = site.simulator.execute(site.observation)

    assert report.cancelled and report.configurations == []
    assert _frames(submitter, site.request_id) == []


def test_portal_and_archive_outages_are_retried(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    portal = FlakyTransport(lambda r: r.method == "PATCH", failures=2)
    archive = FlakyTransport(lambda r: r.url.path.endswith("/frames/"), failures=2)
    site = make_site(
        portal_transport=portal,
        archive_transport=archive,
        backoff=Backoff(base_delay_s=0.001, max_delay_s=0.002, deadline_s=1.0),
    )

    report = site.simulator.execute(site.observation)

    assert portal.failed == 2 and archive.failed == 2
    assert [c.state for c in report.configurations] == ["COMPLETED"]
    assert len(_frames(submitter, site.request_id)) == 2


def test_a_lost_archive_answer_does_not_ingest_the_frame_twice(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    archive = FlakyTransport(
        lambda r: r.method == "POST" and r.url.path.endswith("/frames/"),
        failures=1,
        lose_answer=True,
    )
    site = make_site(archive_transport=archive)

    report = site.simulator.execute(site.observation)

    assert archive.failed == 1
    assert [c.state for c in report.configurations] == ["COMPLETED"]
    frames = _frames(submitter, site.request_id)
    assert len(frames) == 2
    assert all(len(f["version_set"]) == 1 for f in frames)
    assert site.simulator.journal.ingested_count() == 2


def test_frames_the_archive_never_took_are_never_reported_completed(
    make_site: Callable[..., Site], submitter: Persona
) -> None:
    archive = FlakyTransport(lambda r: r.url.path.endswith("/frames/"), failures=1000)
    site = make_site(archive_transport=archive)

    report = site.simulator.execute(site.observation)

    [outcome] = report.configurations
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith("Frame not archived")
    [observation] = _observations(submitter, site.request_id)
    assert observation["configuration_statuses"][0]["state"] == "FAILED"
    assert _request(submitter, site.request_id)["state"] == "PENDING"
    assert _frames(submitter, site.request_id) == []
    assert list(site.simulator.frames_dir.glob("*.fits.fz"))  # kept for a later ingest


def test_a_frame_ingested_once_is_not_ingested_again(
    make_site: Callable[..., Site], submitter: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    site.simulator.execute(site.observation)
    journal = site.simulator.journal
    status_id = site.observation.request.configurations[0].configuration_status
    identity = f"obs{site.observation.id}/cs{status_id}/0"
    entry = journal.get(identity)
    assert entry is not None and entry.ingested

    calls: list[str] = []
    monkeypatch.setattr(Ingester, "ingest_path", lambda _self, path: calls.append(str(path)))
    site.simulator.ingest(identity, None)  # type: ignore[arg-type]

    assert calls == []
    assert len(_frames(submitter, site.request_id)) == 2


def test_the_site_group_is_part_of_ocs() -> None:
    from click.testing import CliRunner

    from openocs.server.cli import main

    result = CliRunner().invoke(main, ["site", "--help"])
    assert result.exit_code == 0
    assert "simulate" in result.output and "demo-request" in result.output


def test_ocs_up_starts_a_simulated_site_with_the_site_account_token(
    monkeypatch: pytest.MonkeyPatch, live_network: None, store: Path
) -> None:
    """``ocs up`` (``make run``) with the demo starts ``ocs site simulate --demo`` against its
    own address with the ``site`` service account's token, which may read the schedule and
    register frames; the portal then serves the states the sites report."""
    import os

    from click.testing import CliRunner
    from rest_framework.test import APIClient

    import openocs.server.cli as server_cli

    started: list[tuple[list[str], dict[str, str] | None]] = []

    class _Process:
        def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
            started.append((argv, env))

    monkeypatch.setattr("openocs.server.cli.subprocess.Popen", _Process)
    monkeypatch.setattr(server_cli, "_supervise", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(server_cli, "run_demo_loaders", lambda: None)
    monkeypatch.delenv("OCS_SITE_TOKEN", raising=False)
    monkeypatch.delenv("OCS_SIMULATOR", raising=False)
    monkeypatch.delenv("OCS_TELESCOPE_STATES_PROVIDER", raising=False)

    result = CliRunner().invoke(server_cli.main, ["up", "--no-worker", "--port", "8123"])

    assert result.exit_code == 0, result.output
    [(argv, env)] = [(a, e) for a, e in started if "simulate" in a]
    assert argv[-5:] == ["site", "simulate", "--demo", "--portal-url", "http://127.0.0.1:8123/"]
    [web_env] = [e for a, e in started if "gunicorn" in a]
    assert web_env is not None and web_env["OCS_TELESCOPE_STATES_PROVIDER"] == "database"
    assert "OCS_TELESCOPE_STATES_PROVIDER" not in os.environ
    [(scheduler, _)] = [(a, e) for a, e in started if "scheduler" in a]
    assert scheduler[-2:] == ["--pass-estimate", "20"]
    assert env is not None
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {env['OCS_SITE_TOKEN']}")
    assert client.get("/api/last_scheduled/").status_code == 200
    assert client.get("/archive/versions/?md5=0").status_code == 200
    assert server_cli.ensure_site_account() == env["OCS_SITE_TOKEN"]  # idempotent

    started.clear()
    off = CliRunner().invoke(server_cli.main, ["up", "--no-worker", "--no-simulator"])
    assert off.exit_code == 0, off.output
    assert not [a for a, _ in started if "simulate" in a]


def test_ocs_serviceaccount_prints_the_token_of_the_site_account(live_network: None) -> None:
    from click.testing import CliRunner

    from openocs.server.cli import ensure_site_account, main

    result = CliRunner().invoke(main, ["serviceaccount", "site"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == ensure_site_account()


def test_a_refused_report_abandons_the_observation_with_the_reason(
    make_site: Callable[..., Site],
) -> None:
    def refuse(request: httpx.Request) -> bool:
        return request.method == "PATCH"

    class Refusing(FlakyTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if self.matches(request):
                return httpx.Response(400, json={"state": ["Not a valid choice."]})
            return self.inner.handle_request(request)

    site = make_site(portal_transport=Refusing(refuse, failures=0))

    report = site.simulator.execute(site.observation)

    assert "HTTP 400" in report.abandoned
    assert report.configurations == []
