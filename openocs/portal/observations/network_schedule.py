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


def _bar_trace(name: str, blocks: list[Block], colour: str, width: float) -> dict[str, Any]:
    """Blocks as one bar trace with no per-bar text or outline: with 1,500 blocks, per-bar
    labels and line widths made every zoom step a few times slower."""
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "y": [b.telescope for b in blocks],
        "base": [_iso(b.start) for b in blocks],
        "x": [(b.end - b.start).total_seconds() * 1000.0 for b in blocks],
        "width": width,
        "hovertext": [f"{b.label}<br>{_iso(b.start)} – {_iso(b.end)} UTC" for b in blocks],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "customdata": [b.url for b in blocks],
        "marker": {"color": colour, "line": {"width": 0}},
    }


def _urgent_trace(blocks: list[Block]) -> dict[str, Any]:
    """Rapid-response and time-critical blocks outlined on top of their state's colour (the
    hover text says which). No labels inside the bars: Plotly lays out every bar label again on
    each zoom step, which made zooming a 1,500-block schedule stutter."""
    return {
        **_bar_trace("rapid response / time critical (outlined)", blocks, "rgba(0,0,0,0)", 0.6),
        "marker": {"color": "rgba(0, 0, 0, 0)", "line": {"color": MARK_OUTLINE, "width": 2.5}},
    }


def schedule_figure(schedule: NetworkSchedule) -> dict[str, Any]:
    """One row per telescope: downtime behind, observations in front coloured by state, RR and
    TC outlined and labelled, each site's twilight and night shaded, a line at now."""
    downtime = {
        **_bar_trace("downtime", schedule.downtimes, DOWNTIME_COLOUR, 0.9),
        "opacity": 0.8,
        "marker": {
            "color": DOWNTIME_COLOUR,
            # hatched: the block's colour behind white stripes
            "pattern": {
                "shape": "/",
                "fillmode": "overlay",
                "fgcolor": "rgba(255, 255, 255, 0.55)",
                "size": 8,
            },
        },
    }
    by_state: dict[str, list[Block]] = {}
    for block in schedule.observations:
        by_state.setdefault(block.kind if block.kind in STATE_COLOURS else "OTHER", []).append(
            block
        )
    order = [*STATE_COLOURS, "OTHER"]
    data = [downtime] + [
        _bar_trace(
            STATE_LABELS.get(state, "other"),
            by_state[state],
            STATE_COLOURS.get(state, OTHER_COLOUR),
            0.6,
        )
        for state in order
        if state in by_state
    ]
    urgent = [block for block in schedule.observations if block.mark]
    if urgent:
        data.append(_urgent_trace(urgent))
    rows = {telescope: index for index, telescope in enumerate(schedule.telescopes)}
    shapes: list[dict[str, Any]] = []
    for telescope, index in rows.items():
        site = telescope.split(".", 1)[0]
        for fill, intervals in (
            (TWILIGHT_FILL, schedule.twilights.get(site, [])),
            (NIGHT_FILL, schedule.nights.get(site, [])),
        ):
            shapes.extend(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "y",
                    "x0": _iso(begin),
                    "x1": _iso(finish),
                    "y0": index - 0.5,
                    "y1": index + 0.5,
                    "fillcolor": fill,
                    "line": {"width": 0},
                    "layer": "below",
                }
                for begin, finish in intervals
            )
    shapes.append(
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": _iso(schedule.now),
            "x1": _iso(schedule.now),
            "y0": 0,
            "y1": 1,
            "line": {"color": NOW_COLOUR, "width": 2, "dash": "dot"},
        }
    )
    return {
        "data": data,
        "layout": {
            "barmode": "overlay",
            "height": 140 + 30 * max(1, len(schedule.telescopes)),
            "dragmode": "zoom",
            "xaxis": {
                "type": "date",
                "range": [_iso(schedule.start), _iso(schedule.end)],
                "title": {"text": "UTC"},
            },
            "yaxis": {
                "automargin": True,
                "type": "category",
                "categoryorder": "array",
                "categoryarray": schedule.telescopes,
                "range": [len(schedule.telescopes) - 0.5, -0.5],
                "fixedrange": True,
            },
            "shapes": shapes,
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
