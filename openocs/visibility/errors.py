"""Errors raised by :mod:`openocs.visibility`.

The tree is small on purpose: everything derives from :class:`VisibilityError`, and each error
carries the data a caller needs to report it (which field, which value). A sky fact such as
"never rises" is an empty interval list, never an exception.
"""

from __future__ import annotations


class VisibilityError(Exception):
    """Base class of every error raised by the visibility library."""


class ElementsError(VisibilityError, ValueError):
    """Orbital elements (or an MPC line) that cannot be used.

    ``field`` names the offending element (the portal's wire name where there is one, such as
    ``eccentricity`` or ``meandist``; for MPC lines the column name such as ``epoch``), ``value``
    is what was given. Callers turn this into "no visibility" for the target.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class EphemerisError(VisibilityError, ValueError):
    """A solar-system body is unknown, or a time lies outside the ephemeris coverage.

    ``body`` is the requested name; ``valid`` lists the accepted names (empty for a coverage
    error); ``coverage_jd_tdb`` is the (first, last) Julian date the ephemeris covers.
    """

    def __init__(
        self,
        message: str,
        *,
        body: str,
        valid: tuple[str, ...] = (),
        coverage_jd_tdb: tuple[float, float] | None = None,
    ) -> None:
        super().__init__(message)
        self.body = body
        self.valid = valid
        self.coverage_jd_tdb = coverage_jd_tdb


class TleError(VisibilityError, ValueError):
    """A two-line element set that cannot be used (``line`` is 1 or 2, 0 for the pair)."""

    def __init__(self, message: str, *, line: int, value: str) -> None:
        super().__init__(message)
        self.line = line
        self.value = value


class ConfigurationError(VisibilityError, ValueError):
    """A site or constraint value outside its allowed range (spec §1, B8, B14).

    ``field`` is the offending attribute (``ha_limit_neg_hours``, ``max_airmass`` …) and
    ``value`` what was given. Retrying with the same configuration cannot help.
    """

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class TargetError(VisibilityError, ValueError):
    """A target description that cannot be used (unknown type or scheme, missing field)."""

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class TimeError(VisibilityError, ValueError):
    """A time or window that cannot be used (not a datetime, end before start)."""

    def __init__(self, message: str, *, value: object) -> None:
        super().__init__(message)
        self.value = value
