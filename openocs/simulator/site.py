"""One simulated site: follow the schedule of its telescopes and observe it, over HTTP only.

The loop (:meth:`SiteSimulator.step`, every ``poll_s``):

1. report each telescope's state (``POST api/telescope_states/``) when it changes and at every
   heartbeat: ``AVAILABLE``, ``NOT_OK_TO_OPEN`` on a cloudy night, ``NOT_AVAILABLE`` during a
   fault (:class:`~openocs.simulator.weather.WeatherModel`);
2. when ``GET api/last_scheduled/?site=`` moves (or every ``refresh_s``), download the site's
   PENDING and IN_PROGRESS observations (``GET api/observations/``);
3. hand every observation whose start has come to its telescope's worker.

A worker executes an observation (:meth:`SiteSimulator.execute`): it re-reads it (a cancelled
observation is skipped), then for each configuration not yet reported marks it ``ATTEMPTED``,
plans its exposures (:mod:`openocs.simulator.plan`: once each, or repeated for the repeat
duration of a REPEAT configuration), exposes each for its exposure time and overheads
(optionally shortened), writes one frame per exposure, ingests each with the ingester
library (checksum, upload, register) and marks the configuration ``COMPLETED`` with its summary —
or ``FAILED`` with the reason (a simulated fault, frames the archive would not take, the
observation cancelled at an exposure boundary), or ``NOT_ATTEMPTED`` when the telescope is
closed. Every portal and archive call is retried with backoff while the service is down; a
configuration whose frames are not all archived is never reported ``COMPLETED``; the journal
(:mod:`openocs.simulator.journal`) makes each frame's ingest happen once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from openocs.clients.configdb import Network
from openocs.clients.errors import ClientError
from openocs.clients.site import (
    ConfigurationSummary,
    PortalSiteClient,
    SiteConfiguration,
    SiteObservation,
    TelescopeStateReport,
)
from openocs.ingester import Ingester, IngesterError, NonFatalDoNotRetryError
from openocs.ingester.publicdate import TagLookup, public_date
from openocs.simulator.frames import FrameSpec, day_obs, write_frame
from openocs.simulator.journal import FrameJournal
from openocs.simulator.network import TelescopeInfo, site_telescopes
from openocs.simulator.plan import PlannedExposure, plan_exposures
from openocs.simulator.retry import Backoff, GaveUpError
from openocs.simulator.weather import WeatherModel

__all__ = [
    "ConfigurationOutcome",
    "ObservationReport",
    "SimulatorSettings",
    "SiteSimulator",
]

logger = logging.getLogger("openocs.simulator")
T = TypeVar("T")

#: OBSTYPE written for each configuration type (LCO's raw-frame names).
OBSTYPES = {
    "REPEAT_EXPOSE": "EXPOSE",
    "SKY_FLAT": "SKYFLAT",
    "LAMP_FLAT": "LAMPFLAT",
    "NRES_BIAS": "BIAS",
    "NRES_DARK": "DARK",
    "REPEAT_SPECTRUM": "SPECTRUM",
    "NRES_SPECTRUM": "SPECTRUM",
    "REPEAT_NRES_SPECTRUM": "SPECTRUM",
}
CALIBRATION_PROPOSAL = "calibrate"
#: The loop's reads and state reports are retried at once a couple of times (a server closing
#: an idle keep-alive connection as it is reused), then left to the next pass of the loop.
QUICK_RETRY = Backoff(base_delay_s=0.2, max_delay_s=0.4, deadline_s=0.6, quiet=True)


#: ``last_scheduled`` is floored at now - 7 days by the portal; a stamp within
#: ``FLOOR_MARGIN`` of the floor (clocks of site and portal differ) means "never scheduled".
LAST_SCHEDULED_FLOOR = timedelta(days=7)
FLOOR_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class SimulatorSettings:
    """How the site behaves (times in seconds)."""

    exposure_scale: float = 1.0
    """Wall time of an exposure ÷ the time it occupies the telescope (its exposure time plus
    readout and per-exposure overheads): 0.01 makes a 300 s exposure last about 3 s."""
    max_exposure_s: float | None = None
    """Longest wall time of one exposure (None: no cap)."""
    frame_size_px: int = 512
    full_frame: bool = False
    """Write frames at the camera's full size instead of ``frame_size_px``."""
    poll_s: float = 2.0
    heartbeat_s: float = 60.0
    refresh_s: float = 60.0
    lookahead_s: float = 6 * 3600.0
    calibrations: bool = False
    calibration_count: int = 3
    keep_frames: bool = False
    backoff: Backoff = field(default_factory=Backoff)

    def exposure_wall_s(self, duration_s: float) -> float:
        """The wall time of an exposure that occupies the telescope for ``duration_s``."""
        wall = max(duration_s, 0.0) * self.exposure_scale
        return min(wall, self.max_exposure_s) if self.max_exposure_s is not None else wall


