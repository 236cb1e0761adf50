"""Routes of the proposal-cycle pages: calls, applications, reviews, the committee's actions."""

from __future__ import annotations

from django.urls import URLPattern, path

from openocs.portal.sciapplications import pages

urlpatterns: list[URLPattern] = [
    path("calls/", pages.calls, name="page-calls"),
    path("calls/<int:pk>/ranking", pages.ranking, name="page-call-ranking"),
    path("applications/", pages.applications, name="page-applications"),
    path("applications/new", pages.application_new, name="page-application-new"),
    path("applications/<int:pk>/", pages.application_detail, name="page-application"),
    path("applications/<int:pk>/pdf", pages.application_pdf, name="page-application-pdf"),
    path("applications/<int:pk>/delete", pages.application_delete, name="page-application-delete"),
    path(
        "applications/<int:pk>/reviewers", pages.application_assign, name="page-application-assign"
    ),
    path("applications/<int:pk>/accept", pages.application_accept, name="page-application-accept"),
    path("applications/<int:pk>/reject", pages.application_reject, name="page-application-reject"),
    path("reviews/", pages.review_list, name="page-reviews"),
    path("reviews/<int:pk>/", pages.review_detail, name="page-review"),
    path("reviews/<int:pk>/withdraw", pages.review_withdraw, name="page-review-withdraw"),
]
