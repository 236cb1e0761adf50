"""Routes of request groups, requests and the instrument digest (under ``api/``)."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from openocs.portal.requestgroups.drafts import DraftViewSet
from openocs.portal.requestgroups.pages import compose
from openocs.portal.requestgroups.views import (
    AirmassView,
    ContentionView,
    DitherView,
    InstrumentsView,
    PressureView,
    RequestGroupViewSet,
    RequestViewSet,
)
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("requestgroups", RequestGroupViewSet, basename="requestgroups")
router.register("requests", RequestViewSet, basename="requests")
router.register("drafts", DraftViewSet, basename="drafts")

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("api/instruments/", InstrumentsView.as_view(), name="instruments"),
    optional_slash_path("api/airmass/", AirmassView.as_view(), name="airmass"),
    optional_slash_path("api/pressure/", PressureView.as_view(), name="pressure"),
    re_path(
        r"^api/contention/(?P<instrument_type>[^/]+)/?$",
        ContentionView.as_view(),
        name="contention",
    ),
    optional_slash_path(
        "api/configurations/dither/", DitherView.as_view(), name="configurations-dither"
    ),
    path("api/", include(router.urls)),
    # Web pages: Compose (TOM Toolkit's redirect flow opens /create?target_…&redirect_uri=…)
    optional_slash_path("create/", compose.compose, name="compose"),
    path("create/validate", compose.compose_validate, name="compose-validate"),
    path("create/form", compose.compose_form, name="compose-form"),
    path("create/draft", compose.compose_draft, name="compose-draft"),
    path("create/visibility", compose.compose_visibility, name="compose-visibility"),
    path("create/pattern", compose.compose_pattern, name="compose-pattern"),
    path("create/resolve", compose.compose_resolve, name="compose-resolve"),
]
