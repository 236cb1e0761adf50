"""Errors of the proposals services. Each carries the input it concerns, so views can answer a
400 that names the field.

``ProposalError``
    ``field``: the input at fault (``"emails"``, ``"time_limit_hours"``) or ``None``.
``AllocationError(ProposalError)``
    A time-allocation rule was broken (overlapping instrument types, negative hours).
``ImportRowError(ProposalError)``
    One row of a CSV import is invalid: ``row`` (1-based data row number, the header is row 0),
    ``column`` (the header name) and the message. Nothing of the import was written.
"""

from __future__ import annotations


class ProposalError(Exception):
    """A proposal, membership or invitation rule was broken."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ProposalError):
    """The caller may not perform this action (answered with 403)."""


class AllocationError(ProposalError):
    """A time-allocation rule was broken."""


class ImportRowError(ProposalError):
    """A CSV row is invalid; nothing was imported."""

    def __init__(self, message: str, *, row: int, column: str) -> None:
        super().__init__(f"Row {row}, column {column!r}: {message}", field=column)
        self.row = row
        self.column = column
        self.detail = message
