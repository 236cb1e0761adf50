"""Errors of the accounts services; each carries the field it concerns."""

from __future__ import annotations


class AccountError(Exception):
    """Base of the accounts errors. ``field`` names the input that caused it (or None)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EmailAlreadyUsed(AccountError):
    """Another user already has this e-mail address (compared case-insensitively)."""


class UsernameAlreadyUsed(AccountError):
    """Another user already has this username."""


class ActivationLinkInvalid(AccountError):
    """An e-mail verification link is forged, expired or names an unknown user."""


class BulkUserError(AccountError):
    """One row of a bulk user creation is invalid; ``row`` is its index in the payload."""

    def __init__(self, message: str, *, row: int, field: str) -> None:
        super().__init__(message, field=field)
        self.row = row
