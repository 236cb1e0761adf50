"""Route of the network schedule page (staff)."""

from __future__ import annotations

from django.urls import URLPattern, path

from openocs.portal.observations import pages

urlpatterns: list[URLPattern] = [
    path("network/", pages.schedule, name="page-network-schedule"),
]
