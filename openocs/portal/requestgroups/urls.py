"""Routes of request groups, requests and the instrument digest (under ``api/``)."""

from django.urls import URLPattern, URLResolver, include, path

from openocs.portal.requestgroups.views import InstrumentsView, RequestGroupViewSet, RequestViewSet
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("requestgroups", RequestGroupViewSet, basename="requestgroups")
router.register("requests", RequestViewSet, basename="requests")

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("api/instruments/", InstrumentsView.as_view(), name="instruments"),
    path("api/", include(router.urls)),
]
