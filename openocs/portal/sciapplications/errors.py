"""Errors of the science-application services; each names the input it concerns.

``ApplicationError``
    ``field``: the input at fault (``"abstract"``, ``"pdf"``, ``"call"``, ``"timerequest_set"``)
    or ``"non_field_errors"`` for a state rule (editing a submitted application).
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A science-application rule was broken."""

    def __init__(self, message: str, *, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
