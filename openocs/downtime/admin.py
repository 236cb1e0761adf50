"""Admin of the downtime database: search, filters, and the API's validation on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from openocs.downtime import services
from openocs.downtime.errors import (
    CONFIGDB_DOWN_MESSAGE,
    ConfigDBUnavailableError,
    DowntimeValidationError,
)
from openocs.downtime.models import Downtime, DowntimeCategory
from openocs.web.clients import configdb_client


class DowntimeAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Downtime
        fields = [
            "start",
            "end",
            "site",
            "enclosure",
            "telescope",
            "instrument_type",
            "reason",
            "category",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            services.downtime_validate(
                start=cleaned["start"],
                end=cleaned["end"],
                site=cleaned["site"],
                enclosure=cleaned["enclosure"],
                telescope=cleaned["telescope"],
                instrument_type=cleaned.get("instrument_type", ""),
                configdb=configdb_client(),
            )
        except DowntimeValidationError as error:
            for field, messages in error.errors.items():
                for message in messages:
                    self.add_error(None if field == "non_field_errors" else field, message)
        except ConfigDBUnavailableError:
            self.add_error(None, CONFIGDB_DOWN_MESSAGE)
        return cleaned


@admin.register(Downtime)
class DowntimeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = DowntimeAdminForm
    list_display = [
        "id",
        "site",
        "enclosure",
        "telescope",
        "instrument_type",
        "start",
        "end",
        "category",
        "reason",
    ]
    list_filter = ["site", "telescope", "category", "instrument_type", "start"]
    search_fields = ["reason", "site", "enclosure", "telescope", "instrument_type"]
    date_hierarchy = "start"
    ordering = ["-start"]
    readonly_fields = ["created_by", "created", "modified"]
    list_select_related = ["category"]


@admin.register(DowntimeCategory)
class DowntimeCategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "description"]
    search_fields = ["code", "name"]
