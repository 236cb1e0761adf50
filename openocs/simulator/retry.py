"""Retrying calls to a portal or archive that may be down, with exponential backoff.

Only retryable failures are retried (:class:`~openocs.clients.errors.ClientError` with
``retryable``: connection refused, timeout, 5xx; ingester errors with ``retryable``); a refusal
(4xx) is raised at once. Delays double from ``base_delay_s`` up to ``max_delay_s``; after
``deadline_s`` of trying the last error is raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from openocs.clients.errors import ClientError
from openocs.ingester.errors import IngesterError

__all__ = ["Backoff", "GaveUpError"]

T = TypeVar("T")
logger = logging.getLogger("openocs.simulator")


class GaveUpError(Exception):
    """A retryable call kept failing until the deadline (the last error is the cause)."""


@dataclass(frozen=True)
class Backoff:
    """How to retry: first delay, largest delay and the total time to keep trying (seconds)."""

    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    deadline_s: float = 600.0
    quiet: bool = False
    """Log the retries at DEBUG instead of WARNING (for expected blips such as a server
    closing an idle keep-alive connection as it is reused)."""

    def delays(self) -> list[float]:
        """The successive delays, until their sum reaches the deadline."""
        delays: list[float] = []
        delay, total = self.base_delay_s, 0.0
        while total + delay <= self.deadline_s:
            delays.append(delay)
            total += delay
            delay = min(delay * 2, self.max_delay_s)
        return delays

    def call(
        self,
        what: str,
        function: Callable[[], T],
        *,
        sleep: Callable[[float], None] = time.sleep,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> T:
        """``function()``; on a retryable error wait and try again, until the deadline or until
        ``should_stop()`` (then :class:`GaveUpError`)."""
        for delay in [*self.delays(), None]:
            try:
                return function()
            except (ClientError, IngesterError) as error:
                if not error.retryable:
                    raise
                if delay is None or should_stop():
                    raise GaveUpError(f"{what}: gave up after retries: {error}") from error
                logger.log(
                    logging.DEBUG if self.quiet else logging.WARNING,
                    "%s failed (%s); retrying in %.1f s",
                    what,
                    error,
                    delay,
                )
                sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
