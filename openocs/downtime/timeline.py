"""The downtime timeline's data: one row per telescope, downtime blocks over a span.

The span comes from the query (``start``/``end``, README §4.5 forms, naive = UTC); by default the
past 7 days and the next 30. Rows are configdb's telescopes in document order, then any telescope
a downtime names that configdb no longer knows (retired ones keep their history visible). The
figure is a Plotly dict drawn by the shared ``{% plot %}`` tag, in the visual language of the
portal's network schedule: hatched blocks are downtimes of one instrument type, solid ones of the
whole telescope, a dotted red line is now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from openocs.downtime.datetimes import parse_utc_datetime
from openocs.downtime.models import Downtime

DEFAULT_BEFORE = timedelta(days=7)
DEFAULT_AFTER = timedelta(days=30)
MIN_SPAN = timedelta(hours=1)
MAX_SPAN = timedelta(days=366)

# one colour per seeded category (calm, distinguishable, white text readable on each)
CATEGORY_COLOURS = {
    "maintenance": "#1f5fae",
    "engineering": "#8e44ad",
    "weather": "#2e7d8c",
    "education": "#b35c00",
}
OTHER_COLOUR = "#3d4654"
NOW_COLOUR = "#c0392b"
HATCH = {"shape": "/", "fillmode": "overlay", "fgcolor": "rgba(255, 255, 255, 0.6)", "size": 8}


class SpanError(ValueError):
    """A span the page cannot show; ``field`` names the parameter at fault."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def shifted(self, fraction: float) -> Span:
        """The span moved by ``fraction`` of its length (negative: earlier)."""
        step = self.length * fraction
        return Span(self.start + step, self.end + step)

    def zoomed(self, factor: float) -> Span:
        """The span ``factor`` times as long around the same middle, within the limits."""
        length = min(max(self.length * factor, MIN_SPAN), MAX_SPAN)
        middle = self.start + self.length / 2
        return Span(middle - length / 2, middle + length / 2)

    def query(self) -> str:
        return f"start={_iso(self.start)}&end={_iso(self.end)}"


def _moment(raw: str, field_name: str) -> datetime:
    moment = parse_utc_datetime(raw)
    if moment is None:
        raise SpanError(field_name, f"Not a date and time: {raw!r}.")
    return moment


def timeline_span(params: Mapping[str, str], *, now: datetime) -> Span:
    """``start``/``end`` from the query, by default the past 7 days and the next 30.

    Raises :class:`SpanError` naming the field when they make no sense.
    """
    raw_start, raw_end = params.get("start", "").strip(), params.get("end", "").strip()
    start = _moment(raw_start, "start") if raw_start else now - DEFAULT_BEFORE
    end = _moment(raw_end, "end") if raw_end else now + DEFAULT_AFTER
    if end <= start:
        raise SpanError("end", "Must be after the start.")
    if end - start < MIN_SPAN:
        raise SpanError("end", "The span must be at least an hour.")
    if end - start > MAX_SPAN:
        raise SpanError("end", f"The span may be at most {MAX_SPAN.days} days.")
    return Span(start, end)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def telescope_key(downtime: Downtime) -> str:
    return f"{downtime.site}.{downtime.enclosure}.{downtime.telescope}"


def timeline_rows(known: Iterable[str], downtimes: Iterable[Downtime]) -> list[str]:
    """configdb's telescopes in their order, then the others downtimes name, sorted."""
    rows = list(dict.fromkeys(known))
    extra = sorted({telescope_key(d) for d in downtimes} - set(rows))
    return rows + extra


def _label(downtime: Downtime) -> str:
    what = downtime.instrument_type + " only" if downtime.instrument_type else "whole telescope"
    category = downtime.category.name if downtime.category else "no category"
    reason = downtime.reason or "no reason given"
    return f"Downtime {downtime.pk} · {category} · {what}<br>{reason}"


def _trace(
    name: str, colour: str, blocks: list[Downtime], urls: Mapping[int, str]
) -> dict[str, Any]:
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "y": [telescope_key(d) for d in blocks],
        "base": [_iso(d.start) for d in blocks],
        "x": [(d.end - d.start).total_seconds() * 1000.0 for d in blocks],
        "width": 0.7,
        "hovertext": [f"{_label(d)}<br>{_iso(d.start)} – {_iso(d.end)} UTC" for d in blocks],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "customdata": [urls.get(d.pk, "") for d in blocks],
        "marker": {
            "color": colour,
            "line": {"color": colour, "width": 1},
            "pattern": {
                **HATCH,
                "shape": ["/" if d.instrument_type else "" for d in blocks],
            },
        },
    }


def timeline_figure(
    *,
    span: Span,
    now: datetime,
    rows: list[str],
    downtimes: list[Downtime],
    urls: Mapping[int, str],
) -> dict[str, Any]:
    """One row per telescope, one trace (and legend entry) per category, now as a dotted line.

    ``urls`` maps a downtime's id to the page a click on its block opens ("" for none).
    """
    by_category: dict[str, list[Downtime]] = {}
    for downtime in downtimes:
        code = downtime.category.code if downtime.category else ""
        by_category.setdefault(code, []).append(downtime)
    data = []
    for code in sorted(by_category, key=lambda c: (c == "", c)):
        blocks = by_category[code]
        name = blocks[0].category.name if blocks[0].category else "no category"
        data.append(_trace(name, CATEGORY_COLOURS.get(code, OTHER_COLOUR), blocks, urls))
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if span.start <= now <= span.end:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": _iso(now),
                "x1": _iso(now),
                "y0": 0,
                "y1": 1,
                "line": {"color": NOW_COLOUR, "width": 2, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": _iso(now),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "text": "now",
                "showarrow": False,
                "font": {"size": 11, "color": NOW_COLOUR},
            }
        )
    # alternate rows lightly shaded, so a block is easy to follow to its telescope
    shapes.extend(
        {
            "type": "rect",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": index - 0.5,
            "y1": index + 0.5,
            "fillcolor": "rgba(29, 63, 110, 0.04)",
            "line": {"width": 0},
            "layer": "below",
        }
        for index in range(0, len(rows), 2)
    )
    return {
        "data": data,
        "layout": {
            "barmode": "overlay",
            "height": 150 + 28 * max(1, len(rows)),
            "dragmode": "pan",
            "showlegend": True,
            "xaxis": {
                "type": "date",
                "range": [_iso(span.start), _iso(span.end)],
                "title": {"text": "UTC"},
                "gridcolor": "#e3e8ef",
            },
            "yaxis": {
                "automargin": True,
                "type": "category",
                "categoryorder": "array",
                "categoryarray": rows,
                "range": [len(rows) - 0.5, -0.5],
                "fixedrange": True,
                "tickfont": {"family": "ui-monospace, Menlo, Consolas, monospace", "size": 12},
            },
            "shapes": shapes,
            "annotations": annotations,
            "margin": {"l": 8, "r": 16, "t": 24, "b": 48},
            "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        },
        # Plotly's own zoom and pan: drag to pan, the wheel or the mode bar to zoom
        "config": {
            "displayModeBar": True,
            "scrollZoom": True,
            "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage", "autoScale2d"],
        },
    }
