"""``/network/``: the network schedule for staff (observations, downtimes, nights, now)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openocs.portal.observations.network_schedule import (
    DEFAULT_AFTER,
    DEFAULT_BEFORE,
    SpanError,
    network_schedule,
    schedule_figure,
    schedule_span,
)
from openocs.portal.proposals.selectors import is_staff_view


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404("Not found")  # like the admin: others do not learn the page exists
    now = timezone.now()
    context: dict[str, Any] = {
        "now": now,
        "error": "",
        "schedule": None,
        "figure": None,
        # the API's scoping: staff see every proposal's observations with their staff view on
        "partial_view": not is_staff_view(request.user),
    }
    try:
        start, end = schedule_span(request.GET, now=now)
    except SpanError as error:
        start, end = now - DEFAULT_BEFORE, now + DEFAULT_AFTER
        context["error"] = error.message
    context.update(start=start, end=end)
    if context["error"]:
        return render(request, "observations/network_schedule.html", context, status=400)
    found = network_schedule(user=request.user, start=start, end=end, now=now)
    context["schedule"] = found
    context["figure"] = schedule_figure(found)
    return render(request, "observations/network_schedule.html", context)
