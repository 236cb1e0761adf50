"""Settings of the downtime component (read from the environment through ``openocs.env``).

``DOWNTIME_WRITE_PERMISSION``: ``staff`` (default) lets only staff create, change and delete
downtimes; ``authenticated`` restores the reference rule (downtime-api.md §2.2), which the
portal's real-time sessions need when it creates downtimes with the user's own token.
A Django setting of the same name (tests, ``override_settings``) takes precedence.
"""

from __future__ import annotations

from django.conf import settings

from openocs.env import env_choice

WRITE_PERMISSION_CHOICES = ["staff", "authenticated"]
_WRITE_PERMISSION = env_choice("DOWNTIME_WRITE_PERMISSION", "staff", WRITE_PERMISSION_CHOICES)


def write_permission() -> str:
    """Who may write downtimes: ``"staff"`` or ``"authenticated"``."""
    return str(getattr(settings, "DOWNTIME_WRITE_PERMISSION", _WRITE_PERMISSION))
