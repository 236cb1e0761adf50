"""The shared bound on bulk endpoints: one call may carry at most ``OCS_MAX_BULK_ITEMS`` items.

Every endpoint that accepts a list of objects (observations, direct submissions, telescope
states) validates each item, so its cost grows with the list: :func:`check_bulk_size` refuses
a longer list with 400 before any item is looked at.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import exceptions

DEFAULT_MAX_BULK_ITEMS = 1000


def max_bulk_items() -> int:
    return int(getattr(settings, "OCS_MAX_BULK_ITEMS", DEFAULT_MAX_BULK_ITEMS))


def check_bulk_size(items: Any) -> None:
    """Raise a 400 ``ValidationError`` when ``items`` is a list longer than the limit."""
    limit = max_bulk_items()
    if isinstance(items, list) and len(items) > limit:
        raise exceptions.ValidationError(
            {
                "non_field_errors": [
                    f"Ensure this list has no more than {limit} items (OCS_MAX_BULK_ITEMS)."
                ]
            }
        )
