"""The distributed shape, for real (issue 18): every component its own process on its own port.

configdb, downtime, portal and archive each run under gunicorn with ``OCS_COMPONENTS=<name>``
and production settings, and find each other only through their ``OCS_*_URL``; the task worker
and the scheduler daemon are processes of their own; state lives in PostgreSQL, Redis and an
S3-compatible store (moto's server process: no real S3 server installs from the package
registries here). The test then runs an observation's loop over HTTP: configure, submit,
schedule, observe with the simulated site (``ocs site simulate``, its own process, weather
forced clear and seeded) which writes the frames and ingests them to S3 through the archive
until the request is COMPLETED, find and download them by signed URL, cancel; and an outage.

Run with ``make test-distributed`` (``.ci/run`` does); it needs PostgreSQL and Redis on
127.0.0.1 and is skipped in ``make test``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.distributed

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("OCS_DISTRIBUTED_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("OCS_DISTRIBUTED_REDIS_URL", "redis://127.0.0.1:6379/8")
COMPONENTS = ("configdb", "downtime", "portal", "archive")
BUCKET = "ocs-frames"
SINISTRO = "1M0-SCICAM-SINISTRO"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], *, timeout_s: float, what: str) -> Any:
    """Poll ``condition`` until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.5)


@dataclass
class Cluster:
    """The processes of one distributed deployment and how to reach them."""

    tmp: Path
    env: dict[str, str]
    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def url(self, component: str) -> str:
        return f"http://127.0.0.1:{self.ports[component]}/"

    def component_env(self, components: str) -> dict[str, str]:
        return {**self.env, "OCS_COMPONENTS": components}

    def run(self, *args: str, components: str) -> str:
        """Run a command (``ocs …``, ``django-admin …``) against the deployment's state."""
        [output] = self.run_together([(args, components)])
        return output

    def run_together(self, commands: list[tuple[tuple[str, ...], str]]) -> list[str]:
        """Run commands side by side; their outputs, in order."""
        running = [
            (
                args,
                subprocess.Popen(
                    [str(BIN / args[0]), *args[1:]],
                    env=self.component_env(components),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for args, components in commands
        ]
        outputs = []
        for args, process in running:
            stdout, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, f"{args}: {stdout}\n{stderr}"
            outputs.append(stdout)
        return outputs

    def start(self, name: str, argv: list[str], *, components: str) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            argv, env=self.component_env(components), stdout=log, stderr=log
        )
        log.close()

    def start_web(self, component: str, *, wait: bool = True) -> None:
        argv = [
            str(BIN / "gunicorn"), "openocs.server.wsgi:application",
            "--bind", f"127.0.0.1:{self.ports[component]}", "--workers", "1", "--threads", "4",
            "--timeout", "120", "--logger-class", "openocs.server.accesslog.GunicornLogger",
            "--no-control-socket",
        ]  # fmt: skip
        self.start(component, argv, components=component)
        if wait:
            self.wait_healthy(component)

    def wait_healthy(self, component: str) -> None:
        wait_for(
            lambda: self.healthy(component), timeout_s=120, what=f"{component} /health/ (log: "
            f"{self.tmp / (component + '.log')})",
        )  # fmt: skip

    def healthy(self, component: str) -> bool:
        process = self.processes[component]
        if process.poll() is not None:
            log = (self.tmp / f"{component}.log").read_text(errors="replace")
            raise AssertionError(f"{component} exited with {process.returncode}:\n{log[-3000:]}")
        try:
            return httpx.get(self.url(component) + "health/", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)

    def client(self, component: str, token: str = "") -> httpx.Client:
        headers = {"Authorization": f"Token {self.tokens[token]}"} if token else {}
        return httpx.Client(base_url=self.url(component), headers=headers, timeout=60)


def _postgres_database(name: str, action: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as db:
        db.execute(f'{action} DATABASE "{name}"' + (" WITH (FORCE)" if action == "DROP" else ""))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    import boto3
    import psycopg
    import redis

    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL).ping()
    except (psycopg.Error, redis.RedisError) as error:
        pytest.skip(f"the distributed test needs PostgreSQL and Redis: {error}")
    redis.Redis.from_url(REDIS_URL).flushdb()  # this test's own Redis database
    tmp = tmp_path_factory.mktemp("distributed")
    database = f"ocs_distributed_{secrets.token_hex(4)}"
    _postgres_database(database, "CREATE")
    ports = {name: _free_port() for name in (*COMPONENTS, "s3", "scheduler_metrics")}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_", "AWS_"))},
        "DJANGO_SETTINGS_MODULE": "openocs.server.settings",
        "OCS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "OCS_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS is the proxy's job
        "OCS_SECURE_COOKIES": "false",
        "OCS_LOG_FORMAT": "plain",
        "OCS_DATA_DIR": str(tmp / "data"),
        "OCS_STATIC_ROOT": str(tmp / "static"),
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS_URL,
        "FILESTORE_TYPE": "s3",
        "BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{ports['s3']}",
        "S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "distributed-test",
        "AWS_SECRET_ACCESS_KEY": "distributed-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        # Consumers revalidate configdb on every use and never serve a stale copy, so an
        # outage shows at once (production keeps a copy for a day: CONFIGDB_MAX_STALENESS).
        "CONFIGDB_MAX_STALENESS": "0",
        "OCS_CONFIG_REFRESH": "0",
        "ARCHIVE_THUMBNAILS": "false",
        "OCS_SCHEDULER_TOKEN": secrets.token_hex(20),
        **{f"OCS_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}/" for name in COMPONENTS},
    }
    cluster = Cluster(tmp=tmp, env=env, ports=ports)
    try:
        cluster.start(
            "s3",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(ports["s3"])],
            components="archive",
        )
        s3 = boto3.client(
            "s3",
            endpoint_url=env["S3_ENDPOINT_URL"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        )

        def bucket_created() -> bool:
            try:
                s3.create_bucket(Bucket=BUCKET)
            except Exception:
                return False
            return True

        wait_for(bucket_created, timeout_s=60, what="the S3 server")
        everything = ",".join(COMPONENTS)
        cluster.run_together(
            [
                (("django-admin", "collectstatic", "--noinput", "-v", "0"), "portal"),
                (("ocs", "migrate"), everything),
            ]
        )
        for name in COMPONENTS:
            cluster.start_web(name, wait=False)
        # The demo observatory: configdb's network, downtime's periods, then the portal's
        # users, semester and proposal DEMO-001 (alice is its PI), each by its own component.
        cluster.run("ocs", "loaddemo", components="configdb")
        for name in COMPONENTS:
            cluster.wait_healthy(name)
        cluster.run_together(
            [
                (("ocs", "loaddemo"), "downtime"),  # both check the network with configdb
                (("ocs", "loaddemo"), "portal"),
                (("ocs", "scheduler-account"), "portal"),
            ]
        )
        cluster.tokens["scheduler"] = env["OCS_SCHEDULER_TOKEN"]
        admin, alice = cluster.run_together(
            [(("ocs", "createtoken", user), "portal") for user in ("admin", "alice")]
        )
        cluster.tokens.update(admin=admin.strip(), alice=alice.strip())
        cluster.start(
            "worker",
            [str(BIN / "django-admin"), "run_huey", "--workers", "2", "--worker-type", "thread"],
            components="portal,archive",
        )
        cluster.start(
            "scheduler",
            [
                str(BIN / "ocs"), "scheduler", "run", "--portal-url", cluster.url("portal"),
                "--kernel", "greedy", "--poll", "1", "--horizon-days", "3",
                "--telescope-class", "1m0", "--telescope-class", "0m4",
                "--metrics-port", str(ports["scheduler_metrics"]),
                # plan from now + 5 s (not the default 360 s): the site observes at once
                "--pass-estimate", "5",
            ],
            components="portal",
        )  # fmt: skip
        yield cluster
    finally:
        for name in reversed(list(cluster.processes)):  # the site before the portal
            cluster.stop(name)
        _postgres_database(database, "DROP")
        if os.environ.get("OCS_DISTRIBUTED_KEEP_LOGS"):
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _imaging_group(name: str, now: datetime) -> dict[str, Any]:
    return {
        "name": name,
        "proposal": "DEMO-001",
        "ipp_value": 1.0,
        "operator": "SINGLE",
        "observation_type": "NORMAL",
        "requests": [
            {
                "configurations": [
                    {
                        "type": "EXPOSE",
                        "instrument_type": SINISTRO,
                        "target": {
                            "name": "m42",
                            "type": "ICRS",
                            "ra": 83.82,
                            "dec": -5.39,
                            "epoch": 2000,
                        },
                        "constraints": {"max_airmass": 2.0, "min_lunar_distance": 0},
                        "instrument_configs": [
                            {
                                "exposure_time": 30,
                                "exposure_count": 1,
                                "optical_elements": {"filter": "rp"},
                            }
                        ],
                        "acquisition_config": {},
                        "guiding_config": {},
                    }
                ],
                "windows": [
                    {"start": now.isoformat(), "end": (now + timedelta(days=2)).isoformat()}
                ],
                "location": {"telescope_class": "1m0"},
            }
        ],
    }


def _scheduled(portal: httpx.Client, request_id: int) -> list[dict[str, Any]]:
    response = portal.get(f"api/requests/{request_id}/observations/")
    assert response.status_code == 200, response.text
    observations: list[dict[str, Any]] = response.json()
    return [o for o in observations if o["state"] in ("PENDING", "IN_PROGRESS")]


@pytest.fixture
def clients(cluster: Cluster) -> Iterator[Callable[[str, str], httpx.Client]]:
    """Open HTTP clients to the components (closed after the test)."""
    with ExitStack() as stack:

        def open_client(component: str, token: str = "") -> httpx.Client:
            return stack.enter_context(cluster.client(component, token))

        yield open_client


def _demo_group(cluster: Cluster, name: str) -> tuple[str, dict[str, Any]]:
    """What ``ocs site demo-request`` prints (a request observable now at the darkest site of
    the network, read from configdb): ``(site, request group)``."""
    printed = cluster.run(
        "ocs", "site", "demo-request", "--portal-url", cluster.url("portal"),
        "--configdb-url", cluster.url("configdb"), "--name", name, "--exposures", "2",
        components="portal",
    )  # fmt: skip
    group: dict[str, Any] = json.loads(printed)
    return str(group["requests"][0]["location"]["site"]), group


def _simulate(cluster: Cluster, site: str, token: str) -> None:
    """Start ``ocs site simulate`` as its own process: a real client of the split components'
    HTTP APIs (portal, archive, configdb), its frames uploaded to S3 by the ingester library.
    The weather is forced clear and seeded, so the run is the same every time."""
    cluster.start(
        "simulator",
        [
            str(BIN / "ocs"), "site", "simulate", "--site", site, "--demo",
            "--portal-url", cluster.url("portal"), "--archive-url", cluster.url("archive"),
            "--configdb-url", cluster.url("configdb"), "--token", token,
            "--seed", "18", "--cloudy-night-probability", "0", "--failure-probability", "0",
            "--unavailable-probability", "0", "--poll", "0.5",
            "--spool-dir", str(cluster.tmp / "site-spool"),
        ],
        components="archive",  # the ingester's store settings (S3); nothing in-process
    )  # fmt: skip


def _group_state(client: httpx.Client, group_id: int) -> str:
    response = client.get(f"api/requestgroups/{group_id}/")
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


def test_an_observation_goes_around_the_whole_loop_over_http(
    cluster: Cluster, clients: Callable[[str, str], httpx.Client]
) -> None:
    now = datetime.now(UTC)
    admin_downtime = clients("downtime", "admin")
    alice = clients("portal", "alice")
    staff = clients("portal", "admin")

    # Configure: the network is served by configdb; staff add a downtime over HTTP (the
    # downtime service checks the portal's token).
    sites = clients("configdb", "").get("sites/").json()
    assert sites["count"] >= 6
    downtime = admin_downtime.post(
        "api/",
        json={
            "start": (now + timedelta(days=5)).isoformat(),
            "end": (now + timedelta(days=6)).isoformat(),
            "site": "lsc",
            "enclosure": "doma",
            "telescope": "1m0a",
            "reason": "Maintenance",
        },
    )
    assert downtime.status_code == 201, downtime.text

    # A site: `ocs site simulate` for the darkest site, with the site service account's token.
    site, group = _demo_group(cluster, "first-light")
    site_token = cluster.run("ocs", "serviceaccount", "site", components="portal").strip()
    _simulate(cluster, site, site_token)

    # Submit; the scheduler daemon (its own process) places it, the simulated site observes
    # it, writes two frames, ingests them to S3 through the archive and reports COMPLETED.
    submitted = alice.post("api/requestgroups/", json=group)
    assert submitted.status_code == 201, submitted.text
    group_id, request_id = submitted.json()["id"], submitted.json()["requests"][0]["id"]

    def completed() -> bool:
        state = _group_state(alice, group_id)
        assert state in ("PENDING", "COMPLETED"), state
        return state == "COMPLETED"

    try:
        wait_for(completed, timeout_s=180, what=f"request group {group_id} to complete")
    except AssertionError:
        for name in ("simulator", "scheduler", "archive"):
            log = (cluster.tmp / f"{name}.log").read_text(errors="replace")
            print(f"--- {name}.log ---\n{log[-4000:]}")
        raise
    cluster.stop("simulator")
    [observation] = staff.get(f"api/requests/{request_id}/observations/").json()
    assert observation["state"] == "COMPLETED"
    assert observation["site"] == site

    # Find the frames by the request, as its requester, and download each by its signed URL
    # straight from the store.
    archive = clients("archive", "alice")
    found = archive.get("frames/", params={"request_id": request_id})
    assert found.status_code == 200, found.text
    records = found.json()["results"]
    assert len(records) == 2, records
    for record in records:
        assert record["url"].startswith(cluster.env["S3_ENDPOINT_URL"])
        assert "X-Amz-Signature=" in record["url"]
        headers = archive.get(f"frames/{record['id']}/headers/").json()["data"]
        assert int(headers["REQNUM"]) == request_id
        assert headers["SITEID"] == site
        downloaded = httpx.get(record["url"], timeout=60)
        assert downloaded.status_code == 200
        assert downloaded.content[:6] == b"SIMPLE"

    # The command-line ingester (`ocs ingest`) uploads a file to S3 and registers it too.
    frame = ROOT / "data" / "demo-fits" / "ogg2m001-ep02-20210708-0132-e00.fits.fz"
    cluster.run(
        "ocs", "ingest", str(frame), "--api-root", cluster.url("archive"),
        "--auth-token", cluster.tokens["admin"], components="archive",
    )  # fmt: skip
    ingested = clients("archive", "admin").get(
        "frames/", params={"basename": "ogg2m001-ep02-20210708-0132-e00"}
    )
    [record] = ingested.json()["results"]
    assert httpx.get(record["url"], timeout=60).content == frame.read_bytes()

    # Cancel a second group once it is scheduled: its observations go too.
    second = alice.post("api/requestgroups/", json=_imaging_group("m42-cancel", now))
    assert second.status_code == 201, second.text
    group_id, second_request = second.json()["id"], second.json()["requests"][0]["id"]
    wait_for(lambda: _scheduled(staff, second_request), timeout_s=120, what="the second group")
    canceled = alice.post(f"api/requestgroups/{group_id}/cancel/")
    assert canceled.status_code == 200, canceled.text
    assert canceled.json()["state"] == "CANCELED"
    assert _scheduled(staff, second_request) == []

    # Every component and the scheduler expose their metrics.
    scheduler_metrics = httpx.get(
        f"http://127.0.0.1:{cluster.ports['scheduler_metrics']}/metrics", timeout=10
    )
    assert 'ocs_scheduler_cycles_total{outcome="ok"}' in scheduler_metrics.text


def test_a_configdb_outage_gives_clean_503s_and_recovers(
    cluster: Cluster, clients: Callable[[str, str], httpx.Client]
) -> None:
    alice = clients("portal", "alice")
    group = _imaging_group("m42-outage", datetime.now(UTC))
    assert alice.post("api/requestgroups/validate/", json=group).status_code == 200

    cluster.stop("configdb")
    during = alice.post("api/requestgroups/validate/", json=group)
    assert during.status_code == 503, during.text
    assert during.headers["Content-Type"].startswith("application/json")
    assert "configdb" in during.text.lower() or "unavailable" in during.text.lower()
    assert clients("portal", "").get("health/").status_code == 200  # the portal itself is up

    cluster.start_web("configdb")  # back on the same port
    recovered = wait_for(
        lambda: alice.post("api/requestgroups/validate/", json=group).status_code == 200,
        timeout_s=60,
        what="the portal to use configdb again",
    )
    assert recovered
