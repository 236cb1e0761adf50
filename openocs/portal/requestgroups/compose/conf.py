"""Settings of the Compose page, read from the environment with the typed helpers.

A Django setting of the same name wins (tests override them with ``override_settings``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from openocs.env import env_list

# Origins (``https://tom.example.org``, any port when none is given) that TOM Toolkit's
# redirect flow may send a person back to after a submission. Empty: no redirect is followed.
OCS_COMPOSE_REDIRECT_ORIGINS = env_list("OCS_COMPOSE_REDIRECT_ORIGINS", [])


def setting(name: str) -> Any:
    return getattr(settings, name, globals()[name])
