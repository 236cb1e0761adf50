"""Settings read by the configdb component (all defined in ``openocs/server/settings.py``)."""

from __future__ import annotations

from django.conf import settings


def write_permission() -> str:
    """D15: ``"staff"`` (default) or ``"authenticated"`` (the reference rule), from
    ``CONFIGDB_WRITE_PERMISSION``."""
    return str(getattr(settings, "CONFIGDB_WRITE_PERMISSION", "staff"))


def sites_cache_timeout_s() -> int:
    """How long a rendered ``sites/`` document stays in the cache. Entries are keyed on the
    configuration version, so a write makes them unreachable at once; this only bounds memory."""
    return 3600


def mount_path() -> str:
    """The absolute path of the configdb root in this deployment (``/configdb/`` co-hosted,
    ``/`` alone), from the server's mounting rule rather than ``reverse()``, which cannot
    reverse the server's ``^configdb(?:/|$)`` prefix."""
    from django.urls import get_script_prefix

    from openocs.server.components import mount_prefix

    return get_script_prefix() + mount_prefix("configdb", list(settings.OCS_COMPONENTS))
