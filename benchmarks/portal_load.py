"""Benchmark: the portal under gunicorn (2 workers) on PostgreSQL with 100,000 request groups.

Issue 17's targets: ``GET /api/requestgroups/?limit=100`` ≤ 60 ms median and ≥ 50 requests/s;
a request's detail ≤ 20 ms; validate a typical one-request group ≤ 40 ms median warm (≤ 150 ms
with 100 windows); submit ≤ 80 ms; ``schedulable_requests`` with 5,000 pending requests ≤ 2 s;
the first request after start-up within 10 % of the rest.

Creates the scratch database of ``OCS_BENCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/bench_speed``), imports the demo network, bulk-inserts
``--groups`` groups of 1–5 requests each (seeded; about 5,000 requests PENDING in the current
semester, the rest COMPLETED with past windows), starts gunicorn on 127.0.0.1:``--port`` with
``--workers`` workers, and measures from a client on the loopback interface only: the first
call of each kind right after start-up, then ``--runs`` sequential calls of each (medians: on
loopback this is the server's time plus well under a millisecond), then a bounded load run
(``--clients`` keep-alive connections for ``--seconds``) for the request rate.

The load run's client shares the machine's cores with gunicorn and PostgreSQL, so it must cost
little: ``--client auto`` (the default) uses ``wrk`` when it is installed (Debian:
``apt-get install -y wrk``; C, one thread) and otherwise a lean Python client (``http.client``,
one thread per connection, reading each body as bytes, capped at ``--max-requests``). Each
load line names its client and prints the client's CPU beside the server's. ``--client
wrk,python,httpx`` runs several one after another (``httpx``: this benchmark's first client,
which builds a response object per call, kept to compare with).

The server is stopped at the end; the database is dropped unless ``--keep`` is given or it was
``--reuse``d (the database of an earlier ``--keep`` run: its tokens and groups are read, not
made; the groups this run submits are deleted at the end, so that every run lists the same
newest groups).

    .venv/bin/python benchmarks/portal_load.py [--groups 100000] [--port 8710] [--pool-size 4]
        [--keep | --reuse] [--client auto]
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_speed"
PENDING_REQUESTS = 5000


def _recreate(url: str, *, drop_only: bool = False) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=int(config.get("PORT") or 5432),
        user=config.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _payload(index: int, now: datetime, windows: int = 1) -> dict[str, Any]:
    if windows == 1:
        spans = [(now, now + timedelta(days=7))]
    else:
        step = timedelta(days=7) / windows
        spans = [(now + k * step, now + k * step + timedelta(minutes=40)) for k in range(windows)]
    return {
        "name": f"load-{index}",
        "proposal": "BENCH-000",
        "ipp_value": 1.0,
        "operator": "SINGLE",
        "observation_type": "NORMAL",
        "requests": [
            {
                "location": {"telescope_class": "1m0"},
                "windows": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in spans],
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
                                "exposure_time": 60 if windows == 1 else 10,
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


def _populate(groups: int, now: datetime) -> dict[str, Any]:
    """Users, proposals and ``groups`` groups of 1–5 requests; returns tokens and ids."""
    from click.testing import CliRunner
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    import openocs
    from openocs.portal.proposals import accounting, services
    from openocs.portal.proposals.models import Membership, Proposal
    from openocs.portal.requestgroups import models as m
    from openocs.server.cli import main as ocs

    network = Path(openocs.__file__).parent / "configdb" / "demo" / "lco-network.json"
    result = CliRunner().invoke(ocs, ["configdb", "import", str(network)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    semester = services.semester_create(
        semester_id="BENCH", start=now - timedelta(days=60), end=now + timedelta(days=120)
    )
    member = User.objects.create_user("member")
    staff = User.objects.create_user("staff", is_staff=True)
    staff.profile.staff_view = True
    staff.profile.save()
    proposals = []
    for i in range(20):
        proposal = services.proposal_create(proposal_id=f"BENCH-{i:03d}", title=f"Bench {i}")
        accounting.allocation_create(
            proposal=proposal,
            semester=semester,
            instrument_types=["1M0-SCICAM-SINISTRO"],
            std_allocation=100000.0,
        )
        proposals.append(proposal)
    Membership.objects.create(proposal=proposals[0], user=member, role=Membership.PI)
    Proposal.objects.update(active=True)
    rng = random.Random(17)
    pending_left = PENDING_REQUESTS
    batch = 2000
    began = time.perf_counter()
    for first in range(0, groups, batch):
        count = min(batch, groups - first)
        sizes = [rng.randint(1, 5) for _ in range(count)]
        with transaction.atomic():
            made = []
            for i, size in enumerate(sizes):
                pending = pending_left > 0 and (first + i) % 20 == 0
                if pending:
                    pending_left -= size
                made.append((pending, size))
            group_rows = m.RequestGroup.objects.bulk_create(
                [
                    m.RequestGroup(
                        submitter=member,
                        proposal=proposals[(first + i) % len(proposals)],
                        name=f"group-{first + i}",
                        observation_type="NORMAL",
                        operator="MANY" if size > 1 else "SINGLE",
                        ipp_value=1.0,
                        state="PENDING" if pending else "COMPLETED",
                    )
                    for i, (pending, size) in enumerate(made)
                ]
            )
            request_rows = m.Request.objects.bulk_create(
                [
                    m.Request(
                        request_group=g,
                        duration=600,
                        state="PENDING" if pending else "COMPLETED",
                    )
                    for g, (pending, size) in zip(group_rows, made, strict=True)
                    for _ in range(size)
                ]
            )
            starts = []
            for pending, size in made:
                start = now + timedelta(hours=1) if pending else now - timedelta(days=30)
                starts += [start] * size
            m.Location.objects.bulk_create(
                [m.Location(request=r, telescope_class="1m0") for r in request_rows]
            )
            m.Window.objects.bulk_create(
                [
                    m.Window(request=r, start=s, end=s + timedelta(days=7))
                    for r, s in zip(request_rows, starts, strict=True)
                ]
            )
            configurations = m.Configuration.objects.bulk_create(
                [
                    m.Configuration(request=r, instrument_type="1M0-SCICAM-SINISTRO", type="EXPOSE")
                    for r in request_rows
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
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    total_requests = m.Request.objects.count()
    pending_requests = m.Request.objects.filter(state="PENDING").count()
    print(
        f"inserted {groups} groups, {total_requests} requests ({pending_requests} PENDING) in "
        f"{time.perf_counter() - began:.0f} s"
    )
    request_ids = m.Request.objects.filter(request_group__proposal=proposals[0]).order_by("id")
    request_id = list(request_ids.values_list("id", flat=True)[:1001])[-1]
    return {
        "member": Token.objects.create(user=member).key,
        "staff": Token.objects.create(user=staff).key,
        "request_id": request_id,
    }


def _existing() -> dict[str, Any]:
    from rest_framework.authtoken.models import Token

    from openocs.portal.requestgroups import models as m

    request_ids = m.Request.objects.filter(request_group__proposal_id="BENCH-000").order_by("id")
    return {
        "member": Token.objects.get(user__username="member").key,
        "staff": Token.objects.get(user__username="staff").key,
        "request_id": list(request_ids.values_list("id", flat=True)[:1001])[-1],
    }


def _forget_submitted() -> None:
    """Delete the groups this run's submit calls made (named ``load-…``; the generated ones are
    ``group-…``), so that a reused database lists the same newest groups in every run."""
    from openocs.portal.requestgroups.models import RequestGroup

    deleted, _ = RequestGroup.objects.filter(name__startswith="load-").delete()
    print(f"deleted the {deleted} rows of this run's submitted groups")


def _start_server(port: int, workers: int, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "openocs.server.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4",
        "--timeout", "120", "--no-control-socket",
    ]  # fmt: skip
    return subprocess.Popen(command, env=environment)


def _wait_ready(base: str, process: subprocess.Popen[bytes], limit_s: float = 180.0) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < limit_s:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            if httpx.get(base + "/health/", timeout=2.0).status_code < 500:
                return time.perf_counter() - began
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _wait_quiet(server: subprocess.Popen[bytes], limit_s: float = 120.0) -> float:
    """Wait until gunicorn's processes use no CPU for half a second — every worker done with its
    warm-up, not only the one that answered ``/health/`` — and return the seconds waited: the
    first call measured is then the first request to a started server, not one that shares the
    cores with another worker's warm-up."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit_s:
        cpu = _server_cpu_s(server)
        time.sleep(0.5)
        if _server_cpu_s(server) - cpu <= 0.01:
            return time.perf_counter() - began
    raise SystemExit("gunicorn's workers did not settle in time")


