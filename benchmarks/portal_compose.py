"""Benchmark: the Compose page's round trips for a typical request (issue 12).

Target: the live validation round trip (``POST /create/validate``: the form parsed into the
API's document, validated by the API's own service, errors and durations rendered) ≤ 300 ms
median. Also times the redraw after a change of structure (``POST /create/form``, adding a
configuration) and the airmass plot (``POST /create/visibility``). Runs against a fresh SQLite
database in a temporary folder with the demo network imported through the ``ocs`` command line,
signed in through a session as a browser is; each run has a different target, so visibility is
computed, not cached. Prints median, p90 and mean wall time and the median CPU time.

    .venv/bin/python benchmarks/portal_compose.py [--runs 30]
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
from typing import Any
from urllib.parse import urlencode


def form_items(node: Any, path: str = "") -> list[tuple[str, str]]:
    """A document as the page's inputs post it: ``g.<path>`` = text."""
    if isinstance(node, dict):
        return [i for k, v in node.items() for i in form_items(v, f"{path}.{k}".lstrip("."))]
    if isinstance(node, list):
        return [i for n, v in enumerate(node) for i in form_items(v, f"{path}.{n}")]
    return [] if node is None else [(f"g.{path}", str(node))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
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
    from openocs.portal.proposals import accounting, services
    from openocs.portal.proposals.models import Membership
    from openocs.server.cli import main as ocs

    call_command("migrate", verbosity=0)
    network = Path(openocs.__file__).parent / "configdb" / "demo" / "lco-network.json"
    result = CliRunner().invoke(ocs, ["configdb", "import", str(network)])
    if result.exit_code != 0:
        print(result.output)
        return 1
    now = datetime.now(tz=UTC)
    semester = services.semester_create(
        semester_id="BENCH", start=now - timedelta(days=30), end=now + timedelta(days=150)
    )
    proposal = services.proposal_create(proposal_id="BENCH-001", title="Benchmark")
    accounting.allocation_create(
        proposal=proposal,
        semester=semester,
        instrument_types=["1M0-SCICAM-SINISTRO"],
        std_allocation=1000.0,
    )
    user = User.objects.create_user("bench")
    Membership.objects.create(proposal=proposal, user=user, role=Membership.PI)
    client = Client(HTTP_HX_REQUEST="true")
    client.force_login(user)

    def document(index: int, requests: int = 1) -> dict[str, Any]:
        """A typical request: 1-metre Sinistro, two filters, a 7-day window, airmass ≤ 2; with
        ``requests`` > 1 a MANY group of that many, the windows one after the other."""
        exposures = [
            {"exposure_time": 60, "exposure_count": 2, "optical_elements": {"filter": name}}
            for name in ("V", "rp")
        ]
        return {
            "name": f"bench-{index}",
            "proposal": "BENCH-001",
            "ipp_value": 1.0,
            "operator": "MANY" if requests > 1 else "SINGLE",
            "observation_type": "NORMAL",
            "requests": [
                {
                    "location": {"telescope_class": "1m0"},
                    "windows": [
                        {
                            "start": (now + timedelta(days=7 * n)).strftime("%Y-%m-%dT%H:%M"),
                            "end": (now + timedelta(days=7 * n + 7)).strftime("%Y-%m-%dT%H:%M"),
                        }
                    ],
                    "configurations": [
                        {
                            "type": "EXPOSE",
                            "instrument_type": "1M0-SCICAM-SINISTRO",
                            "target": {
                                "type": "ICRS",
                                "name": "target",
                                "ra": (index * 13.0) % 120.0,
                                "dec": -30.0 + (index % 7) * 10.0,
                            },
                            "constraints": {"max_airmass": 2.0},
                            "instrument_configs": exposures,
                            "acquisition_config": {"mode": "OFF"},
                            "guiding_config": {"mode": "ON", "optional": "true"},
                        }
                    ],
                }
                for n in range(requests)
            ],
        }

    def timed(path: str, index: int, requests: int = 1, **extra: str) -> tuple[float, float]:
        body = urlencode(form_items(document(index, requests)) + list(extra.items()))
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        text = response.content.decode()
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {text[:300]}")
        if path.endswith("validate") and '"errors": {}' not in text:
            raise SystemExit(f"not valid: {text[:600]}")
        return elapsed, cpu

    for index in range(3):  # warm-up: imports, templates, configdb document, IERS tables
        timed("/create/validate", index)
        timed("/create/visibility", index)
    many = 3
    cases: list[tuple[str, str, int, dict[str, str], int]] = [
        ("live validation", "/create/validate", 100, {}, 1),
        (
            "redraw: add configuration",
            "/create/form",
            200,
            {"action": "add:requests.0.configurations"},
            1,
        ),
        ("airmass plot", "/create/visibility", 300, {"plot_request": "0"}, 1),
        (
            f"airmass plot, {many} requests",
            "/create/visibility",
            400,
            {"plot_request": "all"},
            many,
        ),
    ]
    for label, path, offset, extra, requests in cases:
        runs = [timed(path, offset + index, requests, **extra) for index in range(args.runs)]
        samples = sorted(1000 * wall for wall, _ in runs)
        print(
            f"{label:30s} {path:20s} runs={len(samples)} "
            f"median={statistics.median(samples):7.1f} ms "
            f"p90={samples[int(0.9 * (len(samples) - 1))]:7.1f} ms "
            f"mean={statistics.fmean(samples):7.1f} ms "
            f"CPU median={1000 * statistics.median(cpu for _, cpu in runs):7.1f} ms"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
