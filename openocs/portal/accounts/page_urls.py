"""Routes of the profile page."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from openocs.portal.accounts import pages

urlpatterns: list[URLPattern] = [
    path("profile/", pages.profile, name="page-profile"),
    re_path(r"^profile$", pages.profile),
    path("profile/token/rotate", pages.token_rotate, name="page-profile-token-rotate"),
    path("profile/notifications", pages.notifications_save, name="page-profile-notifications"),
    path("profile/webhooks", pages.webhook_add, name="page-profile-webhook-add"),
    path(
        "profile/webhooks/<int:pk>/delete", pages.webhook_delete, name="page-profile-webhook-delete"
    ),
]