def _server_cpu_s(server: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds of gunicorn's master and workers so far (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for pid in [str(server.pid), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _database_cpu_s(url: str) -> float:
    """User + system CPU seconds so far of the PostgreSQL backends connected to ``url``'s
    database (the server's pooled connections live as long as it does; Linux ``/proc``, a local
    server, readable by this user), or NaN when they cannot be read."""
    import dj_database_url

    config = dj_database_url.parse(url)
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        with psycopg.connect(
            host=config.get("HOST") or "127.0.0.1",
            port=int(config.get("PORT") or 5432),
            user=config.get("USER") or "postgres",
            dbname=config["NAME"],
            autocommit=True,
        ) as connection:
            pids = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchall()
    except psycopg.Error:
        return math.nan
    total = 0
    for (pid,) in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, PermissionError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _timed(client: httpx.Client, method: str, path: str, **kwargs: Any) -> float:
    began = time.perf_counter()
    response = client.request(method, path, **kwargs)
    elapsed = time.perf_counter() - began
    if response.status_code >= 300:
        raise SystemExit(f"{method} {path} -> {response.status_code}: {response.text[:300]}")
    if path.endswith("validate/") and response.json()["errors"]:
        raise SystemExit(f"invalid: {response.json()['errors']}")
    return 1000 * elapsed


def _first_calls(
    server: subprocess.Popen[bytes],
    url: str,
    member: httpx.Client,
    staff: httpx.Client,
    ids: dict[str, Any],
    now: datetime,
    runs: int,
    counter: Any,
) -> list[tuple[str, float, float, float, float]]:
    """The first call of each kind to a started server, then ``runs`` more; print a line each
    and return (label, first ms, the first call's server CPU ms, the median ms, the next calls'
    server CPU ms per call) of each kind."""
    cases: list[tuple[str, httpx.Client, str, str, Any]] = [
        ("list ?limit=100 (member)", member, "GET", "/api/requestgroups/?limit=100", None),
        ("list ?limit=100 (staff view)", staff, "GET", "/api/requestgroups/?limit=100", None),
        ("request detail", member, "GET", f"/api/requests/{ids['request_id']}/", None),
        ("instruments", member, "GET", "/api/instruments/", None),
        ("validate", member, "POST", "/api/requestgroups/validate/", 1),
        ("validate, 100 windows", member, "POST", "/api/requestgroups/validate/", 100),
        ("submit, never validated", member, "POST", "/api/requestgroups/", 1),
    ]
    print("first call after start-up, then the median of the next calls:")
    measured = []
    for label, client, method, path, windows in cases:
        first_offset = next(counter) * 1000

        def call(
            k: int,
            client: httpx.Client = client,
            request: tuple[str, str, Any, int] = (method, path, windows, first_offset),
        ) -> float:
            verb, where, count, offset = request
            body = None if count is None else _payload(offset + k, now, count)
            return _timed(client, verb, where, json=body)

        cpu = _server_cpu_s(server)
        first = call(0)
        first_cpu = 1000 * (_server_cpu_s(server) - cpu)
        cpu, database_cpu = _server_cpu_s(server), _database_cpu_s(url)
        rest = [call(k) for k in range(1, runs + 1)]
        rest_cpu = 1000 * (_server_cpu_s(server) - cpu) / len(rest)
        rest_database_cpu = 1000 * (_database_cpu_s(url) - database_cpu) / len(rest)
        median = statistics.median(rest)
        print(
            f"  {label:30s} first {first:7.1f} ms (CPU {first_cpu:5.0f})  median "
            f"{median:7.1f} ms  p90 {sorted(rest)[int(0.9 * (len(rest) - 1))]:7.1f} ms  "
            f"server CPU {rest_cpu:6.1f} ms/call  PostgreSQL {rest_database_cpu:5.1f}  "
            f"first/median {first / median:4.2f}"
        )
        measured.append((label, first, first_cpu, median, rest_cpu))
    return measured


@dataclass(frozen=True)
class LoadResult:
    """What a load run measured: ``client_cpu_s`` is the load client's own CPU (this process's
    threads, or wrk's), which shares the machine's cores with the server."""

    client: str
    requests: int
    wall_s: float
    median_ms: float
    client_cpu_s: float

    def text(self, clients: int) -> str:
        return (
            f"{self.requests} requests in {self.wall_s:.1f} s = "
            f"{self.requests / self.wall_s:.1f} req/s with {clients} clients ({self.client}), "
            f"median latency {self.median_ms:.1f} ms, client CPU {self.client_cpu_s:.1f} s "
            f"({1000 * self.client_cpu_s / max(self.requests, 1):.2f} ms/request)"
        )


def load_python(
    host: str, port: int, token: str, path: str, clients: int, seconds: float, cap: int
) -> LoadResult:
    """``clients`` threads, each on one keep-alive connection (``http.client``), GET ``path``
    one after another and read each body whole as bytes without parsing it: the lean client
    leaves the cores to the server (httpx parsing into a response object cost the server a
    share of the two cores)."""
    done: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    failures: list[str] = []
    headers = {"Authorization": f"Token {token}", "Host": f"{host}:{port}"}
    started = [0]

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120.0)
        try:
            while time.perf_counter() < stop:
                with lock:
                    if started[0] >= cap or failures:
                        return
                    started[0] += 1
                began = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                elapsed = 1000 * (time.perf_counter() - began)
                if response.status >= 300 or not body:
                    with lock:
                        failures.append(f"GET {path} -> {response.status}: {body[:300]!r}")
                    return
                with lock:
                    done.append(elapsed)
        finally:
            connection.close()

    wall, client_cpu_s = _run_clients(worker, clients)
    if failures:
        raise SystemExit(failures[0])
    return LoadResult(
        client="python http.client",
        requests=len(done),
        wall_s=wall,
        median_ms=statistics.median(done),
        client_cpu_s=client_cpu_s,
    )


