"""The network schedule page's data (staff): every telescope's observations and downtimes over a
span, with each site's night and twilight.

Observations come from the selector of ``/api/schedule/`` (:func:`observations_visible_to`),
downtimes from the downtime service through its client, telescopes and their sites from the
portal's configuration. The figure is a Plotly dict drawn by the shared ``{% plot %}`` tag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from openocs import visibility
from openocs.clients.errors import ClientError
from openocs.portal.observations.selectors import observations_visible_to
from openocs.portal.requestgroups.configuration import load_portal_configuration

DEFAULT_BEFORE = timedelta(hours=24)
DEFAULT_AFTER = timedelta(hours=48)
MAX_SPAN = timedelta(days=14)

# the states an operator tells apart; others (not attempted, bad data) share "other";
# canceled observations (replaced by a later plan) are not drawn
STATE_COLOURS = {
    "PENDING": "#1f5fae",
    "IN_PROGRESS": "#d9822b",
    "COMPLETED": "#2e8b57",
    "FAILED": "#c0392b",
    "ABORTED": "#8e44ad",
}
OTHER_COLOUR = "#7f8c8d"
STATE_LABELS = {
    "PENDING": "pending",
    "IN_PROGRESS": "in progress",
    "COMPLETED": "completed",
    "FAILED": "failed",
    "ABORTED": "aborted",
}
MARKS = {"RAPID_RESPONSE": "RR", "TIME_CRITICAL": "TC"}
MARK_OUTLINE = "#111111"
DOWNTIME_COLOUR = "#3d4654"
TWILIGHT_FILL = "rgba(31, 95, 174, 0.07)"  # nautical dark, Sun below −12°
NIGHT_FILL = "rgba(31, 95, 174, 0.16)"  # astronomical dark, Sun below −18°
NOW_COLOUR = "#c0392b"


class SpanError(ValueError):
    """A span the page cannot show; ``field`` names the parameter at fault."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _parse_moment(raw: str, field_name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        # astimezone: OverflowError when the offset carries it out of years 1-9999 in UTC
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise SpanError(field_name, f"{field_name}: not a date and time ({raw!r}).") from None


def schedule_span(params: Any, *, now: datetime) -> tuple[datetime, datetime]:
    """``start``/``end`` from the query (ISO 8601, UTC if no zone); by default the last 24 h and
    the next 48 h. Raises :class:`SpanError` naming the field when they make no sense."""
    raw_start, raw_end = params.get("start", ""), params.get("end", "")
    start = _parse_moment(raw_start, "start") if raw_start else now - DEFAULT_BEFORE
    end = _parse_moment(raw_end, "end") if raw_end else now + DEFAULT_AFTER
    if end <= start:
        raise SpanError("end", "end: must be after start.")
    if end - start > MAX_SPAN:
        raise SpanError("end", f"end: the span may be at most {MAX_SPAN.days} days.")
    return start, end


@dataclass(frozen=True)
class Block:
    """One observation or downtime on a telescope's row."""

    telescope: str  # site.enclosure.telescope
    start: datetime
    end: datetime
    kind: str  # an observation state, or "DOWNTIME"
    label: str
    url: str = ""
    mark: str = ""  # "RR", "TC" or ""


@dataclass
class NetworkSchedule:
    start: datetime
    end: datetime
    now: datetime
    telescopes: list[str]
    observations: list[Block]
    downtimes: list[Block]
    nights: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    twilights: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    downtime_error: str = ""


