"""Benchmark: the network schedule page (issue 15) for 20 telescopes × 72 h with 1,500
observations.

Target: ``GET /network/`` (observations through the API's selector, downtimes through the
downtime client, nights per site, the figure and the page) renders in ≤ 300 ms median. Runs
against a fresh SQLite database in a temporary folder with the demo network imported through the
``ocs`` command line, as a signed-in staff user with the staff view. Prints median, p90 and mean
wall time, the median CPU time and the page's size.

With ``--browser``, it also serves the page, opens it in Debian's Chromium (Playwright) and times
22 zoom and pan steps of the plot (each step: ``Plotly.relayout`` of the time axis and the next
two animation frames, so Plotly's redraw and the browser's paint), and the CPU time Chromium's
processes spent per step (read from ``/proc``: Linux only), which a loaded machine inflates less
than wall time.

    .venv/bin/python benchmarks/portal_network_schedule.py [--runs 20] [--browser]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

TELESCOPES = 20
OBSERVATIONS = 1500
STATES = ["COMPLETED", "COMPLETED", "FAILED", "ABORTED", "IN_PROGRESS", "PENDING", "PENDING"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also time zooming and panning the plot in Chromium (Playwright, /usr/bin/chromium)",
    )
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
        OCS_DATA_DIR=tempfile.mkdtemp(prefix="ocs-bench-"),
        OCS_TASKS_IMMEDIATE="true",
        OCS_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from click.testing import CliRunner
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    import openocs
    from openocs.downtime.models import Downtime
    from openocs.portal.accounts.models import Profile
    from openocs.portal.observations.models import Observation
    from openocs.portal.proposals import services
    from openocs.portal.requestgroups.configuration import load_portal_configuration
    from openocs.portal.requestgroups.models import Request, RequestGroup
    from openocs.server.cli import main as ocs

    call_command("migrate", verbosity=0)
    network = Path(openocs.__file__).parent / "configdb" / "demo" / "lco-network.json"
    result = CliRunner().invoke(ocs, ["configdb", "import", str(network)])
    if result.exit_code != 0:
        print(result.output)
        return 1
    now = datetime.now(tz=UTC)
    proposal = services.proposal_create(proposal_id="BENCH-001", title="Benchmark")
    user = User.objects.create_user("bench", is_staff=True)
    Profile.objects.filter(user=user).update(staff_view=True)
    telescopes = load_portal_configuration().telescopes[:TELESCOPES]
    groups = RequestGroup.objects.bulk_create(
        RequestGroup(
            submitter=user,
            proposal=proposal,
            name=f"bench-{index}",
            observation_type=["NORMAL", "NORMAL", "RAPID_RESPONSE", "TIME_CRITICAL"][index % 4],
            operator="SINGLE",
            ipp_value=1.0,
        )
        for index in range(OBSERVATIONS)
    )
    requests = Request.objects.bulk_create(
        Request(request_group=group, duration=1800) for group in groups
    )
    per_telescope = OBSERVATIONS // len(telescopes)
    step = timedelta(hours=72) / per_telescope  # back to back over the span
    Observation.objects.bulk_create(
        Observation(
            request=request,
            site=telescopes[index % len(telescopes)].site,
            enclosure=telescopes[index % len(telescopes)].enclosure,
            telescope=telescopes[index % len(telescopes)].code,
            start=now - timedelta(hours=24) + step * (index // len(telescopes)),
            end=now - timedelta(hours=24) + step * (index // len(telescopes) + 1),
            state=STATES[index % len(STATES)],
        )
        for index, request in enumerate(requests)
    )
    for telescope in telescopes[:5]:
        Downtime.objects.create(
            start=now,
            end=now + timedelta(hours=6),
            site=telescope.site,
            enclosure=telescope.enclosure,
            telescope=telescope.code,
            reason="Benchmark",
        )
    client = Client()
    client.force_login(user)

    def timed() -> tuple[float, float, int]:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/network/")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if response.status_code != 200:
            raise SystemExit(f"/network/ answered {response.status_code}")
        if f"{OBSERVATIONS} observations and 5 downtimes".encode() not in response.content:
            raise SystemExit("the page does not show every observation and downtime")
        return elapsed, cpu, len(response.content)

    first = timed()
    print(f"first (cold) request: {1000 * first[0]:.1f} ms")
    runs = [timed() for _ in range(args.runs)]
    samples = sorted(1000 * wall for wall, _, _ in runs)
    print(
        f"network schedule /network/ {TELESCOPES} telescopes × 72 h, {OBSERVATIONS} observations, "
        f"runs={len(samples)} median={statistics.median(samples):7.1f} ms "
        f"p90={samples[int(0.9 * (len(samples) - 1))]:7.1f} ms "
        f"mean={statistics.fmean(samples):7.1f} ms "
        f"CPU median={1000 * statistics.median(cpu for _, cpu, _ in runs):7.1f} ms "
        f"page={runs[-1][2] / 1024:.0f} KiB"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.browser:
        zoom_in_browser(client.cookies["sessionid"].value)
    return 0


# Each step sets the time axis's range (what a drag-zoom or the pan bar does) and waits for the
# next two animation frames, so the time covers Plotly's redraw and the browser's paint.
ZOOM_SCRIPT = """async (ranges) => {
  const plot = document.querySelector(".js-plotly-plot");
  const times = [];
  for (const [start, end] of ranges) {
    const began = performance.now();
    await Plotly.relayout(plot, {"xaxis.range": [start, end]});
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    times.push(performance.now() - began);
  }
  return times;
}"""


def descendants_cpu_s() -> float:
    """CPU time (user + system, in seconds) of every process under this one: the Playwright
    driver and Chromium's browser, renderer and GPU processes."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[tuple[int, float]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        cpu_s = (int(fields[11]) + int(fields[12])) / tick
        children.setdefault(int(fields[1]), []).append((int(entry), cpu_s))
    total_s, parents = 0.0, [os.getpid()]
    while parents:
        for pid, cpu_s in children.get(parents.pop(), []):
            total_s += cpu_s
            parents.append(pid)
    return total_s


