"""The simulated site: frame writing + ingest throughput, and submission → COMPLETED wall time.

    .venv/bin/python benchmarks/site_simulator.py [--frames 100] [--runs 3] [--frame-size 512]

Starts the real system as ``ocs up`` does (gunicorn, the task worker, the scheduler daemon; the
demo observatory) on a temporary ``OCS_DATA_DIR`` (SQLite, local file store) and a free port,
without its own simulator. Then:

1. **Throughput**: one site's pipeline in this process — :func:`write_frame` of a 512 × 512
   frame (``--frame-size``) and :meth:`SiteSimulator.ingest` (journal, md5, duplicate check,
   upload to the file store, ``POST /archive/frames/`` over HTTP) — for ``--frames`` frames, one
   after another as a telescope's worker does; prints frames per second of wall time and this
   process's CPU seconds per frame (writing and ingest separately).
2. **Submission → COMPLETED**: starts ``ocs site simulate --demo`` for the darkest site, then
   ``--runs`` times submits what ``ocs site demo-request`` prints (two 30 s exposures, shortened
   to 1 % of their time and overheads) as the demo PI and polls the request group until
   COMPLETED; prints each wall time (submission answered → state COMPLETED seen, polled every
   0.5 s).

3. **Stopping**: SIGTERM to ``ocs up`` (and the simulator) until every process has exited; prints
   the wall time (what a person pressing Ctrl-C waits, and the e2e tests' teardown).

Figures only, no pass/fail. Record ``uptime`` with them: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration.observatory import Observatory, start_observatory


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _tree_cpu_s(root: int) -> float:
    """User + system CPU seconds of ``root`` and its descendants (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total, family = 0.0, {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                changed = True
    for pid in family:
        total += times.get(pid, 0.0)
    return total


def throughput(observatory: Observatory, token: str, frames: int, size_px: int) -> None:
    from dataclasses import replace

    from openocs.clients.configdb import ConfigDBClient
    from openocs.clients.site import PortalSiteClient
    from openocs.ingester import Ingester, IngesterSettings
    from openocs.simulator.frames import FrameSpec, write_frame
    from openocs.simulator.site import SimulatorSettings, SiteSimulator
    from openocs.simulator.weather import WeatherModel

    os.environ["OCS_DATA_DIR"] = str(observatory.data_dir)  # the archive's local file store
    network = ConfigDBClient(observatory.url + "configdb/", timeout_s=60).network()
    ingester = Ingester.from_settings(
        replace(
            IngesterSettings.from_env(),
            api_root=observatory.url + "archive/",
            auth_token=token,
        )
    )
    spool = Path(tempfile.mkdtemp(prefix="sim-bench-"))
    simulator = SiteSimulator(
        site="lsc",
        network=network,
        portal=PortalSiteClient(observatory.url, token=token),
        ingester=ingester,
        weather=WeatherModel(),
        spool_dir=spool,
        settings=SimulatorSettings(frame_size_px=size_px),
    )
    now = datetime.now(UTC)
    specs = [
        FrameSpec(
            site="lsc",
            enclosure="doma",
            telescope="1m0a",
            telescope_serial="1m005",
            instrument="fa15",
            instrument_type="1M0-SCICAM-SINISTRO",
            obstype="EXPOSE",
            date_obs=now + timedelta(seconds=i),
            exposure_time_s=30.0,
            frame_number=i + 1,
            proposal_id="DEMO-001",
            public_date=now + timedelta(days=365),
            ra_deg=83.8 + i * 0.01,
            dec_deg=-5.4,
            object_name=f"bench-{i}",
            filter_name="rp",
            request_id=1,
            observation_id=1,
            configuration_status_id=1,
            size_px=size_px,
        )
        for i in range(frames)
    ]
    write_wall = write_cpu = ingest_wall = ingest_cpu = 0.0
    server_started = _tree_cpu_s(observatory.process.pid)
    started_wall, started_cpu = time.perf_counter(), _cpu_s()
    for index, spec in enumerate(specs):
        t0, c0 = time.perf_counter(), _cpu_s()
        write_frame(spec, simulator.frames_dir)
        t1, c1 = time.perf_counter(), _cpu_s()
        simulator.ingest(f"bench/{index}", spec)
        t2, c2 = time.perf_counter(), _cpu_s()
        write_wall += t1 - t0
        write_cpu += c1 - c0
        ingest_wall += t2 - t1
        ingest_cpu += c2 - c1
    wall = time.perf_counter() - started_wall
    cpu = _cpu_s() - started_cpu
    print(f"frames: {frames} of {size_px}x{size_px} px, written and ingested one after another")
    server_cpu = _tree_cpu_s(observatory.process.pid) - server_started
    print(f"  {frames / wall:.1f} frames/s of wall time ({wall:.2f} s)")
    print(
        f"  CPU per frame: {cpu / frames * 1000:.0f} ms in the site, "
        f"{server_cpu / frames * 1000:.0f} ms in the server processes (web, task worker)"
    )
    ms = 1000.0 / frames
    print(f"  writing: {write_wall * ms:.0f} ms wall, {write_cpu * ms:.0f} ms CPU per frame")
    print(f"  ingest:  {ingest_wall * ms:.0f} ms wall, {ingest_cpu * ms:.0f} ms CPU per frame")
    simulator.portal.close()
    ingester.archive.close()


def submission_to_completed(observatory: Observatory, tokens: dict[str, str], runs: int) -> None:
    import httpx
    from click.testing import CliRunner

    from openocs.simulator.cli import site_group

    printed = CliRunner().invoke(site_group, ["demo-request", "--portal-url", observatory.url])
    if printed.exit_code != 0:
        print(f"no submission run: {printed.output.strip()}")
        return
    site = json.loads(printed.stdout)["requests"][0]["location"]["site"]
    observatory.simulate("--site", site, "--demo", token=tokens["site"])
    time.sleep(5)  # the simulator's start-up (imports, configdb) is not part of the figure
    times = []
    client = httpx.Client(
        base_url=observatory.url, headers={"Authorization": f"Token {tokens['alice']}"}
    )
    for run in range(runs):
        group = json.loads(
            CliRunner()
            .invoke(
                site_group,
                ["demo-request", "--portal-url", observatory.url, "--name", f"bench-{run}"],
            )
            .stdout
        )
        response = client.post("api/requestgroups/", json=group, timeout=60)
        response.raise_for_status()
        submitted = time.perf_counter()
        group_id = response.json()["id"]
        while True:
            state = client.get(f"api/requestgroups/{group_id}/", timeout=60).json()["state"]
            if state != "PENDING":
                break
            time.sleep(0.5)
        times.append(time.perf_counter() - submitted)
        print(f"  run {run + 1}: {state} after {times[-1]:.1f} s (site {site})")
    print(
        f"submission → COMPLETED: median {statistics.median(times):.1f} s, "
        f"max {max(times):.1f} s over {runs} runs"
    )
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--frame-size", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load {os.getloadavg()[0]:.2f}")
    data_dir = Path(tempfile.mkdtemp(prefix="sim-bench-ocs-"))
    observatory = start_observatory(data_dir, "--no-simulator")
    try:
        tokens = json.loads(
            observatory.django(
                "import json\n"
                "from rest_framework.authtoken.models import Token\n"
                "from django.contrib.auth.models import User\n"
                "from openocs.server.cli import ensure_site_account\n"
                "alice = Token.objects.get_or_create(user=User.objects.get(username='alice'))\n"
                "print(json.dumps({'alice': alice[0].key, 'site': ensure_site_account()}))\n"
            )
        )
        throughput(observatory, tokens["site"], arguments.frames, arguments.frame_size)
        submission_to_completed(observatory, tokens, arguments.runs)
    finally:
        began, cpu_before = time.monotonic(), _tree_cpu_s(observatory.process.pid)
        observatory.stop()
        stop_wall = time.monotonic() - began
        print(
            f"stopping: SIGTERM to `ocs up` → every process gone in {stop_wall:.2f} s "
            f"(the process tree had used {cpu_before:.1f} s of CPU by then)"
        )
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
