"""Web pages of request groups and requests: lists, details, cancellation.

Each page parses, calls the selectors and services the API calls (``requestgroups_visible_to``,
the API's filter sets, ``requestgroup_cancel``, ``request_cancel``) and renders. What the viewer
may not see is a 404 page, exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
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
from openocs.portal.requestgroups.filters import RequestGroupFilter, RequestPageFilter
from openocs.portal.requestgroups.models import Request, RequestGroup, State
from openocs.portal.requestgroups.page_forms import (
    ListFilterForm,
    RequestFilterForm,
    RequestGroupFilterForm,
    ordering_params,
)
from openocs.portal.requestgroups.science_data import request_data
from openocs.portal.requestgroups.states import TransitionError
from openocs.portal.schedulerruns.selectors import request_latest_explanation
from openocs.web.exceptions import ServiceUnavailable
from openocs.web.responses import not_found_page

PAGE_SIZE = 25
GROUP_ORDERINGS = frozenset(
    f"{sign}{name}"
    for name in ("id", "created", "name", "state", "proposal", "observation_type", "end")
    for sign in ("", "-")
)
REQUEST_ORDERINGS = frozenset(
    f"{sign}{name}"
    for name in ("id", "state", "proposal", "group", "created", "duration")
    for sign in ("", "-")
)


def _ordering(request: HttpRequest, allowed: frozenset[str], default: str) -> str:
    value = request.GET.get("ordering", "")
    return value if value in allowed else default


def _visible_proposals(request: HttpRequest) -> list[str]:
    return list(proposals_visible_to(request.user).order_by("id").values_list("id", flat=True))


def _filtered(
    form: ListFilterForm,
    ordering: str,
    visible: QuerySet[Any],
    filterset: type[django_filters.FilterSet],
    between: Callable[..., QuerySet[Any]],
) -> tuple[QuerySet[Any], dict[str, int]]:
    """``(rows, state counts)``: the rows the form's filters and ordering select from
    ``visible`` with the API's filter set, and how many of them each state has when the state
    filter is left out (the chips)."""
    if form.is_bound and not form.is_valid():
        return visible.none(), {}
    if not form.is_bound:
        params = ordering_params(form, ordering)
        return filterset(params, queryset=visible).qs, selectors.state_counts(visible)
    after, before = form.window_range()
    params = form.filter_params(ordering)
    rows = between(filterset(params, queryset=visible).qs, after=after, before=before)
    without_state = params.copy()
    without_state.pop("state", None)
    counted = between(filterset(without_state, queryset=visible).qs, after=after, before=before)
    return rows, selectors.state_counts(counted)


def _list_context(
    request: HttpRequest, form: ListFilterForm, rows: QuerySet[Any], counts: dict[str, int]
) -> dict[str, Any]:
    return {
        "form": form,
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": counts,
        "total": sum(counts.values()),
        "current_state": request.GET.get("state", ""),
        "filtered": form.is_bound
        and any(request.GET.get(name) for name in form.fields if name != "state"),
    }


@login_required
def requestgroup_list(request: HttpRequest) -> HttpResponse:
    """``/requestgroups/``: the groups the viewer may see, filtered, sorted, paginated, counted
    by state."""
    form = RequestGroupFilterForm(request.GET or None, proposals=_visible_proposals(request))
    ordering = _ordering(request, GROUP_ORDERINGS, "-created")
    groups, counts = _filtered(
        form,
        ordering,
        selectors.requestgroups_visible_to(request.user),
        RequestGroupFilter,
        selectors.requestgroups_with_windows_between,
    )
    context = _list_context(request, form, groups, counts)
    context.update(
        {
            "rows": [_group_row(group) for group in context["page_obj"]],
            "ordering": ordering,
            "columns": _GROUP_COLUMNS,
        }
    )
    return render(request, "requestgroups/pages/list.html", context)


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
    ("Id", "id", True),
    ("Name", "name", False),
    ("State", "state", False),
    ("Proposal", "proposal", False),
    ("Type", "observation_type", False),
    ("Requests", "", True),
    ("Targets", "", False),
    ("Created", "created", False),
    ("Last window ends", "end", False),
]

_REQUEST_COLUMNS = [
    ("Request", "id", False),
    ("State", "state", False),
    ("Group", "group", False),
    ("Proposal", "proposal", False),
    ("Instrument", "", False),
    ("Target", "", False),
    ("Created", "created", False),
    ("Duration", "duration", True),
]


def _telescope_classes() -> list[str]:
    from openocs.portal.requestgroups.configuration import load_portal_configuration

    try:
        return sorted({t.telescope_class for t in load_portal_configuration().telescopes})
    except (ServiceUnavailable, ClientError):
        return []


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """``/requests/``: every request the viewer may see, filtered, sorted, paginated, counted
    by state."""
    form = RequestFilterForm(
        request.GET or None,
        proposals=_visible_proposals(request),
        classes=_telescope_classes(),
    )
    ordering = _ordering(request, REQUEST_ORDERINGS, "-id")
    rows, counts = _filtered(
        form,
        ordering,
        selectors.requests_visible_to(request.user),
        RequestPageFilter,
        selectors.requests_with_windows_between,
    )
    context = _list_context(request, form, rows, counts)
    context.update({"ordering": ordering, "columns": _REQUEST_COLUMNS})
    return render(request, "requestgroups/pages/request_list.html", context)


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
    waiting = selectors.request_waiting_reasons(
        row, now=now, observations=observations, visible=None
    )
    explanation = (
        request_latest_explanation(request_id=row.pk, user=request.user) if waiting else None
    )
    if explanation is not None:
        waiting = selectors.request_waiting_reasons(
            row, now=now, observations=observations, visible=None, explained=True
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
            "waiting": waiting,
            "explanation": explanation,
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


def _confirm_then_cancel(
    request: HttpRequest,
    *,
    cancel: Callable[[], object],
    detail_url: str,
    refused: str,
    done: str,
    confirm: dict[str, Any],
) -> HttpResponse:
    """The cancel pages' one flow: a GET asks (``confirm`` fills the confirmation page), a POST
    cancels through the service and goes back to the detail page with what happened."""
    if request.method == "POST":
        try:
            cancel()
        except TransitionError:
            messages.error(request, refused)
        else:
            messages.success(request, done)
        return redirect(detail_url)
    return render(
        request, "requestgroups/pages/confirm_cancel.html", {"back_url": detail_url, **confirm}
    )


@login_required
@require_http_methods(["GET", "POST"])
def requestgroup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """``/requestgroups/<id>/cancel/``: asks first (GET), cancels on POST."""
    group = _group_or_none(request, pk)
    if group is None:
        return not_found_page(request, f"Request group {pk}")
    return _confirm_then_cancel(
        request,
        cancel=lambda: services.requestgroup_cancel(group=group, user=request.user),
        detail_url=reverse("page-requestgroup", args=[group.pk]),
        refused=f"“{group.name}” is {group.state.lower()}: it cannot be canceled.",
        done=f"“{group.name}” and its pending requests are canceled.",
        confirm={
            "title": f"Cancel the request group “{group.name}”?",
            "explanation": "Every pending request of the group is canceled, with its scheduled "
            "observations. Completed requests stay as they are. This cannot be undone.",
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
    return _confirm_then_cancel(
        request,
        cancel=lambda: services.request_cancel(request=row, user=request.user),
        detail_url=reverse("page-request", args=[row.pk]),
        refused=f"Request {row.pk} is {row.state.lower()}: it cannot be canceled.",
        done=f"Request {row.pk} is canceled.",
        confirm={
            "title": f"Cancel request {row.pk}?",
            "explanation": f"Only this request of “{row.request_group.name}” is canceled, with "
            "its scheduled observations; the group's other requests go on. This cannot be undone.",
            "confirm_label": "Cancel the request",
            "group": row.request_group,
            "row": row,
        },
    )
