"""Limit/offset pagination with absolute ``next``/``previous`` links (spec README §4.6)."""

from __future__ import annotations

from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """The compatible envelope: ``{"count", "next", "previous", "results"}``.

    ``default_limit`` comes from ``PAGE_SIZE`` unless a view's subclass sets it; authenticated
    callers may ask for up to ``max_limit`` rows in one page.
    """

    max_limit = 10000


class LargePagePagination(LimitOffsetPagination):
    """Page size 1000: configdb and downtime lists (consumers read only the first page)."""

    default_limit = 1000
