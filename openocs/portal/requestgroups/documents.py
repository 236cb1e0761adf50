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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import (
    Field,
    ForeignObject,
    Func,
    Lookup,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework import ISO_8601
from rest_framework.settings import api_settings

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
    "proposal_id",
    "name",
    "observation_type",
    "operator",
    "ipp_value",
    "state",
)
"""With ``submitter_username`` and ``GROUP_TIMES``, what ``.values()`` of a group queryset must
give :func:`requestgroup_documents` (see :func:`group_rows`)."""

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
    "acceptability_threshold",
    "configuration_repeats",
)
"""With ``_REQUEST_JSON`` and ``_REQUEST_TIMES``, what ``.values()`` of a request queryset must give
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


class UtcText(Func):
    """A time column as UTC text, ``YYYY-MM-DD HH:MM:SS.ffffff``, for :func:`time_text`.

    Built as datetimes, the ≈ 1,400 times of a page of 100 groups cost a tenth of its CPU: the
    driver parses each one and the renderer formats it back. PostgreSQL writes the text with
    ``to_char`` (always six fraction digits, whatever ``DateStyle``); SQLite stores times as this
    text already (``YYYY-MM-DD HH:MM:SS`` when the fraction is zero), read here as an expression
    so that Django's converter leaves it text. Another database reads the datetime itself, which
    :func:`time_text` also takes."""

    arity = 1
    output_field = TextField()
    template = "%(expressions)s"

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
            **extra_context,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # `|| ''`: an expression, which Django's "datetime" column converter does not parse
        return self.as_sql(
            compiler, connection, template="(%(expressions)s || '')", **extra_context
        )


def _as_times(*fields: str) -> dict[str, UtcText]:
    """Time columns read as :class:`UtcText` under ``t_<field>``."""
    return {"t_" + field: UtcText(field) for field in fields}


def utc_rendering(zone: tzinfo) -> bool:
    """Whether times render in UTC as ISO 8601 (the settings' default), where :func:`time_text`
    formats the database's text without building a datetime."""
    return (
        (getattr(zone, "key", None) == "UTC" or zone is UTC)
        and settings.USE_TZ
        and api_settings.DATETIME_FORMAT == ISO_8601
    )


def time_text(raw: str | datetime | None, zone: tzinfo, utc: bool) -> str | None:
    """A time read through :class:`UtcText` as :func:`datetime_text` renders it: ``utc`` is
    :func:`utc_rendering` of ``zone``, the current time zone."""
    if raw is None:
        return None
    if isinstance(raw, datetime):  # naive: stored in UTC
        return datetime_text(raw if raw.tzinfo else raw.replace(tzinfo=UTC), zone)
    if utc and raw[10:11] == " " and (len(raw) == 19 or (len(raw) == 26 and raw[19] == ".")):
        if len(raw) == 19 or raw.endswith("000000"):  # Python writes no zero fraction
            return f"{raw[:10]}T{raw[11:19]}Z"
        return f"{raw[:10]}T{raw[11:]}Z"
    return datetime_text(datetime.fromisoformat(raw).replace(tzinfo=UTC), zone)


_REQUEST_JSON = _as_text("extra_params")
_REQUEST_TIMES = _as_times("modified", "created")
GROUP_TIMES = _as_times("created", "modified")
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


class AnyOf(Lookup):
    """``field__any_of=[ids]``: ``IN`` with the list as one PostgreSQL array parameter.

    The documents' child queries select by a page's ids. With ``__in`` Django prepares each id
    and the driver splices every one into a query text of its own length (uncached); here the
    query text is the same for every page and the list goes whole. SQLite gets ``IN``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [int(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        if not values:
            return "0 = 1", tuple(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep a registry of their own


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


_PROBE_ID = -917_203_411
"""The id a child query is compiled with by :func:`_values_rows`, found again in its parameters."""


@dataclass(frozen=True)
class _Compiled:
    """A child query compiled once: its text, its parameters with the ids' place, its columns."""

    alias: str
    sql: str
    params: tuple[Any, ...]
    ids_at: int
    names: tuple[str, ...]


_COMPILED: dict[str, _Compiled | None] = {}


def _compile(make: Callable[[list[int]], QuerySet[Any, Any]]) -> _Compiled | None:
    queryset = make([_PROBE_ID])
    if connections[queryset.db].vendor != "postgresql":
        return None  # SQLite's IN list has one parameter per id: a text per length
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    places = [at for at, value in enumerate(params) if value == [_PROBE_ID]]
    names = (  # as Django's ValuesIterable names them
        tuple(query.selected)
        if query.selected
        else (*query.extra_select, *query.values_select, *query.annotation_select)
    )
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if len(places) != 1 or len(names) != len(fields) or compiler.get_converters(fields):
        return None
    return _Compiled(queryset.db, sql, tuple(params), places[0], names)


def _values_rows(
    key: str, make: Callable[[list[int]], QuerySet[Any, Any]], ids: Sequence[int]
) -> list[Row]:
    """The rows of ``make(chunk)`` (a ``values()`` query selecting by ``any_of`` the chunk's ids)
    for every chunk of ``ids``, as ``values()`` gives them.

    On PostgreSQL the query's text is the same whatever the ids (one array parameter), so it is
    compiled once per process under ``key`` and run directly: building and compiling the four
    child queries of a page (the configurations' five joins above all) cost the ORM about a
    tenth of a list's CPU (issue 17). A query whose columns need a converter takes the ORM."""
    if key not in _COMPILED:
        _COMPILED[key] = _compile(make)
    compiled = _COMPILED[key]
    rows: list[Row] = []
    for chunk in _chunks(ids):
        if compiled is None:
            rows += make([int(value) for value in chunk])
            continue
        params = list(compiled.params)
        params[compiled.ids_at] = [int(value) for value in chunk]
        with connections[compiled.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            names = compiled.names
            rows += [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return rows


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
    rows = _values_rows(
        f"configurations by {parents.request}",
        lambda ids: Configuration.objects.filter(**{f"{parents.request}__any_of": ids}).values(
            *_CONFIGURATION_FIELDS, **_CONFIGURATION_JSON
        ),
        parents.ids,
    )
    # by the configurations' own ids: no join back through the requests (half the query's work)
    children = _values_rows(
        "instrument configs",
        lambda ids: (
            InstrumentConfig.objects.filter(configuration_id__any_of=ids)
            .order_by("id")
            .values(*_INSTRUMENT_CONFIG_FIELDS, **_INSTRUMENT_CONFIG_JSON)
        ),
        [row["id"] for row in rows],
    )
    instrument_configs: dict[int, list[Row]] = defaultdict(list)
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


def _windows_by_request(parents: _Parents, zone: tzinfo, utc: bool) -> dict[int, list[Row]]:
    rows = _values_rows(
        f"windows by {parents.request}",
        lambda ids: Window.objects.filter(**{f"{parents.request}__any_of": ids}).values(
            "request_id", "id", **_as_times("start", "end")
        ),
        parents.ids,
    )
    # UTC text of one width (SQLite: a zero fraction left out, which sorts first) sorts in time
    rows.sort(key=lambda row: (row["t_start"], row["id"]))
    windows: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        windows[row["request_id"]].append(
            {
                "start": time_text(row["t_start"], zone, utc),
                "end": time_text(row["t_end"], zone, utc),
            }
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
    utc = utc_rendering(zone)
    windows = _windows_by_request(parents, zone, utc)
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
            "modified": time_text(row["t_modified"], zone, utc),
            "acceptability_threshold": row["acceptability_threshold"],
            "configuration_repeats": row["configuration_repeats"],
            "extra_params": _decoded(row["j_extra_params"]),
        }
        if not list_shape:
            data["created"] = time_text(row["t_created"], zone, utc)
        documents.append(data)
    return documents


def request_rows_of_groups(group_ids: Sequence[int]) -> list[Row]:
    """The request rows of the groups, ordered by id (one query per :data:`CHUNK` groups)."""
    rows = _values_rows(
        "requests by group",
        lambda ids: Request.objects.filter(request_group_id__any_of=ids).values(
            *REQUEST_FIELDS, **_REQUEST_JSON, **_REQUEST_TIMES
        ),
        group_ids,
    )
    rows.sort(key=lambda row: row["id"])
    return rows


# a group's fields before its times, in the order of the JSON: (key, values() column)
GROUP_KEYS = (
    ("id", "id"),
    ("submitter", "submitter_username"),
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


def group_document(row: Row, requests: list[Row], zone: tzinfo, utc: bool) -> Row:
    return {
        **group_fields(row),
        "created": time_text(row["t_created"], zone, utc),
        "modified": time_text(row["t_modified"], zone, utc),
        "requests": requests,
    }


def requestgroup_documents(rows: Sequence[Row], *, list_shape: bool) -> list[Row]:
    """The documents of the groups of ``rows`` (:func:`group_rows`), in their order:
    four more queries whatever the number of groups, requests and configurations."""
    group_ids = [row["id"] for row in rows]
    requests = request_rows_of_groups(group_ids)
    documents = request_documents(requests, list_shape=list_shape, group_ids=group_ids)
    by_group: dict[int, list[Row]] = defaultdict(list)
    for request_row, document in zip(requests, documents, strict=True):
        by_group[request_row["request_group_id"]].append(document)
    zone = timezone.get_current_timezone()
    utc = utc_rendering(zone)
    return [group_document(row, by_group.get(row["id"], []), zone, utc) for row in rows]


def group_rows(queryset: QuerySet[RequestGroup]) -> QuerySet[RequestGroup, Row]:
    """``queryset`` as the rows :func:`requestgroup_documents` reads (no prefetching).

    The submitter's name is a subquery per row rather than a join, so that the page's count
    (the paginator's ``count()``, which leaves unused annotations out) reads the groups alone:
    counting through the join cost PostgreSQL 8–23 ms a list on 100,000 groups (issue 17)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk=OuterRef("submitter_id")).values("username")
    rows: QuerySet[RequestGroup, Row] = (
        queryset.select_related(None)
        .prefetch_related(None)
        .values(*GROUP_FIELDS, submitter_username=Subquery(users), **GROUP_TIMES)
    )
    return rows


def request_rows(queryset: QuerySet[Request]) -> QuerySet[Request, Row]:
    """``queryset`` as the rows :func:`request_documents` reads (no prefetching)."""
    rows: QuerySet[Request, Row] = (
        queryset.select_related(None)
        .prefetch_related(None)
        .values(*REQUEST_FIELDS, **_REQUEST_JSON, **_REQUEST_TIMES)
    )
    return rows
