"""Routes of observations, configuration statuses and change polling (under ``api/``)."""

from django.urls import URLPattern, URLResolver, include, path

from openocs.portal.observations.views import (
    ConfigurationStatusViewSet,
    LastChangedView,
    LastScheduledView,
    ObservationViewSet,
    ScheduleViewSet,
)
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("observations", ObservationViewSet, basename="observations")
router.register("configurationstatus", ConfigurationStatusViewSet, basename="configurationstatus")
router.register("schedule", ScheduleViewSet, basename="schedule")  # direct submission (§15)

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("api/last_changed/", LastChangedView.as_view(), name="last-changed"),
    optional_slash_path("api/last_scheduled/", LastScheduledView.as_view(), name="last-scheduled"),
    path("api/", include(router.urls)),
]
