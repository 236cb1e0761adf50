"""Routes of the proposals app, relative to the portal's mount point (``api/…``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from openocs.portal.proposals import views
from openocs.web.routers import OptionalSlashSimpleRouter

router = OptionalSlashSimpleRouter()
router.register(r"api/proposals", views.ProposalViewSet, basename="proposals")
router.register(r"api/semesters", views.SemesterViewSet, basename="semesters")
router.register(r"api/memberships", views.MembershipViewSet, basename="memberships")
router.register(r"api/invitations", views.InvitationViewSet, basename="invitations")

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)
