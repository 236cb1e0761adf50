"""HTTP endpoints of the configuration database (spec configdb §3, §7, §9).

Views only parse, call a selector or service, and render. Every list and detail answers with
``ETag`` and ``Last-Modified`` (the latest write anywhere) and honours ``If-None-Match`` /
``If-Modified-Since`` with 304; the nested ``sites/`` document is cached per configuration
version, so any write invalidates it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.template.response import TemplateResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import http_date, parse_http_date_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, filters, permissions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from openocs.configdb import conf, history, selectors, services
from openocs.configdb import filters as f
from openocs.configdb import models as m
from openocs.configdb import serializers as s
from openocs.configdb.errors import ImportDocumentError
from openocs.web.filters import DjangoFilterBackend
from openocs.web.pagination import LargePagePagination


class ConfigdbWritePermission(permissions.BasePermission):
    """Anyone reads; staff writes (D15), or any authenticated user when
    ``CONFIGDB_WRITE_PERMISSION=authenticated`` (the reference rule)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return conf.write_permission() == "authenticated" or bool(user.is_staff)


class DeletionRefusedError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "deletion_refused"


def _state(request: Request | HttpRequest) -> tuple[int, dt.datetime]:
    cached: tuple[int, dt.datetime] | None = getattr(request, "_configdb_state", None)
    if cached is None:
        cached = history.current_state()
        request._configdb_state = cached  # type: ignore[union-attr]
    return cached


