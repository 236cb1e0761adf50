"""Limit/offset pagination with absolute ``next``/``previous`` links (spec README §4.6)."""

from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.request import Request


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """The compatible envelope: ``{"count", "next", "previous", "results"}``.

    ``default_limit`` comes from ``PAGE_SIZE`` unless a view's subclass sets it; authenticated
    callers may ask for up to ``max_limit`` rows in one page.
    """

    max_limit = 10000


class LargePagePagination(LimitOffsetPagination):
    """Page size 1000: configdb and downtime lists (consumers read only the first page)."""

    default_limit = 1000


class AnonymousLimitedPagination(LimitOffsetPagination):
    """The portal's pagination: anonymous callers may not ask for huge pages (README §4.6).

    ``limit`` above ``MAX_UNAUTHENTICATED_LIMIT`` or ``offset`` above
    ``MAX_UNAUTHENTICATED_OFFSET`` gives 400 with the reference's plain-text message.
    """

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        from django.conf import settings

        from openocs.web.exceptions import PlainTextBadRequest

        if request.method == "GET" and not (request.user and request.user.is_authenticated):
            limit = self.get_limit(request)
            if limit is not None and limit > int(
                getattr(settings, "MAX_UNAUTHENTICATED_LIMIT", 100)
            ):
                raise PlainTextBadRequest("Large limit not allowed for anonymous users.")
            offset = self.get_offset(request)
            if offset > int(getattr(settings, "MAX_UNAUTHENTICATED_OFFSET", 10000)):
                raise PlainTextBadRequest("Large offset not allowed for anonymous users.")
        return super().paginate_queryset(queryset, request, view)