def zoom_in_browser(session_id: str) -> None:
    """Serve the page from this process, open it in Chromium and time zoom and pan steps."""
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    server = make_server(
        "127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()), handler_class=Quiet
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    now = datetime.now(tz=UTC)
    ranges = []
    for hours in (48, 24, 12, 6, 3, 1.5):  # zoom in around now, then pan across the span
        ranges.append((now - timedelta(hours=hours / 2), now + timedelta(hours=hours / 2)))
    for shift in range(-20, 44, 4):
        centre = now + timedelta(hours=shift)
        ranges.append((centre - timedelta(hours=3), centre + timedelta(hours=3)))
    as_text = [
        [a.strftime("%Y-%m-%d %H:%M:%S"), b.strftime("%Y-%m-%d %H:%M:%S")] for a, b in ranges
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session_id, "url": base}])
        page = context.new_page()
        started = time.perf_counter()
        page.goto(f"{base}/network/")
        page.wait_for_selector(".js-plotly-plot .main-svg")
        loaded_ms = 1000 * (time.perf_counter() - started)
        page.evaluate(ZOOM_SCRIPT, as_text[:2])  # warm-up
        cpu_before_s = descendants_cpu_s()
        times = sorted(page.evaluate(ZOOM_SCRIPT, as_text))
        cpu_per_step_ms = 1000 * (descendants_cpu_s() - cpu_before_s) / len(times)
        browser.close()
    server.shutdown()
    print(
        f"browser: page loaded and plot drawn in {loaded_ms:.0f} ms; {len(times)} zoom/pan steps: "
        f"median {statistics.median(times):.1f} ms, "
        f"p90 {times[int(0.9 * (len(times) - 1))]:.1f} ms, "
        f"max {times[-1]:.1f} ms per redraw (a step under 50 ms is 20 frames/s or better); "
        f"Chromium CPU {cpu_per_step_ms:.1f} ms per step"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(main())
