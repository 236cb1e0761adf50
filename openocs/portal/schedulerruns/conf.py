"""Settings of the scheduler runs, read when used (``settings.<NAME>`` first, so tests can
override them; the default is that of ``openocs/server/settings.py``)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_KEEP = 100


def runs_keep() -> int:
    """``OCS_SCHEDULER_RUNS_KEEP``: how many of the latest scheduler runs the portal keeps (older
    ones, with their left-out requests, are deleted when a new run is recorded)."""
    return max(int(getattr(settings, "OCS_SCHEDULER_RUNS_KEEP", DEFAULT_KEEP)), 1)
