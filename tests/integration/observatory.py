"""A whole OpenOCS started the way a person starts it (``ocs up``), on a free port, for the
end-to-end tests of the simulated sites and of the tutorial.

Everything is a real process talking HTTP: gunicorn, the task worker, the scheduler daemon and
(when asked) ``ocs site simulate``. E-mails go to files (``EMAIL_FILE_PATH``) so a test can read
the outbox.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPOSITORY = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 300.0  # about 20 s on an idle machine; minutes on a loaded one


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ocs_argv(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "openocs.server.cli", *arguments]


@dataclass
class Observatory:
    """A running ``ocs up`` and helpers to use it as its users do."""

    data_dir: Path
    port: int
    environment: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0
    logs: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def outbox(self) -> Path:
        return self.data_dir / "mail"

    def ocs(self, *arguments: str) -> str:
        """Run an ``ocs`` command against this deployment's database; its output."""
        result = subprocess.run(
            ocs_argv(*arguments),
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()

    def django(self, code: str) -> str:
        """Run Python with Django set up on this deployment's database (test set-up only)."""
        script = "from openocs.server.cli import setup_django\nsetup_django()\n" + code
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30.0)

    def simulate(self, *arguments: str, token: str) -> subprocess.Popen[bytes]:
        """Start ``ocs site simulate`` against this deployment (stopped with it)."""
        self.started += 1
        log = (self.data_dir / f"simulator-{self.started}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            ocs_argv(
                "site",
                "simulate",
                "--portal-url",
                self.url,
                "--token",
                token,
                "--spool-dir",
                str(self.data_dir / f"spool-{self.started}"),
                *arguments,
            ),
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.extra.append(process)
        return process

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop_extra(self) -> None:
        """Stop the processes started with :meth:`simulate`."""
        for process in self.extra:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.extra:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.extra.clear()

    def stop(self) -> None:
        for process in [*self.extra, self.process]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.extra, self.process]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.logs:
            log.close()


def wait_for(
    condition: Callable[[], Any], *, timeout_s: float, every_s: float = 1.0, what: str = ""
) -> Any:
    """Poll ``condition`` until it returns something truthy (returned) or time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(every_s)


def start_observatory(
    data_dir: Path, *arguments: str, environment: Mapping[str, str] | None = None
) -> Observatory:
    """``ocs up --workers 1 ARGUMENTS`` on a free port with its data in ``data_dir``; returns
    once the portal answers."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OCS_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "DJANGO_"))
    }
    env.update(
        {
            "OCS_DATA_DIR": str(data_dir),
            "EMAIL_FILE_PATH": str(data_dir / "mail"),
            "OCS_SCHEDULER_PASS_ESTIMATE": "10",
            "PYTHONUNBUFFERED": "1",
            **(environment or {}),
        }
    )
    log_path = data_dir / "ocs-up.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        ocs_argv("up", "--port", str(port), "--workers", "1", *arguments),
        env=env,
        cwd=REPOSITORY,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    observatory = Observatory(data_dir, port, env, process, log_path, logs=[log])

    def answering() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"ocs up exited:\n{observatory.log()[-3000:]}")
        try:
            return httpx.get(observatory.url + "api/semesters/", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(answering, timeout_s=START_TIMEOUT_S, every_s=0.5, what="ocs up to answer")
    except AssertionError:
        observatory.stop()
        raise
    return observatory


def running(data_dir: Path, *arguments: str, **environment: str) -> Iterator[Observatory]:
    """A fixture body: an observatory for the duration of a test module."""
    observatory = start_observatory(data_dir, *arguments, environment=environment)
    try:
        yield observatory
    finally:
        observatory.stop()


def request_state(observatory: Observatory, token: str, group_id: int) -> str:
    with observatory.client(token) as client:
        return str(client.get(f"api/requestgroups/{group_id}/").json()["state"])


def dump(value: Any) -> str:
    return json.dumps(value, indent=1)[:2000]
