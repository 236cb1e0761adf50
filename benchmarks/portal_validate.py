"""Benchmark: validate and submit a typical one-request group (issue 5).

Target: ≤ 50 ms median after warm-up on the embedded shape (SQLite), including visibility over a
7-day window at every site with a 1-metre Sinistro. Runs against a fresh SQLite database in a
temporary folder with the demo network imported through the ``ocs`` command line, and prints
the median, p90 and mean of validate, of submit of the validated documents (visibility cached
per payload, as the contract allows) and of submit of documents never validated (cold).

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

    def payload(index: int) -> dict[str, object]:
        return {
            "name": f"bench-{index}",
            "proposal": "BENCH-001",
            "ipp_value": 1.0,
            "operator": "SINGLE",
            "observation_type": "NORMAL",
            "requests": [
                {
                    "location": {"telescope_class": "1m0"},
                    "windows": [
                        {
                            "start": now.isoformat(),
                            "end": (now + timedelta(days=7)).isoformat(),
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
                            "instrument_configs": [
                                {
                                    "exposure_time": 60,
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

    def timed(path: str, index: int) -> float:
        started = time.perf_counter()
        response = client.post(path, payload(index), format="json")
        elapsed = time.perf_counter() - started
        if response.status_code not in (200, 201):
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        return elapsed

    for index in range(3):  # warm-up: imports, configdb document cache, IERS tables
        timed("/api/requestgroups/validate/", index)
    # validate, then submit the same documents (the TOM Toolkit flow: the second call finds the
    # visibility computed by the first, cached for five minutes per payload); then submit
    # documents never seen before, which compute everything
    cases = [
        ("validate", "/api/requestgroups/validate/", 0),
        ("submit after validate", "/api/requestgroups/", 0),
        ("submit, never validated", "/api/requestgroups/", 1000),
    ]
    for label, path, offset in cases:
        samples = [timed(path, offset + index) * 1000 for index in range(args.runs)]
        ordered = sorted(samples)
        print(
            f"{label:24s} {path:30s} runs={len(samples)} "
            f"median={statistics.median(samples):7.1f} ms "
            f"p90={ordered[int(0.9 * (len(ordered) - 1))]:7.1f} ms "
            f"mean={statistics.fmean(samples):7.1f} ms"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
