"""The docs' examples that need the whole system, run the way a newcomer runs them (issue 18).

A block marked ``<!-- run by: tests/docs/test_system_examples.py -->`` is executed here, as
written, with three substitutions a reader makes too: the port (``127.0.0.1:8000`` becomes the
free port the test chose, since 8000 may be taken), the token printed by ``make run`` for
``<token…>`` placeholders, and the path of this repository for ``<your copy of the OpenOCS
repository>``.

- :func:`test_the_quick_start_on_a_fresh_clone_and_what_the_docs_do_with_it` clones this
  repository into a temporary directory and runs the getting-started block there (``git clone``,
  then ``make run``: a new ``.venv``, the install, migrations, the demo, every process), waits for
  the banner, then runs the blocks that need a running system against it: the README's and the
  archive page's ``curl`` calls, the site's service account, the configdb export and import, the
  allocations import, the ingester library, the duration fragment, the scheduler daemon (one
  dry-run cycle, then the daemon until its first cycle, stopped with Ctrl-C) and ``ocs backup``.
  It stops the system with Ctrl-C and restores the backup into a new data directory, as on a new
  machine.
- :func:`test_postgresql_dump_and_restore_as_the_operations_page_says` runs ``pg_dump`` and
  ``pg_restore`` against a database of its own on the local PostgreSQL server.
- :func:`test_the_rapid_response_benchmark_runs_at_its_smallest` runs the HTTP benchmark's
  smallest command (the others take minutes each: their options are checked against its usage).

The clone holds the repository's committed state: run it after committing what you changed.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.test_every_example import BLOCKS, ROOT

THIS = "tests/docs/test_system_examples.py"
RUN_HERE = re.compile(rf"<!--\s*run by:\s*{re.escape(THIS)}\s*-->\s*$")

# (page, how the block begins) of every block this file runs; each names exactly one block.
RUN_HERE_BLOCKS = [
    ("docs/getting-started.md", "git clone"),
    ("README.md", "make run"),
    ("docs/deployment.md", "make run"),
    ("README.md", "curl -s 127.0.0.1:8000/configdb/sites/"),
    ("docs/web.md", "curl 'http://127.0.0.1:8000/archive/frames/"),
    ("docs/connect-your-telescope.md", "export OCS_SITE_TOKEN"),
    ("docs/tutorials/adopting-openocs.md", ".venv/bin/ocs configdb export"),
    ("docs/tutorials/adopting-openocs.md", ".venv/bin/ocs accounting import"),
    ("docs/ingester.md", "from openocs.ingester import"),
    ("docs/portal-requests.md", "from openocs.portal.requestgroups.duration"),
    ("docs/scheduler-daemon.md", "$ OCS_SCHEDULER_TOKEN=<token> ocs scheduler run"),
    ("docs/operations.md", ".venv/bin/ocs backup"),
    ("docs/operations.md", ".venv/bin/ocs restore"),
    ("docs/operations.md", "pg_dump"),
    ("docs/scheduler-daemon.md", "$ .venv/bin/python benchmarks/scheduler_rr_http.py"),
]

pytestmark = pytest.mark.slow


def _block(page: str, start: str) -> str:
    found = [
        body
        for p, _line, _language, body, before in BLOCKS
        if p == page and RUN_HERE.search(before) and body.startswith(start)
    ]
    assert len(found) == 1, f"{page}: {len(found)} blocks marked for {THIS} begin {start!r}"
    return found[0]


def _commands(console: str) -> list[str]:
    """The commands of a console block: ``$`` lines with their ``\\`` continuations."""
    commands: list[str] = []
    continued = False
    for line in console.splitlines():
        if continued:
            commands[-1] = commands[-1].removesuffix("\\") + " " + line.strip()
        elif line.startswith("$ "):
            commands.append(line.removeprefix("$ ").strip())
        else:
            continue
        continued = commands[-1].endswith("\\")
    return commands


def test_every_block_marked_for_this_file_is_run_here() -> None:
    marked = [(p, body) for p, _n, _l, body, before in BLOCKS if RUN_HERE.search(before)]
    for page, body in marked:
        assert any(p == page and body.startswith(s) for p, s in RUN_HERE_BLOCKS), (
            f"{page}: a block marked for {THIS} that no test here runs: {body[:60]!r}"
        )
    for page, start in RUN_HERE_BLOCKS:
        _block(page, start)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without the test run's settings and virtual environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OCS_", "DJANGO_", "PYTEST_", "COV_", "VIRTUAL_ENV"))
    }
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if "/.venv/" not in entry]
    env["PATH"] = os.pathsep.join(path)
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def _in_place(text: str, port: int, token: str = "") -> str:
    """A reader's substitutions: the port, the printed token."""
    text = text.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    return re.sub(r"<token[^>]*>", token, text) if token else text