def _run_clients(worker: Callable[[], None], clients: int) -> tuple[float, float]:
    """Run ``worker`` on ``clients`` threads at once; the wall seconds and this process's CPU
    seconds until the last one ends."""
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    return wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


_WRK_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> tuple[int, float, float]:
    """Requests, wall seconds and median latency in ms from ``wrk --latency``'s report; refuses
    a run with errors or answers other than 2xx/3xx."""
    counted = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),", output, re.MULTILINE)
    median = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if counted is None or median is None:
        raise SystemExit(f"wrk printed no request count or median:\n{output}")
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in output:
            raise SystemExit(f"wrk: {problem}:\n{output}")
    wall_s = float(counted[2]) * _WRK_UNITS_MS[counted[3]] / 1000
    return int(counted[1]), wall_s, float(median[1]) * _WRK_UNITS_MS[median[2]]


def load_httpx(
    base: str, token: str, path: str, clients: int, seconds: float, cap: int
) -> LoadResult:
    """The first client of this benchmark, kept to compare with: ``clients`` threads with an
    ``httpx.Client`` each (a response object per call: more of the shared cores' CPU)."""
    done: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Token {token}"}, timeout=120.0
        ) as client:
            while time.perf_counter() < stop:
                with lock:
                    if len(done) >= cap:
                        return
                elapsed = _timed(client, "GET", path)
                with lock:
                    done.append(elapsed)

    wall, client_cpu_s = _run_clients(worker, clients)
    return LoadResult(
        client="httpx",
        requests=len(done),
        wall_s=wall,
        median_ms=statistics.median(done),
        client_cpu_s=client_cpu_s,
    )