def _observations(user: Any, start: datetime, end: datetime) -> list[Block]:
    rows = (
        observations_visible_to(user)
        .prefetch_related(None)  # the page needs none of the API's nested rows
        .filter(start__lt=end, end__gt=start)
        # a re-plan cancels the scheduler's earlier blocks: they would hide the plan in force
        .exclude(state="CANCELED")
        .order_by("start", "id")
        .values(
            "id",
            "site",
            "enclosure",
            "telescope",
            "start",
            "end",
            "state",
            "request_id",
            "request__request_group__name",
            "request__request_group__proposal_id",
            "request__request_group__observation_type",
        )
    )
    blocks = []
    for row in rows:
        kind = row["request__request_group__observation_type"]
        mark = MARKS.get(kind, "")
        label = (
            f"Observation {row['id']} · {STATE_LABELS.get(row['state'], row['state'].lower())}"
            f" · {row['request__request_group__proposal_id']}"
            f" · {row['request__request_group__name']}"
            + (f" · {kind.replace('_', ' ').lower()}" if mark else "")
        )
        blocks.append(
            Block(
                telescope=f"{row['site']}.{row['enclosure']}.{row['telescope']}",
                start=row["start"],
                end=row["end"],
                kind=row["state"],
                label=label,
                url=f"/requests/{row['request_id']}/",
                mark=mark,
            )
        )
    return blocks


def _downtimes(start: datetime, end: datetime) -> list[Block]:
    from openocs.web.clients import downtime_client  # resolved per call: tests install clients

    return [
        Block(
            telescope=f"{row.site}.{row.enclosure}.{row.telescope}",
            start=row.start,
            end=row.end,
            kind="DOWNTIME",
            label=f"Downtime {row.id} · {row.reason or 'no reason given'}"
            + (f" · {row.instrument_type} only" if row.instrument_type else ""),
        )
        for row in downtime_client().list(ends_after=start, starts_before=end)
    ]


def network_schedule(
    *, user: Any, start: datetime, end: datetime, now: datetime, shade_nights: bool = True
) -> NetworkSchedule:
    """Telescopes (configuration order), observations and downtimes overlapping the span, and
    each site's nautical and astronomical dark. A downtime outage leaves ``downtime_error`` set
    and the observations shown."""
    configuration = load_portal_configuration()
    telescopes = [t.key for t in configuration.telescopes]
    schedule = NetworkSchedule(
        start=start,
        end=end,
        now=now,
        telescopes=telescopes,
        observations=_observations(user, start, end),
        downtimes=[],
    )
    try:
        schedule.downtimes = _downtimes(start, end)
    except ClientError:
        schedule.downtime_error = "The downtime database does not answer: downtimes are not shown."
    known = set(telescopes)
    for block in schedule.observations + schedule.downtimes:
        if block.telescope not in known:  # retired telescopes keep their history visible
            known.add(block.telescope)
            schedule.telescopes.append(block.telescope)
    if shade_nights:
        for telescope in configuration.telescopes:
            if telescope.site in schedule.nights:
                continue
            site = visibility.Site(
                latitude_deg=telescope.latitude_deg,
                longitude_deg=telescope.longitude_deg,
                elevation_m=telescope.elevation_m,
            )
            schedule.twilights[telescope.site] = list(
                visibility.dark_intervals(site, start, end, "nautical")
            )
            schedule.nights[telescope.site] = list(
                visibility.dark_intervals(site, start, end, "astronomical")
            )
    return schedule


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _epoch_ms(moment: datetime) -> int:
    """Plotly reads a number on a date axis as milliseconds since 1970 (UTC)."""
    return round(moment.timestamp() * 1000)


def rectangles_as_one_polygon(
    rectangles: list[tuple[datetime, datetime, float, float]],
) -> tuple[list[int], list[float]]:
    """``(start, end, bottom, top)`` rectangles as ONE gapless polygon for a ``fill="toself"``
    trace: one SVG path however many blocks. Each rectangle is walked round from its first
    corner back to it, then a bridge leads to the next one; after the last, the polygon walks
    the bridges back in reverse. A bridge is walked once each way, so it encloses no area and
    paints nothing (nonzero fill). Rectangles split by gaps (``None``) would make Plotly.js
    build, style and throw away one SVG element per rectangle on every zoom step."""
    xs: list[int] = []
    ys: list[float] = []
    for start, end, bottom, top in rectangles:
        x0, x1 = _epoch_ms(start), _epoch_ms(end)
        xs += [x0, x1, x1, x0, x0]
        ys += [bottom, bottom, top, top, bottom]
    for start, _, bottom, _ in reversed(rectangles[:-1]):
        xs.append(_epoch_ms(start))
        ys.append(bottom)
    return xs, ys


