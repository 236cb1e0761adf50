"""Who may write downtimes: the one rule the API's permission class and the pages both ask."""

from __future__ import annotations

from typing import Any

from openocs.downtime.conf import write_permission


def may_write(user: Any) -> bool:
    """Staff (``DOWNTIME_WRITE_PERMISSION=authenticated``: any signed-in user) create, change
    and delete downtimes; everyone reads them."""
    if not (user is not None and user.is_authenticated):
        return False
    return write_permission() == "authenticated" or bool(user.is_staff)
