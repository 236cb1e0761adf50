"""Routes of the scheduler runs API (under ``api/``, OpenOCS extension)."""

from django.urls import URLPattern, URLResolver, re_path

from openocs.portal.schedulerruns.views import SchedulerRunsView, SchedulerRunView
from openocs.web.routers import optional_slash_path

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("api/scheduler/runs/", SchedulerRunsView.as_view(), name="scheduler-runs"),
    re_path(
        r"^api/scheduler/runs/(?P<pk>[0-9]+)/?$",
        SchedulerRunView.as_view(),
        name="scheduler-run",
    ),
]