def _representation_key(request: Request) -> str:
    # The same representation with and without the trailing slash (spec README §4.1).
    path = request.build_absolute_uri(request.path).rstrip("/")
    raw = "|".join(
        [
            path,
            request.META.get("QUERY_STRING", ""),
            request.META.get("HTTP_ACCEPT", ""),
            request.query_params.get("format", ""),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _version_tag(version: int, last_write: dt.datetime) -> str:
    """The configuration version; the write time makes it unique across database restores."""
    return f"{version}.{int(last_write.timestamp() * 1_000_000):x}"


def conditional(request: Request, produce: Callable[[], Response]) -> Response:
    """Answer 304 when the client's copy is current; otherwise produce and stamp the response."""
    version, last_write = _state(request)
    etag = f'"{_version_tag(version, last_write)}-{_representation_key(request)}"'
    last_modified = http_date(last_write.timestamp())
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    not_modified = False
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        not_modified = "*" in tags or etag in tags or f"W/{etag}" in tags
    elif if_modified_since is not None:
        since = parse_http_date_safe(if_modified_since)
        not_modified = since is not None and int(last_write.timestamp()) <= since
    response = Response(status=status.HTTP_304_NOT_MODIFIED) if not_modified else produce()
    if response.status_code in (200, 304):
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
    return response


class ConfigdbViewSet(viewsets.ModelViewSet):  # type: ignore[type-arg]
    """A full read/write resource: conditional reads, staff writes recorded in the history."""

    pagination_class = LargePagePagination
    permission_classes = [ConfigdbWritePermission]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return conditional(
            request, lambda: super(ConfigdbViewSet, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return conditional(
            request, lambda: super(ConfigdbViewSet, self).retrieve(request, *args, **kwargs)
        )

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        with history.recording(self.request.user, "api"), transaction.atomic():
            serializer.save()

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        with history.recording(self.request.user, "api"), transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance: Any) -> None:
        with history.recording(self.request.user, "api"):
            try:
                services.object_delete(instance=instance)
            except services.DeletionRefused as error:
                raise DeletionRefusedError(error.message) from error


class SiteViewSet(ConfigdbViewSet):
    serializer_class = s.SiteSerializer
    filterset_class = f.SiteFilter

    def get_queryset(self) -> Any:
        return selectors.site_queryset()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def produce() -> Response:
            key = f"configdb:sites:{_version_tag(*_state(request))}:{_representation_key(request)}"
            data = cache.get(key)
            if data is None:
                response = super(ConfigdbViewSet, self).list(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                data = response.data
                cache.set(key, data, conf.sites_cache_timeout_s())
            return Response(data)

        return conditional(request, produce)


class EnclosureViewSet(ConfigdbViewSet):
    serializer_class = s.EnclosureSerializer
    filterset_class = f.EnclosureFilter

    def get_queryset(self) -> Any:
        return selectors.enclosure_queryset()


class TelescopeViewSet(ConfigdbViewSet):
    serializer_class = s.TelescopeSerializer
    filterset_class = f.TelescopeFilter

    def get_queryset(self) -> Any:
        return selectors.telescope_queryset()


class InstrumentViewSet(ConfigdbViewSet):
    serializer_class = s.InstrumentSerializer
    filterset_class = f.InstrumentFilter
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["id", "code", "state", "telescope", "instrument_type", "modified"]

    def get_queryset(self) -> Any:
        return selectors.instrument_queryset()


class CameraViewSet(ConfigdbViewSet):
    serializer_class = s.CameraSerializer
    filterset_class = f.CameraFilter

    def get_queryset(self) -> Any:
        return selectors.camera_queryset()


class CameraTypeViewSet(ConfigdbViewSet):
    serializer_class = s.CameraTypeSerializer
    filterset_class = f.CameraTypeFilter
    queryset = m.CameraType.objects.order_by("id")


class OpticalElementViewSet(ConfigdbViewSet):
    serializer_class = s.OpticalElementSerializer
    filterset_class = f.OpticalElementFilter
    queryset = m.OpticalElement.objects.order_by("id")


class OpticalElementGroupViewSet(ConfigdbViewSet):
    serializer_class = s.OpticalElementGroupSerializer
    filterset_class = f.OpticalElementGroupFilter

    def get_queryset(self) -> Any:
        return selectors.optical_element_group_queryset()


class InstrumentTypeViewSet(ConfigdbViewSet):
    serializer_class = s.InstrumentTypeSerializer
    filterset_class = f.InstrumentTypeFilter

    def get_queryset(self) -> Any:
        return selectors.instrument_type_queryset()


class InstrumentCategoryViewSet(ConfigdbViewSet):
    serializer_class = s.InstrumentCategorySerializer
    queryset = m.InstrumentCategory.objects.order_by("code")


class ModeTypeViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """The five seeded mode types (read-only: exactly these five are used)."""

    serializer_class = s.ModeTypeSerializer
    queryset = m.ModeType.objects.order_by("id")
    pagination_class = LargePagePagination
    permission_classes = [ConfigdbWritePermission]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return conditional(
            request, lambda: super(ModeTypeViewSet, self).list(request, *args, **kwargs)
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return conditional(
            request, lambda: super(ModeTypeViewSet, self).retrieve(request, *args, **kwargs)
        )


class GenericModeViewSet(ConfigdbViewSet):
    serializer_class = s.GenericModeSerializer
    filterset_class = f.GenericModeFilter
    queryset = m.GenericMode.objects.order_by("id")


class GenericModeGroupViewSet(ConfigdbViewSet):
    serializer_class = s.GenericModeGroupSerializer

    def get_queryset(self) -> Any:
        return selectors.generic_mode_group_queryset()


class ConfigurationTypeViewSet(ConfigdbViewSet):
    serializer_class = s.ConfigurationTypeSerializer
    queryset = m.ConfigurationType.objects.order_by("code")


class ConfigurationTypePropertiesViewSet(ConfigdbViewSet):
    serializer_class = s.ConfigurationTypePropertiesSerializer
    queryset = m.ConfigurationTypeProperties.objects.order_by("id")


# --- Availability history ---------------------------------------------------------------------

_HISTORY_EPOCH = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)


def _parse_time(raw: str) -> dt.datetime:
    value = parse_datetime(raw.strip())
    if value is None:
        day = parse_date(raw.strip())
        if day is None:
            raise ValueError(raw)
        value = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:  # the offset carries it past year 9999 or before year 1 in UTC
        raise ValueError(raw) from None


def _naive(value: dt.datetime) -> str:
    text = value.astimezone(dt.UTC).replace(tzinfo=None)
    return text.isoformat(timespec="microseconds" if text.microsecond else "seconds")


class AvailabilityHistoryView(APIView):
    """``GET api/availability_history/`` (spec configdb §7, deviation D32)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("instrument_id", str, description="Instrument code."),
            OpenApiParameter(
                "site_id", str, description="Site code (with enclosure and telescope)."
            ),
            OpenApiParameter("enclosure_id", str, description="Enclosure code."),
            OpenApiParameter("telescope_id", str, description="Telescope code."),
            OpenApiParameter("start", OpenApiTypes.DATETIME, description="Window start (UTC)."),
            OpenApiParameter("end", OpenApiTypes.DATETIME, description="Window end (UTC)."),
        ],
        responses={
            200: inline_serializer(
                "AvailabilityHistory",
                {
                    "availability_intervals": drf_serializers.ListField(
                        child=drf_serializers.DictField(child=drf_serializers.CharField())
                    )
                },
            ),
            400: OpenApiTypes.STR,
            404: OpenApiTypes.STR,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        instrument_code = params.get("instrument_id")
        site, enclosure, telescope_code = (
            params.get("site_id"),
            params.get("enclosure_id"),
            params.get("telescope_id"),
        )
        try:
            start = _parse_time(params["start"]) if params.get("start") else None
            end = _parse_time(params["end"]) if params.get("end") else None
        except ValueError:
            return HttpResponseBadRequest(
                "The format used for the start/end parameters is not parseable"
            )
        if not instrument_code and not (site and enclosure and telescope_code):
            return HttpResponseBadRequest(
                "Must supply either instrument_id or site_id, enclosure_id, and telescope_id "
                "in params"
            )
        if instrument_code:
            instrument = m.Instrument.objects.filter(code=instrument_code).order_by("id").first()
            if instrument is None:
                return HttpResponseNotFound(f"No instrument found with code {instrument_code}")
            intervals = selectors.instrument_availability(
                instrument=instrument, start=start or _HISTORY_EPOCH, end=end
            )
        else:
            telescope = (
                m.Telescope.objects.filter(
                    code=telescope_code, enclosure__code=enclosure, enclosure__site__code=site
                )
                .order_by("id")
                .first()
            )
            if telescope is None:
                return HttpResponseNotFound(
                    f"No telescope found with code {site}.{enclosure}.{telescope_code}"
                )
            intervals = selectors.telescope_availability(
                telescope=telescope, start=start or _HISTORY_EPOCH, end=end
            )
        return Response(
            {
                "availability_intervals": [
                    {"start": _naive(begin), "end": _naive(finish)} for begin, finish in intervals
                ]
            }
        )


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


class ImportView(APIView):
    """``POST import/[?dry_run=true]`` (spec §4.1, staff only): import a configuration document
    (an OpenOCS export or the lco-network.json layout) all or nothing; with ``dry_run`` report
    the number of changes without keeping them."""

    permission_classes = [StaffOnly]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[OpenApiParameter("dry_run", bool)],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        dry_run = drf_serializers.BooleanField().to_internal_value(
            request.query_params.get("dry_run") or "false"
        )
        try:
            counts = services.configuration_import(
                document=request.data, user=request.user, dry_run=dry_run
            )
        except ImportDocumentError as error:
            return Response(
                {"detail": str(error), "path": error.path}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({**counts, "dry_run": dry_run})


# --- Overview ---------------------------------------------------------------------------------

_COUNTED = [
    ("sites", m.Site),
    ("enclosures", m.Enclosure),
    ("telescopes", m.Telescope),
    ("instruments", m.Instrument),
    ("cameras", m.Camera),
    ("cameratypes", m.CameraType),
    ("opticalelements", m.OpticalElement),
    ("opticalelementgroups", m.OpticalElementGroup),
    ("instrumenttypes", m.InstrumentType),
    ("genericmodes", m.GenericMode),
    ("genericmodegroups", m.GenericModeGroup),
    ("configurationtypes", m.ConfigurationType),
]


def overview(request: HttpRequest) -> HttpResponse:
    """``GET /``: an HTML page (or JSON with ``?format=json``) naming the product and counting
    the objects of each resource."""
    counts = {name: model._default_manager.count() for name, model in _COUNTED}
    version, last_write = history.current_state()
    wants_json = request.GET.get("format") == "json" or (
        "application/json" in request.headers.get("Accept", "")
        and "text/html" not in request.headers.get("Accept", "")
    )
    if wants_json:
        from django.http import JsonResponse

        return JsonResponse(
            {
                "name": "OpenOCS configuration database",
                "counts": counts,
                "version": version,
                "last_write": last_write.isoformat(),
            }
        )
    return TemplateResponse(
        request,
        "configdb/overview.html",
        {
            "counts": counts,
            "version": version,
            "last_write": last_write,
            "base": conf.mount_path(),
        },
    )
