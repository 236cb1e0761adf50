"""Query-string filters of the proposals routes (spec §19), with compatible error shapes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from openocs.portal.proposals.models import Membership, Proposal, ProposalInvite, Semester


def parse_query_datetime(value: str) -> datetime:
    """ISO-8601 date-time or date (spec README §4.5); no offset means UTC, offsets are honoured.

    **Deviation (D3):** the reference discards the offset; we convert to UTC.
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # the offset carries it past year 9999 or before year 1 in UTC
        raise ValueError(value) from None


class QueryDateTimeField(forms.Field):
    default_error_messages = {"invalid": "Enter a valid date/time."}

    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            return parse_query_datetime(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class QueryDateTimeFilter(django_filters.Filter):  # type: ignore[misc]
    field_class = QueryDateTimeField


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class QueryBooleanField(forms.Field):
    default_error_messages = {"invalid": "Must be a valid boolean."}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanQueryFilter(django_filters.BooleanFilter):  # type: ignore[misc]
    """Accepts the boolean spellings of spec README §4.3 (True/true/1/yes/on …)."""

    field_class = QueryBooleanField


class AnyValueMultipleField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


class MultipleValueFilter(django_filters.MultipleChoiceFilter):  # type: ignore[misc]
    """A repeatable parameter (``?id=A&id=B``) matching any of the values exactly."""

    field_class = AnyValueMultipleField


class ProposalFilter(django_filters.FilterSet):  # type: ignore[misc]
    id = MultipleValueFilter(field_name="id")
    active = BooleanQueryFilter()
    public = BooleanQueryFilter()
    semester = django_filters.CharFilter(method="filter_semester")
    title = django_filters.CharFilter(lookup_expr="icontains")
    tags = django_filters.CharFilter(method="filter_tags")

    class Meta:
        model = Proposal
        fields = ("id", "active", "semester", "tac_rank", "tac_priority", "public", "title", "tags")

    def filter_semester(
        self, queryset: QuerySet[Proposal], name: str, value: str
    ) -> QuerySet[Proposal]:
        return queryset.filter(
            pk__in=Proposal.objects.filter(timeallocation__semester_id=value).values("pk")
        )

    def filter_tags(
        self, queryset: QuerySet[Proposal], name: str, value: str
    ) -> QuerySet[Proposal]:
        names = [t.strip() for t in value.split(",") if t.strip()]
        if not names:
            return queryset
        return queryset.filter(pk__in=Proposal.objects.filter(tags__name__in=names).values("pk"))


class SemesterFilter(django_filters.FilterSet):  # type: ignore[misc]
    semester_contains = QueryDateTimeFilter(method="filter_contains")
    start = QueryDateTimeFilter(field_name="start", lookup_expr="gte")
    start_lte = QueryDateTimeFilter(field_name="start", lookup_expr="lte")
    end = QueryDateTimeFilter(field_name="end", lookup_expr="lt")
    end_gt = QueryDateTimeFilter(field_name="end", lookup_expr="gt")
    id = django_filters.CharFilter(field_name="id", lookup_expr="icontains")

    class Meta:
        model = Semester
        fields = ("semester_contains", "start", "start_lte", "end", "end_gt", "id")

    def filter_contains(
        self, queryset: QuerySet[Semester], name: str, value: datetime
    ) -> QuerySet[Semester]:
        return queryset.filter(start__lte=value, end__gte=value)


class MembershipFilter(django_filters.FilterSet):  # type: ignore[misc]
    first_name = django_filters.CharFilter(field_name="user__first_name", lookup_expr="icontains")
    last_name = django_filters.CharFilter(field_name="user__last_name", lookup_expr="icontains")
    username = django_filters.CharFilter(field_name="user__username", lookup_expr="icontains")
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="icontains")
    proposal = django_filters.CharFilter(field_name="proposal_id")
    role = django_filters.ChoiceFilter(choices=Membership.ROLE_CHOICES)

    class Meta:
        model = Membership
        fields = ("first_name", "last_name", "username", "email", "proposal", "role")


class InvitationFilter(django_filters.FilterSet):  # type: ignore[misc]
    proposal = django_filters.CharFilter(field_name="proposal_id")
    pending = BooleanQueryFilter(method="filter_pending")

    class Meta:
        model = ProposalInvite
        fields = ("proposal", "pending")

    def filter_pending(
        self, queryset: QuerySet[ProposalInvite], name: str, value: bool | None
    ) -> QuerySet[ProposalInvite]:
        if value is None:
            return queryset
        return queryset.filter(Q(used__isnull=value))
