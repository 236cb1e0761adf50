"""Benchmark: validate and submit a typical one-request group (issue 5).

Target: ≤ 50 ms median after warm-up on the embedded shape (SQLite), including visibility over a
7-day window at every site with a 1-metre Sinistro (issue 17: ≤ 40 ms, and ≤ 150 ms for the same
group with 100 windows of 40 minutes spread over the week). Runs against a fresh SQLite
database in a temporary folder with the demo network imported through the ``ocs`` command line,
and prints the median, p90 and mean wall time and the median CPU time of validate, of submit of
the validated documents (visibility cached per payload, as the contract allows), of submit of
documents never validated (cold) and of validate with 100 windows.

    .venv/bin/python benchmarks/portal_validate.py [--runs 30]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="cProfile the 100-window case")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="ocs-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
        OCS_DATA_DIR=data_dir,
        OCS_TASKS_IMMEDIATE="true",
        OCS_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from click.testing import CliRunner
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

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
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    def windows(count: int) -> list[dict[str, str]]:
        """``count`` windows of 40 minutes spread over the next 7 days (one: the whole week)."""
        if count == 1:
            return [{"start": now.isoformat(), "end": (now + timedelta(days=7)).isoformat()}]
        step = timedelta(days=7) / count
        return [
            {
                "start": (now + k * step).isoformat(),
                "end": (now + k * step + timedelta(minutes=40)).isoformat(),
            }
            for k in range(count)
        ]

    def payload(index: int, window_count: int = 1) -> dict[str, object]:
        return {
            "name": f"bench-{index}",
            "proposal": "BENCH-001",
            "ipp_value": 1.0,
            "operator": "SINGLE",
            "observation_type": "NORMAL",
            "requests": [
                {
                    "location": {"telescope_class": "1m0"},
                    "windows": windows(window_count),
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
                            "instrument_configs": [
                                {
                                    "exposure_time": 60 if window_count == 1 else 10,
                                    "exposure_count": 1,
                                    "optical_elements": {"filter": "rp"},
                                }
                            ],
                            "acquisition_config": {},
                            "guiding_config": {},
                        }
                    ],
                }
            ],
        }

    def timed(path: str, index: int, window_count: int = 1) -> tuple[float, float]:
        """(wall s, CPU s) of one call."""
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(path, payload(index, window_count), format="json")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if response.status_code not in (200, 201):
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        if path.endswith("validate/") and response.json()["errors"]:
            raise SystemExit(f"not valid: {response.json()['errors']}")
        return elapsed, cpu

    for index in range(3):  # warm-up: imports, configdb document cache, IERS tables
        timed("/api/requestgroups/validate/", index)
    # validate, then submit the same documents (the TOM Toolkit flow: the second call finds the
    # visibility computed by the first, cached for five minutes per payload); then submit
    # documents never seen before, which compute everything
    cases = [
        ("validate", "/api/requestgroups/validate/", 0, 1),
        ("submit after validate", "/api/requestgroups/", 0, 1),
        ("submit, never validated", "/api/requestgroups/", 1000, 1),
        ("validate, 100 windows", "/api/requestgroups/validate/", 2000, 100),
    ]
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(timed, "/api/requestgroups/validate/", 5000, 100)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    for label, path, offset, window_count in cases:
        runs = [timed(path, offset + index, window_count) for index in range(args.runs)]
        samples = [1000 * wall for wall, _ in runs]
        ordered = sorted(samples)
        print(
            f"{label:24s} {path:30s} runs={len(samples)} "
            f"median={statistics.median(samples):7.1f} ms "
            f"p90={ordered[int(0.9 * (len(ordered) - 1))]:7.1f} ms "
            f"mean={statistics.fmean(samples):7.1f} ms "
            f"CPU median={1000 * statistics.median(cpu for _, cpu in runs):7.1f} ms"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
