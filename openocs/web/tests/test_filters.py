"""The shared filter backend refuses integer parameters no 64-bit column can hold."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict
from django_filters import FilterSet, NumberFilter
from rest_framework.exceptions import ValidationError

from openocs.web.filters import INTEGER_MAX, check_integer_ranges


class _UserFilter(FilterSet):  # type: ignore[misc]
    id = NumberFilter()
    username = NumberFilter()  # a number filter on a text column is not an integer filter

    class Meta:
        model = User
        fields: list[str] = []


def _check(query: str) -> None:
    data = QueryDict(query)
    check_integer_ranges(_UserFilter(data, queryset=User.objects.none()), data)


def test_the_largest_integer_passes_and_one_more_is_refused() -> None:
    _check(f"id={INTEGER_MAX}")
    with pytest.raises(ValidationError) as raised:
        _check(f"id={INTEGER_MAX + 1}")
    assert "id" in raised.value.detail


def test_comma_lists_and_negative_numbers_are_checked() -> None:
    with pytest.raises(ValidationError):
        _check(f"id=1,-{INTEGER_MAX + 5}")


def test_text_columns_and_non_numbers_are_left_to_the_filters() -> None:
    _check(f"username={INTEGER_MAX * 10}")
    _check("id=abc")
    _check("id=NaN")
