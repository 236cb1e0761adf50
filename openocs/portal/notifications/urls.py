"""Routes of notifications (under ``api/``)."""

from django.urls import URLPattern, URLResolver, include, path

from openocs.portal.notifications.views import ChangesView, EmailPreferenceView, WebhookViewSet
from openocs.web.routers import OptionalSlashSimpleRouter, optional_slash_path

router = OptionalSlashSimpleRouter()
router.register("webhooks", WebhookViewSet, basename="webhooks")

urlpatterns: list[URLPattern | URLResolver] = [
    optional_slash_path("api/changes/", ChangesView.as_view(), name="changes"),
    optional_slash_path(
        "api/notifications/preferences/",
        EmailPreferenceView.as_view(),
        name="notification-preferences",
    ),
    path("api/", include(router.urls)),
]
