"""The telescopes page's figures, from the same services as ``/api/telescope_states/`` and
``/api/telescope_availability/``: a state timeline per telescope and availability per night."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from openocs.portal.telescopestates.states import StateInterval

STATE_COLOURS = {
    "AVAILABLE": "#2e8b57",
    "SITE_AGENT_UNRESPONSIVE": "#9aa5b1",
    "NOT_OK_TO_OPEN": "#d9822b",
    "SEQUENCER_DISABLED": "#8e44ad",
    "ENCLOSURE_INTERLOCK": "#c0392b",
    "ENCLOSURE_DISABLED": "#a61b1b",
    "NOT_AVAILABLE": "#5f6b7a",
}
OTHER_COLOUR = "#7f8c8d"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def state_timeline_figure(
    states: Mapping[str, Sequence[StateInterval]], *, start: datetime, end: datetime
) -> dict[str, Any]:
    """One horizontal bar per state interval, a row per telescope, a colour per state."""
    telescopes = sorted(states)
    by_state: dict[str, dict[str, list[Any]]] = {}
    for key in telescopes:
        for interval in states[key]:
            trace = by_state.setdefault(
                interval.event_type, {"y": [], "base": [], "x": [], "t": []}
            )
            trace["y"].append(key)
            trace["base"].append(_iso(interval.start))
            trace["x"].append((interval.end - interval.start).total_seconds() * 1000.0)
            trace["t"].append(f"{interval.event_reason} · until {_iso(interval.end)} UTC")
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": state.replace("_", " ").lower(),
            "y": trace["y"],
            "base": trace["base"],
            "x": trace["x"],
            "text": trace["t"],
            "textposition": "none",
            "marker": {"color": STATE_COLOURS.get(state, OTHER_COLOUR)},
            "hovertemplate": "%{y}: %{text}<extra>" + state + "</extra>",
        }
        for state, trace in sorted(by_state.items())
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "overlay",
            "height": 120 + 22 * max(1, len(telescopes)),
            "xaxis": {"type": "date", "range": [_iso(start), _iso(end)], "title": {"text": "UTC"}},
            "yaxis": {"automargin": True, "autorange": "reversed", "type": "category"},
            "margin": {"l": 8, "r": 16, "t": 16, "b": 48},
            "bargap": 0.25,
        },
    }


def availability_figure(fractions: Mapping[str, Sequence[tuple[str, float]]]) -> dict[str, Any]:
    """A heat map: the fraction of each night's dark time each telescope was AVAILABLE."""
    telescopes = sorted(fractions)
    nights = sorted({night for key in telescopes for night, _ in fractions[key]})
    z = []
    for key in telescopes:
        row = dict(fractions[key])
        z.append([None if night not in row else round(100.0 * row[night]) for night in nights])
    return {
        "data": [
            {
                "type": "heatmap",
                "x": nights,
                "y": telescopes,
                "z": z,
                "zmin": 0,
                "zmax": 100,
                "colorscale": [[0, "#a61b1b"], [0.5, "#f0c36d"], [1, "#2e8b57"]],
                "colorbar": {"title": {"text": "% available"}, "thickness": 12},
                "hovertemplate": "%{y}, night of %{x}: %{z}% available<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            }
        ],
        "layout": {
            "height": 120 + 22 * max(1, len(telescopes)),
            "xaxis": {"type": "category", "title": {"text": "night (local date at the site)"}},
            "yaxis": {"automargin": True, "autorange": "reversed", "type": "category"},
            "margin": {"l": 8, "r": 16, "t": 16, "b": 56},
        },
    }
