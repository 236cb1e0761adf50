"""HTTP endpoints of request groups, requests and the instrument digest.

Views parse, call one service or selector, and render the compatible shapes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from openocs.portal.requestgroups import documents, expansion, services
from openocs.portal.requestgroups.context import ValidationContext
from openocs.portal.requestgroups.digest import LocationFilter
from openocs.portal.requestgroups.filters import RequestFilter, RequestGroupFilter
from openocs.portal.requestgroups.models import Request, RequestGroup
from openocs.portal.requestgroups.selectors import (
    requestgroups_visible_to,
    requestgroups_with_children,
    requests_visible_to,
)
from openocs.portal.requestgroups.serializers import (
    RequestGroupSerializer,
    RequestSerializer,
    RequestSuspendSerializer,
    render_request,
    render_request_group,
)
from openocs.portal.requestgroups.states import TransitionError
from openocs.portal.requestgroups.validation import requestgroup_validate
from openocs.web.exceptions import compatible_errors
from openocs.web.filters import DjangoFilterBackend
from openocs.web.pagination import AnonymousLimitedPagination
from openocs.web.parsers import JSON_ONLY
from openocs.web.schema import LIST_OF_OBJECTS


class RequestGroupViewSet(viewsets.GenericViewSet[RequestGroup]):
    """``/api/requestgroups/``: list, detail, submit, validate, cancel (§10)."""

    parser_classes = JSON_ONLY

    pagination_class = AnonymousLimitedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = RequestGroupFilter
    serializer_class = RequestGroupSerializer

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[Any]:
        scope = {
            "create": "requestgroups.create",
            "validate": "requestgroups.validate",
            "cancel": "requestgroups.cancel",
        }.get(self.action or "")
        if scope is None:
            return []
        self.throttle_scope = scope  # read by ScopedRateThrottle
        return [ScopedRateThrottle()]

    # The schema's model, read without a request (get_queryset scopes every call).
    queryset = RequestGroup.objects.none()

    def get_queryset(self) -> QuerySet[RequestGroup]:
        return requestgroups_visible_to(self.request.user)

    def list(self, request: HttpRequest) -> Response:
        queryset = documents.group_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = documents.requestgroup_documents(rows, list_shape=True)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: HttpRequest, pk: str | None = None) -> Response:
        rows: Any = documents.group_rows(self.get_queryset())
        row = get_object_or_404(rows, pk=pk)
        return Response(documents.requestgroup_documents([row], list_shape=False)[0])

    def create(self, request: HttpRequest) -> Response:
        validation = requestgroup_validate(data=request.data, user=request.user)
        if validation.validated_data is None:
            return Response(validation.errors, status=status.HTTP_400_BAD_REQUEST)
        group = services.requestgroup_submit(data=validation.validated_data, user=request.user)
        group = requestgroups_with_children().get(pk=group.pk)  # the submitter is a member
        return Response(
            render_request_group(group, list_shape=False), status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["post"])
    def validate(self, request: HttpRequest) -> Response:
        validation = requestgroup_validate(data=request.data, user=request.user)
        return Response(
            {"request_durations": validation.request_durations(), "errors": validation.errors}
        )

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def cancel(self, request: HttpRequest, pk: str | None = None) -> Response:
        group = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.requestgroup_cancel(group=group, user=request.user)
        except TransitionError as error:
            return Response({"errors": [error.message]}, status=status.HTTP_400_BAD_REQUEST)
        group = self.get_queryset().get(pk=group.pk)
        return Response(render_request_group(group, list_shape=False))

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["post"])
    def cadence(self, request: HttpRequest) -> Response:
        data = dict(request.data) if isinstance(request.data, dict) else {}
        try:
            body = expansion.expand_cadence(data, ValidationContext(user=request.user))
        except expansion.NoVisibleCadenceError:
            return Response(
                {"errors": expansion.NoVisibleCadenceError.message},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(body)

    @extend_schema(responses={200: LIST_OF_OBJECTS})
    @action(detail=False, methods=["get"])
    def schedulable_requests(self, request: HttpRequest) -> Response:
        from openocs.portal.requestgroups.feed import schedulable_requests_response

        if not request.user.is_staff:
            return Response(
                {"detail": "You do not have permission to perform this action."}, status=403
            )
        return schedulable_requests_response(request)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["post"])
    def max_allowable_ipp(self, request: HttpRequest) -> Response:
        from openocs.portal.requestgroups.allocation import max_allowable_ipp

        data = dict(request.data) if isinstance(request.data, dict) else {}
        data["ipp_value"] = 1.0
        context = ValidationContext(user=request.user)
        serializer = RequestGroupSerializer(data=data, context={"ocs": context})
        if not serializer.is_valid():
            return Response(
                {"errors": compatible_errors(serializer.errors, serializer.initial_data)}
            )
        return Response(max_allowable_ipp(serializer.validated_data))


class RequestViewSet(viewsets.GenericViewSet[Request]):
    """``/api/requests/``: list (with a bulk ``id`` filter), detail and cancel (§11)."""

    parser_classes = JSON_ONLY

    serializer_class = RequestSerializer  # documents the request shape in the OpenAPI schema

    pagination_class = AnonymousLimitedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = RequestFilter

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve", "airmass", "observations"):
            return [permissions.AllowAny()]
        if self.action == "partial_update":
            return [permissions.IsAdminUser()]
        return [permissions.IsAuthenticated()]

    # The schema's model, read without a request (get_queryset scopes every call).
    queryset = Request.objects.none()

    def get_queryset(self) -> QuerySet[Request]:
        return requests_visible_to(self.request.user)

    def list(self, request: HttpRequest) -> Response:
        queryset = documents.request_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = documents.request_documents(rows, list_shape=True)
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: HttpRequest, pk: str | None = None) -> Response:
        rows: Any = documents.request_rows(self.get_queryset())
        row = get_object_or_404(rows, pk=pk)
        return Response(documents.request_documents([row], list_shape=False)[0])

    @extend_schema(request=RequestSuspendSerializer, responses={200: dict})
    def partial_update(self, request: HttpRequest, pk: str | None = None) -> Response:
        """``PATCH /api/requests/{id}/`` (staff): set or lift ``suspend_until`` (§11.2)."""
        row = get_object_or_404(Request.objects.all(), pk=pk)  # staff may suspend any request
        serializer = RequestSuspendSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        try:
            services.request_suspend(
                request=row,
                suspend_until=serializer.validated_data["suspend_until"],
                user=request.user,
            )
        except services.SuspendRefused as error:
            return Response(compatible_errors({"non_field_errors": error.detail}), status=400)
        return Response(render_request(Request.objects.get(pk=row.pk), list_shape=False))

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["post"])
    def mosaic(self, request: HttpRequest) -> Response:
        data = dict(request.data) if isinstance(request.data, dict) else {}
        return Response(expansion.expand_mosaic(data, ValidationContext(user=request.user)))

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], permission_classes=[permissions.AllowAny])
    def airmass(self, request: HttpRequest, pk: str | None = None) -> Response:
        row = get_object_or_404(self.get_queryset(), pk=pk)
        data = render_request(row, list_shape=False)
        return Response(expansion.airmass_data(data, ValidationContext(user=request.user)))

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], permission_classes=[permissions.AllowAny])
    def observations(self, request: HttpRequest, pk: str | None = None) -> Response:
        from openocs.portal.observations.serializers import render_observation_short

        row = get_object_or_404(self.get_queryset(), pk=pk)
        rows = row.observations.prefetch_related("configuration_statuses__summary").order_by("id")
        if "exclude_canceled" in request.query_params:
            rows = rows.exclude(state="CANCELED")
        return Response([render_observation_short(o) for o in rows])

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def cancel(self, request: HttpRequest, pk: str | None = None) -> Response:
        row = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.request_cancel(request=row, user=request.user)
        except TransitionError as error:
            return Response({"errors": [error.message]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(render_request(self.get_queryset().get(pk=row.pk), list_shape=False))


_TRUE = {"true", "1", "yes", "on"}


class InstrumentsView(APIView):
    """``GET /api/instruments/``: the digest of offered instrument types (§17.1)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: HttpRequest) -> Response:
        from openocs.portal.requestgroups.configuration import load_portal_configuration

        params = request.query_params
        only_schedulable = params.get("only_schedulable", "").strip().lower() in _TRUE  # D8
        location = LocationFilter(
            site=params.get("site", ""),
            enclosure=params.get("enclosure", ""),
            telescope_class=params.get("telescope_class", ""),
            telescope=params.get("telescope", ""),
            instrument_type=params.get("instrument_type", ""),
        )
        staff = bool(request.user and request.user.is_staff)
        digest = load_portal_configuration().digest(
            staff=staff and not only_schedulable, location=location
        )
        return Response(digest)


