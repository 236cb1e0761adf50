"""The image's entry point: each role runs the right process, and a web container is healthy.

No container engine runs here, so the script runs directly, with the image's environment
(production settings, static files collected beforehand, as the image's build does).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ENTRYPOINT = Path(__file__).resolve().parents[2] / "deploy" / "docker-entrypoint.sh"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _image_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_"))},
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "openocs.server.settings",
        "OCS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "ocs.example.org",
        "OCS_DATA_DIR": str(tmp_path / "data"),
        "OCS_STATIC_ROOT": str(tmp_path / "static"),
        "TMPDIR": str(tmp_path),
        **extra,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("web", "gunicorn openocs.server.wsgi:application --bind 0.0.0.0:8000"),
        ("worker", "django-admin run_huey"),
        ("scheduler", "ocs scheduler run"),
        ("migrate", "ocs migrate && ocs scheduler-account"),
        ("ocs", "ocs"),
    ],
)
def test_each_role_runs_its_process(tmp_path: Path, role: str, expected: str) -> None:
    env = _image_env(tmp_path, OCS_ENTRYPOINT_DRY_RUN="1")
    result = subprocess.run(
        [str(ENTRYPOINT), role], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith(expected)


@pytest.mark.parametrize(
    ("given", "expected"),
    [({}, "4"), ({"OCS_WEB_THREADS": "8"}, "8"), ({"OCS_DB_POOL_SIZE": "0"}, "0")],
)
def test_the_web_role_pools_one_database_connection_per_thread(
    tmp_path: Path, given: dict[str, str], expected: str
) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    gunicorn = fake / "gunicorn"
    gunicorn.write_text('#!/bin/sh\necho "pool=$OCS_DB_POOL_SIZE"\n')
    gunicorn.chmod(0o755)
    env = _image_env(tmp_path, **given)
    env["PATH"] = f"{fake}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [str(ENTRYPOINT), "web"], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"pool={expected}"


def test_a_web_container_serves_health_and_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = _image_env(
        tmp_path,
        OCS_PORT=str(port),
        OCS_HOST="127.0.0.1",
        OCS_WEB_WORKERS="2",
        OCS_METRICS_TOKEN="scrape",
    )
    subprocess.run(
        [str(BIN / "django-admin"), "collectstatic", "--noinput", "-v", "0"], env=env, check=True
    )
    log = tmp_path / "web.log"
    with log.open("w") as output:
        web = subprocess.Popen([str(ENTRYPOINT), "web"], env=env, stdout=output, stderr=output)
    try:
        healthcheck = [str(ENTRYPOINT), "healthcheck"]
        deadline = time.monotonic() + 60
        while subprocess.run(healthcheck, env=env, capture_output=True).returncode != 0:
            assert web.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the web container never became healthy"
            time.sleep(0.5)
        response = httpx.get(
            f"http://127.0.0.1:{port}/static/admin/css/base.css",
            headers={"Host": "ocs.example.org", "X-Forwarded-Proto": "https"},
        )
        assert response.status_code in (200, 301)  # 301: an HTTPS redirect, if configured
        metrics = httpx.get(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Host": "ocs.example.org", "Authorization": "Bearer scrape"},
        )
        assert metrics.status_code == 200
        # Both workers' requests, summed through the shared folder (multiprocess mode).
        assert 'ocs_http_requests_total{method="GET",route="^health/?$",status="200"}' in (
            metrics.text
        )
    finally:
        web.terminate()
        web.wait(timeout=30)
    # A worker or scheduler container is healthy while its process runs.
    (tmp_path / "openocs-role").write_text("worker\n")
    assert subprocess.run([str(ENTRYPOINT), "healthcheck"], env=env).returncode == 0
