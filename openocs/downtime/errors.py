"""Errors of the downtime component's services.

::

    DowntimeError
    ├── DowntimeValidationError   the downtime breaks a rule; ``errors`` is the DRF-shaped tree
    └── ConfigDBUnavailableError  codes cannot be checked because configdb cannot be reached
"""

from __future__ import annotations

CONFIGDB_DOWN_MESSAGE = (
    "ConfigDB connection is currently down, please wait a few minutes and try again. "
    "If this problem persists then please contact support."
)


class DowntimeError(Exception):
    """Base class of the downtime service errors."""


class DowntimeValidationError(DowntimeError):
    """A downtime that cannot be stored; ``errors`` maps field names (or
    ``non_field_errors``) to messages, exactly as the API reports them."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items()))
        self.errors = errors


class ConfigDBUnavailableError(DowntimeError):
    """configdb could not be reached and no usable cached copy exists (retrying later helps)."""

    retryable = True

    def __init__(self, detail: str) -> None:
        super().__init__(f"{CONFIGDB_DOWN_MESSAGE} ({detail})")
        self.detail = detail
