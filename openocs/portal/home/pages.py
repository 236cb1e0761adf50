"""``/``: the observatory's front page for everyone, the dashboard for a signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openocs.portal.home import selectors


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context: dict[str, Any] = {
        "network": selectors.network_overview(now=now),
        "semester": selectors.current_semester(now=now),
        "now": now,
    }
    if request.user.is_authenticated:
        context["cards"] = selectors.proposal_cards(user=request.user, now=now)
        context["time_kinds"] = [label for label, _, _ in selectors.TIME_KINDS]
        context["recent"] = selectors.recent_requestgroups(user=request.user)
        return render(request, "home/dashboard.html", context)
    return render(request, "home/public.html", context)
