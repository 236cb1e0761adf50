"""Errors of the scheduling library.

``SchedulerError``
    ``InvalidProblemError``   a problem breaks a rule of the model (a negative or non-finite
                              priority, a repeated id, a telescope key that names no telescope);
                              carries the offending field
        ``ProblemFormatError``  a problem document is malformed (carries the offending field path)
    ``UnknownKernelError``    no kernel registered under that name (carries the known names)
    ``DataSourceUnavailable`` a portal/configdb/downtime read or write failed; retrying may help
    ``ChangeEventsUnsupported`` the data source cannot announce changes (a portal without
                              ``/api/changes/``): poll ``last_changed`` instead

A solver that fails or runs out of time without a solution is *not* an exception: the kernel
returns a ``Schedule`` whose status is ``FAILED`` (D26), and callers must not act on it.
"""

from __future__ import annotations

__all__ = [
    "ChangeEventsUnsupported",
    "DataSourceUnavailable",
    "InvalidProblemError",
    "ProblemFormatError",
    "SchedulerError",
    "UnknownKernelError",
]


class SchedulerError(Exception):
    """Base class of every error raised by ``openocs.scheduler``."""


class InvalidProblemError(SchedulerError, ValueError):
    """A problem breaks a rule of the model; ``field`` names the offending value (for a problem
    built through the library: ``groups[id=7].tac_priority``, ``downtimes[2].telescope_key``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ProblemFormatError(InvalidProblemError):
    """A problem document could not be read; ``field`` names the offending value."""


class UnknownKernelError(SchedulerError, KeyError):
    """No kernel registered under ``name``."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown kernel {name!r}; known kernels: {', '.join(known)}")
        self.name = name
        self.known = known


class DataSourceUnavailable(SchedulerError):
    """A data source (portal, configdb, downtime) could not be read or written.

    ``source`` names the service and ``retryable`` says whether waiting and retrying may help.
    """

    def __init__(self, source: str, message: str, *, retryable: bool = True) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.retryable = retryable


class ChangeEventsUnsupported(SchedulerError):
    """The data source offers no change events (e.g. a compatible portal that answers
    ``/api/changes/`` with 403, 404 or 405). Permanent: the caller polls ``last_changed``."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