def load_wrk(
    wrk: str, host: str, port: int, token: str, path: str, clients: int, seconds: float
) -> LoadResult:
    """``wrk`` (C, one thread, ``clients`` keep-alive connections) for ``seconds``."""
    command = [
        wrk, "--threads", "1", "--connections", str(clients), "--duration", f"{seconds:.0f}s",
        "--timeout", "120s", "--latency", "--header", f"Authorization: Token {token}",
        f"http://{host}:{port}{path}",
    ]  # fmt: skip
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    requests, wall_s, median_ms = parse_wrk(output)
    return LoadResult(
        client="wrk",
        requests=requests,
        wall_s=wall_s,
        median_ms=median_ms,
        client_cpu_s=(after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime),
    )


def load_client(choice: str) -> str | None:
    """The path of ``wrk`` for ``--client wrk``/``auto`` (``None``: the Python client).
    ``--client wrk`` without wrk installed stops with how to install it."""
    if choice in ("python", "httpx"):
        return None
    wrk = shutil.which("wrk")
    if wrk is None and choice == "wrk":
        raise SystemExit("--client wrk: wrk is not installed (Debian: apt-get install -y wrk)")
    return wrk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--starts",
        type=int,
        default=1,
        help="start the server this many times and measure each start's first calls; prints "
        "the median of first/median over the starts (one start's first call is noise on a "
        "shared machine)",
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--max-requests", type=int, default=3000, help="the Python clients' cap (not wrk's)"
    )
    parser.add_argument(
        "--client",
        default="auto",
        help="the load run's client, or several comma-separated, run one after another: wrk "
        "(Debian: apt-get install -y wrk), python (http.client, bytes only), httpx (the first "
        "client, for comparison), auto (wrk when installed, else python)",
    )
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="the database of a --keep run")
    parser.add_argument(
        "--pool-size",
        type=int,
        default=4,
        help="OCS_DB_POOL_SIZE of the server: connections per worker (0: no pool)",
    )
    args = parser.parse_args()
    url = os.environ.get("OCS_BENCH_DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        _recreate(url)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openocs.server.settings",
        "DATABASE_URL": url,
        "OCS_DATA_DIR": tempfile.mkdtemp(prefix="ocs-bench-"),
        "OCS_LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OCS_DB_POOL_SIZE": str(args.pool_size),
    }
    os.environ.update(environment)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    server: subprocess.Popen[bytes] | None = None
    try:
        now = datetime.now(tz=UTC)
        if args.reuse:
            ids = _existing()
        else:
            call_command("migrate", verbosity=0)
            ids = _populate(args.groups, now)
        connection.close()
        base = f"http://127.0.0.1:{args.port}"
        counter = iter(range(100_000))
        ratios: dict[str, list[float]] = {}
        first_cpus: dict[str, list[float]] = {}
        rest_cpus: dict[str, list[float]] = {}
        for start in range(args.starts):
            if server is not None:  # the previous start's: each start measures a fresh server
                server.terminate()
                server.wait(timeout=30)
            server = _start_server(args.port, args.workers, environment)
            print(
                f"start {start + 1}/{args.starts}: gunicorn ready after "
                f"{_wait_ready(base, server):.1f} s, every worker idle after "
                f"{_wait_quiet(server):.1f} s more"
            )
            print(
                f"{datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC, load average "
                f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
            )
            member = httpx.Client(
                base_url=base, headers={"Authorization": f"Token {ids['member']}"}, timeout=120.0
            )
            staff = httpx.Client(
                base_url=base, headers={"Authorization": f"Token {ids['staff']}"}, timeout=120.0
            )
            for label, first_ms, first_cpu_ms, median_ms, rest_cpu_ms in _first_calls(
                server, url, member, staff, ids, now, args.runs, counter
            ):
                ratios.setdefault(label, []).append(first_ms / median_ms)
                first_cpus.setdefault(label, []).append(first_cpu_ms)
                rest_cpus.setdefault(label, []).append(rest_cpu_ms)
            member.close()
        if args.starts > 1:
            print(
                f"over {args.starts} starts: the median of first/median (wall), its range, and "
                "the first call's server CPU beside the next calls' (means over the starts: "
                "/proc counts CPU in ticks of 10 ms, which the mean over starts refines):"
            )
            for label, values in ratios.items():
                first_cpu_ms = statistics.fmean(first_cpus[label])
                rest_cpu_ms = statistics.fmean(rest_cpus[label])
                print(
                    f"  {label:30s} first/median {statistics.median(values):4.2f} "
                    f"({min(values):4.2f}–{max(values):4.2f})  CPU first {first_cpu_ms:5.1f} ms, "
                    f"next {rest_cpu_ms:5.1f} ms/call, ratio {first_cpu_ms / rest_cpu_ms:4.2f}"
                )
        assert server is not None
        feed = "/api/requestgroups/schedulable_requests/"
        cpu = _server_cpu_s(server)
        samples = [_timed(staff, "GET", feed, timeout=600.0) for _ in range(3)]
        feed_cpu = 1000 * (_server_cpu_s(server) - cpu) / len(samples)
        size = len(staff.get(feed, timeout=600.0).json())
        print(
            f"  schedulable_requests ({size} groups): median {statistics.median(samples):.0f} ms "
            f"(server CPU {feed_cpu:.0f} ms/call)"
        )
        for choice in args.client.split(","):
            wrk = load_client(choice)
            cpu = _server_cpu_s(server)
            database_cpu = _database_cpu_s(url)
            list_path = "/api/requestgroups/?limit=100"
            if wrk is not None:
                result = load_wrk(
                    wrk, "127.0.0.1", args.port, ids["member"], list_path, args.clients,
                    args.seconds,
                )  # fmt: skip
            elif choice == "httpx":
                result = load_httpx(
                    base, ids["member"], list_path, args.clients, args.seconds, args.max_requests
                )
            else:
                result = load_python(
                    "127.0.0.1", args.port, ids["member"], list_path, args.clients,
                    args.seconds, args.max_requests,
                )  # fmt: skip
            server_cpu_s = _server_cpu_s(server) - cpu
            database_cpu_s = _database_cpu_s(url) - database_cpu
            per_request = 1000 / max(result.requests, 1)
            print(
                f"load, list ?limit=100 (member): {result.text(args.clients)}, server CPU "
                f"{server_cpu_s:.1f} s ({per_request * server_cpu_s:.1f} ms/request), "
                f"PostgreSQL CPU {database_cpu_s:.1f} s ({per_request * database_cpu_s:.1f} "
                "ms/request)"
            )
        print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.reuse:
            _forget_submitted()
        if not (args.keep or args.reuse):  # a reused database is another run's: keep it
            _recreate(url, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