def _blocks_trace(
    name: str, rectangles: list[tuple[datetime, datetime, float, float]], colour: str, group: str
) -> dict[str, Any]:
    """Blocks of one kind as one filled path. The legend entry is a separate square
    (:func:`_legend_entry`) of the same ``legendgroup``: clicking it hides both."""
    xs, ys = rectangles_as_one_polygon(rectangles)
    return {
        "type": "scatter",
        "mode": "none",  # lines or markers would be SVG elements again
        "name": name,
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": colour,
        "hoverinfo": "skip",  # the hover and the click come from the "blocks" trace
        "legendgroup": group,
        "showlegend": False,
    }


def _legend_entry(name: str, group: str, marker: dict[str, Any]) -> dict[str, Any]:
    """A square in the legend and nothing on the plot: a bar trace (its legend symbol is a
    square with the bar's pattern and edge) of one empty bar above the first row. Plotly.js
    leaves a trace without data out of the legend."""
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "x": [0],
        "y": [-1],
        "legendgroup": group,
        "hoverinfo": "skip",
        "marker": marker,
    }


def _hover_trace(blocks: list[Block], rows: dict[str, int]) -> dict[str, Any]:
    """What hovering and clicking find: an invisible point at each block's centre (mode
    "none": no SVG element), its label and times, the block's colour behind the label, and the
    page to open in ``customdata`` (openocs.js opens it on a click)."""
    return {
        "type": "scatter",
        "mode": "none",
        "name": "blocks",
        "x": [_epoch_ms(b.start + (b.end - b.start) / 2) for b in blocks],
        "y": [rows[b.telescope] for b in blocks],
        "hovertext": [f"{b.label}<br>{_iso(b.start)} – {_iso(b.end)} UTC" for b in blocks],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "hoverlabel": {"bgcolor": [_colour(b) for b in blocks]},
        "customdata": [b.url for b in blocks],
        "showlegend": False,
    }


def _colour(block: Block) -> str:
    if block.kind == "DOWNTIME":
        return DOWNTIME_COLOUR
    return STATE_COLOURS.get(block.kind, OTHER_COLOUR)


URGENT_LEGEND = "rapid response / time critical"
DOWNTIME_PATTERN = {
    "shape": "/",
    "fillmode": "overlay",
    "fgcolor": "rgba(255, 255, 255, 0.55)",
    "size": 8,
}
# half-heights of a row's blocks (a row is 1): downtime behind, the black band of urgent
# blocks, observations in front
DOWNTIME_HALF = 0.45
URGENT_HALF = 0.39
OBSERVATION_HALF = 0.3


