"""REST views of the downtime database: thin layers over selectors and services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from openocs.downtime import calendar, selectors, services
from openocs.downtime.access import may_write
from openocs.downtime.errors import (
    CONFIGDB_DOWN_MESSAGE,
    ConfigDBUnavailableError,
    DowntimeValidationError,
)
from openocs.downtime.filters import DowntimeFilter, OverlapQueryForm
from openocs.downtime.models import Downtime, DowntimeCategory
from openocs.downtime.serializers import (
    DowntimeCategorySerializer,
    DowntimeSerializer,
    OverlapResultSerializer,
)
from openocs.web.clients import configdb_client
from openocs.web.exceptions import ServiceUnavailable
from openocs.web.filters import DjangoFilterBackend
from openocs.web.pagination import LargePagePagination


class DowntimeWritePermission(permissions.BasePermission):
    """Anyone reads; staff write (``DOWNTIME_WRITE_PERMISSION=authenticated``: any user)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in permissions.SAFE_METHODS or may_write(request.user)


class DowntimeFilterBackend(DjangoFilterBackend):
    """Gives the filter set the codes it accepts (configdb's plus the stored ones)."""

    def get_filterset_kwargs(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        kwargs["known_codes"] = selectors.known_codes(configdb_client())
        return kwargs


@contextmanager
def service_errors() -> Iterator[None]:
    """Map service errors to the API's responses (400 with the field tree, 503)."""
    try:
        yield
    except DowntimeValidationError as error:
        raise serializers.ValidationError(error.errors) from error
    except ConfigDBUnavailableError as error:
        raise ServiceUnavailable(CONFIGDB_DOWN_MESSAGE) from error


class DowntimeViewSet(viewsets.ModelViewSet):  # type: ignore[type-arg]
    """``api/``: list (filters of downtime-api.md §3), retrieve, create, update, delete."""

    serializer_class = DowntimeSerializer
    pagination_class = LargePagePagination
    permission_classes = [DowntimeWritePermission]
    filter_backends = [DowntimeFilterBackend]
    filterset_class = DowntimeFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Downtime]:
        return selectors.downtime_list()

    def perform_create(self, serializer: Any) -> None:
        with service_errors():
            serializer.instance = services.downtime_create(
                **serializer.validated_data,
                created_by=self.request.user,
                configdb=configdb_client(),
            )

    def perform_update(self, serializer: Any) -> None:
        downtime = serializer.instance
        if downtime is None:  # pragma: no cover — DRF's update always passes the instance
            raise TypeError("update without an instance")
        with service_errors():
            serializer.instance = services.downtime_update(
                downtime=downtime,
                changes=serializer.validated_data,
                configdb=configdb_client(),
            )

    def perform_destroy(self, instance: Downtime) -> None:
        services.downtime_delete(downtime=instance)


class DowntimeCategoryList(generics.ListAPIView):  # type: ignore[type-arg]
    """``api/categories/``: the downtime categories (codes accepted in ``category``)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = DowntimeCategorySerializer
    pagination_class = None
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[DowntimeCategory]:
        return DowntimeCategory.objects.order_by("code")


class OverlapView(APIView):
    """``api/overlaps/?site=&enclosure=&telescope=&start=&end=[&instrument_type=]``.

    The downtimes of one telescope overlapping ``[start, end)``; with ``instrument_type`` only
    those that apply to it (whole-telescope ones and that type's).
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=name != "instrument_type")
            for name in ("site", "enclosure", "telescope", "instrument_type")
        ]
        + [
            OpenApiParameter(name, OpenApiTypes.DATETIME, required=True)
            for name in ("start", "end")
        ],
        responses=OverlapResultSerializer,
    )
    def get(self, request: Request) -> Response:
        form = OverlapQueryForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data(escape_html=False))
        query = form.cleaned_data
        downtimes = selectors.downtime_overlapping(
            site=query["site"],
            enclosure=query["enclosure"],
            telescope=query["telescope"],
            start=query["start"],
            end=query["end"],
            instrument_type=query["instrument_type"] or None,
        )
        results = DowntimeSerializer(downtimes, many=True).data
        return Response(
            {
                "site": query["site"],
                "enclosure": query["enclosure"],
                "telescope": query["telescope"],
                "instrument_type": query["instrument_type"],
                "start": query["start"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end": query["end"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                "overlapping": bool(results),
                "count": len(results),
                "results": results,
            }
        )


@require_safe
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """``api/calendar.ics``: the downtimes as an iCalendar feed; the list filters apply."""
    filterset = DowntimeFilter(
        request.GET,
        queryset=selectors.downtime_list(),
        known_codes=selectors.known_codes(configdb_client()),
    )
    if not filterset.is_valid():
        errors = {
            field: [str(message) for message in messages]
            for field, messages in filterset.errors.items()
        }
        return JsonResponse(errors, status=400)
    body = calendar.downtimes_to_ical(filterset.qs, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="downtime.ics"'
    return response
