"""Read-only admin of frames and their versions; the ingester writes them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from openocs.archive.models import Frame, Version
from openocs.web.admin import ReadOnlyAdmin, ReadOnlyInline

VERSION_FIELDS = ("id", "key", "extension", "size", "md5", "created")


class VersionInline(ReadOnlyInline):
    model = Version
    fields = VERSION_FIELDS
    readonly_fields = VERSION_FIELDS


class ReductionLevelFilter(admin.SimpleListFilter):
    """The archive's reduction levels, listed without a DISTINCT over every frame."""

    title = "reduction level"
    parameter_name = "reduction_level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("0", "0 (raw)"), ("91", "91 (reduced)"), ("processed", "any reduced (> 0)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Frame]) -> QuerySet[Frame]:
        value = self.value()
        if value == "processed":
            return queryset.filter(reduction_level__gt=0)
        if value is not None and value.isdigit():
            return queryset.filter(reduction_level=int(value))
        return queryset


@admin.register(Frame)
class FrameAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "basename",
        "observation_date",
        "proposal_id",
        "site_id",
        "telescope_id",
        "instrument_id",
        "configuration_type",
        "reduction_level",
        "target_name",
        "request_id",
    ]
    # date filters are fixed ranges and levels a fixed list: no DISTINCT over a million frames
    list_filter = ["observation_date", ReductionLevelFilter]
    search_fields = [
        "=id",
        "basename",
        "proposal_id",
        "target_name",
        "instrument_id",
        "=request_id",
        "=observation_id",
    ]
    ordering = ["-observation_date"]
    exclude = ["related_frames"]
    inlines = [VersionInline]


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ["id", "frame", "key", "extension", "size", "md5", "created"]
    list_filter = ["created"]
    search_fields = ["=id", "md5", "key", "frame__basename"]
    list_select_related = ["frame"]
