"""``ocs up`` (what ``make run`` runs): it says what it does, then where everything is."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import openocs.server.cli as server_cli
from openocs.server.cli import ready_banner


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_banner_names_every_url_and_the_staff_account() -> None:
    banner = ready_banner(
        "http://127.0.0.1:8080/",
        ["portal", "configdb", "downtime", "archive"],
        ("admin", "s3cret", "abc123"),
        [
            ("alice", "alice-demo-password", "the demo proposal's PI"),
            ("bob", "bob-demo-password", "its CI"),
        ],
    )
    for line in (
        "Web pages      http://127.0.0.1:8080/\n",
        "Sign in as     alice / password alice-demo-password   (the demo proposal's PI)",
        "               bob / password bob-demo-password   (its CI)",
        "Portal API     http://127.0.0.1:8080/api/",
        "configdb       http://127.0.0.1:8080/configdb/",
        "archive        http://127.0.0.1:8080/archive/",
        "Admin          http://127.0.0.1:8080/admin/",
        "API reference  http://127.0.0.1:8080/api/schema/redoc/",
        "Staff account  admin / password s3cret",
        "API token      abc123",
    ):
        assert line in banner
    assert "Portal API" not in ready_banner("http://h:1/", ["configdb"], None)
    assert "alice" not in ready_banner("http://h:1/", ["portal"], None)  # no demo loaded


@pytest.mark.django_db
def test_the_demo_astronomers_printed_are_the_portal_demos_users() -> None:
    from django.contrib.auth import authenticate

    from openocs.portal.demo import load_users_demo
    from openocs.server.cli import demo_astronomers

    load_users_demo()
    accounts = demo_astronomers()
    assert [who for _user, _password, who in accounts] == ["the demo proposal's PI", "its CI"]
    for username, password, _who in accounts:  # each printed password signs that user in
        assert authenticate(username=username, password=password) is not None


@pytest.mark.django_db
def test_every_process_follows_the_chosen_port(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[list[str], dict[str, str]]] = []

    class _Process:
        def __init__(self, argv: list[str], env: dict[str, str]) -> None:
            started.append((argv, env))

    monkeypatch.setattr("openocs.server.cli.subprocess.Popen", _Process)
    monkeypatch.setattr(server_cli, "_supervise", lambda processes, **banner: None)
    result = CliRunner().invoke(server_cli.main, ["up", "--no-demo", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert len(started) == 3  # web server, task worker, scheduler
    for _, env in started:
        assert (env["OCS_HOST"], env["OCS_PORT"]) == ("127.0.0.1", "8123")
    steps = [line for line in result.output.splitlines() if line.startswith("==> ")]
    assert [step.split(" on ")[0].rstrip("…") for step in steps] == [
        "==> Migrating the database",
        "==> Collecting static files",
        "==> Starting the web server",
        "==> Starting the task worker",
        "==> Starting the scheduler daemon",
    ]
    assert "http://127.0.0.1:8123/" in steps[2]


def test_links_in_e_mails_follow_the_port_unless_set(tmp_path: Path) -> None:
    code = "from openocs.portal.proposals import conf; print(conf.PORTAL_PUBLIC_URL)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCS_")}
    followed = subprocess.run(
        [sys.executable, "-c", code], env={**env, "OCS_PORT": "8123"}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert followed.stdout.strip() == "http://127.0.0.1:8123"
    given = {**env, "OCS_PORT": "8123", "OCS_PORTAL_PUBLIC_URL": "https://ocs.example.org"}
    kept = subprocess.run(
        [sys.executable, "-c", code], env=given, capture_output=True, text=True, check=True
    )
    assert kept.stdout.strip() == "https://ocs.example.org"


def test_ocs_up_prints_its_progress_then_the_urls_once_serving(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OCS_", "DJANGO_"))},
        "OCS_DATA_DIR": str(tmp_path),
        "OCS_COMPONENTS": "configdb",  # the fewest migrations: the same steps, in seconds
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "openocs.server.cli", "up", "--port", str(port)]
    command += ["--no-demo", "--no-worker", "--no-scheduler", "--workers", "1"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    stdout = process.stdout
    assert stdout is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stdout:
            lines.put(line)

    reader = threading.Thread(target=read)
    reader.start()
    output: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while "Ctrl-C stops it." not in output:
            assert process.poll() is None, "\n".join(output)
            assert time.monotonic() < deadline, "\n".join(output)
            try:
                output.append(lines.get(timeout=1.0).rstrip("\n"))
            except queue.Empty:
                continue
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        reader.join(timeout=30)
        stdout.close()
    text = "\n".join(output)
    assert text.index("==> Migrating") < text.index("==> Starting the web server")
    assert text.index("==> Starting the web server") < text.index("OpenOCS is ready:")
    assert f"Admin          http://127.0.0.1:{port}/admin/" in text
