"""HTTP endpoints of observations, configuration statuses and change polling (§13, §14, §16)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from openocs.portal.observations import changes, services
from openocs.portal.observations.direct import DirectSubmissionSerializer
from openocs.portal.observations.filters import ConfigurationStatusFilter, ObservationFilter
from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.observations.selectors import (
    direct_submission_only,
    observations_visible_to,
)
from openocs.portal.observations.serializers import (
    ConfigurationStatusPatchSerializer,
    ObservationCancelSerializer,
    ObservationInputSerializer,
    ObservationPatchSerializer,
    render_observation,
    render_observation_single,
    render_status,
)
from openocs.web.exceptions import compatible_errors
from openocs.web.filters import DjangoFilterBackend
from openocs.web.limits import check_bulk_size
from openocs.web.pagination import AnonymousLimitedPagination
from openocs.web.parsers import JSON_ONLY
from openocs.web.permissions import IsStaff


def _dt(value: Any) -> str:
    from rest_framework.fields import DateTimeField

    return str(DateTimeField().to_representation(value))


class ObservationViewSet(viewsets.GenericViewSet[Observation]):
    """``/api/observations/``: scoped list and detail; create, patch and cancel for staff and
    direct-submission users (§13)."""

    parser_classes = JSON_ONLY

    serializer_class = ObservationInputSerializer  # the create shape, for the OpenAPI schema
    pagination_class = AnonymousLimitedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ObservationFilter

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    # The schema's model, read without a request (get_queryset scopes every call).
    queryset = Observation.objects.none()

    def get_queryset(self) -> QuerySet[Observation]:
        return observations_visible_to(self.request.user)

    def list(self, request: HttpRequest) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = [render_observation(row) for row in rows]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: HttpRequest, pk: str | None = None) -> Response:
        return Response(render_observation(get_object_or_404(self.get_queryset(), pk=pk)))

    def _validate_item(self, item: Any) -> dict[str, Any]:
        from rest_framework import serializers

        serializer = ObservationInputSerializer(data=item, context={"user": self.request.user})
        if not serializer.is_valid():
            raise serializers.ValidationError(
                compatible_errors(serializer.errors, serializer.initial_data)
            )
        data: dict[str, Any] = serializer.validated_data
        return data

    def create(self, request: HttpRequest) -> Response:
        from rest_framework import serializers

        check_bulk_size(request.data)
        if isinstance(request.data, list):
            result = services.observations_create_many(
                items=request.data, validate=self._validate_item
            )
            return Response(
                {"num_created": result.num_created, "errors": result.errors},
                status=status.HTTP_201_CREATED,
            )
        try:
            data = self._validate_item(request.data)
        except serializers.ValidationError as error:
            return Response(error.detail, status=status.HTTP_400_BAD_REQUEST)
        observation = services.observation_create(data=data)
        return Response(render_observation_single(observation), status=status.HTTP_201_CREATED)

    def partial_update(self, request: HttpRequest, pk: str | None = None) -> Response:
        queryset = direct_submission_only(self.get_queryset(), request.user)
        observation = get_object_or_404(queryset, pk=pk)
        serializer = ObservationPatchSerializer(data=request.data, context={"user": request.user})
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        data = serializer.validated_data
        if data.get("state") == "BAD_DATA":
            services.observation_mark_bad_data(observation=observation)
        if "end" in data:
            services.observation_set_end(observation=observation, end=data["end"])
        observation.refresh_from_db()
        return Response(render_observation_single(observation))

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["post"])
    def cancel(self, request: HttpRequest) -> Response:
        serializer = ObservationCancelSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        queryset = direct_submission_only(observations_visible_to(request.user), request.user)
        try:
            count = services.observations_cancel(
                queryset=queryset, options=serializer.validated_data
            )
        except services.PreemptionError:
            return Response({"error": services.PreemptionError.message}, status=400)
        return Response({"canceled": count})


class ConfigurationStatusViewSet(viewsets.GenericViewSet[ConfigurationStatus]):
    """``/api/configurationstatus/``: staff read and PATCH (§14)."""

    parser_classes = JSON_ONLY

    permission_classes = [IsStaff]
    serializer_class = ConfigurationStatusPatchSerializer  # the PATCH shape, for the schema
    pagination_class = AnonymousLimitedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ConfigurationStatusFilter

    def get_queryset(self) -> QuerySet[ConfigurationStatus]:
        return ConfigurationStatus.objects.select_related("summary", "observation").order_by("-id")

    def list(self, request: HttpRequest) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = [render_status(row) for row in rows]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: HttpRequest, pk: str | None = None) -> Response:
        return Response(render_status(get_object_or_404(self.get_queryset(), pk=pk)))

    def partial_update(self, request: HttpRequest, pk: str | None = None) -> Response:
        configuration_status = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = ConfigurationStatusPatchSerializer(
            data=request.data, context={"status": configuration_status}
        )
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        updated = services.configuration_status_update(
            status=configuration_status, data=serializer.validated_data
        )
        return Response(
            render_status(ConfigurationStatus.objects.select_related("summary").get(pk=updated.pk))
        )


class LastChangedView(APIView):
    """``GET /api/last_changed/`` (§16.1)."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: dict})
    def get(self, request: HttpRequest) -> Response:
        classes = request.query_params.getlist("telescope_class")
        return Response({"last_change_time": _dt(changes.last_changed(telescope_classes=classes))})


