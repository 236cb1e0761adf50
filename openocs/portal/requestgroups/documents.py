"""The detail and list shapes of §3.11 rendered from plain rows (issue 17).

The list routes and the scheduler's feed render hundreds to thousands of requests a call. Built
as model instances with prefetched children, most of their time went to the ORM (an instance per
row and a related-manager queryset per prefetched instance), not to the answer. Here each level
is one ``values()`` query over the parents' ids and the documents are assembled from the rows.

The instance renderers of :mod:`.serializers` stay the reference: the tests render the same
groups both ways and compare the JSON byte for byte. A change to a shape is made in both.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from openocs.portal.requestgroups import rules
from openocs.portal.requestgroups.models import (
    Configuration,
    InstrumentConfig,
    Request,
    RequestGroup,
    Target,
    Window,
)
from openocs.portal.requestgroups.serializers import datetime_text

Row = dict[str, Any]

GROUP_FIELDS = (
    "id",
    "submitter__username",
    "proposal_id",
    "name",
    "observation_type",
    "operator",
    "ipp_value",
    "state",
    "created",
    "modified",
)
"""What ``.values()`` of a group queryset must give :func:`requestgroup_documents`."""

_LOCATION_FIELDS = ("telescope_class", "site", "enclosure", "telescope")
REQUEST_FIELDS = (
    "id",
    "request_group_id",
    *(f"location__{name}" for name in _LOCATION_FIELDS),
    "duration",
    "observation_note",
    "optimization_type",
    "state",
    "suspend_until",
    "modified",
    "acceptability_threshold",
    "configuration_repeats",
    "created",
)
"""With ``_REQUEST_JSON``, what ``.values()`` of a request queryset must give
:func:`request_documents` (see :func:`request_rows`)."""

_TARGET_FIELDS = tuple(
    field.name for field in Target._meta.concrete_fields if field.name not in ("id",)
)
_TARGET_KEYS = {
    kind: [(name, f"target__{name}") for name in names]
    for kind, names in rules.TARGET_FIELDS_BY_TYPE.items()
}
_CONFIGURATION_FIELDS = (
    "id",
    "request_id",
    "instrument_type",
    "type",
    "repeat_duration",
    "priority",
    *(
        f"target__{name}"
        for name in _TARGET_FIELDS
        if name not in ("configuration", "extra_params")
    ),
    "constraints__max_airmass",
    "constraints__min_lunar_distance",
    "constraints__max_lunar_phase",
    "constraints__max_seeing",
    "constraints__min_transparency",
    "acquisition_config__mode",
    "acquisition_config__exposure_time",
    "guiding_config__optional",
    "guiding_config__mode",
    "guiding_config__exposure_time",
)
_INSTRUMENT_CONFIG_FIELDS = (
    "configuration_id",
    "mode",
    "exposure_time",
    "exposure_count",
    "rotator_mode",
)


def _as_text(*fields: str) -> dict[str, Cast]:
    """JSON columns read as their text under ``j_<field>``: decoded by :func:`_decoded`, which
    skips the JSON parser for the empty objects most of them hold (a fifth of a page's CPU went
    to JSONField's per-value decoding)."""
    return {
        "j_" + field.replace("__", "_"): Cast(field, output_field=TextField()) for field in fields
    }


_EMPTY: dict[str, type[dict[str, Any]] | type[list[Any]]] = {"{}": dict, "[]": list}


def _decoded(text: str | None) -> Any:
    if text is None:
        return None
    empty = _EMPTY.get(text)
    return empty() if empty is not None else json.loads(text)


_REQUEST_JSON = _as_text("extra_params")
_CONFIGURATION_JSON = _as_text(
    "extra_params",
    "target__extra_params",
    "constraints__extra_params",
    "acquisition_config__extra_params",
    "guiding_config__optical_elements",
    "guiding_config__extra_params",
)
_INSTRUMENT_CONFIG_JSON = _as_text("optical_elements", "extra_params", "rois")

CHUNK = 2000


@dataclass(frozen=True)
class _Parents:
    """Whose children to read: ``request`` is the children's path to their request's id (or
    to its group's id) and ``ids`` the values it takes."""

    request: str
    ids: Sequence[int]


"""Parent ids per child query: pages up to this many parents take one query per level."""


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for first in range(0, len(ids), CHUNK):
        yield ids[first : first + CHUNK]


def _without_nulls(data: Row) -> Row:
    return {key: value for key, value in data.items() if value is not None}


def _target(row: Row, *, list_shape: bool) -> Row:
    kind = row["target__type"]
    data: Row = {"type": kind, "name": row["target__name"]}
    for name, key in _TARGET_KEYS.get(kind, []):
        value = row[key]
        if value == "" and name == "scheme":
            value = None
        if list_shape or value is not None:
            data[name] = value
    data["extra_params"] = _decoded(row["j_target_extra_params"])
    return data


def _instrument_config(row: Row, *, list_shape: bool) -> Row:
    data: Row = {
        "optical_elements": _decoded(row["j_optical_elements"]),
        "mode": row["mode"],
        "exposure_time": row["exposure_time"],
        "exposure_count": row["exposure_count"],
        "rotator_mode": row["rotator_mode"],
        "extra_params": _decoded(row["j_extra_params"]),
    }
    rois = _decoded(row["j_rois"])
    if list_shape or rois:
        data["rois"] = rois
    return data


def _configuration(row: Row, instrument_configs: list[Row], *, list_shape: bool) -> Row:
    constraints = {
        "max_airmass": row["constraints__max_airmass"],
        "min_lunar_distance": row["constraints__min_lunar_distance"],
        "max_lunar_phase": row["constraints__max_lunar_phase"],
        "max_seeing": row["constraints__max_seeing"],
        "min_transparency": row["constraints__min_transparency"],
        "extra_params": _decoded(row["j_constraints_extra_params"]),
    }
    acquisition = {
        "mode": row["acquisition_config__mode"],
        "exposure_time": row["acquisition_config__exposure_time"],
        "extra_params": _decoded(row["j_acquisition_config_extra_params"]),
    }
    data: Row = {
        "id": row["id"],
        "constraints": _without_nulls(constraints) if list_shape else constraints,
        "instrument_configs": instrument_configs,
        "acquisition_config": _without_nulls(acquisition) if list_shape else acquisition,
        "guiding_config": {
            "optional": row["guiding_config__optional"],
            "mode": row["guiding_config__mode"],
            "optical_elements": _decoded(row["j_guiding_config_optical_elements"]),
            "exposure_time": row["guiding_config__exposure_time"],
            "extra_params": _decoded(row["j_guiding_config_extra_params"]),
        },
        "target": _target(row, list_shape=list_shape),
        "instrument_type": row["instrument_type"],
        "type": row["type"],
        "extra_params": _decoded(row["j_extra_params"]),
        "priority": row["priority"],
    }
    if list_shape or "REPEAT" in row["type"].upper():
        data["repeat_duration"] = row["repeat_duration"]
    return data


def _configurations_by_request(parents: _Parents, *, list_shape: bool) -> dict[int, list[Row]]:
    rows: list[Row] = []
    for chunk in _chunks(parents.ids):
        rows += Configuration.objects.filter(**{f"{parents.request}__in": chunk}).values(
            *_CONFIGURATION_FIELDS, **_CONFIGURATION_JSON
        )
    instrument_configs: dict[int, list[Row]] = defaultdict(list)
    for chunk in _chunks(parents.ids):
        children = (
            InstrumentConfig.objects.filter(**{f"configuration__{parents.request}__in": chunk})
            .order_by("id")
            .values(*_INSTRUMENT_CONFIG_FIELDS, **_INSTRUMENT_CONFIG_JSON)
        )
        for child in children:
            instrument_configs[child["configuration_id"]].append(
                _instrument_config(child, list_shape=list_shape)
            )
    rows.sort(key=lambda row: (row["priority"], row["id"]))
    configurations: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        configurations[row["request_id"]].append(
            _configuration(row, instrument_configs.get(row["id"], []), list_shape=list_shape)
        )
    return configurations


def _windows_by_request(parents: _Parents, zone: tzinfo) -> dict[int, list[Row]]:
    rows: list[tuple[int, int, Any, Any]] = []
    for chunk in _chunks(parents.ids):
        rows += Window.objects.filter(**{f"{parents.request}__in": chunk}).values_list(
            "request_id", "id", "start", "end"
        )
    rows.sort(key=lambda row: (row[2], row[1]))
    windows: dict[int, list[Row]] = defaultdict(list)
    for request_id, _, start, end in rows:
        windows[request_id].append(
            {"start": datetime_text(start, zone), "end": datetime_text(end, zone)}
        )
    return windows


def _location(row: Row) -> Row:
    data = {name: row[f"location__{name}"] for name in _LOCATION_FIELDS}
    return {key: value for key, value in data.items() if value}


def request_documents(
    rows: Sequence[Row], *, list_shape: bool, group_ids: Sequence[int] | None = None
) -> list[Row]:
    """The documents of the requests of ``rows`` (:func:`request_rows`), in their order:
    three more queries (windows, configurations, instrument configs) whatever their number.

    ``group_ids``, when ``rows`` are requests of these groups, selects the children by group: a
    few ids instead of one per request (Django and psycopg handle each parameter of an ``IN``
    list in Python)."""
    if group_ids is None:
        parents = _Parents("request_id", [row["id"] for row in rows])
    else:
        parents = _Parents("request__request_group_id", group_ids)
    zone = timezone.get_current_timezone()
    windows = _windows_by_request(parents, zone)
    configurations = _configurations_by_request(parents, list_shape=list_shape)
    documents = []
    for row in rows:
        data: Row = {
            "id": row["id"],
            "location": _location(row),
            "configurations": configurations.get(row["id"], []),
            "windows": windows.get(row["id"], []),
            "duration": row["duration"],
            "observation_note": row["observation_note"],
            "optimization_type": row["optimization_type"],
            "state": row["state"],
            "suspend_until": datetime_text(row["suspend_until"], zone),
            "modified": datetime_text(row["modified"], zone),
            "acceptability_threshold": row["acceptability_threshold"],
            "configuration_repeats": row["configuration_repeats"],
            "extra_params": _decoded(row["j_extra_params"]),
        }
        if not list_shape:
            data["created"] = datetime_text(row["created"], zone)
        documents.append(data)
    return documents


def request_rows_of_groups(group_ids: Sequence[int]) -> list[Row]:
    """The request rows of the groups, ordered by id (one query per :data:`CHUNK` groups)."""
    rows: list[Row] = []
    for chunk in _chunks(group_ids):
        rows += Request.objects.filter(request_group_id__in=chunk).values(
            *REQUEST_FIELDS, **_REQUEST_JSON
        )
    rows.sort(key=lambda row: row["id"])
    return rows


# a group's fields before its times, in the order of the JSON: (key, values() column)
GROUP_KEYS = (
    ("id", "id"),
    ("submitter", "submitter__username"),
    ("proposal", "proposal_id"),
    ("name", "name"),
    ("observation_type", "observation_type"),
    ("operator", "operator"),
    ("ipp_value", "ipp_value"),
    ("state", "state"),
)


def group_fields(row: Row) -> Row:
    """A request group's own fields (not its times or requests) from its ``values()`` row."""
    return {key: row[column] for key, column in GROUP_KEYS}


def group_document(row: Row, requests: list[Row], zone: tzinfo | None = None) -> Row:
    return {
        **group_fields(row),
        "created": datetime_text(row["created"], zone),
        "modified": datetime_text(row["modified"], zone),
        "requests": requests,
    }


def requestgroup_documents(rows: Sequence[Row], *, list_shape: bool) -> list[Row]:
    """The documents of the groups of ``rows`` (``.values(*GROUP_FIELDS)``), in their order:
    four more queries whatever the number of groups, requests and configurations."""
    group_ids = [row["id"] for row in rows]
    requests = request_rows_of_groups(group_ids)
    documents = request_documents(requests, list_shape=list_shape, group_ids=group_ids)
    by_group: dict[int, list[Row]] = defaultdict(list)
    for request_row, document in zip(requests, documents, strict=True):
        by_group[request_row["request_group_id"]].append(document)
    zone = timezone.get_current_timezone()
    return [group_document(row, by_group.get(row["id"], []), zone) for row in rows]


def group_rows(queryset: QuerySet[RequestGroup]) -> QuerySet[RequestGroup, Row]:
    """``queryset`` as the rows :func:`requestgroup_documents` reads (no prefetching)."""
    rows: QuerySet[RequestGroup, Row] = (
        queryset.select_related(None).prefetch_related(None).values(*GROUP_FIELDS)
    )
    return rows


def request_rows(queryset: QuerySet[Request]) -> QuerySet[Request, Row]:
    """``queryset`` as the rows :func:`request_documents` reads (no prefetching)."""
    rows: QuerySet[Request, Row] = (
        queryset.select_related(None)
        .prefetch_related(None)
        .values(*REQUEST_FIELDS, **_REQUEST_JSON)
    )
    return rows
