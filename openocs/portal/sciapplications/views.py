"""``/api/calls/`` and ``/api/scienceapplications/`` (spec §20); rules live in ``services``.

Beyond the reference (which does this in the admin), staff may also ``accept``, ``reject`` and
``port`` an application through the API; the admin actions call the same services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import django_filters
from django.db.models import Q, QuerySet
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openocs.portal.proposals.filters import BooleanQueryFilter
from openocs.portal.proposals.selectors import is_staff_view
from openocs.portal.sciapplications import services
from openocs.portal.sciapplications.errors import ApplicationError
from openocs.portal.sciapplications.models import Call, ScienceApplication
from openocs.portal.sciapplications.selectors import calls_visible_to
from openocs.portal.sciapplications.serializers import (
    AcceptSerializer,
    CallSerializer,
    ScienceApplicationSerializer,
)
from openocs.web.parsers import JSONParser

T = TypeVar("T")


class _Rejected(Exception):
    def __init__(self, error: ApplicationError) -> None:
        super().__init__(error.message)
        self.body = {error.field: [error.message]}


def run_service(call: Callable[[], T]) -> T:
    """Run a service; an ``ApplicationError`` becomes a 400 naming its field."""
    try:
        return call()
    except ApplicationError as error:
        raise _Rejected(error) from error


class CallFilter(django_filters.FilterSet):  # type: ignore[misc]
    only_open = BooleanQueryFilter(method="filter_open")

    class Meta:
        model = Call
        fields = ("only_open", "proposal_type")

    def filter_open(
        self, queryset: QuerySet[Call], name: str, value: bool | None
    ) -> QuerySet[Call]:
        if not value:
            return queryset
        now = timezone.now()
        return queryset.filter(opens__lte=now, deadline__gte=now)


class CallViewSet(viewsets.ReadOnlyModelViewSet[Call]):
    """Calls for proposals; COLAB calls only for collaboration administrators (and staff_view)."""

    permission_classes = [IsAuthenticated]
    serializer_class = CallSerializer
    filterset_class = CallFilter
    queryset = Call.objects.none()  # for the schema; see get_queryset

    def get_queryset(self) -> QuerySet[Call]:
        return calls_visible_to(self.request.user)


class ScienceApplicationViewSet(viewsets.ModelViewSet[ScienceApplication]):
    """The caller's applications (staff_view: all); changes only while DRAFT."""

    permission_classes = [IsAuthenticated]
    serializer_class = ScienceApplicationSerializer
    queryset = ScienceApplication.objects.none()  # for the schema; see get_queryset
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ("status", "call")

    def get_queryset(self) -> QuerySet[ScienceApplication]:
        applications = ScienceApplication.objects.select_related("call").prefetch_related(
            "timerequest_set", "coinvestigator_set"
        )
        staff_action = self.action in ("accept", "reject", "port") and self.request.user.is_staff
        if getattr(self, "swagger_fake_view", False):
            return applications.none()
        if not (staff_action or is_staff_view(self.request.user)):
            applications = applications.filter(Q(submitter=self.request.user))
        return applications.order_by("-id")

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Rejected):
            return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def _respond(self, application: ScienceApplication, code: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        application = run_service(
            lambda: services.application_create(
                submitter=request.user,
                call=data.pop("call"),
                title=data.pop("title"),
                timerequests=data.pop("timerequest_set", []),
                coinvestigators=data.pop("coinvestigator_set", []),
                pdf=data.pop("pdf", None),
                submit=data.pop("status") == ScienceApplication.SUBMITTED,
                fields=data,
            )
        )
        return self._respond(application, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        application = self.get_object()
        serializer = self.get_serializer(application, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submit = data.pop("status", ScienceApplication.DRAFT) == ScienceApplication.SUBMITTED
        updated = run_service(
            lambda: services.application_update(
                application=application,
                actor=request.user,
                timerequests=data.pop("timerequest_set", None),
                coinvestigators=data.pop("coinvestigator_set", None),
                pdf=data.pop("pdf", None),
                submit=submit,
                fields=data,
            )
        )
        return self._respond(updated)

    def perform_destroy(self, instance: ScienceApplication) -> None:
        run_service(
            lambda: services.application_delete(application=instance, actor=self.request.user)
        )

    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> Any:
        application = self.get_object()
        if not application.pdf:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return FileResponse(
            application.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"scienceapplication-{application.pk}.pdf",
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        copied = run_service(
            lambda: services.application_copy(application=application, actor=request.user)
        )
        return self._respond(copied, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        accepted = run_service(
            lambda: services.application_accept(
                application=application,
                actor=request.user,
                approved_timerequest_ids=data.get("approved_timerequests"),
                tac_rank=data.get("tac_rank"),
                tac_priority=data.get("tac_priority"),
            )
        )
        return self._respond(accepted)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        rejected = run_service(
            lambda: services.application_reject(application=application, actor=request.user)
        )
        return self._respond(rejected)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])
    def port(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        run_service(lambda: services.application_port(application=application, actor=request.user))
        return self._respond(application)
