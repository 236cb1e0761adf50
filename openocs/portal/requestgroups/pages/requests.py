"""Web pages of request groups and requests: lists, details, cancellation.

Each page parses, calls the selectors and services the API calls (``requestgroups_visible_to``,
the API's filter sets, ``requestgroup_cancel``, ``request_cancel``) and renders. What the viewer
may not see is a 404 page, exactly like an id that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openocs.clients.errors import ClientError
from openocs.portal.notifications.selectors import requestgroup_history
from openocs.portal.proposals.selectors import proposals_visible_to
from openocs.portal.requestgroups import selectors, services
from openocs.portal.requestgroups.airmass_plot import airmass_figure
from openocs.portal.requestgroups.filters import RequestFilter, RequestGroupFilter
from openocs.portal.requestgroups.models import Request, RequestGroup, State
from openocs.portal.requestgroups.page_forms import RequestFilterForm, RequestGroupFilterForm
from openocs.portal.requestgroups.science_data import request_data
from openocs.portal.requestgroups.states import TransitionError
from openocs.web.exceptions import ServiceUnavailable
from openocs.web.responses import not_found_page

PAGE_SIZE = 25
GROUP_ORDERINGS = frozenset(
    f"{sign}{name}"
    for name in ("created", "name", "state", "proposal", "observation_type", "modified", "end")
    for sign in ("", "-")
)
REQUEST_ORDERINGS = frozenset({"id", "-id", "state", "-state"})


def _ordering(request: HttpRequest, allowed: frozenset[str], default: str) -> str:
    value = request.GET.get("ordering", "")
    return value if value in allowed else default


def _day_start(day: Any) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def _day_end(day: Any) -> datetime | None:
    return datetime.combine(day, time.max, tzinfo=UTC) if day else None


@login_required
def requestgroup_list(request: HttpRequest) -> HttpResponse:
    """``/requestgroups/``: the groups the viewer may see, filtered, sorted, paginated."""
    proposals = list(proposals_visible_to(request.user).order_by("id").values_list("id", flat=True))
    form = RequestGroupFilterForm(request.GET or None, proposals=proposals)
    ordering = _ordering(request, GROUP_ORDERINGS, "-created")
    visible = selectors.requestgroups_visible_to(request.user)
    counts: dict[str, int] = {}
    if form.is_bound and not form.is_valid():
        groups = visible.none()
    else:
        cleaned = form.cleaned_data if form.is_bound else {}
        params = form.filter_params(ordering) if form.is_bound else _ordering_params(ordering)
        groups = selectors.requestgroups_with_windows_between(
            RequestGroupFilter(params, queryset=visible).qs,
            after=_day_start(cleaned.get("window_after")),
            before=_day_end(cleaned.get("window_before")),
        )
        without_state = params.copy()
        without_state.pop("state", None)
        counts = selectors.requestgroup_state_counts(
            selectors.requestgroups_with_windows_between(
                RequestGroupFilter(without_state, queryset=visible).qs,
                after=_day_start(cleaned.get("window_after")),
                before=_day_end(cleaned.get("window_before")),
            )
        )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "requestgroups/pages/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [_group_row(group) for group in page],
            "counts": counts,
            "total": sum(counts.values()),
            "current_state": request.GET.get("state", ""),
            "ordering": ordering,
            "columns": _GROUP_COLUMNS,
        },
    )


def _group_row(group: RequestGroup) -> dict[str, Any]:
    """What a list row shows, from the prefetched requests, windows and targets."""
    requests = list(group.requests.all())
    targets: list[str] = []
    ends = []
    for row in requests:
        ends += [window.end for window in row.windows.all()]
        for configuration in row.configurations.all():
            target = getattr(configuration, "target", None)
            if target is not None and target.name not in targets:
                targets.append(target.name)
    return {
        "group": group,
        "request_count": len(requests),
        "targets": targets[:3] + (["…"] if len(targets) > 3 else []),
        "last_window_end": max(ends) if ends else None,
    }


_GROUP_COLUMNS = [
    ("Name", "name"),
    ("State", "state"),
    ("Proposal", "proposal"),
    ("Type", "observation_type"),
    ("Requests", ""),
    ("Targets", ""),
    ("Created", "created"),
    ("Last window ends", "end"),
]


def _ordering_params(ordering: str) -> Any:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["ordering" if ordering.lstrip("-") != "end" else "order"] = ordering
    return params


def _telescope_classes() -> list[str]:
    from openocs.portal.requestgroups.configuration import load_portal_configuration

    try:
        return sorted({t.telescope_class for t in load_portal_configuration().telescopes})
    except (ServiceUnavailable, ClientError):
        return []


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """``/requests/``: every request the viewer may see, filtered, sorted, paginated."""
    form = RequestFilterForm(request.GET or None)
    classes = _telescope_classes()
    if classes:
        form.fields["telescope_class"].choices = [("", "Any")] + [(c, c) for c in classes]  # type: ignore[attr-defined]
    ordering = _ordering(request, REQUEST_ORDERINGS, "-id")
    visible = selectors.requests_visible_to(request.user).select_related(
        "request_group", "request_group__proposal"
    )
    if form.is_bound and not form.is_valid():
        rows = visible.none()
    else:
        params = form.filter_params(ordering) if form.is_bound else _request_ordering(ordering)
        rows = RequestFilter(params, queryset=visible).qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "requestgroups/pages/request_list.html",
        {"form": form, "page_obj": page, "ordering": ordering},
    )


def _request_ordering(ordering: str) -> Any:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params["ordering"] = ordering
    return params


def _group_or_none(request: HttpRequest, pk: int) -> RequestGroup | None:
    return selectors.requestgroups_visible_to(request.user).filter(pk=pk).first()


def _request_or_none(request: HttpRequest, pk: int) -> Request | None:
    return (
        selectors.requests_visible_to(request.user)
        .select_related("request_group", "request_group__proposal", "request_group__submitter")
        .filter(pk=pk)
        .first()
    )


@login_required
def requestgroup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/requestgroups/<id>/``: the group, its requests and its recorded history."""
    group = _group_or_none(request, pk)
    if group is None:
        return not_found_page(request, f"Request group {pk}")
    requests = list(group.requests.all())
    return render(
        request,
        "requestgroups/pages/group_detail.html",
        {
            "group": group,
            "requests": requests,
            "history": requestgroup_history(group_id=group.pk),
            "can_cancel": group.state == State.PENDING,
            "durations": {r.pk: r.duration for r in requests},
        },
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """``/requests/<id>/``: windows, configurations, observations, why it waits, its data; the
    airmass plot follows from ``request_airmass``."""
    row = _request_or_none(request, pk)
    if row is None:
        return not_found_page(request, f"Request {pk}")
    now = timezone.now()
    observations = list(
        row.observations.prefetch_related(
            "configuration_statuses__summary", "configuration_statuses__configuration"
        ).order_by("start", "id")
    )
    return render(
        request,
        "requestgroups/pages/request_detail.html",
        {
            "row": row,
            "group": row.request_group,
            "configurations": list(row.configurations.all()),
            "windows": list(row.windows.all()),
            "observations": observations,
            "waiting": selectors.request_waiting_reasons(
                row, now=now, observations=observations, visible=None
            ),
            "data": request_data(request_id=row.pk, user=request.user, http_request=request),
            "can_cancel": row.state == State.PENDING,
        },
    )


@login_required
def request_airmass(request: HttpRequest, pk: int) -> HttpResponse:
    """``/requests/<id>/airmass``: the airmass plot, loaded by the request page after it shows
    (the first computation of a week of visibility takes a moment; the portal caches it)."""
    row = _request_or_none(request, pk)
    if row is None:
        return not_found_page(request, f"Request {pk}")
    observations = list(row.observations.order_by("start", "id"))
    try:
        figure, no_plot_reason = airmass_figure(
            request=row, user=request.user, observations=observations
        )
    except (ServiceUnavailable, ClientError):
        figure, no_plot_reason = None, "The configuration database does not answer now."
    return render(
        request,
        "requestgroups/pages/_airmass.html",
        {"figure": figure, "no_plot_reason": no_plot_reason},
    )


@login_required
@require_http_methods(["GET", "POST"])
def requestgroup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """``/requestgroups/<id>/cancel/``: asks first (GET), cancels on POST."""
    group = _group_or_none(request, pk)
    if group is None:
        return not_found_page(request, f"Request group {pk}")
    detail = reverse("page-requestgroup", args=[group.pk])
    if request.method == "POST":
        try:
            services.requestgroup_cancel(group=group, user=request.user)
        except TransitionError:
            messages.error(
                request, f"“{group.name}” is {group.state.lower()}: it cannot be canceled."
            )
        else:
            messages.success(request, f"“{group.name}” and its pending requests are canceled.")
        return redirect(detail)
    return render(
        request,
        "requestgroups/pages/confirm_cancel.html",
        {
            "title": f"Cancel the request group “{group.name}”?",
            "explanation": "Every pending request of the group is canceled, with its scheduled "
            "observations. Completed requests stay as they are. This cannot be undone.",
            "back_url": detail,
            "confirm_label": "Cancel the group",
            "group": group,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """``/requests/<id>/cancel/``: asks first (GET), cancels one request on POST."""
    row = _request_or_none(request, pk)
    if row is None:
        return not_found_page(request, f"Request {pk}")
    detail = reverse("page-request", args=[row.pk])
    if request.method == "POST":
        try:
            services.request_cancel(request=row, user=request.user)
        except TransitionError:
            messages.error(
                request, f"Request {row.pk} is {row.state.lower()}: it cannot be canceled."
            )
        else:
            messages.success(request, f"Request {row.pk} is canceled.")
        return redirect(detail)
    return render(
        request,
        "requestgroups/pages/confirm_cancel.html",
        {
            "title": f"Cancel request {row.pk}?",
            "explanation": f"Only this request of “{row.request_group.name}” is canceled, with "
            "its scheduled observations; the group's other requests go on. This cannot be undone.",
            "back_url": detail,
            "confirm_label": "Cancel the request",
            "group": row.request_group,
            "row": row,
        },
    )
