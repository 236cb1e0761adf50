"""Gunicorn's access log for OpenOCS: JSON lines in production, the scheduler's idle polls left out.

``GunicornLogger`` (``gunicorn --logger-class openocs.server.accesslog.GunicornLogger``, as the
image and ``ocs up`` run it) formats access and error lines like the rest of the logs
(``OCS_LOG_FORMAT``) and drops the successful reads of ``last_changed`` and of the change-event
long poll that an idle scheduler makes several times a minute, unless
``OCS_ACCESS_LOG_POLLS=true``.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from openocs.logformat import JsonFormatter, default_log_format, is_idle_poll


def _status_code(resp: Any) -> int:
    status = getattr(resp, "status_code", None)
    if status is None:
        status = str(getattr(resp, "status", "0")).split(" ", 1)[0]
    try:
        return int(status)
    except ValueError:
        return 0


class GunicornLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    """Gunicorn's logger: JSON access lines in production, idle polls left out."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if os.environ.get("OCS_LOG_FORMAT", default_log_format()) == "json":
            for handler in [*self.error_log.handlers, *self.access_log.handlers]:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        status = _status_code(resp)
        keep_polls = os.environ.get("OCS_ACCESS_LOG_POLLS", "false").lower() in ("1", "true")
        if not keep_polls and is_idle_poll(req.method, req.path, status):
            return
        if not self.access_log_enabled:
            return
        if os.environ.get("OCS_LOG_FORMAT", default_log_format()) != "json":
            super().access(resp, req, environ, request_time)
            return
        self.access_log.info(
            "%s %s %s",
            req.method,
            req.path,
            status,
            extra={
                "method": req.method,
                "path": req.path,
                "query": req.query,
                "status": status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "remote": environ.get("REMOTE_ADDR", ""),
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
            },
        )
