"""Read-only admin of observations and their configuration statuses."""

from __future__ import annotations

from django.contrib import admin

from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.web.admin import ReadOnlyAdmin, ReadOnlyInline

STATUS_FIELDS = ("id", "configuration", "instrument_name", "state", "time_charged", "modified")


class ConfigurationStatusInline(ReadOnlyInline):
    model = ConfigurationStatus
    fields = STATUS_FIELDS
    readonly_fields = STATUS_FIELDS
    show_change_link = False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "request",
        "proposal",
        "observation_type",
        "site",
        "enclosure",
        "telescope",
        "start",
        "end",
        "state",
    ]
    list_filter = [
        "state",
        "site",
        "telescope",
        "request__request_group__observation_type",
        "start",
    ]
    search_fields = [
        "=id",
        "=request__id",
        "=request__request_group__id",
        "request__request_group__name",
        "request__request_group__proposal__id",
    ]
    list_select_related = ["request__request_group"]
    ordering = ["-start"]
    inlines = [ConfigurationStatusInline]

    @admin.display(ordering="request__request_group__proposal__id")
    def proposal(self, obj: Observation) -> str:
        return str(obj.request.request_group.proposal_id)

    @admin.display(ordering="request__request_group__observation_type")
    def observation_type(self, obj: Observation) -> str:
        return str(obj.request.request_group.observation_type)
