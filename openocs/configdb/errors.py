"""Errors of the configdb component.

``ConfigdbError``
  ``ImportDocumentError`` — a configuration document cannot be imported; carries the path within
  the document (``sites[0].enclosures[1].telescopes[0].horizon``) and the reason. Nothing has been
  written when it is raised.
  ``ExportError`` — the database cannot be expressed as a document (ambiguous natural keys).
"""

from __future__ import annotations


class ConfigdbError(Exception):
    """Base class of configdb errors."""


class ImportDocumentError(ConfigdbError):
    """A configuration document was refused; nothing was written."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class ExportError(ConfigdbError):
    """The configuration cannot be exported without losing information."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