class DitherView(APIView):
    """``POST /api/configurations/dither/`` (§11.5)."""

    parser_classes = JSON_ONLY

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: HttpRequest) -> Response:
        data = dict(request.data) if isinstance(request.data, dict) else {}
        return Response(expansion.expand_dither(data, ValidationContext(user=request.user)))


class AirmassView(APIView):
    """``POST /api/airmass/`` with a request body (§17.2); invalid bodies answer 200 with the
    error tree, as the reference does."""

    parser_classes = JSON_ONLY

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: HttpRequest) -> Response:
        data = dict(request.data) if isinstance(request.data, dict) else {}
        return Response(expansion.airmass_data(data, ValidationContext(user=request.user)))


class ContentionView(APIView):
    """``GET /api/contention/{instrument_type}/`` (§17.5)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: HttpRequest, instrument_type: str) -> Response:
        from openocs.portal.requestgroups.information import contention

        staff = bool(request.user and request.user.is_staff)
        return Response(contention(instrument_type=instrument_type, staff=staff))


class PressureView(APIView):
    """``GET /api/pressure/?instrument=&site=`` (§17.6)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: HttpRequest) -> Response:
        from openocs.portal.requestgroups.information import pressure

        staff = bool(request.user and request.user.is_staff)
        return Response(
            pressure(
                instrument_type=request.query_params.get("instrument") or None,
                site=request.query_params.get("site") or None,
                staff=staff,
                user=request.user,
            )
        )
