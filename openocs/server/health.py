"""Health endpoints: ``/health/`` (and each component's ``<prefix>health/``, ``/zpages/health/``).

A health check answers 200 when the process can reach its database and cache, 503 otherwise,
with a JSON body naming what failed, so a load balancer and a person read the same answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

import openocs


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"error: {error}"
    return "ok"


def _check_cache() -> str:
    try:
        cache.set("openocs:health", "ok", 10)
        value = cache.get("openocs:health")
    except (OSError, ConnectionError) as error:
        return f"error: {error}"
    return "ok" if value == "ok" else "error: cache did not return the value it stored"


def health(request: HttpRequest) -> JsonResponse:
    """Report the state of this process's dependencies."""
    checks: dict[str, Any] = {"database": _check_database(), "cache": _check_cache()}
    healthy = all(value == "ok" for value in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        "version": openocs.__version__,
        "components": list(settings.OCS_COMPONENTS),
        "checks": checks,
    }
    return JsonResponse(body, status=200 if healthy else 503)
