"""Routes of the downtime component, relative to its mount point (``/`` or ``/downtime/``)."""

from django.urls import URLPattern, URLResolver

from openocs.downtime import views
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("api", views.DowntimeViewSet, basename="downtime")

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("", views.downtime_page, name="downtime-page"),
    optional_slash_path("api/calendar.ics", views.calendar_feed, name="downtime-calendar"),
    optional_slash_path("api/overlaps/", views.OverlapView.as_view(), name="downtime-overlaps"),
    optional_slash_path(
        "api/categories/", views.DowntimeCategoryList.as_view(), name="downtime-categories"
    ),
    *router.urls,
]
