"""Settings of the telescope states, read when used (``settings.<NAME>`` first, so tests can
override them; the defaults are those of ``openocs/server/settings.py``)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_PROVIDER = "none"
DEFAULT_STALE_S = 15 * 60.0


def provider_name() -> str:
    """``OCS_TELESCOPE_STATES_PROVIDER``: ``none`` (every telescope AVAILABLE) or ``database``."""
    return str(getattr(settings, "OCS_TELESCOPE_STATES_PROVIDER", DEFAULT_PROVIDER))


def stale_after_s() -> float:
    """``OCS_TELESCOPE_STATES_STALE_S``: a telescope whose latest sample is older than this is
    SITE_AGENT_UNRESPONSIVE (scheduler-contract.md §2.4: 15 minutes)."""
    return float(getattr(settings, "OCS_TELESCOPE_STATES_STALE_S", DEFAULT_STALE_S))
