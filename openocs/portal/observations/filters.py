"""Filters of ``GET /api/observations/`` (§13.1) and ``GET /api/configurationstatus/`` (§14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from openocs.portal.observations.models import (
    ConfigurationStatus,
    Observation,
    ObservationState,
    StatusState,
)
from openocs.portal.requestgroups.models import ObservationType, State
from openocs.web.filters import UtcIsoDateTimeFilter

_SPANS = {"today": 1, "yesterday": 2, "week": 7, "month": 31, "year": 366}


class ObservationFilter(django_filters.FilterSet):  # type: ignore[misc]
    site = django_filters.CharFilter(method="filter_in")
    enclosure = django_filters.CharFilter(method="filter_in")
    telescope = django_filters.CharFilter(method="filter_in")
    start_after = UtcIsoDateTimeFilter(field_name="start", lookup_expr="gte")
    start_before = UtcIsoDateTimeFilter(field_name="start", lookup_expr="lt")
    end_after = UtcIsoDateTimeFilter(field_name="end", lookup_expr="gte")
    end_before = UtcIsoDateTimeFilter(field_name="end", lookup_expr="lt")
    modified_after = UtcIsoDateTimeFilter(field_name="modified", lookup_expr="gte")
    created_after = UtcIsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created", lookup_expr="lt")
    time_span = django_filters.ChoiceFilter(
        choices=[(k, k) for k in _SPANS], method="filter_time_span"
    )
    request_id = django_filters.NumberFilter(field_name="request_id")
    request_group_id = django_filters.NumberFilter(field_name="request__request_group_id")
    user = django_filters.CharFilter(field_name="request__request_group__submitter__username")
    state = django_filters.MultipleChoiceFilter(choices=ObservationState.choices)
    observation_type = django_filters.MultipleChoiceFilter(
        field_name="request__request_group__observation_type", choices=ObservationType.choices
    )
    request_state = django_filters.MultipleChoiceFilter(
        field_name="request__state", choices=State.choices
    )
    proposal = django_filters.CharFilter(field_name="request__request_group__proposal_id")
    instrument_type = django_filters.CharFilter(
        field_name="configuration_statuses__configuration__instrument_type", method="filter_in"
    )
    configuration_type = django_filters.CharFilter(
        field_name="configuration_statuses__configuration__type", method="filter_in"
    )
    id = django_filters.NumberFilter()
    priority = django_filters.NumberFilter()
    ordering = django_filters.OrderingFilter(
        fields=("start", "end", "modified", "created", "state")
    )

    class Meta:
        model = Observation
        fields: list[str] = []

    _PARAMS = {
        "site": "site",
        "enclosure": "enclosure",
        "telescope": "telescope",
        "configuration_statuses__configuration__instrument_type": "instrument_type",
        "configuration_statuses__configuration__type": "configuration_type",
    }

    def filter_in(self, queryset: QuerySet[Observation], name: str, value: str) -> Any:
        """Repeatable exact filters (``?site=a&site=b``)."""
        values = self.data.getlist(self._PARAMS[name]) if hasattr(self.data, "getlist") else [value]
        if name.startswith("configuration_statuses"):
            matching = Observation.objects.filter(**{f"{name}__in": values}).values("pk")
            return queryset.filter(pk__in=matching)
        return queryset.filter(**{f"{name}__in": values})

    def filter_time_span(self, queryset: QuerySet[Observation], name: str, value: str) -> Any:
        return queryset.filter(start__gte=timezone.now() - timedelta(days=_SPANS[value]))


class ConfigurationStatusFilter(django_filters.FilterSet):  # type: ignore[misc]
    instrument_name = django_filters.CharFilter()
    guide_camera_name = django_filters.CharFilter()
    state = django_filters.MultipleChoiceFilter(choices=StatusState.choices)
    site = django_filters.CharFilter(field_name="observation__site")

    class Meta:
        model = ConfigurationStatus
        fields: list[str] = []
