"""The portal's start-up warm-up (see :mod:`openocs.server.warmup`).

Reads the configdb document and builds the instrument digests that ``/api/instruments/``
serves, and computes each distinct sky's Sun, Moon and night tables for the coming week with one
target, so that the first validation of a typical request finds them as every later one does.
"""

from __future__ import annotations

import datetime as dt
import logging

from openocs.web.exceptions import ServiceUnavailable

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
    portal_visibility.warm_up(configuration.telescopes, now or dt.datetime.now(tz=dt.UTC))
