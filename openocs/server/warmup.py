"""Warm each component's caches when a web worker starts, not on its first user's request.

``openocs.server.wsgi`` calls :func:`warm_up` once per process after loading the application
(under gunicorn: in each worker, after the fork). Each installed component may provide
``openocs.<component>.warmup.warm_up()``; they are looked up by name, so the server imports no
component statically. ``OCS_WARMUP=false`` turns it off.

With a database connection pool (``OCS_DB_POOL_SIZE``) the warm-up first opens it and waits for
its connections, so that no request pays for connecting (:func:`open_database_pool`). A
component may also provide ``warm_connection()``: the queries its requests make, run on each
connection of the pool (:func:`warm_connections`) — a new PostgreSQL connection's first queries
of a table load its catalog entries, and the pool hands its connections out in turn, so without
this each of a worker's first few requests met a cold connection.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from importlib import import_module
from types import ModuleType

from django.conf import settings
from django.db import DatabaseError

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


def warm_connections(work: Callable[[], None], timeout_s: float = 30.0) -> int:
    """Run ``work`` on each connection of the default database's pool, or once on this thread's
    connection without a pool; return on how many connections it ran.

    One thread per pooled connection: each takes its connection and waits for the others before
    it runs ``work``, so that all the pool's connections are out at once and each runs it once.
    An error in any thread is raised here."""
    from django.db import connection

    pool = getattr(connection, "pool", None)
    if pool is None:
        work()
        return 1
    count: int = pool.min_size
    barrier = threading.Barrier(count, timeout=timeout_s)
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connection

        try:
            connection.ensure_connection()
            barrier.wait()
            work()
        except BaseException as error:  # handed to the caller, which raises it
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()  # back to the pool

    threads = [threading.Thread(target=run, name=f"warm-connection-{k}") for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # the first cause, not the broken barrier it left the other threads with
    causes = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)] or errors
    if causes:
        raise causes[0]
    return count


def compile_url_patterns() -> int:
    """Compile the regular expression of every URL pattern and return how many there are.

    Django compiles a pattern's expression the first time a request is matched against it, so
    each route's first request compiled those of the patterns tried before it (≈ 10 ms of CPU
    on a request's detail, issue 17)."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver: URLResolver) -> int:
        count = 0
        for entry in resolver.url_patterns:
            entry.pattern.regex  # noqa: B018 (compiled and cached on first access)
            count += 1
            if isinstance(entry, URLResolver):
                count += walk(entry)
        return count

    root = get_resolver()
    root.pattern.regex  # noqa: B018
    return walk(root)


def _component_warmups() -> list[tuple[str, ModuleType]]:
    found = []
    for name in settings.OCS_COMPONENTS:
        module_name = f"openocs.{name}.warmup"
        try:
            found.append((name, import_module(module_name)))
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
    return found


def warm_up() -> list[str]:
    """Run every installed component's warm-up, then their ``warm_connection`` on each database
    connection; return the names of the components whose warm-up ran."""
    connected = open_database_pool()
    if connected:
        logger.info("opened %d database connections", connected)
    logger.info("compiled %d URL patterns", compile_url_patterns())
    ran = []
    per_connection: list[Callable[[], None]] = []
    for name, module in _component_warmups():
        began = time.perf_counter()
        module.warm_up()
        logger.info("warmed up %s in %.0f ms", name, 1000 * (time.perf_counter() - began))
        ran.append(name)
        if hasattr(module, "warm_connection"):
            per_connection.append(module.warm_connection)
    if per_connection:

        def each_connection() -> None:
            for work in per_connection:
                work()

        began = time.perf_counter()
        try:
            count = warm_connections(each_connection)
        except DatabaseError as error:  # not migrated yet, or down: requests will say so
            logger.warning("the database connections were not warmed up: %s", error)
        else:
            logger.info(
                "warmed %d database connections in %.0f ms",
                count,
                1000 * (time.perf_counter() - began),
            )
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