def _bash(script: str, *, cwd: Path, env: dict[str, str], timeout_s: float = 300) -> str:
    result = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert result.returncode == 0, f"{script}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


class _Lines:
    """The output lines of a process, read by a thread, so a test can wait for one."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        stream = process.stdout
        assert stream is not None
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout_s: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        wanted = re.compile(pattern)
        while True:
            for line in self.seen:
                if found := wanted.search(line):
                    return found
            assert self.process.poll() is None or not self._queue.empty(), (
                f"exited {self.process.returncode} before {pattern!r}:\n"
                + "\n".join(self.seen[-80:])
            )
            assert time.monotonic() < deadline, f"no {pattern!r} yet:\n" + "\n".join(
                self.seen[-80:]
            )
            try:
                self.seen.append(self._queue.get(timeout=1.0))
            except queue.Empty:
                continue

    def interrupt(self, timeout_s: float = 90) -> int:
        """Ctrl-C, as a reader stops it: SIGINT to the process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout_s)
        finally:
            if self.process.poll() is None:  # never leave a system running
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
            self._reader.join(timeout=10)
            while not self._queue.empty():
                self.seen.append(self._queue.get())
            if self.process.stdout is not None:
                self.process.stdout.close()


def _start(command: list[str], *, cwd: Path, env: dict[str, str]) -> _Lines:
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return _Lines(process)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    """A directory for the clone; its ``.venv`` (about 1.5 GB) is removed afterwards."""
    yield tmp_path
    shutil.rmtree(tmp_path / "openocs", ignore_errors=True)


