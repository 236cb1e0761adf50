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
import io
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

WSGIApplication = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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


def warm_model_metadata() -> int:
    """Fill the per-model caches Django fills lazily, and return how many models there are.

    A model's field maps, its concrete fields, its managers, each field's default and column,
    each reverse relation's manager class and an instance's construction are computed on first
    use: a worker's first submission (which saves rows of a dozen models) paid them (≈ 1–2 ms
    of CPU, issue 17). Nothing is read from or written to the database."""
    from django.apps import apps
    from django.db.models.fields.related_descriptors import (
        ManyToManyDescriptor,
        ReverseManyToOneDescriptor,
    )

    models = apps.get_models()
    for model in models:
        meta = model._meta
        meta.get_fields()
        for name in (
            "fields_map",
            "concrete_fields",
            "local_concrete_fields",
            "db_returning_fields",
            "managers_map",
            "base_manager",
            "default_manager",
            "related_objects",
            "_reverse_one_to_one_field_names",
            "_property_names",
            "_forward_fields_map",
        ):
            getattr(meta, name)
        for field in meta.concrete_fields:
            field.cached_col  # noqa: B018
            field.get_default()
        for attribute in vars(model).values():
            if isinstance(attribute, ReverseManyToOneDescriptor | ManyToManyDescriptor):
                attribute.related_manager_cls  # noqa: B018
        model()
    return len(models)


WARM_UP_MARK = "openocs.warm_up"
"""The WSGI environ key of the warm-up's own request (no client can send it: headers arrive as
``HTTP_…``); the request metrics leave such a request out."""


def serve_warm_up_request(application: WSGIApplication, path: str = "/health/") -> int:
    """Send one GET of ``path`` through ``application`` (the worker's own handler, with its
    whole middleware stack) and return the status code.

    The middleware import and build things on a worker's first request (the session and
    message stores, the cookie signer, lazily compiled expressions: ≈ 5 ms of CPU, issue 17),
    which the benchmark's ``/health/`` polls happened to pay on one worker only."""
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and "*" not in h), "localhost")
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443" if settings.SECURE_SSL_REDIRECT else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if settings.SECURE_SSL_REDIRECT else "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        WARM_UP_MARK: True,
    }
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Callable[[bytes], Any]:
        statuses.append(status)
        return lambda data: None

    body = application(environ, start_response)
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()  # Django's request_finished: the connection goes back
    return int(statuses[0].split()[0])


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


def warm_up(application: WSGIApplication | None = None) -> list[str]:
    """Run every installed component's warm-up, then their ``warm_connection`` on each database
    connection, then (given the worker's ``application``) one request through it; return the
    names of the components whose warm-up ran."""
    connected = open_database_pool()
    if connected:
        logger.info("opened %d database connections", connected)
    logger.info("compiled %d URL patterns", compile_url_patterns())
    logger.info("filled the metadata caches of %d models", warm_model_metadata())
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
    if application is not None:
        status = serve_warm_up_request(application)
        logger.info("served the warm-up request: %d", status)
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
