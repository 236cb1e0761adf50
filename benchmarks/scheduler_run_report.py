"""What the daemon's run report costs: explaining every left-out request and building the body
of ``POST /api/scheduler/runs/`` after a cycle.

    .venv/bin/python benchmarks/scheduler_run_report.py [--instance contended1k] [--kernel greedy]
        [--portal 5]

Plans one cycle of a frozen instance (``plan_cycle``, both passes), then times
``run_record`` (``explain`` of each pass) and ``RunRecord.document`` with its JSON encoding.
Prints wall and CPU time, how many requests were left out and the body's size. With
``--portal N`` it also posts that body N times to a portal on a fresh SQLite database (Django's
test client: the whole view, validation and transaction, no network) and prints the median.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from openocs.scheduler.passes import plan_cycle
from openocs.scheduler.runs import run_record
from openocs.scheduler.serialization import load_problem

INSTANCES = Path(__file__).parent / "instances"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="contended1k")
    parser.add_argument("--kernel", default="greedy")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--portal", type=int, default=0, help="post the body this many times")
    args = parser.parse_args()
    name = f"scheduler_{args.instance}"
    path = INSTANCES / f"{name}.json"
    problem = load_problem(path if path.exists() else INSTANCES / f"{name}.json.gz")
    started = datetime.now(UTC)
    solve_wall, solve_cpu = time.perf_counter(), time.process_time()
    cycle = plan_cycle(problem, [], kernel=args.kernel, time_limit_s=args.time_limit)
    solve_wall, solve_cpu = time.perf_counter() - solve_wall, time.process_time() - solve_cpu
    wall, cpu = time.perf_counter(), time.process_time()
    record = run_record(
        started=started,
        ended=datetime.now(UTC),
        kernel=args.kernel,
        trigger="benchmark",
        ok=cycle.ok,
        error="",
        dry_run=True,
        requests_considered=sum(len(g.requests) for g in problem.groups),
        counts={},
        passes=[cycle.rapid_response, cycle.normal],
    )
    explain_wall, explain_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    body = json.dumps(record.document()).encode()
    body_wall, body_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{args.instance}: {record.requests_considered} requests, {record.requests_placed} "
        f"placed, {len(record.left_out)} left out ({args.kernel}, cycle {solve_wall:.2f} s wall "
        f"/ {solve_cpu:.2f} s CPU)"
    )
    print(f"explain both passes: {explain_wall:.3f} s wall / {explain_cpu:.3f} s CPU")
    print(f"body: {len(body) / 1024:.1f} KiB in {body_wall:.3f} s wall / {body_cpu:.3f} s CPU")
    if args.portal:
        post_to_portal(body, args.portal)


def post_to_portal(body: bytes, runs: int) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
        OCS_DATA_DIR=tempfile.mkdtemp(prefix="ocs-bench-"),
        OCS_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    call_command("migrate", verbosity=0)
    staff = User.objects.create_user("scheduler", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/scheduler/runs/", body, content_type="application/json")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 201, response.content[:300]
    print(
        f"POST /api/scheduler/runs/ ×{runs} (SQLite): median {statistics.median(walls):.3f} s "
        f"wall / {statistics.median(cpus):.3f} s CPU"
    )


if __name__ == "__main__":
    main()