def test_the_quick_start_on_a_fresh_clone_and_what_the_docs_do_with_it(workspace: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    for page in ("README.md", "docs/deployment.md"):  # the same command as the clone's last
        assert _block(page, "make run").split("#")[0].strip() == "make run", page
    quick_start = _block("docs/getting-started.md", "git clone").replace(
        "<your copy of the OpenOCS repository>", str(ROOT)
    )
    port = _free_port()
    env = _clean_env(OCS_PORT=str(port))
    system = _start(["bash", "-e", "-c", quick_start], cwd=workspace, env=env)
    clone = workspace / "openocs"
    try:
        # It says what it does, then where everything is (an install takes a minute or two).
        system.wait_for(r"^Ctrl-C stops it\.$", timeout_s=1200)
        printed = "\n".join(system.seen)
        for step in (
            "==> Creating the virtual environment",
            "==> Installing the pinned dependencies",
            "==> Migrating the database",
            "==> Loading the demo observatory",
            f"==> Starting the web server on http://127.0.0.1:{port}/",
            "OpenOCS is ready:",
            "alice / password alice-demo-password",
        ):
            assert step in printed, step
        token = system.wait_for(r"API token\s+([0-9a-f]{40})", timeout_s=1).group(1)
        run = _clean_env(OCS_PORT=str(port), PATH=f"{clone / '.venv' / 'bin'}:{env['PATH']}")

        # README: the network, the demo downtimes and the staff account's profile.
        out = _bash(_in_place(_block("README.md", "curl -s"), port, token), cwd=clone, env=run)
        assert '"code": "lsc"' in out or '"code": "coj"' in out, out
        assert '"reason"' in out and '"username":"admin"' in out, out

        # The archive page's search URL answers the frames it finds.
        out = _bash(_in_place(_block("docs/web.md", "curl"), port), cwd=clone, env=run)
        assert '"results"' in out, out

        # A site's service account: the token it prints signs API calls in.
        out = _bash(
            _block("docs/connect-your-telescope.md", "export OCS_SITE_TOKEN")
            + f'\ncurl -sf -H "Authorization: Token $OCS_SITE_TOKEN" 127.0.0.1:{port}/api/profile/',
            cwd=clone,
            env=run,
        )
        assert '"username":"site"' in out, out

        # Adopting: export the network, import it unchanged (all or nothing, nothing changes).
        out = _bash(
            _block("docs/tutorials/adopting-openocs.md", ".venv/bin/ocs configdb export"),
            cwd=clone,
            env=run,
        )
        assert "Imported 7 sites, 27 telescopes, 34 instruments (0 changes)." in out, out
        # …then the allocations CSV of the page, once staff made its semester (in the admin).
        (csv_text,) = [
            body
            for p, _n, language, body, _b in BLOCKS
            if p == "docs/tutorials/adopting-openocs.md" and language == "csv"
        ]
        (clone / "allocations.csv").write_text(csv_text, encoding="utf-8")
        semester = (
            "import django; django.setup()\n"
            "from datetime import UTC, datetime\n"
            "from openocs.portal.proposals import services\n"
            "services.semester_create(semester_id='2031A', start=datetime(2031, 2, 1, tzinfo=UTC),"
            " end=datetime(2031, 8, 1, tzinfo=UTC))\n"
        )
        django = {"DJANGO_SETTINGS_MODULE": "openocs.server.settings"}
        _bash(f'.venv/bin/python -c "{semester}"', cwd=clone, env={**run, **django})
        out = _bash(
            _block("docs/tutorials/adopting-openocs.md", ".venv/bin/ocs accounting import"),
            cwd=clone,
            env=run,
        )
        assert "Imported: 1 new and 0 updated proposals, 1 new and 0 updated allocations" in out

        # The ingester library against the running archive (the demo archived this file
        # already: the block takes its "already archived" branch and exits cleanly).
        shutil.copy(clone / "data" / "demo-fits" / "ogg2m001-ep02-20210708-0132-e00.fits.fz", clone)
        (clone / "ingest_example.py").write_text(
            _block("docs/ingester.md", "from openocs.ingester import"), encoding="utf-8"
        )
        archive = {"API_ROOT": f"http://127.0.0.1:{port}/archive/", "AUTH_TOKEN": token}
        _bash(".venv/bin/python ingest_example.py", cwd=clone, env={**run, **archive})

        # The duration fragment, with the running configdb's sites and the API reference's
        # example request as "your code".
        prelude = (
            "import json, urllib.request\n"
            "from openocs.server.request_examples import EXAMPLES\n"
            f"sites = urllib.request.urlopen('http://127.0.0.1:{port}/configdb/sites/')\n"
            "sites_document = json.load(sites)['results']\n"
            "request_json = EXAMPLES['POST /api/requestgroups/'][1]['requests'][0]\n"
        )
        fragment = _block("docs/portal-requests.md", "from openocs.portal.requestgroups.duration")
        (clone / "duration_example.py").write_text(
            prelude + fragment + "print(seconds)\n", encoding="utf-8"
        )
        seconds = int(_bash(".venv/bin/python duration_example.py", cwd=clone, env=run))
        assert 2 * 30 < seconds < 3600  # two 30 s exposures and their overheads

        # The scheduler daemon with the scheduler's service account: one dry-run cycle, then
        # the daemon until its first cycle, stopped with Ctrl-C.
        scheduler = _bash(".venv/bin/ocs serviceaccount scheduler", cwd=clone, env=run).strip()
        daemon, dry_run = _commands(_block("docs/scheduler-daemon.md", "$ OCS_SCHEDULER_TOKEN"))
        assert "--once --dry-run" in dry_run
        portal = {"OCS_PORTAL_URL": f"http://127.0.0.1:{port}/"}
        out = _bash(_in_place(dry_run, port, scheduler), cwd=clone, env={**run, **portal})
        started = _start(
            ["bash", "-e", "-c", _in_place(daemon, port, scheduler)], cwd=clone, env=run
        )
        try:
            started.wait_for(r"^scheduling against http://127\.0\.0\.1:\d+/", timeout_s=120)
            started.wait_for(r"^cycle \(first run\): created \d+", timeout_s=600)
        finally:
            assert started.interrupt() == 0, "\n".join(started.seen[-40:])

        # A backup while the system serves.
        _bash(_block("docs/operations.md", ".venv/bin/ocs backup"), cwd=clone, env=run)
        (backup,) = (clone / "backups").glob("ocs-*.tar.gz")
        frames = sorted(p.name for p in (clone / "var" / "archive-files").rglob("*") if p.is_file())
        assert frames
    finally:
        code = system.interrupt()
    assert "stopped" in system.seen, (code, system.seen[-40:])

    # Restore on "a new machine": an empty data directory, the backup copied over as named.
    machine = workspace / "new-machine"
    (machine / "backups").mkdir(parents=True)
    (machine / ".venv").symlink_to(clone / ".venv")
    restore = _block("docs/operations.md", ".venv/bin/ocs restore")
    (named,) = re.findall(r"backups/\S+\.tar\.gz", restore)
    shutil.copy(backup, machine / named)
    there = {**run, "OCS_DATA_DIR": str(machine / "var")}
    _bash(restore, cwd=machine, env=there)
    assert _bash(".venv/bin/ocs createtoken admin", cwd=machine, env=there).strip() == token
    restored = sorted(p.name for p in (machine / "var" / "archive-files").rglob("*") if p.is_file())
    assert restored == frames


def test_postgresql_dump_and_restore_as_the_operations_page_says(tmp_path: Path) -> None:
    from openocs.server.dbcheck import postgres_answers

    server = os.environ.get("OCS_TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/"
    server = server.rsplit("/", 1)[0]
    if not postgres_answers(f"{server}/postgres"):
        pytest.skip(f"no PostgreSQL server answers at {server}")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    import psycopg

    name = f"ocs_docs_pgdump_{uuid.uuid4().hex[:12]}"
    url = f"{server}/{name}"
    ocs = str(Path(sys.executable).with_name("ocs"))
    env = _clean_env(DATABASE_URL=url, OCS_COMPONENTS="configdb", OCS_DATA_DIR=str(tmp_path))
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _bash(f"{ocs} migrate && {ocs} loaddemo", cwd=tmp_path, env=env)
        commands = _block("docs/operations.md", "pg_dump").splitlines()
        dump, restore = (line.split("  #")[0].strip() for line in commands)
        _bash(dump, cwd=tmp_path, env=env)
        (dumped,) = tmp_path.glob("ocs-*.pgdump")
        with psycopg.connect(url, autocommit=True) as connection:  # lose data after the dump
            connection.execute("TRUNCATE configdb_site CASCADE")  # and their telescopes
        named = re.findall(r"ocs-\S+\.pgdump", restore)[-1]
        if dumped.name != named:  # the page restores the dump of a given day
            dumped.rename(tmp_path / named)
        _bash(restore, cwd=tmp_path, env=env)
        with psycopg.connect(url) as connection:
            sites = connection.execute("SELECT count(*) FROM configdb_site").fetchone()
            telescopes = connection.execute("SELECT count(*) FROM configdb_telescope").fetchone()
        assert (sites, telescopes) == ((7,), (27,))
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_rapid_response_benchmark_runs_at_its_smallest(tmp_path: Path) -> None:
    commands = _commands(_block("docs/scheduler-daemon.md", "$ .venv/bin/python benchmarks/"))
    (smallest,) = [command for command in commands if "--runs 1 " in command]
    out = _bash(smallest, cwd=ROOT, env=_clean_env(), timeout_s=900)
    assert "submission → written: median" in out, out
    # The full-size commands (minutes each, benchmarks/RESULTS.md) ask only for options it has.
    usage = _bash(f"{smallest.split(' --')[0]} --help", cwd=ROOT, env=_clean_env())
    for command in commands:
        for option in re.findall(r"--[a-z][a-z-]*", command):
            assert f"{option}" in usage, (command, option)
