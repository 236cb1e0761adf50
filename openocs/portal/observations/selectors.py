"""Reads of observations and configuration statuses, scoped as §1.2 says."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from openocs.portal.observations.models import ConfigurationStatus, Observation
from openocs.portal.proposals.selectors import is_staff_view
from openocs.portal.requestgroups.models import Configuration, InstrumentConfig, Window


def _statuses() -> QuerySet[ConfigurationStatus]:
    return ConfigurationStatus.objects.select_related("summary").order_by("id")


def observations_visible_to(user: Any) -> QuerySet[Observation]:
    configurations = (
        Configuration.objects.select_related(
            "target", "constraints", "acquisition_config", "guiding_config"
        )
        .prefetch_related(
            Prefetch("instrument_configs", queryset=InstrumentConfig.objects.order_by("id"))
        )
        .order_by("priority", "id")
    )
    queryset = Observation.objects.select_related(
        "request",
        "request__location",
        "request__request_group",
        "request__request_group__submitter",
        "request__request_group__proposal",
    ).prefetch_related(
        Prefetch("configuration_statuses", queryset=_statuses()),
        Prefetch("request__configurations", queryset=configurations),
        # render_request reads the windows (one query per row without this prefetch).
        Prefetch("request__windows", queryset=Window.objects.order_by("start", "id")),
    )
    if is_staff_view(user):
        return queryset.order_by("-id")
    if not (user and user.is_authenticated):
        scope = Q(request__request_group__proposal__public=True)
    else:
        scope = Q(request__request_group__proposal__membership__user_id=user.pk)
        profile = getattr(user, "profile", None)
        if getattr(profile, "view_authored_requests_only", False):
            scope &= Q(request__request_group__submitter_id=user.pk)
    visible = Observation.objects.filter(scope).values("pk")
    return queryset.filter(pk__in=visible).order_by("-id")


def direct_submission_only(queryset: QuerySet[Observation], user: Any) -> QuerySet[Observation]:
    """Non-staff callers act only on their direct-submission proposals' observations."""
    if user.is_staff:
        return queryset
    return queryset.filter(
        request__request_group__proposal__direct_submission=True,
        request__request_group__proposal__membership__user_id=user.pk,
    )
