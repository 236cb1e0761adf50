"""Warm each component's caches when a web worker starts, not on its first user's request.

``openocs.server.wsgi`` calls :func:`warm_up` once per process after loading the application
(under gunicorn: in each worker, after the fork). Each installed component may provide
``openocs.<component>.warmup.warm_up()``; they are looked up by name, so the server imports no
component statically. ``OCS_WARMUP=false`` turns it off.
"""

from __future__ import annotations

import logging
import time
from importlib import import_module

from django.conf import settings

logger = logging.getLogger(__name__)


def warm_up() -> list[str]:
    """Run every installed component's warm-up; return the names of those that ran."""
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
    return ran
