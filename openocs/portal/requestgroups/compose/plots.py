"""Figures of the Compose page as Plotly figure dictionaries (drawn by the shared plot helper).

:func:`visibility_figure`: airmass against time for each site that could take the request, one
panel per site, the Sun's twilight and day shaded, the airmass limit drawn and the intervals in
which the request is observable marked. :func:`pattern_figure`: the offsets of a dither or mosaic
pattern on the sky.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from openocs import visibility
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.visibility import visible_intervals_by_site

_STEP = dt.timedelta(minutes=10)
_MAX_POINTS = 1500
_SHOWN_AIRMASS = 3.0
_DAY = "rgba(250, 204, 21, 0.16)"
_TWILIGHT = "rgba(99, 102, 241, 0.12)"
_OBSERVABLE = "#0f766e"
_CURVE = "#64748b"
_LIMIT = "#b91c1c"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _grid(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    step = max(_STEP, (end - start) / _MAX_POINTS)
    count = int((end - start) / step) + 1
    return [start + k * step for k in range(count)]


def _complement(
    intervals: Sequence[tuple[dt.datetime, dt.datetime]], start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    gaps, cursor = [], start
    for begin, finish in intervals:
        if begin > cursor:
            gaps.append((cursor, begin))
        cursor = max(cursor, finish)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


_PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6100", "#56b4e9", "#1f2937")
"""Colours told apart with colour-blindness (Okabe and Ito), one per request when several."""


@dataclass
class _Drawn:
    """One request as the figure draws it."""

    number: int
    request: dict[str, Any]
    windows: list[tuple[dt.datetime, dt.datetime]]
    by_site: dict[str, list[tuple[dt.datetime, dt.datetime]]]
    telescopes: dict[str, Any]
    target: Any
    limit: float


def _drawable(number: int, request: dict[str, Any], ocs: ValidationContext) -> _Drawn | None:
    windows = [(w["start"], w["end"]) for w in request.get("windows", [])]
    first = request["configurations"][0]
    if not windows or first["target"]["type"] not in ("ICRS", "ORBITAL_ELEMENTS"):
        return None
    by_site = visible_intervals_by_site(request, ocs, staff_location=False)
    telescopes = {
        t.site: t
        for t in reversed(
            ocs.configuration.candidate_telescopes(
                location=request.get("location") or {},
                instrument_types=[c["instrument_type"] for c in request["configurations"]],
                include_non_schedulable=False,
            )
        )
    }
    by_site = {code: v for code, v in by_site.items() if v and code in telescopes}
    if not by_site:
        return None
    return _Drawn(
        number=number,
        request=request,
        windows=windows,
        by_site=by_site,
        telescopes=telescopes,
        target=visibility.target_from_portal(first["target"]),
        limit=float(first["constraints"].get("max_airmass", 1.6)),
    )


def visibility_figure(request: dict[str, Any], ocs: ValidationContext) -> dict[str, Any] | None:
    """The figure for one validated request, or None when no site can take it."""
    return group_visibility_figure([(1, request)], ocs)


def group_visibility_figure(
    requests: Sequence[tuple[int, dict[str, Any]]], ocs: ValidationContext
) -> dict[str, Any] | None:
    """The figure for several validated requests ``(number, request)`` on one time axis: one
    panel per site that could take any of them, each request's airmass drawn over its own
    windows (in its own colour when there are several); None when no site can take any."""
    drawn = [d for number, request in requests if (d := _drawable(number, request, ocs))]
    if not drawn:
        return None
    several = len(drawn) > 1
    sites = sorted({code for d in drawn for code in d.by_site})
    start = min(w[0] for d in drawn for w in d.windows)
    end = max(w[1] for d in drawn for w in d.windows)
    times = _grid(start, end)
    stamps = [_iso(t) for t in times]
    count = len(sites)
    gap = 0.04 if count > 1 else 0.0
    height = (1.0 - gap * (count - 1)) / count
    data: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    layout: dict[str, Any] = {}
    for index, code in enumerate(sites):
        telescope = next(d.telescopes[code] for d in drawn if code in d.telescopes)
        site = visibility.Site(
            latitude_deg=telescope.latitude_deg,
            longitude_deg=telescope.longitude_deg,
            elevation_m=telescope.elevation_m,
        )
        axis = "" if index == 0 else str(index + 1)
        top = 1.0 - index * (height + gap)
        for order, d in enumerate(drawn):
            if code not in d.by_site:
                continue
            colour = _PALETTE[order % len(_PALETTE)] if several else _CURVE
            name = f"Request {d.number}" if several else code
            inside = [any(s <= t <= e for s, e in d.windows) for t in times]
            airmass = np.asarray(visibility.airmass_at_times(site, d.target, times))
            shown = [
                round(float(a), 3) if a <= _SHOWN_AIRMASS and keep else None
                for a, keep in zip(airmass, inside, strict=True)
            ]
            observable = [
                value if any(s <= t < e for s, e in d.by_site[code]) else None
                for t, value in zip(times, shown, strict=True)
            ]
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": stamps,
                    "y": shown,
                    "name": f"{name} airmass" if not several else name,
                    "legendgroup": name,
                    "line": {"color": colour, "width": 1.5},
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "showlegend": False,
                    "hovertemplate": f"{name} at {code} %{{x}}<br>airmass %{{y}}<extra></extra>",
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": stamps,
                    "y": observable,
                    "name": f"{name}" if several else "observable",
                    "legendgroup": name,
                    "line": {"color": colour if several else _OBSERVABLE, "width": 4},
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "showlegend": several
                    and not any(
                        trace.get("legendgroup") == name and trace.get("showlegend")
                        for trace in data
                    ),
                    "hoverinfo": "skip",
                }
            )
        layout[f"yaxis{axis}"] = {
            "domain": [max(top - height, 0.0), top],
            "range": [_SHOWN_AIRMASS, 1.0],
            "title": {"text": code},
            "fixedrange": True,
        }
        layout[f"xaxis{axis}"] = {
            "anchor": f"y{axis}",
            "type": "date",
            "range": [_iso(start), _iso(end)],
            "matches": "x" if index else None,
            "showticklabels": index == count - 1,
        }
        domain = f"y{axis} domain"
        for begin, finish in _complement(
            visibility.dark_intervals(site, start, end, "astronomical"), start, end
        ):
            shapes.append(_band(begin, finish, axis, domain, _TWILIGHT))
        for begin, finish in _complement(
            visibility.dark_intervals(site, start, end, "sunset"), start, end
        ):
            shapes.append(_band(begin, finish, axis, domain, _DAY))
        for limit in sorted({d.limit for d in drawn if code in d.by_site}):
            shapes.append(
                {
                    "type": "line",
                    "xref": f"x{axis} domain",
                    "yref": f"y{axis}",
                    "x0": 0,
                    "x1": 1,
                    "y0": limit,
                    "y1": limit,
                    "line": {"color": _LIMIT, "width": 1.5, "dash": "dash"},
                }
            )
    for key, value in list(layout.items()):
        if key.startswith("xaxis") and value.get("matches") is None:
            value.pop("matches")
    layout.update(
        {
            "height": 60 + 120 * count + (30 if several else 0),
            "margin": {"l": 56, "r": 12, "t": 40 if several else 12, "b": 40},
            "shapes": shapes,
            "showlegend": several,
            "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        }
    )
    return {"data": data, "layout": layout}


def _band(
    begin: dt.datetime, finish: dt.datetime, axis: str, domain: str, colour: str
) -> dict[str, Any]:
    return {
        "type": "rect",
        "xref": f"x{axis}",
        "yref": domain,
        "x0": _iso(begin),
        "x1": _iso(finish),
        "y0": 0,
        "y1": 1,
        "fillcolor": colour,
        "line": {"width": 0},
        "layer": "below",
    }


def pattern_figure(offsets_arcsec: Sequence[tuple[float, float]], *, title: str) -> dict[str, Any]:
    """The pattern's pointings as offsets from the target (arcsec), in order."""
    xs = [round(x, 2) for x, _ in offsets_arcsec]
    ys = [round(y, 2) for _, y in offsets_arcsec]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "x": xs,
                "y": ys,
                "text": [str(i + 1) for i in range(len(xs))],
                "textposition": "top center",
                "line": {"color": "#94a3b8", "width": 1, "dash": "dot"},
                "marker": {"color": _OBSERVABLE, "size": 9},
                "showlegend": False,
                "hovertemplate": "point %{text}: ΔRA %{x}″, ΔDec %{y}″<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 13}},
            "height": 320,
            "margin": {"l": 56, "r": 12, "t": 40, "b": 44},
            "xaxis": {
                "title": {"text": "ΔRA (arcsec, east left)"},
                "autorange": "reversed",
                "zeroline": True,
            },
            "yaxis": {"title": {"text": "ΔDec (arcsec)"}, "scaleanchor": "x", "zeroline": True},
        },
    }


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def applied_dither_offsets(configuration: dict[str, Any]) -> list[tuple[float, float]]:
    """The distinct dither offsets (arcsec) of a configuration's exposures, in order; empty when
    no dither has been applied."""
    extra = configuration.get("extra_params")
    dithered = isinstance(extra, dict) and bool(extra.get("dither_pattern"))
    offsets: list[tuple[float, float]] = []
    for ic in configuration.get("instrument_configs") or []:
        params = ic.get("extra_params") if isinstance(ic, dict) else None
        if not isinstance(params, dict):
            continue
        x, y = _number(params.get("offset_ra")), _number(params.get("offset_dec"))
        if x is None and y is None:
            continue
        dithered = True
        point = (x or 0.0, y or 0.0)
        if point not in offsets:
            offsets.append(point)
    return offsets if dithered and offsets else []


def applied_mosaic_offsets(request: dict[str, Any]) -> list[tuple[float, float]]:
    """The pointings (arcsec) of a request's mosaic, from its first pointing, in order; empty when
    no mosaic has been applied (or a pointing has no position yet)."""
    extra = request.get("extra_params")
    if not (isinstance(extra, dict) and extra.get("mosaic_pattern")):
        return []
    positions = []
    for configuration in request.get("configurations") or []:
        target = configuration.get("target") if isinstance(configuration, dict) else None
        ra = _number((target or {}).get("ra"))
        dec = _number((target or {}).get("dec"))
        if ra is None or dec is None:
            return []
        positions.append((ra, dec))
    if len(positions) < 2:
        return []
    ra0, dec0 = positions[0]
    offsets = []
    for ra, dec in positions:
        delta_ra = (ra - ra0 + 180.0) % 360.0 - 180.0
        offsets.append(
            (
                round(delta_ra * 3600.0 * math.cos(math.radians(dec)), 2),
                round((dec - dec0) * 3600.0, 2),
            )
        )
    return offsets
