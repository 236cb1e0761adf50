"""The figures of the tools page, from the same functions as ``/api/pressure/`` and
``/api/contention/<instrument>/`` (:mod:`openocs.portal.requestgroups.information`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

SITE_SHADES = [
    "rgba(31,95,174,0.10)",
    "rgba(217,130,43,0.12)",
    "rgba(46,139,87,0.12)",
    "rgba(142,68,173,0.10)",
    "rgba(192,57,43,0.10)",
    "rgba(22,162,184,0.12)",
]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def pressure_figure(body: dict[str, Any]) -> dict[str, Any]:
    """Stacked pressure per 15-minute bin (per proposal for staff), the sites' nights shaded."""
    times = [_iso(t) for t in body["time_bins"]]
    proposals = sorted({p for bin_ in body["pressure_data"] for p in bin_})
    data = [
        {
            "type": "bar",
            "name": proposal if proposal != "all" else "pending requests",
            "x": times,
            "y": [round(bin_.get(proposal, 0.0), 3) for bin_ in body["pressure_data"]],
            "hovertemplate": "%{x|%H:%M} UTC: %{y:.2f}<extra>" + proposal + "</extra>",
        }
        for proposal in proposals
    ]
    sites = sorted({night["name"] for night in body["site_nights"]})
    shapes = [
        {
            "type": "rect", "xref": "x", "yref": "paper", "y0": 0, "y1": 1, "line": {"width": 0},
            "x0": _iso(night["start"]), "x1": _iso(night["stop"]), "layer": "below",
            "fillcolor": SITE_SHADES[sites.index(night["name"]) % len(SITE_SHADES)],
        }
        for night in body["site_nights"]
    ]  # fmt: skip
    annotations = [
        {
            "x": _iso(night["start"]), "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
            "text": night["name"], "showarrow": False, "font": {"size": 11},
        }
        for night in body["site_nights"]
    ]  # fmt: skip
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "bargap": 0.05,
            "height": 340,
            "xaxis": {"type": "date", "title": {"text": "UTC, next 24 hours"}},
            "yaxis": {"title": {"text": "telescopes' worth of requests"}, "rangemode": "tozero"},
            "shapes": shapes,
            "annotations": annotations,
            "margin": {"t": 36},
            "showlegend": len(proposals) > 1,
        },
    }


def contention_figure(body: dict[str, Any]) -> dict[str, Any]:
    """Hours of pending work per right-ascension hour for one instrument, stacked per proposal."""
    hours = body["ra_hours"]
    proposals = sorted({p for bin_ in body["contention_data"] for p in bin_})
    data = [
        {
            "type": "bar",
            "name": proposal if proposal != "all" else "pending requests",
            "x": hours,
            "y": [round(bin_.get(proposal, 0.0) / 3600.0, 3) for bin_ in body["contention_data"]],
            "hovertemplate": "RA %{x} h: %{y:.2f} h<extra>" + proposal + "</extra>",
        }
        for proposal in proposals
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "height": 300,
            "xaxis": {
                "title": {"text": "right ascension (hours)"},
                "dtick": 2,
                "range": [-0.5, 23.5],
            },
            "yaxis": {"title": {"text": "hours requested"}, "rangemode": "tozero"},
            "showlegend": len(proposals) > 1,
        },
    }


NIGHT_COLOURS = ["#1f5fae", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a2b8"]


def nights_figure(body: dict[str, Any], group: str, what: str) -> dict[str, Any]:
    """Hours requested (solid) against hours available (outline behind) per night, one pair of
    bars per site or telescope class: ``group`` is ``"sites"`` or ``"telescope_classes"``."""
    nights = [date.fromisoformat(night).strftime("%a %-d %b") for night in body["nights"]]
    data: list[dict[str, Any]] = []
    for i, (name, series) in enumerate(body[group].items()):
        colour = NIGHT_COLOURS[i % len(NIGHT_COLOURS)]
        common = {"type": "bar", "x": nights, "offsetgroup": name, "legendgroup": name}
        data.append(
            {
                **common,
                "name": f"{name} available",
                "y": series["available_h"],
                "marker": {"color": "rgba(255,255,255,0)", "line": {"color": colour, "width": 1.5}},
                "showlegend": False,
                "hovertemplate": f"{what} {name}, night of %{{x}}: %{{y:.1f}} h available"
                "<extra></extra>",
            }
        )
        data.append(
            {
                **common,
                "name": name,
                "y": series["requested_h"],
                "marker": {"color": colour},
                "hovertemplate": f"{what} {name}, night of %{{x}}: %{{y:.1f}} h requested"
                "<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": {
            "barmode": "group",
            "bargap": 0.25,
            "bargroupgap": 0.08,
            "height": 320,
            "xaxis": {
                "type": "category",
                "title": {"text": "night starting on (local date)"},
            },
            "yaxis": {"title": {"text": "hours"}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            "margin": {"t": 36},
        },
    }
