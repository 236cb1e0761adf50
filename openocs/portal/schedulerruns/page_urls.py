"""Routes of the scheduler pages (staff)."""

from __future__ import annotations

from django.urls import URLPattern, path

from openocs.portal.schedulerruns import pages

urlpatterns: list[URLPattern] = [
    path("scheduler/", pages.runs, name="page-scheduler-runs"),
    path("scheduler/runs/<int:pk>/", pages.run_detail, name="page-scheduler-run"),
]
