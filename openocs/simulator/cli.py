"""``ocs site …``: a simulated observatory site, a real client of the public HTTP API.

Mounted into the ``ocs`` CLI by ``openocs.server.cli`` as ``site_group``. Everything heavy
(astropy, numpy, the ingester) is imported inside the command, so ``ocs --help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any

import click

__all__ = ["DEFAULT_PORTAL_URL", "site_group"]

DEFAULT_PORTAL_URL = "http://127.0.0.1:8000/"
DEMO_EXPOSURE_SCALE = 0.01
DEMO_MAX_EXPOSURE_S = 2.0


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _probability(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise click.BadParameter("must be between 0 and 1")
    return value


def _site_probabilities(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, float]:
    parsed: dict[str, float] = {}
    for value in values:
        site, _, number = value.partition("=")
        try:
            probability = float(number)
        except ValueError:
            raise click.BadParameter(f"expected SITE=PROBABILITY, got {value!r}") from None
        if not site or not 0.0 <= probability <= 1.0:
            raise click.BadParameter(f"expected SITE=PROBABILITY in [0, 1], got {value!r}")
        parsed[site] = probability
    return parsed


@click.group(name="site")
def site_group() -> None:
    """Site-side tools: a simulated observatory site."""


@site_group.command("simulate")
@click.option(
    "--portal-url",
    envvar="OCS_PORTAL_URL",
    default=DEFAULT_PORTAL_URL,
    show_default=True,
    help="Observation portal base URL (env OCS_PORTAL_URL).",
)
@click.option(
    "--archive-url",
    envvar="OCS_ARCHIVE_URL",
    default="",
    help="Archive base URL (env OCS_ARCHIVE_URL; default <portal-url>archive/).",
)
@click.option(
    "--configdb-url",
    envvar="OCS_CONFIGDB_URL",
    default="",
    help="configdb base URL (env OCS_CONFIGDB_URL; default <portal-url>configdb/).",
)
@click.option(
    "--token",
    envvar="OCS_SITE_TOKEN",
    default="",
    help="API token of a staff account with staff_view that may ingest (env OCS_SITE_TOKEN).",
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    help="Site code to simulate (repeatable; default: every site configdb lists).",
)
@click.option(
    "--demo",
    is_flag=True,
    help=f"Shorten exposures for a demonstration (--exposure-scale {DEMO_EXPOSURE_SCALE} "
    f"--max-exposure {DEMO_MAX_EXPOSURE_S:g}).",
)
@click.option(
    "--exposure-scale",
    envvar="OCS_SIM_EXPOSURE_SCALE",
    type=click.FloatRange(min=0),
    default=None,
    help="Wall time of an exposure ÷ its exposure time (default 1; env OCS_SIM_EXPOSURE_SCALE).",
)
@click.option(
    "--max-exposure",
    "max_exposure_s",
    envvar="OCS_SIM_MAX_EXPOSURE_S",
    type=click.FloatRange(min=0),
    default=None,
    help="Longest wall time of one exposure, seconds (env OCS_SIM_MAX_EXPOSURE_S).",
)
@click.option(
    "--frame-size",
    "frame_size_px",
    type=click.IntRange(min=16, max=8192),
    default=512,
    show_default=True,
    help="Width and height of the frames, pixels.",
)
@click.option("--full-frame", is_flag=True, help="Write frames at each camera's full size.")
@click.option(
    "--seed", envvar="OCS_SIM_SEED", type=int, default=0, show_default=True, help="Weather seed."
)
@click.option(
    "--cloudy-night-probability",
    envvar="OCS_SIM_CLOUDY_PROBABILITY",
    type=float,
    default=0.0,
    show_default=True,
    callback=_probability,
    help="Probability that a site is clouded out for a night (env OCS_SIM_CLOUDY_PROBABILITY).",
)
@click.option(
    "--cloudy-site",
    "cloudy_sites",
    multiple=True,
    callback=_site_probabilities,
    help="SITE=PROBABILITY: the cloudy-night probability of one site (repeatable).",
)
@click.option(
    "--partly-cloudy-probability",
    envvar="OCS_SIM_PARTLY_CLOUDY_PROBABILITY",
    type=float,
    default=0.0,
    show_default=True,
    callback=_probability,
    help="Probability that a night not clouded out has a cloudy spell of 1-4 hours "
    "(env OCS_SIM_PARTLY_CLOUDY_PROBABILITY).",
)
@click.option(
    "--failure-probability",
    envvar="OCS_SIM_FAILURE_PROBABILITY",
    type=float,
    default=0.0,
    show_default=True,
    callback=_probability,
    help="Probability that a configuration fails part-way (env OCS_SIM_FAILURE_PROBABILITY).",
)
@click.option(
    "--unavailable-probability",
    envvar="OCS_SIM_UNAVAILABLE_PROBABILITY",
    type=float,
    default=0.0,
    show_default=True,
    callback=_probability,
    help="Probability that a telescope is unavailable for an hour "
    "(env OCS_SIM_UNAVAILABLE_PROBABILITY).",
)
@click.option(
    "--inject-failures",
    envvar="OCS_SIM_INJECT_FAILURES",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Fail the first N configurations attempted (demonstrates re-planning; "
    "env OCS_SIM_INJECT_FAILURES).",
)
@click.option("--calibrations", is_flag=True, help="Take bias, dark and flat frames at twilight.")
@click.option(
    "--spool-dir",
    envvar="OCS_SIM_SPOOL_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where frames wait for ingest and the journal lives "
    "(env OCS_SIM_SPOOL_DIR; default $OCS_DATA_DIR/site-simulator).",
)
@click.option(
    "--keep-frames", is_flag=True, help="Keep the written frames in the spool after ingest."
)
@click.option(
    "--poll",
    "poll_s",
    type=click.FloatRange(min=0.05),
    default=2.0,
    show_default=True,
    help="Seconds between checks of last_scheduled.",
)
@click.option(
    "--retry-deadline",
    "retry_deadline_s",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="How long to keep retrying a portal or archive that is down, seconds.",
)
def simulate(**options: Any) -> None:
    """Simulate an observatory site: follow the portal's schedule for the site's telescopes,
    mark configurations ATTEMPTED, expose, write one FITS frame per exposure, ingest it into
    the archive and mark the configuration COMPLETED (or FAILED with a reason), and report the
    telescopes' states (open, closed for weather, unavailable). It talks to the portal and
    archive only over their public HTTP API, so it works against any compatible portal.
    `ocs up` starts it for every demo site (`--no-simulator` turns it off).

    \b
    Examples:
        OCS_SITE_TOKEN=<token> ocs site simulate --site coj --demo
        ocs site simulate --token <token> --demo --cloudy-night-probability 0.2 \\
            --failure-probability 0.1 --seed 7

    \b
    Exit codes: 0 stopped normally; 2 bad command line (e.g. no token); 3 the portal or
    configdb could not be read at start.
    """
    _simulate(**options)


def _simulate(
    *,
    portal_url: str,
    archive_url: str,
    configdb_url: str,
    token: str,
    sites: tuple[str, ...],
    demo: bool,
    exposure_scale: float | None,
    max_exposure_s: float | None,
    frame_size_px: int,
    full_frame: bool,
    seed: int,
    cloudy_night_probability: float,
    cloudy_sites: dict[str, float],
    partly_cloudy_probability: float,
    failure_probability: float,
    unavailable_probability: float,
    inject_failures: int,
    calibrations: bool,
    spool_dir: Path | None,
    keep_frames: bool,
    poll_s: float,
    retry_deadline_s: float,
) -> None:
    import logging
    from dataclasses import replace

    from openocs.clients.configdb import ConfigDBClient
    from openocs.clients.errors import ClientError
    from openocs.clients.portal import PortalClient
    from openocs.clients.site import PortalSiteClient
    from openocs.exiting import skip_final_collection
    from openocs.ingester import Ingester, IngesterSettings
    from openocs.simulator.retry import Backoff, GaveUpError
    from openocs.simulator.site import SimulatorSettings, SiteSimulator
    from openocs.simulator.weather import WeatherModel

    if not token:
        raise click.UsageError(
            "the site needs a staff token with staff_view: pass --token or set OCS_SITE_TOKEN "
            "(`ocs up` creates one for its `site` account)"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    portal_url = _with_slash(portal_url)
    archive_url = _with_slash(archive_url or portal_url + "archive/")
    backoff = Backoff(base_delay_s=1.0, max_delay_s=30.0, deadline_s=retry_deadline_s)
    configdb = ConfigDBClient(
        _with_slash(configdb_url or portal_url + "configdb/"),
        timeout_s=60.0,
        retry_after_failure_s=0.0,
    )
    try:  # the portal may still be starting (``ocs up``): wait for it like for an outage
        network = backoff.call("read configdb", configdb.network)
    except (ClientError, GaveUpError) as error:
        click.echo(f"error: configdb could not be read: {error}", err=True)
        raise SystemExit(3) from None
    chosen = list(sites) or sorted(site.code for site in network.sites if site.active)
    unknown = sorted(set(chosen) - network.site_codes)
    if unknown:
        raise click.BadParameter(f"unknown site(s): {', '.join(unknown)}", param_hint="--site")
    if demo:
        exposure_scale = DEMO_EXPOSURE_SCALE if exposure_scale is None else exposure_scale
        max_exposure_s = DEMO_MAX_EXPOSURE_S if max_exposure_s is None else max_exposure_s
    settings = SimulatorSettings(
        exposure_scale=1.0 if exposure_scale is None else exposure_scale,
        max_exposure_s=max_exposure_s,
        frame_size_px=frame_size_px,
        full_frame=full_frame,
        poll_s=poll_s,
        calibrations=calibrations,
        keep_frames=keep_frames,
        backoff=backoff,
    )
    weather = WeatherModel(
        seed=seed,
        cloudy_night_probability=cloudy_night_probability,
        cloudy_sites=cloudy_sites,
        partly_cloudy_probability=partly_cloudy_probability,
        failure_probability=failure_probability,
        unavailable_probability=unavailable_probability,
        inject_failures=inject_failures,
    )
    ingester = Ingester.from_settings(
        replace(IngesterSettings.from_env(), api_root=archive_url, auth_token=token)
    )
    tags_client = PortalClient(portal_url, token=token)

    def proposal_tags(proposal_id: str) -> list[str] | None:
        try:
            return tags_client.proposal_tags(proposal_id)
        except ClientError:
            return None

    spool = spool_dir or Path(os.environ.get("OCS_DATA_DIR", "var")) / "site-simulator"
    stop = threading.Event()
    simulators = [
        SiteSimulator(
            site=code,
            network=network,
            portal=PortalSiteClient(portal_url, token=token),
            ingester=ingester,
            weather=weather,
            spool_dir=spool,
            settings=settings,
            proposal_tags=proposal_tags,
            stop=stop,
        )
        for code in chosen
    ]

    def _stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    skip_final_collection()  # once stopped, exit without walking the heap
    click.echo(
        f"simulating site(s) {', '.join(chosen)} against {portal_url} "
        f"(exposure scale {settings.exposure_scale:g}; Ctrl-C stops)"
    )
    threads = [
        threading.Thread(target=simulator.run, name=f"site-{simulator.site}", daemon=True)
        for simulator in simulators
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=0.5)
    for simulator in simulators:
        simulator.portal.close()
    ingester.archive.close()
    configdb.close()


@site_group.command("demo-request")
@click.option(
    "--portal-url",
    envvar="OCS_PORTAL_URL",
    default=DEFAULT_PORTAL_URL,
    show_default=True,
    help="Observation portal base URL; its configdb is read (env OCS_PORTAL_URL).",
)
@click.option(
    "--configdb-url",
    envvar="OCS_CONFIGDB_URL",
    default="",
    help="configdb base URL (env OCS_CONFIGDB_URL; default <portal-url>configdb/).",
)
@click.option("--proposal", default="DEMO-001", show_default=True, help="Proposal id.")
@click.option("--name", default="first-light", show_default=True, help="Request group name.")
@click.option(
    "--exposures", type=click.IntRange(min=1), default=2, show_default=True, help="How many."
)
@click.option(
    "--exposure-time",
    "exposure_time_s",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds per exposure.",
)
@click.option(
    "--window-minutes",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="The request's window: from now for this many minutes.",
)
def demo_request(
    portal_url: str,
    configdb_url: str,
    proposal: str,
    name: str,
    exposures: int,
    exposure_time_s: float,
    window_minutes: float,
) -> None:
    """Print a request group (JSON) that can be observed right now: an imaging request for the
    field overhead at the darkest site of the network with a 1-metre telescope (Sinistro), or
    else at the darkest site with a 0.4-metre (QHY600), with a window from now.

    \b
    Example:
        ocs site demo-request --proposal DEMO-001 > request.json
        curl -H "Authorization: Token $TOKEN" -H "Content-Type: application/json" \\
            -d @request.json http://127.0.0.1:8000/api/requestgroups/

    \b
    Exit codes: 0 printed; 3 configdb could not be read; 4 no site is dark now.
    """
    import json
    from datetime import UTC, datetime, timedelta

    from openocs.clients.configdb import ConfigDBClient
    from openocs.clients.errors import ClientError
    from openocs.clients.http import format_datetime
    from openocs.simulator.sky import dark_sites, demo_choice

    portal_url = _with_slash(portal_url)
    configdb = ConfigDBClient(_with_slash(configdb_url or portal_url + "configdb/"))
    try:
        network = configdb.network()
    except ClientError as error:
        click.echo(f"error: configdb could not be read: {error}", err=True)
        raise SystemExit(3) from None
    finally:
        configdb.close()
    now = datetime.now(UTC)
    choice = demo_choice(network, dark_sites(network, now))
    if choice is None:
        click.echo("error: no site of the network is dark now; try again later", err=True)
        raise SystemExit(4)
    darkest, telescope_class, instrument_type = choice
    start = now.replace(microsecond=0)
    group = {
        "name": name,
        "proposal": proposal,
        "ipp_value": 1.0,
        "operator": "SINGLE",
        "observation_type": "NORMAL",
        "requests": [
            {
                "location": {"telescope_class": telescope_class, "site": darkest.site},
                "windows": [
                    {
                        "start": format_datetime(start),
                        "end": format_datetime(start + timedelta(minutes=window_minutes)),
                    }
                ],
                "configurations": [
                    {
                        "type": "EXPOSE",
                        "instrument_type": instrument_type,
                        "target": darkest.target(),
                        "constraints": {"max_airmass": 2.0},
                        "acquisition_config": {},
                        "guiding_config": {},
                        "instrument_configs": [
                            {
                                "exposure_time": exposure_time_s,
                                "exposure_count": exposures,
                                "optical_elements": {"filter": "rp"},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    click.echo(json.dumps(group, indent=2))
