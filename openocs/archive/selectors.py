"""Reads: the visibility rule, frame filters, sky searches and aggregates (spec §2.3, §4, §7)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from openocs.archive import conf, sky
from openocs.archive.identity import Viewer
from openocs.archive.models import Frame, Thumbnail, Version
from openocs.archive.params import as_bool, as_date, as_datetime, as_float, as_int

ORDERING_FIELDS = [
    "id", "basename", "observation_date", "primary_optical_element", "configuration_type",
    "proposal_id", "instrument_id", "target_name", "reduction_level", "exposure_time",
]  # fmt: skip
DEFAULT_ORDERING = ["-observation_date", "-id"]


def visible_frames(viewer: Viewer, *, listed_only: bool = True) -> QuerySet[Frame]:
    """Frames the viewer may see (spec §2.3); lists also need a version and a date."""
    frames = Frame.objects.filter(observation_date__isnull=False)
    if listed_only:
        frames = frames.filter(listed=True)
    if viewer.sees_all:
        return frames
    rule = Q(public_date__lt=timezone.now())
    if viewer.authenticated and viewer.proposals:
        rule |= Q(proposal_id__in=sorted(viewer.proposals))
    return frames.filter(rule)


def visible_frame(viewer: Viewer, frame_id: int) -> Frame | None:
    """One frame if the viewer may see it (detail routes: placeholders excluded)."""
    return visible_frames(viewer, listed_only=False).filter(pk=frame_id).first()


MAX_FILTER_LENGTH = 256
"""The longest value a query parameter takes (FITS header values are at most 68 characters)."""
MAX_SHAPE_LENGTH = 8192
"""The longest WKT polygon of ``covers`` and ``intersects``."""
MAX_FILTER_VALUES = 50
"""The most values one repeated query parameter takes."""
_SHAPES = ("covers", "intersects")


def check_filter_sizes(params: QueryDict) -> None:
    """Refuse, with a 400 naming the parameter, a value longer than :data:`MAX_FILTER_LENGTH`
    (:data:`MAX_SHAPE_LENGTH` for a polygon) or more than :data:`MAX_FILTER_VALUES` values of one
    parameter, before any of them reaches a query (a long ``icontains`` pattern costs the
    database work per row)."""
    for name, values in params.lists():
        if len(values) > MAX_FILTER_VALUES:
            raise ValidationError(
                {name: [f"Ensure this parameter has no more than {MAX_FILTER_VALUES} values."]}
            )
        limit = MAX_SHAPE_LENGTH if name in _SHAPES else MAX_FILTER_LENGTH
        if any(len(value) > limit for value in values):
            raise ValidationError({name: [f"Ensure this value has at most {limit} characters."]})


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _choice_list(name: str, values: list[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    for value in values:
        if value not in allowed:
            raise ValidationError(
                {name: [f"Select a valid choice. {value} is not one of the available choices."]}
            )
    return values


def _exact(
    frames: QuerySet[Frame], params: QueryDict, names: tuple[str, ...], field: str, cast: Any = None
) -> QuerySet[Frame]:
    for name in names:
        value = params.get(name, "")
        if value != "":
            frames = frames.filter(**{field: cast(name, value) if cast else value})
    return frames


def filter_frames(frames: QuerySet[Frame], params: QueryDict, viewer: Viewer) -> QuerySet[Frame]:
    """Apply the compatible filters of spec §4.1–4.2 (unknown parameters ignored)."""
    check_filter_sizes(params)
    get = params.get
    if get("start"):
        frames = frames.filter(observation_date__gte=as_datetime("start", get("start", "")))
    if get("end"):
        frames = frames.filter(observation_date__lte=as_datetime("end", get("end", "")))
    frames = _exact(frames, params, ("DATE_OBS",), "observation_date", as_datetime)
    frames = _exact(frames, params, ("DAY_OBS", "dayobs"), "observation_day", as_date)
    if get("basename"):
        frames = frames.filter(basename__icontains=get("basename", ""))
    frames = _exact(frames, params, ("basename_exact",), "basename")
    if get("target_name"):
        frames = frames.filter(target_name__icontains=_ascii(get("target_name", "")))
    frames = _exact(frames, params, ("target_name_exact",), "target_name")
    if get("target_name_iexact"):
        frames = frames.filter(target_name__iexact=get("target_name_iexact"))
    if get("OBJECT"):
        frames = frames.filter(target_name__icontains=get("OBJECT", ""))
    if "empty_target_name" in params:
        frames = frames.filter(target_name="")
    frames = _exact(frames, params, ("proposal_id", "PROPID"), "proposal_id")
    frames = _exact(frames, params, ("configuration_type", "OBSTYPE"), "configuration_type")
    include = [v for v in params.getlist("include_configuration_type") if v]
    excludes = {
        name: [v for v in params.getlist(name) if v]
        for name in ("exclude_configuration_type", "exclude_OBSTYPE")
    }
    if include or any(excludes.values()):
        known = conf.known_configuration_types()
        if include:
            include = _choice_list("include_configuration_type", include, known)
            frames = frames.filter(configuration_type__in=include)
        for name, excluded in excludes.items():
            if excluded:
                frames = frames.exclude(configuration_type__in=_choice_list(name, excluded, known))
    if get("exclude_calibrations") and as_bool(
        "exclude_calibrations", get("exclude_calibrations", "")
    ):
        frames = frames.filter(configuration_type__in=conf.science_configuration_types())
    frames = _exact(frames, params, ("reduction_level", "RLEVEL"), "reduction_level", as_int)
    frames = _exact(frames, params, ("instrument_id", "INSTRUME"), "instrument_id")
    frames = _exact(frames, params, ("site_id", "SITEID"), "site_id")
    frames = _exact(frames, params, ("telescope_id", "TELID"), "telescope_id")
    frames = _exact(
        frames, params, ("primary_optical_element", "FILTER"), "primary_optical_element"
    )
    frames = _exact(frames, params, ("observation_id", "BLKUID"), "observation_id", as_int)
    frames = _exact(frames, params, ("request_id", "REQNUM"), "request_id", as_int)
    frames = _exact(frames, params, ("exposure_time", "EXPTIME"), "exposure_time__gte", as_float)
    frames = _exact(frames, params, ("L1PUBDAT",), "public_date", as_datetime)
    frames = _exact(frames, params, ("id__gt",), "id__gt", as_int)
    if get("processed"):
        processed = as_bool("processed", get("processed", ""))
        frames = (
            frames.filter(reduction_level__gt=0) if processed else frames.filter(reduction_level=0)
        )
    if get("submitter"):
        frames = frames.filter(submitter=_ascii(get("submitter", "")))
    if get("public"):
        frames = _public_filter(frames, as_bool("public", get("public", "")), viewer)
    for name, test in (("covers", sky.covers), ("intersects", sky.intersects)):
        if get(name):
            try:
                shape = sky.parse_wkt(get(name, ""))
            except sky.GeometryError as error:
                raise ValidationError({name: [f"Error with {name} query: {error}"]}) from None
            frames = _shape_filter(frames, shape, test, name)
    cone = _cone_params(params)
    if cone is not None:
        frames = cone_filter(frames, *cone)
    return frames


def _public_filter(frames: QuerySet[Frame], public: bool, viewer: Viewer) -> QuerySet[Frame]:
    """Spec §4.2, applied after the visibility rule."""
    if public:
        return frames
    if viewer.authenticated and not viewer.user.is_superuser and not viewer.user.is_staff:
        proposals = viewer.proposals
        return frames.filter(proposal_id__in=sorted(proposals)) if proposals else frames
    return frames.exclude(public_date__lt=timezone.now())


def _cone_params(params: QueryDict) -> tuple[float, float, float] | None:
    if params.get("cone"):
        parts = params.get("cone", "").split(",")
        if len(parts) != 3:
            raise ValidationError({"cone": ["Use cone=<ra>,<dec>,<radius_deg>."]})
        values = [as_float("cone", part) for part in parts]
        return values[0], values[1], values[2]
    if params.get("ra") or params.get("dec") or params.get("radius"):
        missing = [n for n in ("ra", "dec", "radius") if not params.get(n)]
        if missing:
            raise ValidationError({missing[0]: ["ra, dec and radius must be given together."]})
        return (
            as_float("ra", params.get("ra", "")),
            as_float("dec", params.get("dec", "")),
            as_float("radius", params.get("radius", "")),
        )
    return None


def _max_footprint_radius() -> float:
    largest = Frame.objects.aggregate(largest=models.Max("footprint_radius_deg"))["largest"]
    return float(largest or 0.0)


def _candidates(centre: sky.Vector, radius_deg: float, name: str) -> list[int]:
    """Ids of frames whose bounding cap reaches within ``radius_deg`` of ``centre``.

    Plain SQL on the sky index only (a dec band, then a dot-product cap test), so PostgreSQL
    answers it with an index-only scan; rights and other filters are applied afterwards.
    """
    reach = radius_deg + _max_footprint_radius()
    _ra, dec = sky.to_radec(centre)
    frames = Frame.objects.filter(
        dec_c__gte=max(-90.0, dec - reach) - 1e-9,
        dec_c__lte=min(90.0, dec + reach) + 1e-9,
    )
    if reach < 180.0:
        threshold = math.cos(math.radians(reach)) - 1e-12
        dot = models.F("cx") * centre[0] + models.F("cy") * centre[1] + models.F("cz") * centre[2]
        frames = frames.alias(sky_dot=dot).filter(sky_dot__gte=threshold)
    limit = conf.sky_max_candidates()
    ids = list(frames.order_by().values_list("id", flat=True)[: limit + 1])
    if len(ids) > limit:
        raise ValidationError({name: [f"The sky region matches too many frames (> {limit})."]})
    return ids


def _refine(
    frames: QuerySet[Frame], candidates: list[int], keep: Any, name: str
) -> QuerySet[Frame]:
    rows = Frame.objects.filter(pk__in=candidates).values_list("id", "area") if candidates else []
    ids = []
    for frame_id, area in rows:
        try:
            footprint = sky.footprint_from_ring(area["coordinates"][0])  # type: ignore[index]
        except (sky.GeometryError, KeyError, IndexError, TypeError):
            continue
        if keep(footprint):
            ids.append(frame_id)
    return frames.filter(pk__in=ids) if ids else frames.none()


def _shape_filter(
    frames: QuerySet[Frame], shape: list[sky.Point], test: Any, name: str
) -> QuerySet[Frame]:
    if len(shape) == 1:
        centre, radius = sky.unit_vector(*shape[0]), 0.0
    else:
        cap = sky.footprint_from_ring([list(p) for p in shape])
        centre, radius = cap.centre, cap.radius_deg
    candidates = _candidates(centre, radius, name)
    return _refine(frames, candidates, lambda footprint: test(footprint, shape), name)


def cone_filter(
    frames: QuerySet[Frame], ra: float, dec: float, radius_deg: float
) -> QuerySet[Frame]:
    """Frames whose footprint comes within ``radius_deg`` of (ra, dec)."""
    if not -90.0 <= dec <= 90.0:
        raise ValidationError({"dec": ["Ensure this value is between -90 and 90."]})
    if not 0.0 <= radius_deg <= 90.0:
        raise ValidationError({"radius": ["Ensure this value is between 0 and 90 degrees."]})
    point = (ra % 360.0, dec)
    candidates = _candidates(sky.unit_vector(*point), radius_deg, "radius")
    return _refine(
        frames,
        candidates,
        lambda footprint: sky.distance_to_footprint_deg(footprint, point) <= radius_deg,
        "radius",
    )


def ordering_for(params: QueryDict) -> list[str]:
    """The ordering of spec §4.1 with ``id`` as the tie-breaker."""
    value = params.get("ordering", "")
    if not value:
        return list(DEFAULT_ORDERING)
    fields = []
    for part in value.split(","):
        name = part.strip()
        if name.lstrip("-") in ORDERING_FIELDS:
            fields.append(name)
    if not fields:
        return list(DEFAULT_ORDERING)
    if fields[-1].lstrip("-") != "id":
        fields.append("-id" if fields[0].startswith("-") else "id")
    return fields


def frames_with_relations(
    frames: QuerySet[Frame], *, related: bool, thumbnails: bool
) -> QuerySet[Frame]:
    """Prefetch what the frame JSON needs (no N+1 queries)."""
    frames = frames.prefetch_related(
        models.Prefetch("version_set", queryset=Version.objects.order_by("-created", "-id"))
    )
    if related:
        frames = frames.prefetch_related(
            models.Prefetch("related_frames", queryset=Frame.objects.only("id").order_by("id"))
        )
    if thumbnails:
        frames = frames.prefetch_related(
            models.Prefetch("thumbnails", queryset=Thumbnail.objects.order_by("id"))
        )
    return frames


def related_visible(viewer: Viewer, frame: Frame) -> QuerySet[Frame]:
    """The frames related to ``frame`` that the viewer may see (placeholders excluded)."""
    ids = frame.related_frames.values_list("id", flat=True)
    return visible_frames(viewer).filter(pk__in=list(ids)).order_by("id")


def aggregate(frames: QuerySet[Frame]) -> dict[str, list[str]]:
    """Distinct values of the six aggregate fields over ``frames`` (spec §7)."""
    fields = {
        "sites": "site_id",
        "telescopes": "telescope_id",
        "filters": "primary_optical_element",
        "instruments": "instrument_id",
        "obstypes": "configuration_type",
        "proposals": "proposal_id",
    }
    return {
        name: sorted(v for v in frames.order_by().values_list(field, flat=True).distinct() if v)
        for name, field in fields.items()
    }


def count_within(frames: QuerySet[Frame], timeout_ms: int) -> tuple[int, bool]:
    """``(count, estimated)``: the exact count when PostgreSQL gives it within ``timeout_ms``,
    else the planner's estimate (SQLite always counts exactly)."""
    if connection.vendor != "postgresql":
        return int(frames.count()), False
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            return int(frames.count()), False
    except DatabaseError:
        return int(estimated_count(frames) or 0), True


def estimated_count(frames: QuerySet[Frame]) -> int | None:
    """The planner's row estimate on PostgreSQL (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    sql, params = frames.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
