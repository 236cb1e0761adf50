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


@pytest.mark.parametrize("route", ["/api/observations/", "/api/requestgroups/"])
@pytest.mark.django_db
def test_a_date_time_filter_with_any_offset_queries_in_utc(route: str) -> None:
    """PostgreSQL refuses offsets beyond ±15:59 that Python accepts (the schema fuzzer found the
    500); the filter converts to UTC first, so every database answers."""
    from rest_framework.test import APIClient

    response = APIClient().get(route, {"created_before": "0115-03-12T01:49:51-23:55"})
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_a_date_time_whose_utc_instant_is_before_year_1_is_a_400_naming_the_filter() -> None:
    from rest_framework.test import APIClient

    response = APIClient().get("/api/observations/", {"created_after": "0001-01-01T00:00+05:00"})
    assert response.status_code == 400
    assert "created_after" in response.json()


def test_the_utc_field_converts_aware_values_and_keeps_naive_ones_as_utc() -> None:
    from datetime import UTC, datetime, timedelta

    from openocs.web.filters import UtcIsoDateTimeField

    field = UtcIsoDateTimeField()
    converted = field.clean("2026-01-01T00:00:00-23:55")
    assert converted == datetime(2026, 1, 1, 23, 55, tzinfo=UTC)
    assert converted.utcoffset() == timedelta(0)
    assert field.clean("2026-01-01T00:00:00") == datetime(2026, 1, 1, tzinfo=UTC)


class _View:
    filterset_class = _UserFilter


def test_a_page_without_a_filters_parameter_skips_the_filterset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from openocs.web.filters import DjangoFilterBackend, asks_for_a_filter

    built: list[str] = []
    original = DjangoFilterBackend.get_filterset

    def get_filterset(
        self: DjangoFilterBackend, request: Request, queryset: object, view: object
    ) -> object:
        built.append(request.query_params.urlencode())
        return original(self, request, queryset, view)

    monkeypatch.setattr(DjangoFilterBackend, "get_filterset", get_filterset)
    queryset = User.objects.none()
    for query in ("limit=100&offset=200", "id=3", "username_suffix=x"):
        request = Request(APIRequestFactory().get(f"/users/?{query}"))
        DjangoFilterBackend().filter_queryset(request, queryset, _View())
    assert built == ["id=3", "username_suffix=x"]  # a suffixed name may be a filter's
    assert not asks_for_a_filter(_UserFilter, QueryDict("limit=1&format=json"))
