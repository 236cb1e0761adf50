"""How states and times look on the web pages (no Django models, no components).

One table of state tones serves every state the pages show: request and request-group states,
observation states, configuration-status states, telescope states and configdb's instrument
states.
"""

from __future__ import annotations

from datetime import UTC, datetime

# tone -> the states shown in it; the stylesheet has one badge colour per tone
STATE_TONES: dict[str, frozenset[str]] = {
    "info": frozenset({"PENDING", "SCHEDULED", "STANDBY", "SUBMITTED"}),
    "progress": frozenset({"IN_PROGRESS", "ATTEMPTED", "COMMISSIONING"}),
    "success": frozenset({"COMPLETED", "AVAILABLE", "SCHEDULABLE", "ACCEPTED", "PORTED"}),
    "muted": frozenset(
        {"CANCELED", "NOT_ATTEMPTED", "WINDOW_EXPIRED", "DRAFT", "MANUAL", "DISABLED"}
    ),
    "danger": frozenset(
        {
            "FAILED",
            "ABORTED",
            "REJECTED",
            "FAILURE_LIMIT_REACHED",
            "NOT_OK_TO_OPEN",
            "SEQUENCER_DISABLED",
            "ENCLOSURE_INTERLOCK",
            "ENCLOSURE_DISABLED",
            "NOT_AVAILABLE",
            "SITE_AGENT_UNRESPONSIVE",
        }
    ),
}
_TONE_OF: dict[str, str] = {state: tone for tone, states in STATE_TONES.items() for state in states}


def state_tone(state: str) -> str:
    """The badge tone of ``state`` (``"neutral"`` for a state the table does not know)."""
    return _TONE_OF.get(state.upper(), "neutral")


def state_label(state: str) -> str:
    """``"WINDOW_EXPIRED"`` → ``"Window expired"``."""
    words = state.replace("_", " ").strip().lower()
    return words[:1].upper() + words[1:]


def as_utc(moment: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a datetime or an ISO 8601 string (naive means UTC)."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


UTC_FORMATS: dict[str, str] = {
    "datetime": "%Y-%m-%d %H:%M",
    "seconds": "%Y-%m-%d %H:%M:%S",
    "date": "%Y-%m-%d",
    "time": "%H:%M",
}


def utc_text(moment: datetime, style: str = "datetime") -> str:
    """How a UTC moment reads on a page: ``2026-12-07 16:30 UTC`` (``style`` of UTC_FORMATS)."""
    text = moment.strftime(UTC_FORMATS.get(style, UTC_FORMATS["datetime"]))
    return text if style == "date" else f"{text} UTC"


def iso_utc(moment: datetime) -> str:
    """``2026-12-07T16:30:00Z``: the machine-readable form for ``<time datetime>``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
