"""Archive pagination: limit/offset with ``count_estimated``, and cursor (spec §4.6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from openocs.archive.params import as_datetime
from openocs.archive.selectors import count_within, ordering_for

ANONYMOUS_MAX_LIMIT = 100
EXACT_COUNT_TIMEOUT_MS = 1500
FORCED_COUNT_TIMEOUT_MS = 5000


def _cheap(request: Request) -> bool:
    params = request.query_params
    if any(params.get(name) for name in ("request_id", "observation_id", "basename_exact")):
        return True
    start, end = params.get("start"), params.get("end")
    if start and end:
        try:
            span = as_datetime("end", end) - as_datetime("start", start)
        except ValidationError:  # the filters report bad values themselves
            return False
        if span <= timedelta(days=7):
            return True
        if span <= timedelta(weeks=9) and (
            params.get("proposal_id") or params.get("target_name_exact")
        ):
            return True
    return False


class FrameLimitOffsetPagination(pagination.LimitOffsetPagination):
    """Default 100, maximum 1000 (clamped), anonymous callers at most 100 per page."""

    default_limit = 100
    max_limit = 1000

    def get_limit(self, request: Request) -> int | None:
        limit = super().get_limit(request)
        if limit is not None and not request.user.is_authenticated:
            limit = min(limit, ANONYMOUS_MAX_LIMIT)
        return limit

    def get_count(self, queryset: Any) -> int:
        request = self.request
        if request is None:  # pragma: no cover - paginate_queryset sets it
            raise RuntimeError("get_count needs the request")
        forced = bool(request.query_params.get("force_count")) and request.user.is_authenticated
        self.count_estimated = False
        if connection.vendor != "postgresql" or _cheap(request):
            return int(queryset.count())
        timeout = FORCED_COUNT_TIMEOUT_MS if forced else EXACT_COUNT_TIMEOUT_MS
        count, self.count_estimated = count_within(queryset, timeout)
        return count

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_estimated"] = getattr(self, "count_estimated", False)
        return response


class FrameCursorPagination(pagination.CursorPagination):
    """``pagination_style=cursor``: opaque cursors, page size ``limit``."""

    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 1000

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return tuple(ordering_for(request.query_params))
