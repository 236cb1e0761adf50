"""Routes of the downtime component, relative to its mount point (``/`` or ``/downtime/``)."""

from django.urls import URLPattern, URLResolver, re_path

from openocs.downtime import pages, views
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("api", views.DowntimeViewSet, basename="downtime")

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("", pages.downtime_page, name="downtime-page"),
    optional_slash_path("timeline/", pages.timeline_page, name="downtime-timeline"),
    optional_slash_path("new/", pages.create_page, name="downtime-new"),
    re_path(r"^(?P<pk>[0-9]+)/edit/?$", pages.edit_page, name="downtime-edit"),
    re_path(r"^(?P<pk>[0-9]+)/delete/?$", pages.delete_page, name="downtime-delete"),
    optional_slash_path("api/calendar.ics", views.calendar_feed, name="downtime-calendar"),
    optional_slash_path("api/overlaps/", views.OverlapView.as_view(), name="downtime-overlaps"),
    optional_slash_path(
        "api/categories/", views.DowntimeCategoryList.as_view(), name="downtime-categories"
    ),
    *router.urls,
]
