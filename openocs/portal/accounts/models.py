"""The user's profile: preferences and account state kept beside Django's ``User``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """One row per user (created with the user, see ``signals.py``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    institution = models.CharField(max_length=200, blank=True, default="")
    title = models.CharField(max_length=200, blank=True, default="")
    education_user = models.BooleanField(
        default=False, help_text="Education users get no time-allocation reminders."
    )
    notifications_enabled = models.BooleanField(
        default=False, help_text="E-mail about request events of every proposal of the user."
    )
    notifications_on_authored_only = models.BooleanField(
        default=False, help_text="Only e-mail about request groups the user submitted."
    )
    simple_interface = models.BooleanField(default=False)
    view_authored_requests_only = models.BooleanField(
        default=False, help_text="Only show request groups the user submitted."
    )
    staff_view = models.BooleanField(
        default=False, help_text="Staff only: see every proposal's objects, not only their own."
    )
    terms_accepted = models.DateTimeField(null=True, blank=True)
    password_expiration = models.DateTimeField(
        null=True, blank=True, help_text="After this time the user must change the password."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_profiles",
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"Profile of {self.user}"
