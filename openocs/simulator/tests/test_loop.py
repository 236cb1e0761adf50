"""The site loop and the command's set-up, against a fake portal (no server, no database)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from openocs.clients.archive import ArchiveClient
from openocs.clients.configdb import Enclosure, Instrument, InstrumentType, Network, Site, Telescope
from openocs.clients.site import PortalSiteClient
from openocs.ingester import Ingester, IngesterSettings
from openocs.simulator import cli as simulator_cli
from openocs.simulator.retry import Backoff
from openocs.simulator.site import SimulatorSettings, SiteSimulator
from openocs.simulator.sky import DarkSite
from openocs.simulator.weather import WeatherModel
from openocs.storage import StorageConfig, get_storage

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
COJ = Site(
    code="coj",
    lat=-31.273,
    long=149.07,
    enclosure_set=[
        Enclosure(
            code="doma",
            telescope_set=[
                Telescope(
                    code="1m0a",
                    serial_number="1m003",
                    lat=-31.273,
                    long=149.07,
                    instrument_set=[
                        Instrument(
                            code="fa12",
                            state="SCHEDULABLE",
                            instrument_type=InstrumentType(code="1M0-SCICAM-SINISTRO"),
                        )
                    ],
                )
            ],
        )
    ],
)


class FakePortal:
    """Answers the site's calls: an empty schedule, states stored, frames registered."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.states: list[Any] = []
        self.frames: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(f"{request.method} {path}")
        if path.endswith("/last_scheduled/"):
            return httpx.Response(200, json={"last_schedule_time": "2026-12-07T15:00:00Z"})
        if path.endswith("/observations/"):
            return httpx.Response(200, json={"count": 0, "next": None, "results": []})
        if path.endswith("/telescope_states/"):
            self.states.extend(json.loads(request.content))
            return httpx.Response(201, json=json.loads(request.content))
        if path.endswith("/versions/"):
            return httpx.Response(200, json={"count": 0, "results": []})
        if path.endswith("/frames/") and request.method == "POST":
            self.frames.append(json.loads(request.content))
            return httpx.Response(201, json={"id": len(self.frames)})
        return httpx.Response(404, json={"detail": "Not found."})


def _simulator(
    tmp_path: Path, portal: FakePortal, stop: threading.Event, **settings: Any
) -> SiteSimulator:
    transport = httpx.MockTransport(portal)
    storage_config = StorageConfig(backend="local", root_dir=str(tmp_path / "store"))
    return SiteSimulator(
        site="coj",
        network=Network([COJ]),
        portal=PortalSiteClient("http://portal.test/", token="t", transport=transport),
        ingester=Ingester.from_settings(
            IngesterSettings(api_root="http://portal.test/archive/"),
            storage=get_storage(storage_config),
            archive=ArchiveClient("http://portal.test/archive/", transport=transport),
        ),
        weather=WeatherModel(),
        spool_dir=tmp_path / "spool",
        settings=SimulatorSettings(
            poll_s=0.01, frame_size_px=32, backoff=Backoff(0.001, 0.002, 0.01), **settings
        ),
        stop=stop,
        clock=lambda: NOW,
    )


def _run_for(seconds: float, tmp_path: Path, portal: FakePortal) -> None:
    """Run a simulator's loop against ``portal`` until ``seconds`` have passed."""
    stop = threading.Event()
    simulator = _simulator(tmp_path, portal, stop)
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    simulator.run()
    timer.join()


def test_the_loop_reports_states_and_reads_the_schedule_until_stopped(tmp_path: Path) -> None:
    portal = FakePortal()
    _run_for(0.3, tmp_path, portal)

    assert portal.states[0] == {
        "telescope": "coj.doma.1m0a",
        "event_type": "AVAILABLE",
        "event_reason": "Available",
        "start": "2026-12-07T16:00:00Z",
    }
    assert "GET /api/last_scheduled/" in portal.calls
    assert portal.calls.count("GET /api/observations/") == 1  # last_scheduled did not move


def test_a_site_without_telescopes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no active telescope at site 'ogg'"):
        SiteSimulator(
            site="ogg",
            network=Network([COJ]),
            portal=PortalSiteClient("http://portal.test/", token="t"),
            ingester=None,  # type: ignore[arg-type]
            weather=WeatherModel(),
            spool_dir=tmp_path,
        )


def test_calibrations_are_taken_once_per_telescope_and_night_at_twilight(tmp_path: Path) -> None:
    portal = FakePortal()
    simulator = _simulator(tmp_path, portal, threading.Event(), calibration_count=2)
    # coj, 7 Dec 2026: sunset near 08:55 UTC; 09:05 UTC is twilight, 16:00 UTC is night
    dusk = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)

    assert simulator.calibrate(NOW) == 0
    assert simulator.calibrate(dusk) == 6
    assert simulator.calibrate(dusk) == 0

    types = sorted(frame["headers"]["OBSTYPE"] for frame in portal.frames)
    assert types == ["BIAS", "BIAS", "DARK", "DARK", "SKYFLAT", "SKYFLAT"]
    assert {frame["headers"]["PROPID"] for frame in portal.frames} == {"calibrate"}


