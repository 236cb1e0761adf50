"""Warm each component's caches when a web worker starts, not on its first user's request.

``openocs.server.wsgi`` calls :func:`warm_up` once per process after loading the application
(under gunicorn: in each worker, after the fork). Each installed component may provide
``openocs.<component>.warmup.warm_up()``; they are looked up by name, so the server imports no
component statically. ``OCS_WARMUP=false`` turns it off.

With a database connection pool (``OCS_DB_POOL_SIZE``) the warm-up first opens it and waits for
its connections, so that no request pays for connecting (:func:`open_database_pool`).
"""

from __future__ import annotations

import gc
import logging
import time
from importlib import import_module

from django.conf import settings

logger = logging.getLogger(__name__)


def open_database_pool(timeout_s: float = 30.0) -> int:
    """Open the default database's connection pool, if it has one, and wait until its minimum
    of connections is connected; return that minimum (0: no pool)."""
    from django.db import connection

    pool = getattr(connection, "pool", None)  # PostgreSQL's backend only
    if pool is None:
        return 0
    pool.open(wait=True, timeout=timeout_s)
    minimum: int = pool.min_size
    return minimum


def warm_up() -> list[str]:
    """Run every installed component's warm-up; return the names of those that ran."""
    connected = open_database_pool()
    if connected:
        logger.info("opened %d database connections", connected)
    ran = []
    for name in settings.OCS_COMPONENTS:
        module_name = f"openocs.{name}.warmup"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        began = time.perf_counter()
        module.warm_up()
        logger.info("warmed up %s in %.0f ms", name, 1000 * (time.perf_counter() - began))
        ran.append(name)
    release_connections()
    return ran


def release_connections() -> None:
    """Close the start-up thread's connections (to the pool, if any): it serves no request.
    A connection inside a transaction (a test's) is left alone."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def freeze_start_up_objects() -> int:
    """Move everything allocated so far (modules, settings, the warm caches) out of the garbage
    collector's sight; returns how many objects were frozen.

    After the warm-up a worker holds a few hundred thousand long-lived objects. Without this, the
    first request's allocations trigger a full collection that walks all of them (≈ 200–300 ms of
    CPU before a 50 ms page, measured on the request-group list), and later full collections
    repeat the walk. Frozen objects are still freed when their references go; only cycles among
    them are never collected, which start-up objects do not need.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