@dataclass
class ConfigurationOutcome:
    status_id: int
    state: str
    reason: str = ""
    frames: list[str] = field(default_factory=list)
    time_completed_s: float = 0.0


@dataclass
class ObservationReport:
    """What the site did with one observation."""

    observation_id: int
    cancelled: bool = False
    abandoned: str = ""
    configurations: list[ConfigurationOutcome] = field(default_factory=list)

    @property
    def frames(self) -> list[str]:
        return [name for outcome in self.configurations for name in outcome.frames]


class _Cancelled(Exception):
    """The observation left PENDING/IN_PROGRESS while it ran."""


class _Stopped(Exception):
    """The simulator is shutting down."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _target_pointing(configuration: SiteConfiguration) -> tuple[float, float, str]:
    target = configuration.target
    name = str(target.get("name") or "N/A")
    try:
        return float(target["ra"]), float(target["dec"]), name
    except (KeyError, TypeError, ValueError):
        return 0.0, 0.0, name


class SiteSimulator:
    """A site of telescopes that follows the portal's schedule (see the module text)."""

    def __init__(
        self,
        *,
        site: str,
        network: Network,
        portal: PortalSiteClient,
        ingester: Ingester,
        weather: WeatherModel,
        spool_dir: Path,
        settings: SimulatorSettings | None = None,
        proposal_tags: TagLookup | None = None,
        clock: Callable[[], datetime] = _utcnow,
        stop: threading.Event | None = None,
    ) -> None:
        self.site = site
        self.portal = portal
        self.ingester = ingester
        self.weather = weather
        self.settings = settings or SimulatorSettings()
        self.clock = clock
        self.stop = stop or threading.Event()
        self.telescopes = {info.key: info for info in site_telescopes(network, site)}
        if not self.telescopes:
            raise ValueError(f"configdb has no active telescope at site {site!r}")
        self.spool_dir = spool_dir / site
        self.frames_dir = self.spool_dir / "frames"
        self.journal = FrameJournal(self.spool_dir / "journal.jsonl")
        self._proposal_tags = proposal_tags
        self._tags_cache: dict[str, list[str] | None] = {}
        self._schedule: dict[int, SiteObservation] = {}
        self._started: set[int] = set()
        self._lock = threading.Lock()
        self._last_scheduled: datetime | None = None
        self._last_refresh = float("-inf")  # the first step always reads the schedule
        self._last_states: dict[str, tuple[str, str]] = {}
        self._last_heartbeat = 0.0
        self._calibrated: set[tuple[str, str]] = set()
        self.reports: list[ObservationReport] = []

    # -- retries -------------------------------------------------------------------------------
    def _retry(self, what: str, function: Callable[[], T]) -> T:
        return self.settings.backoff.call(
            what, function, sleep=self._wait, should_stop=self.stop.is_set
        )

    def _wait(self, seconds: float) -> None:
        if self.stop.wait(max(seconds, 0.0)):
            raise _Stopped

    # -- telescope states ----------------------------------------------------------------------
    def telescope_state(self, info: TelescopeInfo, now: datetime) -> tuple[str, str]:
        """``(event_type, event_reason)`` of a telescope at ``now`` under the weather model."""
        sky = self.weather.sky(self.site, now, info.longitude_deg)
        if sky == "cloudy night":
            return "NOT_OK_TO_OPEN", "Weather: Cloudy night (simulated)"
        if sky == "cloudy spell":
            return "NOT_OK_TO_OPEN", "Weather: Clouds (simulated)"
        if self.weather.is_unavailable(info.key, now):
            return "NOT_AVAILABLE", "Sequencer: Simulated fault"
        return "AVAILABLE", "Available"

    def report_states(self, now: datetime, *, force: bool = False) -> bool:
        """Post the telescopes' states if one changed or a heartbeat is due; True if posted."""
        states = {key: self.telescope_state(info, now) for key, info in self.telescopes.items()}
        due = force or time.monotonic() - self._last_heartbeat >= self.settings.heartbeat_s
        if not due and states == self._last_states:
            return False
        reports = [
            TelescopeStateReport(telescope=key, event_type=kind, event_reason=reason, start=now)
            for key, (kind, reason) in sorted(states.items())
        ]
        try:
            QUICK_RETRY.call(
                "report telescope states",
                lambda: self.portal.report_telescope_states(reports),
                sleep=self._wait,
            )
        except (ClientError, GaveUpError) as error:
            logger.warning("%s: telescope states not reported: %s", self.site, error)
            return False
        self._last_states = states
        self._last_heartbeat = time.monotonic()
        return True

    # -- the schedule --------------------------------------------------------------------------
    def refresh(self, now: datetime, *, force: bool = False) -> bool:
        """Download the schedule when ``last_scheduled`` moved or ``refresh_s`` passed."""
        try:
            stamp = QUICK_RETRY.call(
                "read last_scheduled",
                lambda: self.portal.last_scheduled(site=self.site),
                sleep=self._wait,
            )
            # The portal floors the stamp at now - 7 days (its API, section 16.2): for a site
            # never scheduled it moves with the clock, which is no news.
            seen: datetime | None = (
                None if stamp < now - LAST_SCHEDULED_FLOOR + FLOOR_MARGIN else stamp
            )
            stale = time.monotonic() - self._last_refresh >= self.settings.refresh_s
            if not force and not stale and seen == self._last_scheduled:
                return False
            observations = QUICK_RETRY.call(
                "read the schedule",
                lambda: self.portal.observations(
                    site=self.site,
                    end_after=now,
                    start_before=now + timedelta(seconds=self.settings.lookahead_s),
                ),
                sleep=self._wait,
            )
        except (ClientError, GaveUpError) as error:
            logger.warning("%s: schedule not read: %s", self.site, error)
            return False
        with self._lock:
            self._schedule = {o.id: o for o in observations if o.telescope_key in self.telescopes}
        self._last_scheduled = seen
        self._last_refresh = time.monotonic()
        return True

    def due(self, now: datetime) -> list[SiteObservation]:
        """Observations whose start has come and that this site has not started yet."""
        with self._lock:
            return [
                o
                for o in sorted(self._schedule.values(), key=lambda o: (o.start, o.id))
                if o.start <= now < o.end and o.is_active and o.id not in self._started
            ]

    def step(self) -> list[SiteObservation]:
        """One pass of the loop: report states, refresh the schedule; returns the observations
        to start now (each returned once)."""
        now = self.clock()
        self.report_states(now)
        self.refresh(now)
        started = []
        for observation in self.due(now):
            with self._lock:
                if observation.id in self._started:
                    continue
                self._started.add(observation.id)
            started.append(observation)
        return started

    # -- executing an observation --------------------------------------------------------------
    def execute(self, observation: SiteObservation) -> ObservationReport:
        """Execute one observation and report it to the portal (see the module text)."""
        report = ObservationReport(observation_id=observation.id)
        try:
            self._execute(observation, report)
        except _Stopped:
            report.abandoned = "the simulator stopped"
        except (GaveUpError, ClientError) as error:  # down too long, or a refusal (4xx)
            report.abandoned = str(error)
            logger.error("%s: observation %s abandoned: %s", self.site, observation.id, error)
        self.reports.append(report)
        return report

    def _execute(self, observation: SiteObservation, report: ObservationReport) -> None:
        info = self.telescopes[observation.telescope_key]
        current = self._retry(
            f"read observation {observation.id}", lambda: self.portal.observation(observation.id)
        )
        if not current.is_active:
            report.cancelled = True
            return
        pending = [c for c in current.request.configurations if not c.is_terminal]
        kind, reason = self.telescope_state(info, self.clock())
        if kind != "AVAILABLE":
            for configuration in pending:
                self._not_attempted(configuration, reason, report)
            return
        for index, configuration in enumerate(pending):
            if index and not self._still_active(observation.id):
                report.cancelled = True
                for rest in pending[index:]:
                    self._not_attempted(rest, "Observation cancelled", report)
                return
            cancelled = self._run_configuration(current, configuration, info, report)
            if cancelled:
                report.cancelled = True
                for rest in pending[index + 1 :]:
                    self._not_attempted(rest, "Observation cancelled", report)
                return

    def _still_active(self, observation_id: int) -> bool:
        current = self._retry(
            f"read observation {observation_id}", lambda: self.portal.observation(observation_id)
        )
        return current.is_active

    def _patch(
        self, status_id: int, *, state: str, summary: ConfigurationSummary | None = None
    ) -> None:
        self._retry(
            f"report configuration status {status_id} {state}",
            lambda: self.portal.update_configuration_status(
                status_id, state=state, summary=summary
            ),
        )

    def _not_attempted(
        self, configuration: SiteConfiguration, reason: str, report: ObservationReport
    ) -> None:
        now = self.clock()
        summary = ConfigurationSummary(
            start=now, end=now, state="NOT_ATTEMPTED", reason=reason, time_completed=0.0
        )
        self._patch(configuration.configuration_status, state="NOT_ATTEMPTED", summary=summary)
        report.configurations.append(
            ConfigurationOutcome(configuration.configuration_status, "NOT_ATTEMPTED", reason)
        )

    def _run_configuration(
        self,
        observation: SiteObservation,
        configuration: SiteConfiguration,
        info: TelescopeInfo,
        report: ObservationReport,
    ) -> bool:
        """Run one configuration; True if the observation was cancelled during it."""
        status_id = configuration.configuration_status
        start = self.clock()
        self._patch(status_id, state="ATTEMPTED")
        instrument = info.instrument(configuration.instrument_name, configuration.instrument_type)
        plan = plan_exposures(configuration, instrument)
        exposures = plan.exposures
        fault = self.weather.configuration_fault(status_id, len(exposures))
        outcome = ConfigurationOutcome(status_id, "COMPLETED")
        events: list[dict[str, Any]] = []
        cancelled = False
        for index, exposure in enumerate(exposures):
            if fault is not None and index == fault[0]:
                outcome.state, outcome.reason = "FAILED", fault[1]
                break
            if index and self._clouded_over(info):
                outcome.state = "FAILED"
                outcome.reason = (
                    f"Weather: clouds came over after {index} of {len(exposures)} exposures "
                    "(simulated)"
                )
                break
            if index and not self._still_active(observation.id):
                outcome.state = "FAILED"
                outcome.reason = (
                    f"Observation cancelled: stopped after {index} of {len(exposures)} exposures"
                )
                cancelled = True
                break
            try:
                name, exposure_start = self._expose(
                    observation, configuration, info, index, len(exposures), exposure
                )
            except (GaveUpError, IngesterError) as error:
                outcome.state, outcome.reason = "FAILED", f"Frame not archived: {error}"
                break
            outcome.frames.append(name)
            outcome.time_completed_s += exposure.exposure_time_s
            event: dict[str, Any] = {
                "frame": name,
                "start": exposure_start.isoformat().replace("+00:00", "Z"),
                "exposure_time": exposure.exposure_time_s,
                "filter": exposure.filter_name,
            }
            if plan.is_repeat:
                event["repeat"] = exposure.repeat
            events.append(event)
        summary_events: dict[str, Any] = {"exposures": events, "simulated": True}
        if plan.is_repeat:
            done = len(outcome.frames)
            summary_events["repeat"] = {
                "repeat_duration": plan.repeat_duration_s,
                "duration_used": round(plan.duration_s(done), 3),
                "repeats_completed": plan.repeats_completed(done),
                "exposures_per_repeat": plan.pass_length,
                "exposures_planned": len(exposures),
            }
        summary = ConfigurationSummary(
            start=start,
            end=max(self.clock(), start),
            state=outcome.state,
            reason=outcome.reason,
            time_completed=outcome.time_completed_s,
            events=summary_events,
        )
        self._patch(status_id, state=outcome.state, summary=summary)
        report.configurations.append(outcome)
        logger.info(
            "%s: observation %s configuration status %s %s (%d frames)%s",
            self.site, observation.id, status_id, outcome.state, len(outcome.frames),
            f": {outcome.reason}" if outcome.reason else "",
        )  # fmt: skip
        return cancelled

    def _clouded_over(self, info: TelescopeInfo) -> bool:
        """Whether the weather closed the telescope while it observed (a cloudy spell)."""
        return self.weather.sky(self.site, self.clock(), info.longitude_deg) != "clear"

    def _public_date(self, observation_date: datetime, proposal: str, obstype: str) -> datetime:
        if proposal not in self._tags_cache and self._proposal_tags is not None:
            self._tags_cache[proposal] = self._proposal_tags(proposal)
        cached = self._tags_cache.get(proposal)

        def lookup(_proposal: str) -> list[str] | None:
            return cached

        moment, _rule = public_date(
            observation_date=observation_date,
            proposal_id=proposal,
            configuration_type=obstype,
            basename="",
            settings=self.ingester.settings,
            proposal_tags=lookup if self._proposal_tags is not None else None,
        )
        return moment

    def _expose(
        self,
        observation: SiteObservation,
        configuration: SiteConfiguration,
        info: TelescopeInfo,
        index: int,
        count: int,
        exposure: PlannedExposure,
    ) -> tuple[str, datetime]:
        """One exposure: wait (its exposure time and overheads, shortened as the settings say),
        write the frame (once), ingest it (once); ``(basename, start)``."""
        identity = f"obs{observation.id}/cs{configuration.configuration_status}/{index}"
        instrument = info.instrument(configuration.instrument_name, configuration.instrument_type)
        existing = self.journal.get(identity)
        if existing is not None and existing.ingested:
            when = datetime.fromisoformat(existing.date_obs)
            return self._spec_name(info, instrument.camera, existing.day_obs, existing), when
        exposure_start = self.clock()
        if existing is None:
            self._wait(self.settings.exposure_wall_s(exposure.duration_s))
        ra_deg, dec_deg, name = _target_pointing(configuration)
        obstype = OBSTYPES.get(configuration.type, configuration.type)
        entry = self.journal.allocate(
            identity,
            instrument=instrument.camera,
            day_obs=day_obs(exposure_start, info.longitude_deg),
            date_obs=exposure_start.isoformat(),
        )
        date_obs = datetime.fromisoformat(entry.date_obs)
        spec = FrameSpec(
            site=info.site,
            enclosure=info.enclosure,
            telescope=info.telescope,
            telescope_serial=info.serial,
            instrument=instrument.camera,
            instrument_type=instrument.instrument_type or configuration.instrument_type,
            obstype=obstype,
            date_obs=date_obs,
            exposure_time_s=exposure.exposure_time_s,
            frame_number=entry.frame_number,
            proposal_id=observation.proposal,
            public_date=self._public_date(date_obs, observation.proposal, obstype),
            ra_deg=ra_deg,
            dec_deg=dec_deg,
            object_name=name,
            filter_name=exposure.filter_name,
            request_id=observation.request.id,
            request_group_id=observation.request_group_id,
            request_group_name=observation.name,
            observation_id=observation.id,
            configuration_id=configuration.id,
            configuration_status_id=configuration.configuration_status,
            submitter=observation.submitter,
            exposure_index=index + 1,
            exposure_count=count,
            site_longitude_deg=info.longitude_deg,
            site_latitude_deg=info.latitude_deg,
            site_elevation_m=info.elevation_m,
            pixel_scale_arcsec=instrument.pixel_scale_arcsec,
            size_px=self._size_px(instrument),
        )
        self.ingest(identity, spec)
        return spec.basename, date_obs

    def _size_px(self, instrument: Any) -> int:
        """The frame size: the camera's full size with ``full_frame``, else ``frame_size_px``."""
        return instrument.full_size_px if self.settings.full_frame else self.settings.frame_size_px

    @staticmethod
    def _spec_name(info: TelescopeInfo, camera: str, night: str, entry: Any) -> str:
        return f"{info.site}{info.serial}-{camera}-{night}-{entry.frame_number:04d}"

    def ingest(self, identity: str, spec: FrameSpec) -> None:
        """Write ``spec``'s frame (unless spooled already) and ingest it unless the journal says
        it is archived; an archive answering "already archived" counts as archived."""
        entry = self.journal.get(identity)
        if entry is not None and entry.ingested:
            return
        path = self.frames_dir / spec.filename
        if not path.exists():
            write_frame(spec, self.frames_dir)
        try:
            answer = self._retry(f"ingest {spec.filename}", lambda: self.ingester.ingest_path(path))
            frame_id = answer.get("frameid")
        except NonFatalDoNotRetryError:
            frame_id = None  # these very bytes are archived already (an answer was lost)
        self.journal.mark_ingested(identity, frame_id=frame_id)
        if not self.settings.keep_frames:
            path.unlink(missing_ok=True)

    # -- the loop ------------------------------------------------------------------------------
    def run(self) -> None:
        """Run until ``stop`` is set: one worker thread per telescope."""
        workers = ThreadPoolExecutor(
            max_workers=len(self.telescopes), thread_name_prefix=f"site-{self.site}"
        )
        futures: list[Future[ObservationReport]] = []
        logger.info("%s: simulating %d telescopes", self.site, len(self.telescopes))
        try:
            self.report_states(self.clock(), force=True)
            while not self.stop.is_set():
                for observation in self.step():
                    futures.append(workers.submit(self.execute, observation))
                if self.settings.calibrations:
                    self.calibrate(self.clock())
                futures = [f for f in futures if not f.done()]
                self.stop.wait(self.settings.poll_s)
        finally:
            workers.shutdown(wait=True, cancel_futures=True)

    # -- calibrations at twilight --------------------------------------------------------------
    def calibrate(self, now: datetime) -> int:
        """At evening twilight (Sun between 0° and −10°), once per telescope and night, take
        ``calibration_count`` bias, dark and sky-flat frames with its first instrument and
        ingest them; returns how many frames were taken."""
        from openocs.visibility import Site, sun_altitude_deg

        taken = 0
        for info in self.telescopes.values():
            night = day_obs(now, info.longitude_deg)
            if (info.key, night) in self._calibrated or not info.instruments:
                continue
            where = Site(
                latitude_deg=info.latitude_deg,
                longitude_deg=info.longitude_deg,
                elevation_m=max(info.elevation_m, 0.0),
            )
            altitude = float(sun_altitude_deg(where, now)[0])
            later = float(sun_altitude_deg(where, now + timedelta(minutes=10))[0])
            if not (-10.0 < altitude < 0.0 and later < altitude):
                continue
            self._calibrated.add((info.key, night))
            taken += self.take_calibrations(info, now)
        return taken

    def take_calibrations(self, info: TelescopeInfo, now: datetime) -> int:
        """Bias, dark and sky-flat frames of ``info``'s first instrument for the night."""
        instrument = next(iter(info.instruments.values()))
        night = day_obs(now, info.longitude_deg)
        taken = 0
        plan = [("BIAS", 0.0), ("DARK", 300.0), ("SKYFLAT", 10.0)]
        for obstype, exposure_time_s in plan:
            for n in range(self.settings.calibration_count):
                identity = f"calib/{info.key}/{night}/{obstype}/{n}"
                entry = self.journal.allocate(
                    identity, instrument=instrument.camera, day_obs=night, date_obs=now.isoformat()
                )
                date_obs = datetime.fromisoformat(entry.date_obs) + timedelta(seconds=taken)
                spec = FrameSpec(
                    site=info.site,
                    enclosure=info.enclosure,
                    telescope=info.telescope,
                    telescope_serial=info.serial,
                    instrument=instrument.camera,
                    instrument_type=instrument.instrument_type,
                    obstype=obstype,
                    date_obs=date_obs,
                    exposure_time_s=exposure_time_s,
                    frame_number=entry.frame_number,
                    proposal_id=CALIBRATION_PROPOSAL,
                    public_date=date_obs,
                    object_name=obstype.lower(),
                    filter_name=instrument.filters[0] if instrument.filters else "air",
                    site_longitude_deg=info.longitude_deg,
                    site_latitude_deg=info.latitude_deg,
                    site_elevation_m=info.elevation_m,
                    pixel_scale_arcsec=instrument.pixel_scale_arcsec,
                    size_px=self._size_px(instrument),
                )
                try:
                    self.ingest(identity, spec)
                except (GaveUpError, IngesterError) as error:
                    logger.warning(
                        "%s: calibration %s not archived: %s", self.site, identity, error
                    )
                    continue
                taken += 1
        return taken
