"""``/api/scheduler/runs/`` (staff): the scheduler reports its runs; staff read them.

An OpenOCS extension beyond the reference API (scheduler-contract.md §6.9 lets a scheduler
publish its explanations; this is where ours publishes them).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from openocs.portal.schedulerruns import selectors, services
from openocs.portal.schedulerruns.models import SchedulerRun
from openocs.portal.schedulerruns.serializers import (
    RunReportSerializer,
    left_out_document,
    run_document,
)
from openocs.web.exceptions import compatible_errors
from openocs.web.pagination import LimitOffsetPagination
from openocs.web.permissions import IsStaff


class SchedulerRunsView(APIView):
    """``GET /api/scheduler/runs/`` (staff): the kept runs, latest first, paginated.
    ``POST`` (staff; the scheduler daemon): record one run with the requests it left out and
    why (OpenOCS extension)."""

    permission_classes = [IsStaff]

    @extend_schema(operation_id="api_scheduler_runs_list", responses={200: dict})
    def get(self, request: HttpRequest) -> Response:
        paginator = LimitOffsetPagination()
        runs = selectors.scheduler_runs()
        page = paginator.paginate_queryset(runs, request, view=self)
        rows = page if page is not None else list(runs)
        return paginator.get_paginated_response([run_document(run) for run in rows])

    @extend_schema(
        operation_id="api_scheduler_runs_create",
        request=RunReportSerializer,
        responses={201: dict, 400: dict},
    )
    def post(self, request: HttpRequest) -> Response:
        serializer = RunReportSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                compatible_errors(serializer.errors, serializer.initial_data), status=400
            )
        run = services.scheduler_run_record(report=serializer.validated_data)
        return Response(run_document(run), status=status.HTTP_201_CREATED)


class SchedulerRunView(APIView):
    """``GET /api/scheduler/runs/{id}/`` (staff): one run with its left-out requests and the
    reason given for each (OpenOCS extension)."""

    permission_classes = [IsStaff]

    @extend_schema(operation_id="api_scheduler_runs_retrieve", responses={200: dict, 404: dict})
    def get(self, request: HttpRequest, pk: int) -> Response:
        run = SchedulerRun.objects.filter(pk=pk).first()
        if run is None:
            return Response({"detail": "No SchedulerRun matches the given query."}, status=404)
        items = selectors.scheduler_run_left_out(run)
        return Response(
            {**run_document(run), "left_out": [left_out_document(item) for item in items]}
        )
