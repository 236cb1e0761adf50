"""Query filters of the request-group and request lists (``portal-api.md`` §10.1, §11.1)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Max, QuerySet

from openocs.portal.requestgroups.models import (
    ObservationType,
    Operator,
    Request,
    RequestGroup,
    State,
)
from openocs.web.filters import UtcIsoDateTimeFilter


class RequestGroupFilter(django_filters.FilterSet):  # type: ignore[misc]
    id = django_filters.NumberFilter()
    submitter = django_filters.NumberFilter(field_name="submitter_id")
    proposal = django_filters.CharFilter(field_name="proposal_id")
    observation_type = django_filters.ChoiceFilter(choices=ObservationType.choices)
    operator = django_filters.ChoiceFilter(choices=Operator.choices)
    ipp_value = django_filters.NumberFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")
    state = django_filters.MultipleChoiceFilter(choices=State.choices)
    exclude_state = django_filters.MultipleChoiceFilter(
        field_name="state", choices=State.choices, exclude=True
    )
    created_after = UtcIsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created", lookup_expr="lte")
    modified_after = UtcIsoDateTimeFilter(method="filter_modified_after")
    modified_before = UtcIsoDateTimeFilter(method="filter_modified_before")
    user = django_filters.CharFilter(field_name="submitter__username", lookup_expr="icontains")
    request_id = django_filters.NumberFilter(field_name="requests__id", distinct=True)
    telescope_class = django_filters.CharFilter(method="filter_telescope_class")
    target = django_filters.CharFilter(
        field_name="requests__configurations__target__name", lookup_expr="icontains", distinct=True
    )
    order = django_filters.ChoiceFilter(
        method="filter_order",
        choices=[(v, v) for f in ("name", "modified", "created", "end") for v in (f, "-" + f)],
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            "id",
            "name",
            "created",
            "modified",
            "state",
            "proposal",
            "observation_type",
            "operator",
            "ipp_value",
            "submitter",
        )
    )

    class Meta:
        model = RequestGroup
        fields: list[str] = []

    def filter_modified_after(self, queryset: QuerySet[RequestGroup], name: str, value: Any) -> Any:
        return queryset.filter(requests__modified__gte=value).distinct()

    def filter_modified_before(
        self, queryset: QuerySet[RequestGroup], name: str, value: Any
    ) -> Any:
        return queryset.filter(requests__modified__lte=value).distinct()

    def filter_telescope_class(
        self, queryset: QuerySet[RequestGroup], name: str, value: Any
    ) -> Any:
        values = self.data.getlist("telescope_class") if hasattr(self.data, "getlist") else [value]
        matching = RequestGroup.objects.filter(requests__location__telescope_class__in=values)
        return queryset.filter(pk__in=matching.values("pk"))

    def filter_order(self, queryset: QuerySet[RequestGroup], name: str, value: str) -> Any:
        if value.lstrip("-") == "end":
            return queryset.annotate(last_end=Max("requests__windows__end")).order_by(
                value.replace("end", "last_end"), "-id"
            )
        return queryset.order_by(value, "-id")


class RequestFilter(django_filters.FilterSet):  # type: ignore[misc]
    id = django_filters.BaseInFilter(field_name="id", method="filter_ids")
    state = django_filters.ChoiceFilter(choices=State.choices)
    telescope_class = django_filters.CharFilter(method="filter_telescope_class")
    ordering = django_filters.OrderingFilter(fields=("id", "state"))

    class Meta:
        model = Request
        fields: list[str] = []

    def filter_ids(self, queryset: QuerySet[Request], name: str, value: Any) -> Any:
        ids = self.data.getlist("id") if hasattr(self.data, "getlist") else [value]
        numbers = []
        for item in ids:
            for part in str(item).split(","):
                if part.strip().isdigit():
                    numbers.append(int(part))
        return queryset.filter(id__in=numbers)

    def filter_telescope_class(self, queryset: QuerySet[Request], name: str, value: Any) -> Any:
        values = self.data.getlist("telescope_class") if hasattr(self.data, "getlist") else [value]
        return queryset.filter(location__telescope_class__in=values)


class RequestPageFilter(RequestFilter):
    """The request list page's filters: the API's (§11.1) and, from the request-group filters,
    the proposal, the target and the creation dates, with more columns to sort on. The API keeps
    its own, smaller set (the spec fixes it)."""

    proposal = django_filters.CharFilter(field_name="request_group__proposal_id")
    target = django_filters.CharFilter(
        field_name="configurations__target__name", lookup_expr="icontains", distinct=True
    )
    created_after = UtcIsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created", lookup_expr="lte")
    ordering = django_filters.OrderingFilter(
        fields=(
            "id",
            "state",
            "created",
            "duration",
            ("request_group__proposal", "proposal"),
            ("request_group__name", "group"),
        )
    )
