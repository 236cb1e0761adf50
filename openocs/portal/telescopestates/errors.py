"""Errors of the telescope-state providers.

::

    TelescopeStatesError           base
    └── ProviderUnavailable        the provider (or configdb) cannot be reached; retrying helps
"""

from __future__ import annotations


class TelescopeStatesError(Exception):
    """Base class of the telescope-state errors."""

    retryable: bool = False


class ProviderUnavailable(TelescopeStatesError):
    """The state source cannot be reached (the API answers 502); ``provider`` names it."""

    retryable = True

    def __init__(self, message: str, *, provider: str) -> None:
        super().__init__(message)
        self.provider = provider
