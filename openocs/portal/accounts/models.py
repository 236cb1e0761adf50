"""The user's profile: preferences and account state kept beside Django's ``User``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings


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


class SealedArchiveToken(models.Model):
    """The profile's archive token (``tokens.archive``), encrypted with a key derived from
    ``SECRET_KEY``.

    OAuth2 tokens are stored hashed (django-oauth-toolkit keeps only their SHA-256), so the
    profile could not show the same archive token twice; this copy lets it, as the contract
    requires, without a readable token in the database. A database copy without ``SECRET_KEY``
    reveals no token (see :mod:`openocs.portal.accounts.sealing`, docs/security.md).
    """

    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL,
        on_delete=models.CASCADE,
        related_name="archive_seal",
    )
    sealed = models.TextField()

    def __str__(self) -> str:
        return f"Sealed archive token #{self.access_token_id}"
