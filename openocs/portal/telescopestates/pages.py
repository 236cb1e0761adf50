"""``/telescopes/``: every telescope's state now, its timeline and its availability per night
over the last days (the services of ``/api/telescope_states/`` and
``/api/telescope_availability/``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openocs.clients.errors import ClientError
from openocs.portal.home.selectors import network_overview
from openocs.portal.telescopestates import services
from openocs.portal.telescopestates.errors import ProviderUnavailable
from openocs.portal.telescopestates.timeline import availability_figure, state_timeline_figure

DAY_CHOICES = (1, 3, 7, 14)
DEFAULT_DAYS = 3


def telescopes(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    try:
        days = int(request.GET.get("days", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    if days not in DAY_CHOICES:
        days = DEFAULT_DAYS
    start = now - timedelta(days=days)
    context: dict[str, Any] = {
        "network": network_overview(now=now),
        "now": now,
        "days": days,
        "day_choices": DAY_CHOICES,
        "timeline": None,
        "availability": None,
        "error": "",
    }
    try:
        states = services.telescope_states_get(start=start, end=now, now=now)
        fractions = services.telescope_availability_get(start=start, end=now, now=now)
    except (ProviderUnavailable, ClientError):
        context["error"] = "The telescope states cannot be read now; try again in a few minutes."
    else:
        context["timeline"] = state_timeline_figure(states, start=start, end=now)
        context["availability"] = availability_figure(fractions)
    return render(request, "telescopestates/telescopes.html", context)
