"""Benchmark: ``GET /api/requestgroups/?limit=100`` over 100,000 stored groups on PostgreSQL.

Target (issue 5): ≤ 150 ms median, with a query count that does not grow with the page size.
Creates a scratch database ``ocs_bench_portal`` on the PostgreSQL server of
``OCS_BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/ocs_bench_portal``),
bulk-inserts the groups with one request each (location, window, configuration, target,
constraints, acquisition, guiding and instrument config), times the list as a member of the
proposal and as staff with staff view, and drops the database afterwards (``--keep`` keeps it).

    .venv/bin/python benchmarks/portal_list.py [--groups 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ocs_bench_portal"


def _recreate(url: str, *, drop_only: bool = False) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    name = config["NAME"]
    with psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=int(config.get("PORT") or 5432),
        user=config.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("OCS_BENCH_DATABASE_URL", DEFAULT_URL)
    _recreate(url)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
        DATABASE_URL=url,
        OCS_DATA_DIR=tempfile.mkdtemp(prefix="ocs-bench-"),
        OCS_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from openocs.portal.proposals.models import Membership, Proposal
    from openocs.portal.requestgroups import models as m

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        member = User.objects.create_user("member")
        staff = User.objects.create_user("staff", is_staff=True)
        staff.profile.staff_view = True
        staff.profile.save()
        proposals = [Proposal.objects.create(id=f"BENCH-{i:03d}") for i in range(20)]
        Membership.objects.create(proposal=proposals[0], user=member, role=Membership.PI)
        now = datetime.now(tz=UTC)
        batch = 5000
        for first in range(0, args.groups, batch):
            count = min(batch, args.groups - first)
            with transaction.atomic():
                groups = m.RequestGroup.objects.bulk_create(
                    [
                        m.RequestGroup(
                            submitter=member,
                            proposal=proposals[(first + i) % len(proposals)],
                            name=f"group-{first + i}",
                            observation_type="NORMAL",
                            operator="SINGLE",
                            ipp_value=1.0,
                        )
                        for i in range(count)
                    ]
                )
                requests = m.Request.objects.bulk_create(
                    [m.Request(request_group=g, duration=600) for g in groups]
                )
                m.Location.objects.bulk_create(
                    [m.Location(request=r, telescope_class="1m0") for r in requests]
                )
                m.Window.objects.bulk_create(
                    [m.Window(request=r, start=now, end=now + timedelta(days=7)) for r in requests]
                )
                configurations = m.Configuration.objects.bulk_create(
                    [
                        m.Configuration(
                            request=r, instrument_type="1M0-SCICAM-SINISTRO", type="EXPOSE"
                        )
                        for r in requests
                    ]
                )
                m.Target.objects.bulk_create(
                    [
                        m.Target(configuration=c, name="t", type="ICRS", ra=10.0, dec=-20.0)
                        for c in configurations
                    ]
                )
                m.Constraints.objects.bulk_create(
                    [m.Constraints(configuration=c) for c in configurations]
                )
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
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"inserted {args.groups} groups in {time.perf_counter() - started:.1f} s")
        for label, user in (("member", member), ("staff_view", staff)):
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
            for path in ("/api/requestgroups/?limit=10", "/api/requestgroups/?limit=100"):
                client.get(path)  # warm-up
                samples = []
                for _ in range(args.runs):
                    begin = time.perf_counter()
                    response = client.get(path)
                    samples.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200
                with CaptureQueriesContext(connection) as queries:
                    body = client.get(path).json()
                ordered = sorted(samples)
                print(
                    f"{label:10s} {path:34s} count={body['count']:6d} "
                    f"median={statistics.median(samples):6.1f} ms "
                    f"p90={ordered[int(0.9 * (len(ordered) - 1))]:6.1f} ms "
                    f"queries={len(queries.captured_queries)}"
                )
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        connection.close()
        if not args.keep:
            _recreate(url, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
