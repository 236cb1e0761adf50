"""HTTP endpoints of telescope states and availability (portal-api.md §17.3, §17.4)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from openocs.clients.errors import ClientError
from openocs.portal.proposals.filters import parse_query_datetime
from openocs.portal.telescopestates import services
from openocs.portal.telescopestates.errors import ProviderUnavailable
from openocs.portal.telescopestates.serializers import (
    SampleReportSerializer,
    render_sample,
    render_states,
)
from openocs.web.exceptions import ServiceUnavailable, compatible_errors
from openocs.web.limits import check_bulk_size
from openocs.web.permissions import IsStaffOrReadOnly

STATES_ERROR = "ConnectionError - Error retrieving telescope states"
AVAILABILITY_ERROR = "ConnectionError - Error retrieving telescope availability"

_RANGE_PARAMETERS = [
    OpenApiParameter("start", str, description="ISO-8601 date-time (UTC when no offset)"),
    OpenApiParameter("end", str, description="ISO-8601 date-time (UTC when no offset)"),
    OpenApiParameter("site", str, many=True, description="site code (repeatable)"),
    OpenApiParameter("telescope", str, many=True, description="telescope code (repeatable)"),
]


def _range(request: HttpRequest, *, default_start: datetime, default_end: datetime) -> Any:
    """(start, end) from the query string, or raise a 400 naming the field."""
    values: dict[str, datetime] = {}
    for field, default in (("start", default_start), ("end", default_end)):
        raw = request.query_params.get(field, "")
        try:
            values[field] = parse_query_datetime(raw) if raw else default
        except ValueError:
            raise serializers.ValidationError({field: ["Enter a valid date/time."]}) from None
    if values["end"] < values["start"]:
        raise serializers.ValidationError({"end": ["end must not be before start."]})
    return values["start"], values["end"]


class TelescopeStatesView(APIView):
    """``GET /api/telescope_states/`` (anyone, §17.3); ``POST`` (staff): the site software
    reports states, one object or a list, all or none."""

    permission_classes = [IsStaffOrReadOnly]

    @extend_schema(parameters=_RANGE_PARAMETERS, responses={200: dict, 502: str})
    def get(self, request: HttpRequest) -> Response:
        now = timezone.now()
        start, end = _range(request, default_start=now, default_end=now)
        try:
            states = services.telescope_states_get(
                start=start,
                end=end,
                now=now,
                sites=request.query_params.getlist("site"),
                telescopes=request.query_params.getlist("telescope"),
            )
        except (ProviderUnavailable, ClientError):
            return Response(STATES_ERROR, status=status.HTTP_502_BAD_GATEWAY)
        return Response(render_states(states))

    @extend_schema(request=SampleReportSerializer, responses={201: dict})
    def post(self, request: HttpRequest) -> Response:
        many = isinstance(request.data, list)
        check_bulk_size(request.data)
        try:
            keys = services.known_telescope_keys()
        except ClientError as error:
            raise ServiceUnavailable(f"configdb is unavailable: {error}") from error
        serializer = SampleReportSerializer(
            data=request.data, many=many, context={"telescope_keys": keys}
        )
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        items = serializer.validated_data if many else [serializer.validated_data]
        samples = services.telescope_states_record(
            reports=[services.SampleReport(**item) for item in items]
        )
        rendered = [render_sample(sample) for sample in samples]
        return Response(rendered if many else rendered[0], status=status.HTTP_201_CREATED)


class TelescopeAvailabilityView(APIView):
    """``GET /api/telescope_availability/`` (anyone, §17.4, D41)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            *_RANGE_PARAMETERS,
            OpenApiParameter("combine", str, description="any value: average per site and class"),
        ],
        responses={200: dict, 502: str},
    )
    def get(self, request: HttpRequest) -> Response:
        now = timezone.now()
        start, end = _range(request, default_start=now - timedelta(days=1), default_end=now)
        try:
            fractions = services.telescope_availability_get(
                start=start,
                end=end,
                now=now,
                sites=request.query_params.getlist("site"),
                telescopes=request.query_params.getlist("telescope"),
                combine="combine" in request.query_params,
            )
        except (ProviderUnavailable, ClientError):
            return Response(AVAILABILITY_ERROR, status=status.HTTP_502_BAD_GATEWAY)
        return Response(
            {
                key: [[night, fraction] for night, fraction in nights]
                for key, nights in fractions.items()
            }
        )
