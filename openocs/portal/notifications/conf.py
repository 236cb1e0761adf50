"""Settings of notifications, change events and the periodic jobs, read with the typed helpers.

Each value is read when used (``settings.<NAME>`` first, so tests can override it), falling back
to the environment variable of the same name.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from openocs.env import env_bool, env_float, env_int, env_str


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def archive_url() -> str:
    """``OCS_ARCHIVE_URL``: the archive's base URL for data links (default ``/archive/``)."""
    value = str(_setting("OCS_ARCHIVE_URL", "") or "/archive/")
    return value if value.endswith("/") else value + "/"


def portal_public_url() -> str:
    """``OCS_PORTAL_PUBLIC_URL``: the base that relative links in e-mails are made absolute on."""
    value = str(
        _setting("OCS_PORTAL_PUBLIC_URL", env_str("OCS_PORTAL_PUBLIC_URL", "http://127.0.0.1:8000"))
    )
    return value if value.endswith("/") else value + "/"


def request_detail_url() -> str:
    """``REQUEST_DETAIL_URL``: link to a request in e-mails, formatted with ``request_id``."""
    return str(_setting("REQUEST_DETAIL_URL", env_str("REQUEST_DETAIL_URL", "")))


def requestgroup_data_download_url() -> str:
    """``REQUESTGROUP_DATA_DOWNLOAD_URL``: the completion e-mail's data link, formatted with
    ``requestgroup_id`` and ``request_id``; empty means the archive's ``frames/?request_id=``."""
    return str(
        _setting("REQUESTGROUP_DATA_DOWNLOAD_URL", env_str("REQUESTGROUP_DATA_DOWNLOAD_URL", ""))
    )


def canceled_observation_retention_days() -> int:
    """``OCS_CANCELED_OBSERVATION_RETENTION_DAYS``: CANCELED observations that ended longer ago
    than this are deleted by the hourly job (reference 14)."""
    return int(
        _setting(
            "OCS_CANCELED_OBSERVATION_RETENTION_DAYS",
            env_int("OCS_CANCELED_OBSERVATION_RETENTION_DAYS", 14, minimum=1),
        )
    )


def change_event_retention_days() -> int:
    """``OCS_CHANGE_EVENT_RETENTION_DAYS``: change events older than this are deleted daily."""
    return int(
        _setting(
            "OCS_CHANGE_EVENT_RETENTION_DAYS",
            env_int("OCS_CHANGE_EVENT_RETENTION_DAYS", 7, minimum=1),
        )
    )


def webhook_max_attempts() -> int:
    """``OCS_WEBHOOK_MAX_ATTEMPTS``: delivery attempts of one event to one webhook."""
    return int(
        _setting("OCS_WEBHOOK_MAX_ATTEMPTS", env_int("OCS_WEBHOOK_MAX_ATTEMPTS", 6, minimum=1))
    )


def webhook_retry_base_s() -> float:
    """``OCS_WEBHOOK_RETRY_BASE_S``: the first retry's delay; attempt n waits base × 2^(n−1)."""
    return float(
        _setting(
            "OCS_WEBHOOK_RETRY_BASE_S", env_float("OCS_WEBHOOK_RETRY_BASE_S", 30.0, minimum=0.0)
        )
    )


def webhook_timeout_s() -> float:
    """``OCS_WEBHOOK_TIMEOUT_S``: how long one delivery waits for the receiver."""
    return float(
        _setting("OCS_WEBHOOK_TIMEOUT_S", env_float("OCS_WEBHOOK_TIMEOUT_S", 10.0, minimum=0.1))
    )


def redis_url() -> str:
    """``REDIS_URL``: when set, every change event is also published on ``openocs:changes``."""
    return str(_setting("REDIS_URL", ""))


def changes_max_wait_s() -> float:
    """``OCS_CHANGES_MAX_WAIT_S``: the longest a ``GET /api/changes/`` long poll waits."""
    return float(
        _setting("OCS_CHANGES_MAX_WAIT_S", env_float("OCS_CHANGES_MAX_WAIT_S", 30.0, minimum=0.0))
    )


def webhook_allow_private_networks() -> bool:
    """``OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS``: deliver to loopback, private, link-local and
    reserved addresses (default: yes in development, no in production, against SSRF)."""
    default = not bool(_setting("PRODUCTION", False))
    return bool(
        _setting(
            "OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS",
            env_bool("OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS", default),
        )
    )
