"""The airmass plot of a request's detail page: the same airmass data as
``GET /api/requests/{id}/airmass/``, with the request's scheduled and observed blocks drawn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from openocs.portal.requestgroups import expansion
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.models import Request
from openocs.portal.requestgroups.serializers import render_request

SAMPLE_STEP = timedelta(minutes=10)  # the spacing of the API's airmass samples
BLOCK_COLOURS = {
    "PENDING": "rgba(31, 95, 174, 0.18)",
    "IN_PROGRESS": "rgba(201, 138, 0, 0.25)",
    "COMPLETED": "rgba(30, 107, 58, 0.22)",
    "FAILED": "rgba(166, 27, 27, 0.18)",
    "ABORTED": "rgba(166, 27, 27, 0.18)",
}
OTHER_BLOCK = "rgba(82, 92, 104, 0.15)"


def _with_gaps(
    times: list[str], values: list[float]
) -> tuple[list[str | None], list[float | None]]:
    """Break the line between samples that are not consecutive (outside a visible interval)."""
    xs: list[str | None] = []
    ys: list[float | None] = []
    previous: datetime | None = None
    for text, value in zip(times, values, strict=True):
        moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
        if previous is not None and moment - previous > SAMPLE_STEP * 1.5:
            xs.append(None)
            ys.append(None)
        xs.append(text)
        ys.append(value)
        previous = moment
    return xs, ys


def airmass_figure(
    *, request: Request, user: Any, observations: Sequence[Any] = ()
) -> tuple[dict[str, Any] | None, str]:
    """``(figure, "")``, or ``(None, why there is no plot)``."""
    body = expansion.airmass_data(
        render_request(request, list_shape=False), ValidationContext(user=user)
    )
    by_site = body.get("airmass_data")
    if not isinstance(by_site, dict):
        return None, "The airmass cannot be computed for this request now."
    if not by_site:
        return None, "The target is not visible from any site during the request's windows."
    traces: list[dict[str, Any]] = []
    for site, curve in by_site.items():
        xs, ys = _with_gaps(curve["times"], curve["airmasses"])
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": site,
                "x": xs,
                "y": ys,
                "connectgaps": False,
                "hovertemplate": f"{site} %{{x|%Y-%m-%d %H:%M}} UTC: airmass %{{y:.2f}}"
                "<extra></extra>",
            }
        )
    shapes: list[dict[str, Any]] = []
    limit = body.get("airmass_limit")
    if limit:
        shapes.append(
            {
                "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                "y0": limit, "y1": limit,
                "line": {"color": "#a61b1b", "dash": "dash", "width": 1.5},
            }
        )  # fmt: skip
    for observation in observations:
        shapes.append(
            {
                "type": "rect", "xref": "x", "yref": "paper", "y0": 0, "y1": 1,
                "line": {"width": 0},
                "x0": observation.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "x1": observation.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                "fillcolor": BLOCK_COLOURS.get(observation.state, OTHER_BLOCK),
            }
        )  # fmt: skip
    figure = {
        "data": traces,
        "layout": {
            "height": 340,
            "xaxis": {"title": {"text": "UTC"}, "type": "date"},
            "yaxis": {"title": {"text": "airmass"}, "autorange": "reversed"},
            "shapes": shapes,
            "showlegend": True,
        },
    }
    return figure, ""
