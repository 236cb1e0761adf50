"""Expansion helpers: cadence (§10.6), dither (§11.5), mosaic (§11.4) and airmass (§17.2).

Each function takes the parsed body and a :class:`ValidationContext` and returns the response
document, or raises a DRF ``ValidationError`` carrying the error tree.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from typing import Any

import numpy as np
from django.conf import settings
from rest_framework import serializers

from openocs import visibility
from openocs.portal.requestgroups import patterns
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.serializers import (
    ConfigurationSerializer,
    RequestGroupSerializer,
    RequestSerializer,
)
from openocs.portal.requestgroups.visibility import (
    largest_interval_s,
    visible_intervals_by_site,
)
from openocs.web.exceptions import compatible_errors

ValidationError = serializers.ValidationError


class NoVisibleCadenceError(Exception):
    """No cadence window leaves the target visible for the request's duration."""

    message = "No visible requests within cadence window parameters"


# Candidate windows a cadence may produce, per request a group may hold (most are usually
# dropped as not visible; the expanded group is then held to OCS_MAX_REQUESTS_PER_GROUP).
CADENCE_CANDIDATES_PER_REQUEST_LIMIT = 10


class CadenceSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    period = serializers.FloatField(min_value=0.02)
    jitter = serializers.FloatField(min_value=0.02)

    def validate_end(self, value: dt.datetime) -> dt.datetime:
        if value <= self.context["now"]:
            raise ValidationError("End time must be in the future")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["start"] >= attrs["end"]:
            raise ValidationError(
                f"Cadence end '{attrs['end']}' cannot be earlier than cadence start "
                f"'{attrs['start']}'."
            )
        span_h = (attrs["end"] - attrs["start"]).total_seconds() / 3600.0
        candidates = math.ceil(span_h / attrs["period"])
        limit = CADENCE_CANDIDATES_PER_REQUEST_LIMIT * settings.OCS_MAX_REQUESTS_PER_GROUP
        if candidates > limit:
            raise ValidationError(
                {
                    "period": [
                        f"A period of {attrs['period']:g} h over this span makes {candidates} "
                        f"cadence windows; at most {limit} are allowed "
                        f"({CADENCE_CANDIDATES_PER_REQUEST_LIMIT} × OCS_MAX_REQUESTS_PER_GROUP)."
                    ]
                }
            )
        return attrs


