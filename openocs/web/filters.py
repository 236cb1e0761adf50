"""The filter backend of every list: integer parameters are checked against the database's
integer range before any query (issue 14).

A value such as ``?request_id=12296097936607939437689075312053190656`` is a well-formed number
that no 64-bit column can hold: SQLite raises ``OverflowError`` (a 500) and PostgreSQL a range
error. Every filter whose model field is an integer (or a relation to an integer key) is checked
here, for every filterset at once, and answered with 400 naming the parameter.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django_filters import rest_framework as filters
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


class DjangoFilterBackend(filters.DjangoFilterBackend):  # type: ignore[misc]
    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            check_integer_ranges(filterset, request.query_params)
        return filterset