def test_the_command_builds_one_simulator_per_site_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []
    monkeypatch.setattr(
        "openocs.clients.configdb.ConfigDBClient.network", lambda self, **_: Network([COJ])
    )
    monkeypatch.setattr(SiteSimulator, "run", lambda self: ran.append(self.site))
    monkeypatch.setattr("openocs.simulator.cli.signal.signal", lambda *_: None)

    result = CliRunner().invoke(
        simulator_cli.site_group,
        ["simulate", "--token", "t", "--demo", "--spool-dir", str(tmp_path), "--seed", "3"],
    )

    assert result.exit_code == 0, result.output
    assert ran == ["coj"]
    assert "simulating site(s) coj" in result.output
    assert "exposure scale 0.01" in result.output


def test_the_command_refuses_an_unknown_site(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "openocs.clients.configdb.ConfigDBClient.network", lambda self, **_: Network([COJ])
    )
    result = CliRunner().invoke(
        simulator_cli.site_group, ["simulate", "--token", "t", "--site", "xyz"]
    )
    assert result.exit_code == 2
    assert "unknown site(s): xyz" in result.output


@pytest.mark.parametrize("dark", [[DarkSite("coj", -30.0, 100.0, -31.0)], []])
def test_demo_request_prints_a_request_for_the_darkest_site(
    monkeypatch: pytest.MonkeyPatch, dark: list[DarkSite]
) -> None:
    monkeypatch.setattr(
        "openocs.clients.configdb.ConfigDBClient.network", lambda self, **_: Network([COJ])
    )
    monkeypatch.setattr("openocs.simulator.sky.dark_sites", lambda network, moment: dark)

    result = CliRunner().invoke(simulator_cli.site_group, ["demo-request", "--name", "x"])

    if not dark:
        assert result.exit_code == 4
        assert "no site of the network is dark now" in result.output
        return
    assert result.exit_code == 0, result.output
    group = json.loads(result.output)
    request = group["requests"][0]
    assert group["name"] == "x"
    assert request["location"] == {"telescope_class": "1m0", "site": "coj"}
    assert request["configurations"][0]["target"]["ra"] == 100.0


def test_full_frame_writes_frames_at_the_cameras_full_size(tmp_path: Path) -> None:
    """``--full-frame``: each frame is as large as the instrument's camera (here a small one),
    not ``--frame-size``."""
    from astropy.io import fits

    from openocs.clients.configdb import Camera, CameraType
    from openocs.simulator.network import site_telescopes

    small_camera = Camera(
        code="fa12", camera_type=CameraType(code="tiny", pscale=0.4, pixels_x=96, pixels_y=64)
    )
    instrument = COJ.enclosure_set[0].telescope_set[0].instrument_set[0]
    site = COJ.model_copy(deep=True)
    site.enclosure_set[0].telescope_set[0].instrument_set = [
        instrument.model_copy(update={"science_cameras": [small_camera]})
    ]
    portal = FakePortal()
    simulator = _simulator(
        tmp_path, portal, threading.Event(), calibration_count=1, full_frame=True, keep_frames=True
    )
    simulator.telescopes = {info.key: info for info in site_telescopes(Network([site]), "coj")}
    dusk = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)

    assert simulator.calibrate(dusk) == 3
    written = sorted(simulator.frames_dir.glob("*.fits.fz"))
    assert len(written) == 3
    for path in written:
        with fits.open(path) as hdus:
            assert hdus["SCI"].data.shape == (96, 96)  # the camera's longest side, square
            assert hdus["SCI"].header["PIXSCALE"] == 0.4


class NeverScheduledPortal(FakePortal):
    """A portal with no observation ever created for the site: ``last_scheduled`` is its floor,
    now - 7 days, which moves with the portal's clock on every call."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/last_scheduled/"):
            self.calls.append(f"{request.method} {request.url.path}")
            floor = NOW - timedelta(days=7) + timedelta(milliseconds=len(self.calls))
            return httpx.Response(
                200, json={"last_schedule_time": floor.isoformat().replace("+00:00", "Z")}
            )
        return super().__call__(request)


def test_the_moving_floor_of_last_scheduled_is_not_a_new_schedule(tmp_path: Path) -> None:
    portal = NeverScheduledPortal()
    _run_for(0.3, tmp_path, portal)

    assert portal.calls.count("GET /api/last_scheduled/") > 2
    assert portal.calls.count("GET /api/observations/") == 1
