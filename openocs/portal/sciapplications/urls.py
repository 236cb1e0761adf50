"""Routes of the science applications, relative to the portal's mount point (``api/…``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from openocs.portal.sciapplications import views
from openocs.web.routers import OptionalSlashSimpleRouter

router = OptionalSlashSimpleRouter()
router.register(r"api/calls", views.CallViewSet, basename="calls")
router.register(
    r"api/scienceapplications", views.ScienceApplicationViewSet, basename="scienceapplications"
)

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
