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

    def get_limit(self, request: Request) -> int | None:
        _check_non_negative_int(request, self.limit_query_param, allow_zero=False)
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        _check_non_negative_int(request, self.offset_query_param, allow_zero=True)
        return super().get_offset(request)


def _check_non_negative_int(request: Request, name: str, *, allow_zero: bool) -> None:
    """Refuse a ``limit``/``offset`` that is given but not a usable integer with 400, instead
    of silently using the default (issue 14)."""
    from rest_framework.exceptions import ValidationError

    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or (value == 0 and not allow_zero):
        kind = "A non-negative" if allow_zero else "A positive"
        raise ValidationError({name: [f"{kind} integer is required."]})


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
