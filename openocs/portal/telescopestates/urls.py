"""Routes of telescope states and availability (under ``api/``)."""

from django.urls import URLPattern, URLResolver

from openocs.portal.telescopestates.views import TelescopeAvailabilityView, TelescopeStatesView
from openocs.web.routers import optional_slash_path

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path(
        "api/telescope_states/", TelescopeStatesView.as_view(), name="telescope-states"
    ),
    optional_slash_path(
        "api/telescope_availability/",
        TelescopeAvailabilityView.as_view(),
        name="telescope-availability",
    ),
]
