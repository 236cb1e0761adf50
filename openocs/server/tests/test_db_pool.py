"""``OCS_DB_POOL_SIZE``: a pool of PostgreSQL connections per process, opened by the start-up
warm-up so that no request connects (issue 17)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from openocs.server import warmup

_PRINT_DATABASE = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'], default=str))"
)


def _run(code: str, tmp_path: Path, **environment: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OCS_DB_")}
    env.update(
        DJANGO_SETTINGS_MODULE="openocs.server.settings",
        OCS_DATA_DIR=str(tmp_path),
        OCS_LOG_LEVEL="WARNING",
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _database(tmp_path: Path, **environment: str) -> dict[str, Any]:
    return dict(json.loads(_run(_PRINT_DATABASE, tmp_path, **environment)))


def test_a_pool_size_gives_postgresql_a_pool_without_persistent_connections(
    tmp_path: Path,
) -> None:
    url = "postgres://ocs@127.0.0.1:5432/ocs"
    pooled = _database(tmp_path, DATABASE_URL=url, OCS_DB_POOL_SIZE="4")
    assert pooled["OPTIONS"]["pool"] == {"min_size": 4, "max_size": 8, "timeout": 30.0}
    assert pooled["CONN_MAX_AGE"] == 0
    plain = _database(tmp_path, DATABASE_URL=url)
    assert "pool" not in plain.get("OPTIONS", {})
    assert plain["CONN_MAX_AGE"] == 60


def test_sqlite_ignores_the_pool_size(tmp_path: Path) -> None:
    database = _database(
        tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", OCS_DB_POOL_SIZE="4"
    )
    assert "pool" not in database["OPTIONS"]


class _Pool:
    min_size = 3

    def __init__(self) -> None:
        self.opened: list[tuple[bool, float]] = []

    def open(self, *, wait: bool, timeout: float) -> None:
        self.opened.append((wait, timeout))


class _Connection:
    def __init__(self, pool: _Pool | None) -> None:
        self.pool = pool
        self.taken = 0
        self.closed = 0

    def ensure_connection(self) -> None:
        self.taken += 1

    def close(self) -> None:
        self.closed += 1


def test_the_warm_up_opens_the_pool_and_waits_for_its_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import django.db

    pool = _Pool()
    monkeypatch.setattr(django.db, "connection", _Connection(pool))
    assert warmup.open_database_pool(timeout_s=5.0) == 3
    assert pool.opened == [(True, 5.0)]
    monkeypatch.setattr(django.db, "connection", _Connection(None))
    assert warmup.open_database_pool() == 0


_POOL_CHECK = """
from django.db import connection
from openocs.server.warmup import open_database_pool, release_connections
opened = open_database_pool()
ready = connection.pool.get_stats()
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
in_use = connection.pool.get_stats()
release_connections()
after = connection.pool.get_stats()
print(json.dumps([opened, ready.get("pool_size"), ready.get("pool_available"),
                  in_use.get("pool_available"), after.get("pool_available")]))
"""


@pytest.mark.database
def test_a_postgresql_pool_is_connected_before_the_first_query(tmp_path: Path) -> None:
    server = os.environ.get("OCS_TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("needs PostgreSQL (OCS_TEST_DATABASE_URL)")
    url = urlsplit(server)._replace(path="/postgres").geturl()  # a database that always exists
    code = "import json\n" + _POOL_CHECK
    opened, size, available, in_use, after = json.loads(
        _run(code, tmp_path, DATABASE_URL=url, OCS_DB_POOL_SIZE="2")
    )
    assert (opened, size, available) == (2, 2, 2)  # both connected before any query
    assert in_use == 1  # the query borrowed one
    assert after == 2  # and the start-up thread gave it back


def test_the_connection_warm_up_runs_once_in_each_of_as_many_threads_as_pooled_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    import django.db

    fake = _Connection(_Pool())
    monkeypatch.setattr(django.db, "connection", fake)
    threads: list[int] = []
    assert warmup.warm_connections(lambda: threads.append(threading.get_ident())) == 3
    assert len(set(threads)) == 3 and threading.get_ident() not in threads
    assert fake.taken == fake.closed == 3  # each took a connection and gave it back


def test_without_a_pool_the_connection_warm_up_runs_once_on_this_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import django.db

    monkeypatch.setattr(django.db, "connection", _Connection(None))
    ran: list[int] = []
    assert warmup.warm_connections(lambda: ran.append(1)) == 1
    assert ran == [1]


def test_a_failing_connection_warm_up_raises_its_own_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import itertools

    import django.db

    fake = _Connection(_Pool())
    monkeypatch.setattr(django.db, "connection", fake)
    calls = itertools.count()

    def work() -> None:
        if next(calls) == 1:
            raise LookupError("table missing")

    with pytest.raises(LookupError, match="table missing"):
        warmup.warm_connections(work, timeout_s=5.0)
    assert fake.closed == 3


_EACH_CONNECTION = """
import json, threading
from django.db import connection
from openocs.server.warmup import open_database_pool, warm_connections, release_connections
open_database_pool()
pids = []
lock = threading.Lock()
def work():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        with lock:
            pids.append(cursor.fetchone()[0])
count = warm_connections(work)
release_connections()
stats = connection.pool.get_stats()
print(json.dumps([count, len(pids), len(set(pids)), stats.get("pool_size"),
                  stats.get("pool_available")]))
"""


@pytest.mark.database
def test_the_connection_warm_up_reaches_every_pooled_postgresql_connection(
    tmp_path: Path,
) -> None:
    server = os.environ.get("OCS_TEST_DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("needs PostgreSQL (OCS_TEST_DATABASE_URL)")
    url = urlsplit(server)._replace(path="/postgres").geturl()
    count, runs, backends, size, available = json.loads(
        _run(_EACH_CONNECTION, tmp_path, DATABASE_URL=url, OCS_DB_POOL_SIZE="3")
    )
    assert (count, runs, backends) == (3, 3, 3)  # each of the three connections once
    assert (size, available) == (3, 3)  # no connection more, all given back
