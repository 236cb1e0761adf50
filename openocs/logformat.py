"""Log formatting: one line per event, JSON in production (``OCS_LOG_FORMAT``).

``JsonFormatter`` writes each record as one JSON object (time, level, logger, message, any
``extra=`` fields, and the exception's traceback as a string). The web server's access log is
in :mod:`openocs.server.accesslog`.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

# Reserved LogRecord attributes; anything else a caller passes with ``extra=`` is logged too.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

#: Paths polled routinely while nothing happens (with and without the embedded ``/api/``
#: mount): the scheduler's ``last_changed`` and change-event long poll, a site's
#: ``last_scheduled`` (every few seconds, per site), and health probes (``ocs up`` waiting for
#: the server, a load balancer, Kubernetes).
IDLE_POLL_PATHS = ("/api/last_changed", "/api/changes", "/api/last_scheduled", "/health")


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def is_idle_poll(method: str, path: str, status: int) -> bool:
    """Whether a request is a routine poll (:data:`IDLE_POLL_PATHS`) that answered normally."""
    normalised = path.rstrip("/")
    return (
        method == "GET"
        and status in (200, 304)
        and any(normalised.endswith(poll) for poll in IDLE_POLL_PATHS)
    )


def default_log_format() -> str:
    """``json`` in production, ``plain`` otherwise (what ``OCS_LOG_FORMAT`` defaults to)."""
    return "json" if os.environ.get("OCS_ENV", "development") == "production" else "plain"