def schedule_figure(schedule: NetworkSchedule) -> dict[str, Any]:
    """One row per telescope: each site's twilight and night shaded, downtime hatched behind,
    rapid-response and time-critical blocks on a black band (black edges above and below),
    observations coloured by state, a dotted line at now.

    Drawn for zooming: every kind of block is ONE filled SVG path (:func:`_blocks_trace`),
    the shading and the now line are traces rather than layout shapes (Plotly.js redraws each
    shape on every zoom and pan step), and hover and click come from one trace that draws
    nothing. 1,500 blocks used to be 2,250 SVG bars and 160 shapes."""
    rows = {telescope: index for index, telescope in enumerate(schedule.telescopes)}
    data: list[dict[str, Any]] = []
    for name, fill, intervals in (
        ("twilight", TWILIGHT_FILL, schedule.twilights),
        ("night", NIGHT_FILL, schedule.nights),
    ):
        shading = [
            (begin, finish, index - 0.5, index + 0.5)
            for telescope, index in rows.items()
            for begin, finish in intervals.get(telescope.split(".", 1)[0], [])
        ]
        if shading:
            data.append(_blocks_trace(name, shading, fill, name))

    def rectangles(
        blocks: list[Block], half: float
    ) -> list[tuple[datetime, datetime, float, float]]:
        # rounded: 2.61, not 2.6100000000000003, in a page that carries thousands of them
        return [
            (b.start, b.end, round(rows[b.telescope] - half, 2), round(rows[b.telescope] + half, 2))
            for b in blocks
        ]

    if schedule.downtimes:
        data.append(
            {
                **_blocks_trace(
                    "downtime",
                    rectangles(schedule.downtimes, DOWNTIME_HALF),
                    DOWNTIME_COLOUR,
                    "downtime",
                ),
                "opacity": 0.8,
                # hatched: the block's colour behind white stripes
                "fillpattern": DOWNTIME_PATTERN,
            }
        )
        data.append(
            _legend_entry(
                "downtime", "downtime", {"color": DOWNTIME_COLOUR, "pattern": DOWNTIME_PATTERN}
            )
        )
    urgent = [block for block in schedule.observations if block.mark]
    if urgent:
        data.append(
            _blocks_trace("urgent", rectangles(urgent, URGENT_HALF), MARK_OUTLINE, "urgent")
        )
        data.append(
            _legend_entry(
                URGENT_LEGEND,
                "urgent",
                {"color": "rgba(0, 0, 0, 0)", "line": {"color": MARK_OUTLINE, "width": 2.5}},
            )
        )
    by_state: dict[str, list[Block]] = {}
    for block in schedule.observations:
        by_state.setdefault(block.kind if block.kind in STATE_COLOURS else "OTHER", []).append(
            block
        )
    for state in [*STATE_COLOURS, "OTHER"]:
        if state not in by_state:
            continue
        name, colour = STATE_LABELS.get(state, "other"), STATE_COLOURS.get(state, OTHER_COLOUR)
        data.append(
            _blocks_trace(name, rectangles(by_state[state], OBSERVATION_HALF), colour, state)
        )
        data.append(_legend_entry(name, state, {"color": colour}))
    blocks = schedule.downtimes + schedule.observations
    if blocks:
        data.append(_hover_trace(blocks, rows))
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "now",
            "x": [_epoch_ms(schedule.now)] * 2,
            "y": [-0.5, len(rows) - 0.5],
            "line": {"color": NOW_COLOUR, "width": 2, "dash": "dot"},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    return {
        "data": data,
        "layout": {
            "height": 140 + 30 * max(1, len(schedule.telescopes)),
            "dragmode": "zoom",
            "hovermode": "closest",
            "xaxis": {
                "type": "date",
                "range": [_iso(schedule.start), _iso(schedule.end)],
                "title": {"text": "UTC"},
            },
            "yaxis": {
                "automargin": True,
                "tickmode": "array",
                "tickvals": list(range(len(schedule.telescopes))),
                "ticktext": schedule.telescopes,
                "range": [len(schedule.telescopes) - 0.5, -0.5],
                "fixedrange": True,
                "showgrid": False,
                "zeroline": False,
            },
            "annotations": [
                {
                    "x": _iso(schedule.now),
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "yanchor": "bottom",
                    "text": "now",
                    "showarrow": False,
                    "font": {"size": 11, "color": NOW_COLOUR},
                }
            ],
            "margin": {"l": 8, "r": 16, "t": 24, "b": 48},
            "legend": {"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"},
        },
        # Plotly's own zoom and pan: the mode bar, the wheel, double-click to reset
        "config": {
            "displayModeBar": True,
            "scrollZoom": True,
            "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"],
        },
    }
