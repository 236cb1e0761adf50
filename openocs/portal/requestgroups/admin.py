"""Read-only admin of request groups and requests, for staff answering users' questions."""

from __future__ import annotations

from django.contrib import admin

from openocs.portal.requestgroups.models import Request, RequestGroup, Window
from openocs.web.admin import ReadOnlyAdmin, ReadOnlyInline

REQUEST_FIELDS = ("id", "state", "duration", "acceptability_threshold", "modified")


class RequestInline(ReadOnlyInline):
    model = Request
    fields = REQUEST_FIELDS
    readonly_fields = REQUEST_FIELDS


@admin.register(RequestGroup)
class RequestGroupAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "name",
        "proposal",
        "submitter",
        "observation_type",
        "state",
        "ipp_value",
        "created",
    ]
    list_filter = ["state", "observation_type", "operator", "created"]
    search_fields = ["=id", "name", "proposal__id", "submitter__username"]
    list_select_related = ["proposal", "submitter"]
    inlines = [RequestInline]


WINDOW_FIELDS = ("start", "end")


class WindowInline(ReadOnlyInline):
    model = Window
    fields = WINDOW_FIELDS
    readonly_fields = WINDOW_FIELDS
    show_change_link = False


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "request_group",
        "proposal",
        "telescope_class",
        "state",
        "duration",
        "modified",
    ]
    list_filter = ["state", "request_group__observation_type", "location__telescope_class"]
    search_fields = [
        "=id",
        "=request_group__id",
        "request_group__name",
        "request_group__proposal__id",
        "configurations__target__name",
    ]
    list_select_related = ["request_group__proposal", "location"]
    inlines = [WindowInline]

    @admin.display(ordering="request_group__proposal__id")
    def proposal(self, obj: Request) -> str:
        return str(obj.request_group.proposal_id)

    @admin.display(ordering="location__telescope_class")
    def telescope_class(self, obj: Request) -> str:
        location = getattr(obj, "location", None)  # None when a request has no location row
        return location.telescope_class if location is not None else ""
