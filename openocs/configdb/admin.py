"""The configuration database in the Django admin, for operators of a real observatory.

The hierarchy is edited inline (a site with its enclosures, an enclosure with its telescopes, a
telescope with its instruments); every list has search and filters; every change made here is
recorded in the change history (shown on each object's page and browsable on its own).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from openocs.configdb import history, services
from openocs.configdb import models as m


class RecordedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Attributes every write made through these pages to the signed-in user, and shows the
    object's latest changes."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with history.recording(request.user, "admin"):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with history.recording(request.user, "admin"):
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with history.recording(request.user, "admin"):
            return super().changelist_view(request, *args, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "recent_changes"]

    @admin.display(description="Recent changes")
    def recent_changes(self, obj: Model | None) -> str:
        if obj is None or obj.pk is None:
            return "–"
        records = m.ChangeRecord.objects.filter(
            model=obj._meta.model_name, object_id=str(obj.pk)
        ).order_by("-timestamp", "-id")[:10]
        if not records:
            return "No recorded change."
        link = reverse("admin:configdb_changerecord_changelist")
        rows = format_html_join(
            "",
            "<li>{} {} by {} ({}): {}</li>",
            (
                (
                    f"{r.timestamp:%Y-%m-%d %H:%M:%S}",
                    r.action,
                    r.username or "system",
                    r.source,
                    ", ".join(
                        f"{name}: {old!r} → {new!r}" for name, (old, new) in r.changes.items()
                    )[:500],
                )
                for r in records
            ),
        )
        return format_html(
            '<ul style="margin:0">{}</ul><a href="{}?model={}&object_id={}">All changes</a>',
            rows,
            link,
            obj._meta.model_name,
            obj.pk,
        )


class OpticalElementGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = m.OpticalElementGroup
        fields = ["name", "type", "optical_elements", "default", "element_change_overhead"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = data.get("default")
        if default is not None and default not in list(data.get("optical_elements") or []):
            raise forms.ValidationError(
                f"Default optical element {default.code} must be a member of this groups "
                "optical elements"
            )
        return data


class GenericModeGroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = m.GenericModeGroup
        fields = ["instrument_type", "type", "modes", "default"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = data.get("default")
        if default is not None and default not in list(data.get("modes") or []):
            raise forms.ValidationError(
                f"Default generic mode {default.code} must be a member of this groups modes"
            )
        return data


class CameraForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = m.Camera
        fields = ["code", "camera_type", "orientation", "optical_element_groups", "host"]

    def clean_optical_element_groups(self) -> Any:
        groups = self.cleaned_data.get("optical_element_groups") or []
        types = [group.type for group in groups]
        duplicated = sorted({t for t in types if types.count(t) > 1})
        if duplicated:
            raise forms.ValidationError(
                f"A camera may have only one optical element group of type {', '.join(duplicated)}."
            )
        return groups


class EnclosureInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Enclosure
    extra = 0
    show_change_link = True
    fields = ["code", "name", "active"]


class TelescopeInline(admin.StackedInline):  # type: ignore[type-arg]
    model = m.Telescope
    extra = 0
    show_change_link = True
    fields = [
        ("code", "name", "serial_number", "active"),
        ("aperture", "lat", "long"),
        ("horizon", "ha_limit_neg", "ha_limit_pos", "zenith_blind_spot"),
        ("slew_rate", "minimum_slew_overhead", "maximum_slew_overhead"),
        ("instrument_change_overhead", "telescope_front_padding"),
    ]


class InstrumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.Instrument
    extra = 0
    show_change_link = True
    fields = [
        "code",
        "state",
        "instrument_type",
        "science_cameras",
        "autoguider_camera",
        "autoguider_type",
    ]
    autocomplete_fields = ["instrument_type", "autoguider_camera"]


@admin.register(m.Site)
class SiteAdmin(RecordedAdmin):
    list_display = ["code", "name", "active", "tz", "lat", "long", "elevation", "modified"]
    list_filter = ["active", "tz"]
    search_fields = ["code", "name"]
    inlines = [EnclosureInline]


@admin.register(m.Enclosure)
class EnclosureAdmin(RecordedAdmin):
    list_display = ["__str__", "name", "active", "site"]
    list_filter = ["active", "site"]
    search_fields = ["code", "name", "site__code"]
    list_select_related = ["site"]
    inlines = [TelescopeInline]


@admin.register(m.Telescope)
class TelescopeAdmin(RecordedAdmin):
    list_display = ["__str__", "name", "active", "aperture", "horizon", "serial_number"]
    list_filter = ["active", "aperture", "enclosure__site"]
    search_fields = ["code", "name", "serial_number", "enclosure__code", "enclosure__site__code"]
    list_select_related = ["enclosure__site"]
    inlines = [InstrumentInline]


@admin.register(m.Instrument)
class InstrumentAdmin(RecordedAdmin):
    list_display = ["__str__", "state", "instrument_type", "autoguider_camera", "modified"]
    list_filter = ["state", "instrument_type", "telescope__enclosure__site"]
    list_editable = ["state"]
    search_fields = ["code", "instrument_type__code", "telescope__code", "science_cameras__code"]
    list_select_related = ["telescope__enclosure__site", "instrument_type", "autoguider_camera"]
    filter_horizontal = ["science_cameras"]
    autocomplete_fields = ["instrument_type", "autoguider_camera", "telescope"]


@admin.register(m.Camera)
class CameraAdmin(RecordedAdmin):
    form = CameraForm
    list_display = ["code", "camera_type", "orientation", "host"]
    list_filter = ["camera_type"]
    search_fields = ["code", "host", "camera_type__name"]
    filter_horizontal = ["optical_element_groups"]
    list_select_related = ["camera_type"]

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """D33: a camera used by an instrument cannot be deleted (not even a science camera)."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for camera in objs:
            for instrument in camera.science_instruments.all():
                protected.append(f"Instrument: {instrument} (science camera)")
        return to_delete, counts, perms_needed, protected