def _validated_group(data: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    serializer = RequestGroupSerializer(data=data, context={"ocs": ocs})
    if not serializer.is_valid():
        raise ValidationError(compatible_errors(serializer.errors, serializer.initial_data))
    validated: dict[str, Any] = serializer.validated_data
    return validated


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cadence_windows(cadence: dict[str, Any]) -> list[tuple[dt.datetime, dt.datetime]]:
    """``[max(t − jitter/2, start), min(t + jitter/2, end)]`` for ``t = start + k × period``."""
    start, end = cadence["start"], cadence["end"]
    period = dt.timedelta(hours=cadence["period"])
    half_jitter = dt.timedelta(hours=cadence["jitter"]) / 2
    windows = []
    moment = start
    while moment < end:
        windows.append((max(moment - half_jitter, start), min(moment + half_jitter, end)))
        moment += period
    return windows


def expand_cadence(data: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """The posted group with its single cadence request expanded into one request per window
    in which the target is visible for longer than the request's duration."""
    requests = data.get("requests")
    if not isinstance(requests, list) or len(requests) != 1:
        raise ValidationError(
            {"requests": ["Cadence requestgroups may only contain a single request"]}
        )
    posted_request = dict(requests[0])
    cadence_data = posted_request.pop("cadence", None)
    if cadence_data is None:
        raise ValidationError({"requests": [{"cadence": ["This field is required."]}]})
    if posted_request.get("windows"):
        raise ValidationError(
            {"requests": [{"windows": ["Cadence requests may not contain windows"]}]}
        )
    cadence_serializer = CadenceSerializer(data=cadence_data, context={"now": ocs.now})
    if not cadence_serializer.is_valid():
        raise ValidationError({"requests": [{"cadence": cadence_serializer.errors}]})
    cadence = cadence_serializer.validated_data
    span = {
        **posted_request,
        "windows": [{"start": _iso(cadence["start"]), "end": _iso(cadence["end"])}],
    }
    whole = _validated_group({**data, "requests": [span]}, ocs)
    request = whole["requests"][0]
    by_site = visible_intervals_by_site(request, ocs, staff_location=ocs.is_staff)
    kept = []
    for start, end in cadence_windows(cadence):
        clipped = {
            site: [(max(s, start), min(e, end)) for s, e in intervals if s < end and e > start]
            for site, intervals in by_site.items()
        }
        if end > ocs.now and largest_interval_s(clipped) > request["duration"]:
            kept.append(
                {
                    **copy.deepcopy(posted_request),
                    "windows": [{"start": _iso(start), "end": _iso(end)}],
                }
            )
    if not kept:
        raise NoVisibleCadenceError
    expanded = {
        **data,
        "requests": kept,
        "operator": "MANY" if len(kept) > 1 else data.get("operator"),
    }
    _validated_group(copy.deepcopy(expanded), ocs)
    return expanded


class PatternSerializer(serializers.Serializer[Any]):
    pattern = serializers.ChoiceField(choices=["line", "grid", "spiral"])
    num_points = serializers.IntegerField(min_value=1, required=False)
    num_rows = serializers.IntegerField(min_value=1, required=False)
    num_columns = serializers.IntegerField(min_value=1, required=False)
    point_spacing = serializers.FloatField(min_value=0.0, required=False)
    line_spacing = serializers.FloatField(min_value=0.0, required=False)
    orientation = serializers.FloatField(default=0.0)
    center = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["pattern"] in ("line", "spiral") and not attrs.get("num_points"):
            raise ValidationError("Must specify num_points when selecting a line or spiral pattern")
        if attrs["pattern"] == "grid" and not (attrs.get("num_rows") and attrs.get("num_columns")):
            raise ValidationError(
                "Must specify num_rows and num_columns when selecting a grid pattern"
            )
        return attrs


def check_pattern_size(attrs: dict[str, Any], *, copies: int, limit: int, setting: str) -> None:
    """Refuse a pattern whose expansion would hold more than ``limit`` items (issue 14), before
    any offset is computed: ``copies`` items are made per point."""
    if attrs["pattern"] == "grid":
        points, field = attrs["num_rows"] * attrs["num_columns"], "num_rows"
    else:
        points, field = attrs["num_points"], "num_points"
    if points * max(copies, 1) > limit:
        raise ValidationError(
            {
                field: [
                    f"This pattern expands to {points * max(copies, 1)} items; "
                    f"at most {limit} are allowed ({setting})."
                ]
            }
        )


def offsets_for(attrs: dict[str, Any]) -> list[tuple[float, float]]:
    pattern = attrs["pattern"]
    spacing = float(attrs["point_spacing"])
    if pattern == "line":
        return patterns.line_offsets_arcsec(
            num_points=attrs["num_points"],
            point_spacing_arcsec=spacing,
            orientation_deg=attrs["orientation"],
            center=attrs["center"],
        )
    if pattern == "grid":
        return patterns.grid_offsets_arcsec(
            num_rows=attrs["num_rows"],
            num_columns=attrs["num_columns"],
            point_spacing_arcsec=spacing,
            line_spacing_arcsec=attrs.get("line_spacing"),
            orientation_deg=attrs["orientation"],
            center=attrs["center"],
        )
    return patterns.spiral_offsets_arcsec(
        num_points=attrs["num_points"], point_spacing_arcsec=spacing
    )


class DitherSerializer(PatternSerializer):
    configuration = serializers.DictField()
    point_spacing = serializers.FloatField(min_value=0.0)


def expand_dither(data: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """The configuration with its instrument configs repeated for every offset (offset-major)."""
    serializer = DitherSerializer(data=data)
    if not serializer.is_valid():
        raise ValidationError(compatible_errors(serializer.errors, serializer.initial_data))
    attrs = serializer.validated_data
    configuration = copy.deepcopy(attrs["configuration"])
    check = ConfigurationSerializer(data=copy.deepcopy(configuration), context={"ocs": ocs})
    if not check.is_valid():
        raise ValidationError(
            {"configuration": compatible_errors(check.errors, check.initial_data)}
        )
    instrument_configs = configuration.get("instrument_configs") or []
    check_pattern_size(
        attrs,
        copies=len(instrument_configs),
        limit=settings.OCS_MAX_INSTRUMENT_CONFIGS,
        setting="OCS_MAX_INSTRUMENT_CONFIGS",
    )
    expanded = []
    for x, y in offsets_for(attrs):
        for ic in instrument_configs:
            copied = copy.deepcopy(ic)
            extra = dict(copied.get("extra_params") or {})
            extra["offset_ra"] = round(x, 3)
            extra["offset_dec"] = round(y, 3)
            copied["extra_params"] = extra
            expanded.append(copied)
    configuration["instrument_configs"] = expanded
    configuration.setdefault("extra_params", {})
    configuration["extra_params"] = {
        **configuration["extra_params"],
        "dither_pattern": attrs["pattern"],
    }
    return dict(configuration)


class MosaicSerializer(PatternSerializer):
    pattern = serializers.ChoiceField(choices=["line", "grid"])
    request = serializers.DictField()
    point_overlap_percent = serializers.FloatField(min_value=0.0, max_value=100.0, required=False)
    line_overlap_percent = serializers.FloatField(min_value=0.0, max_value=100.0, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("point_spacing") is None and attrs.get("point_overlap_percent") is None:
            raise ValidationError("Must specify one of point_spacing or point_overlap_percent")
        return attrs


def expand_mosaic(data: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """The request with one configuration per pattern offset (§11.4)."""
    serializer = MosaicSerializer(data=data)
    if not serializer.is_valid():
        raise ValidationError(compatible_errors(serializer.errors, serializer.initial_data))
    attrs = dict(serializer.validated_data)
    request = copy.deepcopy(attrs["request"])
    configurations = request.get("configurations") or []
    if len(configurations) != 1:
        raise ValidationError(
            {
                "request": [
                    "Cannot expand a request for mosaicing with more than one configuration set"
                ]
            }
        )
    if str((configurations[0].get("target") or {}).get("type", "")).upper() != "ICRS":
        raise ValidationError(
            {
                "request": [
                    "Mosaic expansion is only for ICRS Targets. Try using dither expansion for "
                    "patterns with other target types"
                ]
            }
        )
    check = RequestSerializer(data=copy.deepcopy(request), context={"ocs": ocs})
    if not check.is_valid():
        raise ValidationError({"request": compatible_errors(check.errors, check.initial_data)})
    if attrs.get("point_spacing") is None:
        instrument_type = configurations[0]["instrument_type"]
        entry = ocs.configuration.digest(staff=True).get(instrument_type.upper(), {})
        camera = entry.get("camera_type", {})
        point_overlap = float(attrs["point_overlap_percent"])
        line_overlap = attrs.get("line_overlap_percent")
        attrs["point_spacing"], attrs["line_spacing"] = patterns.spacing_from_overlap_arcsec(
            pixels_x=int(camera.get("pixels_x") or 0),
            pixels_y=int(camera.get("pixels_y") or 0),
            pixel_scale_arcsec=float(camera.get("pixel_scale") or 0.0),
            camera_orientation_deg=float(camera.get("orientation") or 0.0),
            point_overlap_percent=point_overlap,
            line_overlap_percent=point_overlap if line_overlap is None else float(line_overlap),
            pattern_orientation_deg=attrs["orientation"],
        )
    check_pattern_size(
        attrs,
        copies=1,
        limit=settings.OCS_MAX_CONFIGURATIONS_PER_REQUEST,
        setting="OCS_MAX_CONFIGURATIONS_PER_REQUEST",
    )
    original = configurations[0]
    target = original["target"]
    expanded = []
    for x, y in offsets_for(attrs):
        copied = copy.deepcopy(original)
        ra, dec = patterns.offset_target(float(target["ra"]), float(target["dec"]), x, y)
        copied["target"] = {**copied["target"], "ra": ra % 360.0, "dec": dec}
        expanded.append(copied)
    request["configurations"] = expanded
    request["extra_params"] = {
        **(request.get("extra_params") or {}),
        "mosaic_pattern": attrs["pattern"],
    }
    return dict(request)


def airmass_data(request_data: dict[str, Any], ocs: ValidationContext) -> dict[str, Any]:
    """Airmass every 10 minutes inside each visible interval, per site (§17.2)."""
    serializer = RequestSerializer(data=request_data, context={"ocs": ocs})
    if not serializer.is_valid():
        return compatible_errors(serializer.errors, serializer.initial_data)  # type: ignore[no-any-return]
    request = serializer.validated_data
    first = request["configurations"][0]
    if first["target"]["type"] not in ("ICRS", "ORBITAL_ELEMENTS"):
        return {"airmass_data": {}}
    pairs = {}
    for configuration in request["configurations"]:
        key = repr(
            (sorted(configuration["target"].items()), sorted(configuration["constraints"].items()))
        )
        pairs[key] = configuration
    first_type_only = {**request, "configurations": [first]}
    by_site = visible_intervals_by_site(first_type_only, ocs, staff_location=False)
    telescopes = {
        t.site: t
        for t in reversed(
            ocs.configuration.candidate_telescopes(
                location=request.get("location") or {},
                instrument_types=[first["instrument_type"]],
                include_non_schedulable=False,
            )
        )
    }
    result: dict[str, Any] = {}
    limits = [float(c["constraints"].get("max_airmass", 1.6)) for c in pairs.values()]
    for site_code, intervals in sorted(by_site.items()):
        if not intervals or site_code not in telescopes:
            continue
        telescope = telescopes[site_code]
        site = visibility.Site(
            latitude_deg=telescope.latitude_deg,
            longitude_deg=telescope.longitude_deg,
            elevation_m=telescope.elevation_m,
        )
        times = []
        for start, end in intervals:
            moment = start
            while moment < end:
                times.append(moment)
                moment += dt.timedelta(minutes=10)
        if not times:
            continue
        curves = [
            np.asarray(
                visibility.airmass_at_times(site, visibility.target_from_portal(c["target"]), times)
            )
            for c in pairs.values()
        ]
        mean = np.mean(np.vstack(curves), axis=0)
        result[site_code] = {
            "times": [t.strftime("%Y-%m-%dT%H:%M") for t in times],
            "airmasses": [round(float(v), 3) for v in mean],
        }
    body: dict[str, Any] = {"airmass_data": result}
    if result:
        body["airmass_limit"] = sum(limits) / len(limits)
    return body
