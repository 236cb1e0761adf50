"""Benchmark: server time of the web pages for a user with 1,000 request groups, on SQLite.

Target (issue 12): a page's server time ≤ 150 ms median. Migrates a scratch SQLite database in a
temporary folder, loads the demo network (configdb) and proposal, bulk-inserts the groups (one
request each: location, window, configuration, ICRS target, constraints, acquisition, guiding,
instrument config) for the demo PI, signs in with Django's test client and times each page
in-process (wall and CPU time of the whole request/response cycle, no network).

    .venv/bin/python benchmarks/portal_pages.py [--groups 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any


def _insert_groups(count: int, user: Any, proposal_id: str) -> None:
    from django.db import transaction

    from openocs.portal.requestgroups import models as m

    now = datetime.now(tz=UTC)
    states = ["PENDING", "PENDING", "COMPLETED", "CANCELED", "WINDOW_EXPIRED"]
    with transaction.atomic():
        groups = m.RequestGroup.objects.bulk_create(
            [
                m.RequestGroup(
                    submitter=user,
                    proposal_id=proposal_id,
                    name=f"group-{i:04d}",
                    observation_type="NORMAL",
                    operator="SINGLE",
                    ipp_value=1.0,
                    state=states[i % len(states)],
                )
                for i in range(count)
            ]
        )
        requests = m.Request.objects.bulk_create(
            [m.Request(request_group=g, duration=600, state=g.state) for g in groups]
        )
        m.Location.objects.bulk_create(
            [m.Location(request=r, telescope_class="1m0") for r in requests]
        )
        m.Window.objects.bulk_create(
            [m.Window(request=r, start=now, end=now + timedelta(days=3)) for r in requests]
        )
        configurations = m.Configuration.objects.bulk_create(
            [
                m.Configuration(request=r, instrument_type="1M0-SCICAM-SINISTRO", type="EXPOSE")
                for r in requests
            ]
        )
        m.Target.objects.bulk_create(
            [
                m.Target(
                    configuration=c, name=f"t{i % 50}", type="ICRS", ra=(i * 7.3) % 360, dec=-20.0
                )
                for i, c in enumerate(configurations)
            ]
        )
        m.Constraints.objects.bulk_create([m.Constraints(configuration=c) for c in configurations])
        m.AcquisitionConfig.objects.bulk_create(
            [m.AcquisitionConfig(configuration=c) for c in configurations]
        )
        m.GuidingConfig.objects.bulk_create(
            [m.GuidingConfig(configuration=c, mode="ON") for c in configurations]
        )
        m.InstrumentConfig.objects.bulk_create(
            [
                m.InstrumentConfig(
                    configuration=c,
                    exposure_time=60,
                    exposure_count=1,
                    optical_elements={"filter": "rp"},
                    mode="full_frame",
                )
                for c in configurations
            ]
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="ocs-bench-pages-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
        OCS_DATA_DIR=folder,
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        OCS_LOG_LEVEL="WARNING",
        OCS_TASKS_IMMEDIATE="true",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from openocs.configdb.demo import load_demo as load_configdb_demo
    from openocs.portal.demo import load_demo as load_portal_demo
    from openocs.portal.requestgroups.models import RequestGroup

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    load_configdb_demo()
    load_portal_demo()
    alice = get_user_model().objects.get(username="alice")
    started = time.perf_counter()
    _insert_groups(args.groups, alice, "DEMO-001")
    print(f"inserted {args.groups} groups in {time.perf_counter() - started:.1f} s")
    newest = RequestGroup.objects.order_by("-id").first()
    assert newest is not None
    request_id = newest.requests.get().pk
    client = Client()
    client.force_login(alice)
    pages = [
        "/",
        "/requestgroups/",
        "/requestgroups/?state=PENDING&ordering=name",
        "/requestgroups/?page=20",
        "/requests/",
        f"/requestgroups/{newest.pk}/",
        f"/requests/{request_id}/",
        "/proposals/DEMO-001/",
        "/profile/",
        "/telescopes/",
    ]
    print(f"{'page':46s} {'first':>8s} {'median':>8s} {'p90':>8s} {'cpu med':>8s} queries")
    for path in pages:
        begin = time.perf_counter()
        response = client.get(path)  # warm-up (caches, first visibility computation)
        first_ms = (time.perf_counter() - begin) * 1000
        assert response.status_code == 200, (path, response.status_code)
        wall, cpu = [], []
        for _ in range(args.runs):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            wall.append((time.perf_counter() - begin) * 1000)
            cpu.append((time.process_time() - begin_cpu) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        ordered = sorted(wall)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(
            f"{path:46s} {first_ms:6.1f}ms {statistics.median(wall):6.1f}ms {p90:6.1f}ms "
            f"{statistics.median(cpu):6.1f}ms {len(queries.captured_queries):4d}"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
