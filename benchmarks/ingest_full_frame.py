"""Ingest rate of the full 3.4 MB frame to local storage with 2 workers (issue 7 target ≥ 20/s).

Starts a real archive (gunicorn, SQLite or ``--database-url``, local file store) on 127.0.0.1,
makes N copies of the full frame that differ in one header value (so each has its own md5), and
ingests them with the ``openocs.ingester`` library in 2 worker threads over HTTP: md5, duplicate
check, FITS validation and record, upload, registration. Prints files per second.

    .venv/bin/python benchmarks/ingest_full_frame.py --files 200
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL_FRAME = ROOT / "data" / "demo-fits" / "ogg2m001-ep02-20210708-0132-e00.fits.fz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_cpu_s(master_pid: int) -> float:
    """User + system CPU seconds of the gunicorn workers (children of ``master_pid``)."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) in (master_pid,) or int(entry.name) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def make_copies(folder: Path, count: int) -> list[Path]:
    data = FULL_FRAME.read_bytes()
    marker = b"S Pinwheel"
    assert marker in data
    paths = []
    for index in range(count):
        copy = data.replace(marker, f"S Pinw{index:04d}".encode())
        name = FULL_FRAME.name.replace("-0132-", f"-{index:04d}-")
        path = folder / name
        path.write_bytes(copy)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ocs-ingest-bench-"))
    env = dict(os.environ)
    env.update(
        OCS_COMPONENTS="archive",
        OCS_DATA_DIR=str(work / "var"),
        FILESYSTEM_STORAGE_ROOT_DIR=str(work / "files"),
        FILESTORE_TYPE="local",
        ARCHIVE_THUMBNAILS="true",
        OCS_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    python = sys.executable
    bin_dir = Path(python).parent
    subprocess.run([python, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    token = subprocess.run(
        [python, "-c", (
            "import django; django.setup();"
            "from django.contrib.auth.models import User;"
            "from rest_framework.authtoken.models import Token;"
            "u=User.objects.create_superuser('bench', 'b@x', None);"
            "print(Token.objects.create(user=u).key)"
        )],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "openocs.server.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--threads", "2", "--log-level", "warning", "--preload"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        import httpx

        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/", timeout=60).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        os.environ.update(FILESYSTEM_STORAGE_ROOT_DIR=env["FILESYSTEM_STORAGE_ROOT_DIR"])
        from openocs.clients.archive import ArchiveClient
        from openocs.ingester import Ingester, IngesterSettings

        settings = IngesterSettings.from_env()
        archive = ArchiveClient(f"http://127.0.0.1:{port}/", token=token, timeout_s=60)
        ingester = Ingester.from_settings(settings, archive=archive)
        copies = make_copies(work, args.files)
        for path in copies[:2]:  # warm-up: imports and first connections in both workers
            ingester.ingest_path(path)
        server_before = server_cpu_s(server.pid)
        client_before = time.process_time()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(ingester.ingest_path, copies[2:]))
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_before
        server_cpu = server_cpu_s(server.pid) - server_before
        assert all(r["frameid"] for r in results)
        stored = sum(1 for _ in (work / "files").rglob("*.fits.fz"))
        assert stored == args.files, stored
        rate = len(results) / elapsed
        print(f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        database = "PostgreSQL" if args.database_url else "SQLite"
        size_mb = FULL_FRAME.stat().st_size / 1e6
        print(f"database: {database}; file: {FULL_FRAME.name} ({size_mb:.1f} MB); "
              f"workers: {args.workers}")  # fmt: skip
        print(f"ingested {len(results)} files in {elapsed:.2f} s: {rate:.1f} files/s (wall)")
        per_file_ms = 1000 * (client_cpu + server_cpu) / len(results)
        print(f"CPU per file: ingester {1000 * client_cpu / len(results):.1f} ms + archive "
              f"{1000 * server_cpu / len(results):.1f} ms = {per_file_ms:.1f} ms; "
              f"capacity of 2 idle cores: {2000 / per_file_ms:.1f} files/s")  # fmt: skip
        archive.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
