"""The filter backend of every list: integer parameters are checked against the database's
integer range before any query (issue 14).

A value such as ``?request_id=12296097936607939437689075312053190656`` is a well-formed number
that no 64-bit column can hold: SQLite raises ``OverflowError`` (a 500) and PostgreSQL a range
error. Every filter whose model field is an integer (or a relation to an integer key) is checked
here, for every filterset at once, and answered with 400 naming the parameter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.db import models
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.utils import get_model_field
from rest_framework import exceptions

INTEGER_MAX = 2**63 - 1


def _is_integer_field(model: Any, field_name: str) -> bool:
    field = get_model_field(model, field_name)
    if field is None:
        return False
    if field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return isinstance(field, models.IntegerField)


def _out_of_range(raw: str) -> bool:
    for part in raw.split(","):
        try:
            number = Decimal(part.strip())
        except InvalidOperation:
            continue  # not a number: the filter's own validation answers
        if number.is_finite() and abs(number) > INTEGER_MAX:
            return True
    return False


def check_integer_ranges(filterset: Any, query: Any) -> None:
    """Raise a 400 naming the first integer parameter beyond the 64-bit range."""
    model = filterset.queryset.model
    for name, declared in filterset.filters.items():
        field_name = getattr(declared, "field_name", None)
        if not field_name or name not in query:
            continue
        if not _is_integer_field(model, field_name):
            continue
        if any(_out_of_range(value) for value in query.getlist(name)):
            raise exceptions.ValidationError(
                {name: [f"Ensure this value is less than or equal to {INTEGER_MAX}."]}
            )


def asks_for_a_filter(filterset_class: Any, query: Any) -> bool:
    """Whether any parameter of ``query`` may belong to a filter of ``filterset_class``: its
    name, or its name with a suffix (``created_after``, a range's ``_min``)."""
    names = tuple(filterset_class.base_filters)
    return any(key.startswith(names) for key in query)


class DjangoFilterBackend(filters.DjangoFilterBackend):  # type: ignore[misc]
    """Without a filter's parameter in the query (a plain page: ``?limit=100``) the queryset is
    returned as it is, without building the filterset: every filter of an empty form leaves it
    unchanged, and the filterset deep-copies all its filters per request (≈ 900 copies, several
    ms of CPU, for the request-group list; issue 17)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not asks_for_a_filter(
            filterset_class, request.query_params
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            check_integer_ranges(filterset, request.query_params)
        return filterset


class UtcIsoDateTimeField(IsoDateTimeField):  # type: ignore[misc]
    """An ISO-8601 date-time converted to UTC before it reaches a query.

    Python accepts UTC offsets up to ±23:59, PostgreSQL only up to ±15:59 ("time zone displacement
    out of range", a 500): a value such as ``2026-01-01T00:00-23:55`` is the same instant in UTC,
    so the query only ever carries UTC. An instant outside years 1–9999 in UTC is a 400.
    """

    default_error_messages = {
        "invalid": "Enter a valid date/time (ISO 8601) within years 1-9999 UTC."
    }

    def to_python(self, value: Any) -> datetime | None:
        parsed: datetime | None = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):  # type: ignore[misc]
    """``django_filters.IsoDateTimeFilter`` whose value is always in UTC (see the field)."""

    field_class = UtcIsoDateTimeField
