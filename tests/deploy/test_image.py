"""The built image, started for real: migrate, web, worker and scheduler containers (issue 18).

``make test-image`` (tools/image_smoke.sh) builds the image, then runs this module with
``-m image`` and ``OCS_IMAGE`` naming it. The containers use host networking and the host's
PostgreSQL (a database of their own) and Redis (``OCS_IMAGE_REDIS_URL``, database 9), with the
settings the Helm chart gives them: production, TLS left to the proxy in front.
Without a Docker daemon the module is skipped, or fails when ``OCS_REQUIRE_IMAGE`` is set.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.observatory import wait_for

pytestmark = pytest.mark.image

IMAGE = os.environ.get("OCS_IMAGE", "openocs:smoke")
POSTGRES = os.environ.get("OCS_IMAGE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("OCS_IMAGE_REDIS_URL", "redis://127.0.0.1:6379/9")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def docker(
    *args: str, timeout_s: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the docker CLI; a failure shows its output."""
    result = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout_s, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"docker {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def _unavailable(reason: str) -> None:
    if os.environ.get("OCS_REQUIRE_IMAGE"):
        pytest.fail(f"OCS_REQUIRE_IMAGE is set: {reason}")
    pytest.skip(reason)


@dataclass
class Deployment:
    env_file: Path
    database_url: str
    port: int
    token: str
    prefix: str
    containers: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def run(self, *args: str, timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
        """A one-off container of the image (removed when it ends)."""
        return docker(
            "run", "--rm", "--network", "host", "--env-file", str(self.env_file), *args,
            timeout_s=timeout_s,
        )  # fmt: skip

    def start(self, role: str, *options: str) -> str:
        """A background container running ``role``; removed at the end of the module."""
        name = f"{self.prefix}-{role}"
        docker(
            "run", "-d", "--name", name, "--network", "host", "--env-file", str(self.env_file),
            *options, IMAGE, role,
        )  # fmt: skip
        self.containers.append(name)
        return name

    def logs(self, name: str) -> str:
        result = docker("logs", name, check=False)
        return result.stdout + result.stderr

    def inspect(self, name: str) -> dict[str, Any]:
        document: list[dict[str, Any]] = json.loads(docker("inspect", name).stdout)
        return document[0]


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as db:
        db.execute(sql)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    import psycopg
    import redis

    if shutil.which("docker") is None:
        _unavailable("no docker command")
    if docker("info", check=False, timeout_s=30).returncode != 0:
        _unavailable("no Docker daemon answers (tools/image_smoke.sh starts one)")
    if docker("image", "inspect", IMAGE, check=False).returncode != 0:
        _unavailable(f"no image {IMAGE} (tools/image_smoke.sh builds it)")
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL).ping()
    except (psycopg.Error, redis.RedisError) as error:
        _unavailable(f"the image test needs PostgreSQL and Redis: {error}")
    redis.Redis.from_url(REDIS_URL).flushdb()  # this test's own Redis database
    database = f"ocs_image_{secrets.token_hex(4)}"
    _postgres(f'CREATE DATABASE "{database}"')
    port = _free_port()
    token = secrets.token_hex(20)
    env = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS_URL,
        "OCS_SCHEDULER_TOKEN": token,
        "OCS_PORT": str(port),
        "OCS_WEB_WORKERS": "2",
        "OCS_WEB_THREADS": "2",
        # What the chart sets: the ingress terminates TLS and says so in X-Forwarded-Proto.
        "OCS_USE_PROXY_HEADERS": "true",
        "OCS_SSL_REDIRECT": "false",
    }
    env_file = tmp_path_factory.mktemp("image") / "ocs.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    deployment = Deployment(
        env_file, env["DATABASE_URL"], port, token, prefix=f"ocs-image-{secrets.token_hex(3)}"
    )
    try:
        yield deployment
    finally:
        for name in deployment.containers:
            # Shown by pytest when a test of the module failed: what each container said.
            print(f"--- {name}\n" + "\n".join(deployment.logs(name).splitlines()[-40:]))
            docker("rm", "-f", name, check=False)
        _postgres(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def migrated(deployment: Deployment) -> str:
    return deployment.run(IMAGE, "migrate").stdout


@pytest.fixture(scope="module")
def web(deployment: Deployment, migrated: str) -> str:
    # The image's own HEALTHCHECK command, probed every 2 s instead of 30 s.
    name = deployment.start("web", "--health-interval=2s", "--health-start-period=60s")

    def healthy() -> bool:
        try:
            return httpx.get(deployment.url + "health/", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(healthy, timeout_s=120, what=f"{name} to answer /health/")
    return name


def test_the_image_runs_as_the_unprivileged_user_ocs(deployment: Deployment) -> None:
    config = deployment.inspect(IMAGE)["Config"]
    assert config["User"] == "ocs"
    assert config["Healthcheck"]["Test"] == ["CMD", "openocs-entrypoint", "healthcheck"]
    assert deployment.run("--entrypoint", "id", IMAGE).stdout.split()[0] == "uid=1000(ocs)"


def test_migrate_creates_the_tables_and_the_scheduler_account(
    deployment: Deployment, migrated: str
) -> None:
    import psycopg

    assert "Scheduler account ready" in migrated
    with psycopg.connect(deployment.database_url, connect_timeout=5) as db:
        migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()
        account = db.execute(
            "SELECT u.is_staff FROM auth_user u JOIN authtoken_token t ON t.user_id = u.id "
            "WHERE t.key = %s",
            (deployment.token,),
        ).fetchone()
    assert migrations is not None and migrations[0] > 20
    assert account == (True,)


def test_web_answers_health_with_its_checks(deployment: Deployment, web: str) -> None:
    health = httpx.get(deployment.url + "health/", timeout=10).json()
    assert health["status"] == "ok"
    assert health["checks"] == {"database": "ok", "cache": "ok"}
    assert health["components"] == ["portal", "configdb", "downtime", "archive"]
    identity = docker("exec", web, "id", "-u").stdout.strip()
    assert identity == "1000"


def test_whitenoise_serves_the_collected_static_files(deployment: Deployment, web: str) -> None:
    https = {"X-Forwarded-Proto": "https"}
    css = httpx.get(deployment.url + "static/admin/css/base.css", headers=https, timeout=10)
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "--primary" in css.text  # the admin's stylesheet itself
    page = httpx.get(deployment.url, headers=https, timeout=30)
    assert page.status_code == 200
    hashed = re.search(r"/static/web/openocs\.[0-9a-f]{12}\.css", page.text)
    assert hashed, "the pages link the hashed stylesheet (the manifest storage)"
    cached = httpx.get(deployment.url + hashed.group(0).lstrip("/"), headers=https, timeout=10)
    assert cached.status_code == 200
    assert "immutable" in cached.headers["cache-control"]


def test_the_healthcheck_marks_the_web_container_healthy(deployment: Deployment, web: str) -> None:
    def status() -> str:
        state: dict[str, Any] = deployment.inspect(web)["State"]
        value: str = state["Health"]["Status"]
        return value if value != "starting" else ""

    assert wait_for(status, timeout_s=90, what=f"{web}'s health status") == "healthy"
    # The same command fails when the server does not answer where it looks.
    down = docker("exec", "-e", "OCS_PORT=1", web, "openocs-entrypoint", "healthcheck", check=False)
    assert down.returncode != 0


def test_the_worker_runs_queued_tasks(deployment: Deployment, migrated: str) -> None:
    worker = deployment.start("worker")
    started = "Huey consumer started"
    wait_for(lambda: started in deployment.logs(worker), timeout_s=120, what="the worker")
    deployment.run(
        IMAGE, "django-admin", "shell", "-c",
        "from openocs.portal.notifications.tasks import change_events_cleanup_task as task; task()",
    )  # fmt: skip
    executed = "Executing openocs.portal.notifications.tasks.change_events_cleanup_task"
    wait_for(
        lambda: executed in deployment.logs(worker),
        timeout_s=60,
        what="the worker to run the task queued through Redis",
    )


def test_the_scheduler_reports_its_runs_to_the_portal_over_http(
    deployment: Deployment, web: str
) -> None:
    url = deployment.url
    deployment.start(
        "scheduler",
        "-e", f"OCS_PORTAL_URL={url}",
        "-e", f"OCS_CONFIGDB_URL={url}configdb/",
        "-e", f"OCS_DOWNTIME_URL={url}downtime/",
    )  # fmt: skip
    headers = {"Authorization": f"Token {deployment.token}"}

    def runs() -> list[dict[str, Any]]:
        answer = httpx.get(url + "api/scheduler/runs/", headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results

    first = wait_for(runs, timeout_s=180, what="the scheduler's first run")[-1]
    assert first["ok"] is True, first
    assert first["trigger"] == "first run"
