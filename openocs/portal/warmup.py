"""The portal's start-up warm-up (see :mod:`openocs.server.warmup`).

Reads the configdb document and builds the instrument digests that ``/api/instruments/``
serves, reads the current downtimes, loads the modules that validation and the scheduler feed
import on first use, and computes each distinct sky's Sun, Moon and night tables for the coming
week with one target, so that the first validation of a typical request finds them as every
later one does.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from openocs.web.exceptions import ServiceUnavailable

# Imported by views on first use (kept out of the URL configuration's import for start-up time).
LAZY_MODULES = (
    "openocs.portal.requestgroups.validation",
    "openocs.portal.requestgroups.feed",
    "openocs.portal.requestgroups.expansion",
)

logger = logging.getLogger(__name__)


def warm_up(now: dt.datetime | None = None) -> None:
    from openocs.portal.requestgroups import visibility as portal_visibility
    from openocs.portal.requestgroups.configuration import load_portal_configuration

    try:
        configuration = load_portal_configuration()
    except ServiceUnavailable:
        logger.warning("configdb did not answer at start-up: its caches fill on first use")
        return
    configuration.digest(staff=False)
    configuration.digest(staff=True)
    for name in LAZY_MODULES:
        import_module(name)
    moment = now or dt.datetime.now(tz=dt.UTC)
    try:
        portal_visibility.current_downtimes(moment)
    except ServiceUnavailable:
        logger.warning("the downtime database did not answer at start-up")
    portal_visibility.warm_up(configuration.telescopes, moment)
