"""Query-string filters of ``api/`` and ``api/calendar.ics`` (downtime-api.md §3).

Datetimes accept every form of README §4.5 — including the scheduler's space-separated values
without an offset (UTC) and a date alone (midnight UTC); offsets are converted to UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from openocs.downtime.datetimes import parse_utc_datetime
from openocs.downtime.models import Downtime, DowntimeCategory

ORDER_FIELDS = ("start", "end", "modified", "created")


class UtcDateTimeField(forms.Field):
    """A form field for README §4.5 date-times."""

    default_error_messages = {
        "invalid": "Enter a valid date/time (ISO-8601, e.g. 2030-01-01T00:00:00Z)."
    }

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        parsed = parse_utc_datetime(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class UtcRangeField(forms.Field):
    """``<start>,<end>``: two README §4.5 date-times separated by a comma."""

    default_error_messages = {
        "invalid": "Enter two date/times separated by a comma: <start>,<end>.",
        "order": "The end of the range must not be before its start.",
    }

    def to_python(self, value: Any) -> tuple[datetime, datetime] | None:
        if value in self.empty_values:
            return None
        parts = str(value).split(",")
        if len(parts) != 2:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        start, end = (parse_utc_datetime(part) for part in parts)
        if start is None or end is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if end < start:
            raise ValidationError(self.error_messages["order"], code="order")
        return start, end


class KnownCodesField(forms.Field):
    """A repeatable code parameter checked against the known codes (``None`` = accept any)."""

    widget = forms.SelectMultiple
    default_error_messages = {
        "invalid_choice": "Select a valid choice. %(value)s is not one of the available choices."
    }

    def __init__(self, *, known: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.known = known

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = [value] if isinstance(value, str) else list(value)
        return [str(v) for v in values if str(v) != ""]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if self.known is None:
            return
        for code in value:
            if code not in self.known:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": code},
                )


class UtcDateTimeFilter(django_filters.Filter):  # type: ignore[misc]
    field_class = UtcDateTimeField


class KnownCodesFilter(django_filters.Filter):  # type: ignore[misc]
    """Exact match on any of the given codes (``?site=coj&site=lsc``)."""

    field_class = KnownCodesField

    def filter(self, qs: QuerySet[Any], value: list[str]) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


@extend_schema_field(OpenApiTypes.STR)
class OverlapsFilter(django_filters.Filter):  # type: ignore[misc]
    """``?overlaps=<start>,<end>``: shorthand for ``ends_after=<start>&starts_before=<end>``."""

    field_class = UtcRangeField

    def filter(self, qs: QuerySet[Any], value: tuple[datetime, datetime] | None) -> QuerySet[Any]:
        if value is None:
            return qs
        start, end = value
        return qs.filter(end__gte=start, start__lte=end)


class StableOrderingFilter(django_filters.OrderingFilter):  # type: ignore[misc]
    """An ordering filter that breaks ties by id, so pages never repeat or skip rows."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        ordered: QuerySet[Any] = super().filter(qs, value)
        if value:
            ordered = ordered.order_by(*ordered.query.order_by, "id")
        return ordered


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CategoryFilter(django_filters.ModelMultipleChoiceFilter):  # type: ignore[misc]
    """Repeatable category code (``?category=weather&category=maintenance``)."""


class DowntimeFilter(django_filters.FilterSet):  # type: ignore[misc]
    """Every filter of downtime-api.md §3 plus ``overlaps`` and ``category``.

    ``known_codes`` (field → codes) makes unknown site/enclosure/telescope/instrument_type values
    a 400; ``None`` accepts any code (configdb unreachable).
    """

    starts_after = UtcDateTimeFilter(field_name="start", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="start", lookup_expr="lte")
    ends_after = UtcDateTimeFilter(field_name="end", lookup_expr="gte")
    ends_before = UtcDateTimeFilter(field_name="end", lookup_expr="lte")
    created_after = UtcDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created", lookup_expr="lte")
    modified_after = UtcDateTimeFilter(field_name="modified", lookup_expr="gte")
    modified_before = UtcDateTimeFilter(field_name="modified", lookup_expr="lte")
    overlaps = OverlapsFilter()
    site = KnownCodesFilter(field_name="site")
    enclosure = KnownCodesFilter(field_name="enclosure")
    telescope = KnownCodesFilter(field_name="telescope")
    instrument_type = KnownCodesFilter(field_name="instrument_type")
    reason = django_filters.CharFilter(field_name="reason", lookup_expr="icontains")
    reason_exact = django_filters.CharFilter(field_name="reason", lookup_expr="exact")
    category = CategoryFilter(
        field_name="category__code", to_field_name="code", queryset=DowntimeCategory.objects.all()
    )
    order = StableOrderingFilter(fields=ORDER_FIELDS)
    ordering = StableOrderingFilter(fields=ORDER_FIELDS)

    class Meta:
        model = Downtime
        fields: list[str] = []

    def __init__(self, *args: Any, known_codes: dict[str, set[str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in ("site", "enclosure", "telescope", "instrument_type"):
            self.filters[field].extra["known"] = None if known_codes is None else known_codes[field]


class OverlapQueryForm(forms.Form):
    """Parameters of ``api/overlaps/``: one telescope and a time range."""

    site = forms.CharField(max_length=3)
    enclosure = forms.CharField(max_length=4)
    telescope = forms.CharField(max_length=4)
    instrument_type = forms.CharField(max_length=255, required=False)
    start = UtcDateTimeField()
    end = UtcDateTimeField()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            raise ValidationError("End time must be after start time")
        return cleaned