@admin.register(m.CameraType)
class CameraTypeAdmin(RecordedAdmin):
    list_display = ["name", "code", "size", "pscale", "pixels_x", "pixels_y", "max_rois"]
    search_fields = ["name", "code"]


@admin.register(m.OpticalElement)
class OpticalElementAdmin(RecordedAdmin):
    list_display = ["code", "name", "schedulable"]
    list_filter = ["schedulable"]
    search_fields = ["code", "name"]


@admin.register(m.OpticalElementGroup)
class OpticalElementGroupAdmin(RecordedAdmin):
    form = OpticalElementGroupForm
    list_display = ["name", "type", "default", "element_change_overhead"]
    list_filter = ["type"]
    search_fields = ["name", "type", "optical_elements__code"]
    filter_horizontal = ["optical_elements"]
    autocomplete_fields = ["default"]


class GenericModeGroupInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.GenericModeGroup
    form = GenericModeGroupForm
    extra = 0
    show_change_link = True
    fields = ["type", "modes", "default"]


class ConfigurationTypePropertiesInline(admin.TabularInline):  # type: ignore[type-arg]
    model = m.ConfigurationTypeProperties
    extra = 0
    fields = [
        "configuration_type",
        "schedulable",
        "force_acquisition_off",
        "requires_optical_elements",
        "config_change_overhead",
        "validation_schema",
    ]


@admin.register(m.InstrumentType)
class InstrumentTypeAdmin(RecordedAdmin):
    list_display = ["code", "name", "instrument_category", "fixed_overhead_per_exposure"]
    list_filter = ["instrument_category"]
    search_fields = ["code", "name"]
    inlines = [GenericModeGroupInline, ConfigurationTypePropertiesInline]


@admin.register(m.InstrumentCategory)
class InstrumentCategoryAdmin(RecordedAdmin):
    search_fields = ["code"]


@admin.register(m.ModeType)
class ModeTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The five seeded mode types are fixed."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.GenericMode)
class GenericModeAdmin(RecordedAdmin):
    list_display = ["code", "name", "overhead", "schedulable"]
    list_filter = ["schedulable"]
    search_fields = ["code", "name"]


@admin.register(m.GenericModeGroup)
class GenericModeGroupAdmin(RecordedAdmin):
    form = GenericModeGroupForm
    list_display = ["__str__", "instrument_type", "type", "default"]
    list_filter = ["type", "instrument_type"]
    search_fields = ["instrument_type__code", "modes__code"]
    filter_horizontal = ["modes"]


@admin.register(m.ConfigurationType)
class ConfigurationTypeAdmin(RecordedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(m.ConfigurationTypeProperties)
class ConfigurationTypePropertiesAdmin(RecordedAdmin):
    list_display = [
        "instrument_type",
        "configuration_type",
        "schedulable",
        "config_change_overhead",
    ]
    list_filter = ["configuration_type", "schedulable", "instrument_type"]
    search_fields = ["instrument_type__code", "configuration_type__code"]


@admin.register(m.ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The change history: read-only."""

    list_display = ["timestamp", "action", "model", "object_repr", "username", "source"]
    list_filter = ["action", "model", "source"]
    search_fields = ["object_repr", "username", "object_id"]
    date_hierarchy = "timestamp"
    readonly_fields = [f.name for f in m.ChangeRecord._meta.fields]
    actions = ["revert"]

    @admin.action(description="Revert the selected changes (latest first)")
    def revert(self, request: HttpRequest, queryset: Any) -> None:
        reverted = 0
        for record in queryset.order_by("-timestamp", "-id"):
            try:
                services.change_revert(record=record, user=request.user)
            except services.RevertRefused as error:
                self.message_user(request, error.message, level=messages.ERROR)
                return
            reverted += 1
        self.message_user(request, f"Reverted {reverted} change(s).", level=messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