class LastScheduledView(APIView):
    """``GET /api/last_scheduled/`` (§16.2)."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: dict})
    def get(self, request: HttpRequest) -> Response:
        site = request.query_params.get("site") or None
        return Response({"last_schedule_time": _dt(changes.last_scheduled(site=site))})


# --- direct submission (§15) ------------------------------------------------------------------

from drf_spectacular.utils import extend_schema_view  # noqa: E402


@extend_schema_view(
    list=extend_schema(operation_id="schedule_list", responses={200: dict}),
    retrieve=extend_schema(operation_id="schedule_retrieve", responses={200: dict}),
)
class ScheduleViewSet(viewsets.GenericViewSet[Observation]):
    """``/api/schedule/``: list and show observations like ``/api/observations/``; ``POST``
    places observations directly on a telescope (§15)."""

    parser_classes = JSON_ONLY

    # The direct-submission shape: OPTIONS describes it (without it OPTIONS answered 500).
    serializer_class = DirectSubmissionSerializer
    pagination_class = AnonymousLimitedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ObservationFilter

    def get_permissions(self) -> list[Any]:
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    # The schema's model, read without a request (get_queryset scopes every call).
    queryset = Observation.objects.none()

    def get_queryset(self) -> QuerySet[Observation]:
        return observations_visible_to(self.request.user)

    def list(self, request: HttpRequest) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        data = [render_observation(row) for row in rows]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: HttpRequest, pk: str | None = None) -> Response:
        return Response(render_observation(get_object_or_404(self.get_queryset(), pk=pk)))

    @extend_schema(operation_id="schedule_create", request=dict, responses={201: dict})
    def create(self, request: HttpRequest) -> Response:
        from rest_framework import serializers

        from openocs.portal.observations import direct

        many = isinstance(request.data, list)
        check_bulk_size(request.data)
        items = request.data if many else [request.data]
        validated: list[dict[str, Any]] = []
        errors: list[Any] = []
        for item in items:
            try:
                validated.append(direct.validate_direct(item, user=request.user))
                errors.append({})
            except serializers.ValidationError as error:
                errors.append(error.detail)
        if any(errors):
            return Response(errors if many else errors[0], status=status.HTTP_400_BAD_REQUEST)
        created = direct.direct_submit_many(items=validated, user=request.user)
        shown = {o.pk: o for o in self.get_queryset().filter(pk__in=[o.pk for o in created])}
        data = [render_observation(shown[o.pk]) for o in created]
        return Response(data if many else data[0], status=status.HTTP_201_CREATED)
